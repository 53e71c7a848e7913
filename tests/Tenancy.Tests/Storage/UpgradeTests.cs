using Dapper;
using Microsoft.Extensions.FileProviders;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;
using Tenancy.Server.Storage;
using Tenancy.Tests.Users;

namespace Tenancy.Tests.Storage;

/// <summary>A store made by the first schema version, with data in it, is upgraded on start and keeps working.</summary>
public abstract class UpgradeTests(StorageProvider provider)
{
    private sealed class Environment(string root) : IHostEnvironment
    {
        public string EnvironmentName { get; set; } = "Testing";
        public string ApplicationName { get; set; } = "Tenancy.Server";
        public string ContentRootPath { get; set; } = root;
        public IFileProvider ContentRootFileProvider { get; set; } = new NullFileProvider();
    }

    [Fact]
    public async Task AStoreAtSchema0001_IsUpgradedOnStart_AndItsDataStaysUsable()
    {
        await using var store = TestStore.Create(provider);
        await using var db = Open(store);
        var (_, partnerId, clientId) = await SeedAsync(db, through: "0001");

        await using var server = TenancyServer.Start(store);

        Assert.Empty(Migrator.Pending(db));
        using var admin = await server.LoginAsync(clientId, PasswordHashTests.FirstVersionSecret);
        var partner = await admin.GetTenantAsync(partnerId);
        Assert.Equal("Old partner", partner.Str("name"));
        Assert.Equal(4, partner.Long("version"));
        var renamed = await admin.PutJsonAsync($"/api/2/tenants/{partnerId}", new { name = "Renamed", version = 4 }).ExpectAsync(HttpStatusCode.OK);
        Assert.Equal(5, renamed.Long("version"));
        var customer = await admin.CreateTenantAsync(partnerId, "customer");
        Assert.Equal(partnerId, customer.Str("parent_id"));
        var listed = await admin.GetAsync("/api/v2.1/tenants?sort_by=name&order_by=asc").ExpectAsync(HttpStatusCode.OK);
        Assert.Equal(3, listed.GetProperty("result").Long("total_records"));
        var levels = await admin.GetAsync("/api/v2.1/servicelevels").ExpectAsync(HttpStatusCode.OK);
        Assert.Equal(4, levels.GetProperty("result").Long("returned_records"));
    }


    [Fact]
    public async Task UsageStoredBeforeSchema0008_IsKept_AndShownByBothDialects()
    {
        await using var store = TestStore.Create(provider);
        await using var db = Open(store);
        var (_, partnerId, clientId) = await SeedAsync(db, through: "0006");
        var taken = DateTimeOffset.UtcNow.AddHours(-1);
        var at = (taken.ToUnixTimeMilliseconds() - taken.ToUnixTimeMilliseconds() % 1000) * 1000;
        await using (var c = await db.OpenAsync(TestContext.Current.CancellationToken))
        {
            await c.ExecuteAsync("INSERT INTO subscriptions (number, tenant_id, created_at) VALUES ('A-OLD1', @partnerId, 1700000000000000)", new { partnerId });
            await c.ExecuteAsync("INSERT INTO commitments (subscription, service_level, effective_from, committed, recorded_at) " +
                "VALUES ('A-OLD1', 'standard', 1700000000000000, 2, 1700000000000000)");
            await c.ExecuteAsync("INSERT INTO usage_samples (subscription, service_level, sampled_at, consumed, received_at) " +
                "VALUES ('A-OLD1', 'standard', @at, 3.5, @at)", new { at });
            await c.ExecuteAsync("INSERT INTO usage_current (subscription, service_level, consumed, consumed_at, committed, committed_from) " +
                "VALUES ('A-OLD1', 'standard', 3.5, @at, 2, 1700000000000000)", new { at });
        }

        await using var server = TenancyServer.Start(store);

        using var admin = await server.LoginAsync(clientId, PasswordHashTests.FirstVersionSecret);
        var map = await admin.GetAsync($"/api/2/usage/tenants/{partnerId}").ExpectAsync(HttpStatusCode.OK);
        var line = map.GetProperty("usage").GetProperty("A-OLD1")[0];
        Assert.Equal(("standard", 3.5, 2.0, 1.5), (line.Str("service_level"), line.GetProperty("consumed").GetDouble(),
            line.GetProperty("committed").GetDouble(), line.GetProperty("burst").GetDouble()));
        var usages = await admin.GetAsync($"/api/2/tenants/{partnerId}/usages?usage_names=standard").ExpectAsync(HttpStatusCode.OK);
        Assert.Equal(7L << 39, usages.GetProperty("items")[0].Long("value")); // 3.5 TiB in bytes
        var again = await admin.PostJsonAsync("/api/2/usage", new
        {
            items = new[] { new { tenant_id = partnerId, subscription = "A-OLD1", service_level = "standard", consumed = 9, timestamp = Tenancy.Server.Tenants.Timestamps.Format(at) } },
        }).ExpectAsync(HttpStatusCode.OK);
        Assert.Equal(1, again.GetProperty("duplicates").GetInt32());
    }

