using Npgsql;
using Tenancy.Server.Storage;

namespace Tenancy.Tests.Storage;

/// <summary>
/// A store that refuses writes (as a primary being demoted does, SQLSTATE 25006): writes answer 503 with
/// Retry-After in each dialect's envelope and change nothing, reads go on, readiness fails while liveness
/// holds; once the store takes writes again, so does Tenancy, without a restart. Nothing is logged as an error.
/// </summary>
public sealed class ReadOnlyStoreTests
{
    [Fact]
    public async Task AReadOnlyStore_Answers503WithRetryAfter_IsNotReady_AndRecoversWhenWritableAgain()
    {
        var logs = new LogCapture();
        await using var server = TenancyServer.Start(StorageProvider.Postgres, logs: logs);
        var root = await server.RootAsync();
        var rootId = await root.OwnTenantIdAsync();
        var partner = (await root.CreateTenantAsync(rootId, "partner")).Str("id");
        using var anonymous = server.Anonymous();

        await SetReadOnlyAsync(server.Store, true);
        // Pooled connections were cut: until the pool is renewed a write may meet one (503 as well).
        var refused = await WriteUntilAsync(root, rootId, HttpStatusCode.ServiceUnavailable);
        var body = await root.Http.ExpectAsync(refused, HttpStatusCode.ServiceUnavailable);
        Assert.Equal(503, body.GetProperty("error").GetProperty("code").GetInt32());
        Assert.Equal(TimeSpan.FromSeconds(1), refused.Headers.RetryAfter?.Delta);
        refused.Dispose();

        using var nse = await root.PostJsonAsync("/api/v2.1/tenants", new
        {
            code = "ro_" + Guid.NewGuid().ToString("N")[..8], name = "While read-only", zuora_account_name = "RO", zuora_account_number = "A00000001",
            parent_id = partner,
        });
        var status = (await root.Http.ExpectAsync(nse, HttpStatusCode.ServiceUnavailable)).GetProperty("status");
        Assert.Equal(503, status.GetProperty("code").GetInt32());
        Assert.NotNull(nse.Headers.RetryAfter);

        using var ready = await anonymous.GetAsync("/healthz/ready", TestContext.Current.CancellationToken);
        var readiness = await anonymous.ExpectAsync(ready, HttpStatusCode.ServiceUnavailable);
        Assert.Equal("unavailable", readiness.Str("status"));
        Assert.Contains("read-only", readiness.Str("detail"), StringComparison.Ordinal);
        Assert.Equal("ok", (await anonymous.GetAsync("/healthz/live", TestContext.Current.CancellationToken).ExpectAsync(HttpStatusCode.OK)).Str("status"));
        Assert.Equal("root", (await root.GetTenantAsync(rootId)).Str("kind"));

        await SetReadOnlyAsync(server.Store, false);
        using var created = await WriteUntilAsync(root, rootId, HttpStatusCode.Created);
        var tenant = await root.Http.ExpectAsync(created, HttpStatusCode.Created);
        Assert.Equal("ok", (await anonymous.GetAsync("/healthz/ready", TestContext.Current.CancellationToken).ExpectAsync(HttpStatusCode.OK)).Str("status"));

        // Only the write answered 201 exists: none refused while read-only was stored.
        using var children = await root.GetAsync($"/api/2/tenants?parent_id={rootId}");
        var names = (await root.Http.ExpectAsync(children, HttpStatusCode.OK)).GetProperty("items").EnumerateArray().Select(t => t.Str("name"));
        Assert.Equal([tenant.Str("name")], names.Where(n => n.StartsWith("read-only-", StringComparison.Ordinal)));
        using var underPartner = await root.GetAsync($"/api/2/tenants?parent_id={partner}");
        Assert.Equal(0, (await root.Http.ExpectAsync(underPartner, HttpStatusCode.OK)).GetProperty("items").GetArrayLength());
        Assert.True(logs.Errors.IsEmpty, string.Join("\n", logs.Errors.Take(5)));
    }

    /// <summary>Posts tenants until one answers <paramref name="wanted"/>; every other answer must be a 503 or a 201.</summary>
    private static async Task<HttpResponseMessage> WriteUntilAsync(Api root, string rootId, HttpStatusCode wanted)
    {
        for (var i = 0; i < 50; i++)
        {
            var response = await root.PostJsonAsync("/api/2/tenants", new { name = $"read-only-{Guid.NewGuid():N}", kind = "partner", parent_id = rootId });
            if (response.StatusCode == wanted)
            {
                return response;
            }

            var text = await response.Content.ReadAsStringAsync();
            Assert.True(response.StatusCode is HttpStatusCode.ServiceUnavailable, $"{(int)response.StatusCode} {text}");
            response.Dispose();
        }

        Assert.Fail($"no write answered {(int)wanted} in 50 attempts");
        return null!;
    }

    /// <summary>Makes the test's database refuse (or take) writes in new sessions, and cuts the sessions it has.</summary>
    private static async Task SetReadOnlyAsync(TestStore store, bool readOnly)
    {
        var database = new NpgsqlConnectionStringBuilder(store.ConnectionString).Database!;
        await using var admin = new NpgsqlConnection(TestStore.PostgresAdmin);
        await admin.OpenAsync();
        var setting = readOnly ? "SET default_transaction_read_only = on" : "RESET default_transaction_read_only";
        await using (var alter = new NpgsqlCommand($"ALTER DATABASE {database} {setting}", admin))
        {
            await alter.ExecuteNonQueryAsync();
        }

        await using var cut = new NpgsqlCommand(
            "SELECT count(pg_terminate_backend(pid)) FROM pg_stat_activity WHERE datname = @database AND pid <> pg_backend_pid()", admin);
        cut.Parameters.AddWithValue("database", database);
        await cut.ExecuteScalarAsync();
    }
}
