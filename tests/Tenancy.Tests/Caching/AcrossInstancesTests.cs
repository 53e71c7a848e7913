using Dapper;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Tenancy.Server.Storage;
using Tenancy.Server.Storage.Caching;

namespace Tenancy.Tests.Caching;

/// <summary>
/// Two instances on one store, B's cache warm, changes made through A. B learns of a change when it next reads
/// the epoch row (SQLite, every few milliseconds) or by notification (PostgreSQL), so the test waits for the
/// condition; the bound is measured by bench/propagation.sh, not asserted here.
/// </summary>
public abstract class AcrossInstancesTests(StorageProvider provider) : IAsyncLifetime
{
    private TestStore _store = null!;
    private TenancyServer _a = null!;
    private TenancyServer _b = null!;

    protected TenancyServer A => _a;

    protected TenancyServer B => _b;

    public ValueTask InitializeAsync()
    {
        _store = TestStore.Create(provider);
        _a = TenancyServer.Start(_store);
        _b = TenancyServer.Start(_store);
        return ValueTask.CompletedTask;
    }

    public async ValueTask DisposeAsync()
    {
        await _a.DisposeAsync();
        await _b.DisposeAsync();
        await _store.DisposeAsync();
        GC.SuppressFinalize(this);
    }

    /// <summary>B's answer to GET <paramref name="path"/> once it has <paramref name="status"/>.</summary>
    private static async Task<JsonElement> OnBAsync(HttpClient onB, string path, HttpStatusCode status)
    {
        await Eventually.ValueAsync(async () => (await onB.GetAsync(path, TestContext.Current.CancellationToken)).StatusCode, s => s == status, null, $"{status} from B for {path}");
        return await onB.GetAsync(path, TestContext.Current.CancellationToken).ExpectAsync(status);
    }

    [Fact]
    public async Task SuspensionAndRenameThroughA_AreSeenByB()
    {
        var a = await _a.RootAsync();
        var tree = await a.BuildSubtreeAsync();
        var path = $"/api/2/tenants/{tree.CustomerId}";
        using var customerAdminOnB = _b.WithBearer(tree.CustomerAdmin.Token());
        await customerAdminOnB.WarmAsync(_b, path);

        await a.SetEnabledAsync(tree.PartnerId, false);
        var refused = await OnBAsync(customerAdminOnB, path, HttpStatusCode.Unauthorized);
        Assert.Equal(401, refused.GetProperty("error").GetProperty("code").GetInt32());

        await a.SetEnabledAsync(tree.PartnerId, true);
        await OnBAsync(customerAdminOnB, path, HttpStatusCode.OK);
        await customerAdminOnB.WarmAsync(_b, path);
        await a.ChangeTenantAsync(tree.CustomerId, version => new { name = "renamed through A", version });
        await Eventually.ValueAsync(async () => (await customerAdminOnB.GetAsync(path, TestContext.Current.CancellationToken).ExpectAsync(HttpStatusCode.OK)).Str("name"),
            n => n == "renamed through A", null, "B to see the new name");
        Assert.Equal("renamed through A", (await customerAdminOnB.GetAsync(path, TestContext.Current.CancellationToken).ExpectAsync(HttpStatusCode.OK)).Str("name"));
    }
}

public sealed class AcrossInstancesTestsSqlite() : AcrossInstancesTests(StorageProvider.Sqlite);

public sealed class AcrossInstancesTestsPostgres() : AcrossInstancesTests(StorageProvider.Postgres)
{
    /// <summary>
    /// B's listener connection is terminated and a change is made whose notification B cannot get (written with
    /// triggers off, as if sent in the gap): once B listens again, its next request sees the change.
    /// </summary>
    [Fact]
    public async Task WhenTheListenerIsCut_BIsStrictUntilItListensAgain_AndMissesNothing()
    {
        var (a, b) = (await A.RootAsync(), await B.RootAsync());
        var tree = await a.BuildSubtreeAsync();
        var path = $"/api/2/tenants/{tree.UnitId}";
        await b.WarmAsync(path);
        var listener = ListenerOf(b.Server);
        var before = listener.BackendPid;
        Assert.NotEqual(0, before);

        await using (var c = await a.Server.OpenStoreAsync())
        {
            Assert.True(await c.ExecuteScalarAsync<bool>("SELECT pg_terminate_backend(@before)", new { before }));
            await c.ExecuteAsync("SET session_replication_role = replica; " +
                "UPDATE tenants SET name = 'renamed in the gap' WHERE id = @id; SET session_replication_role = origin", new { id = tree.UnitId });
        }

        await Eventually.ValueAsync(() => Task.FromResult(listener.BackendPid), pid => pid != 0 && pid != before, null, "B to listen again");
        Assert.Equal("renamed in the gap", (await b.GetAsync(path).ExpectAsync(HttpStatusCode.OK)).Str("name"));

        await b.WarmAsync(path);
        await a.ChangeTenantAsync(tree.UnitId, version => new { name = "renamed after", version });
        await Eventually.ValueAsync(async () => (await b.GetAsync(path).ExpectAsync(HttpStatusCode.OK)).Str("name"),
            n => n == "renamed after", null, "B to see the change after it listens again");
    }

    private static CacheListener ListenerOf(TenancyServer server) =>
        server.Services.GetServices<IHostedService>().OfType<CacheListener>().Single();
}