    private Database Open(TestStore store)
    {
        var db = new Database(Options.Create(new StorageOptions
        {
            Provider = provider.ToString().ToLowerInvariant(),
            ConnectionString = store.ConnectionString,
        }), new Environment(store.DataDirectory));
        Directory.CreateDirectory(db.DataDirectory);
        return db;
    }

    /// <summary>Applies the migrations through <paramref name="through"/> and writes a root, a partner and a root client as the first version did.</summary>
    private async Task<(string RootId, string PartnerId, string ClientId)> SeedAsync(Database db, string through)
    {
        Migrator.Apply(db, through: through);
        Assert.NotEmpty(Migrator.Pending(db));

        // Rows as the first version wrote them: a root, a partner, and an API client of the root whose
        // secret hash has the first version's format (PBKDF2-HMAC-SHA256, "pbkdf2-sha256$iterations$salt$hash").
        var (rootId, partnerId, clientId) = (Guid.NewGuid().ToString(), Guid.NewGuid().ToString(), Guid.NewGuid().ToString());
        await using (var c = await db.OpenAsync(TestContext.Current.CancellationToken))
        {
            const string insert = "INSERT INTO tenants (seq, id, parent_seq, parent_id, path, level, kind, name, enabled, version, " +
                "created_at, updated_at, customer_type, language, ancestral_access, update_lock_enabled, brand_uuid, default_idp_id, " +
                "mfa_status, pricing_mode) VALUES (@Seq, @Id, @ParentSeq, @ParentId, @Path, @Level, @Kind, @Name, TRUE, 4, " +
                "1700000000000000, 1700000000000000, 'default', 'en', TRUE, FALSE, @Id, @Id, 'disabled', 'production')";
            await c.ExecuteAsync(insert, new { Seq = 1L, Id = rootId, ParentSeq = (long?)null, ParentId = rootId, Path = "/1/", Level = 0, Kind = "root", Name = "Old root" });
            await c.ExecuteAsync(insert, new { Seq = 2L, Id = partnerId, ParentSeq = (long?)1L, ParentId = rootId, Path = "/1/2/", Level = 1, Kind = "partner", Name = "Old partner" });
            await c.ExecuteAsync(
                "INSERT INTO api_clients (id, tenant_seq, tenant_id, type, token_endpoint_auth_method, data, status, secret_hash, " +
                "created_at, created_by) VALUES (@clientId, 1, @rootId, 'api_client', 'client_secret_basic', '{}', 'enabled', @hash, " +
                "1700000000000000, 'bootstrap')",
                new { clientId, rootId, hash = PasswordHashTests.FirstVersionHash });
            if (provider == StorageProvider.Postgres)
            {
                // Rows inserted with explicit keys: move the identity past them, as a real history would have.
                await c.ExecuteAsync("SELECT setval(pg_get_serial_sequence('tenants', 'seq'), 2)");
            }
        }

        return (rootId, partnerId, clientId);
    }
}

public sealed class UpgradeTestsSqlite() : UpgradeTests(StorageProvider.Sqlite);

public sealed class UpgradeTestsPostgres() : UpgradeTests(StorageProvider.Postgres);
