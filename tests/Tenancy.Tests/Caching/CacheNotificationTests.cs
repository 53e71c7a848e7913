using Dapper;
using Npgsql;
using Tenancy.Server.Storage;
using Tenancy.Server.Storage.Caching;

namespace Tenancy.Tests.Caching;

/// <summary>
/// PostgreSQL: the cache's change notification is sent by statements that change a watched row, not by every
/// statement on a watched table. A periodic cleanup that finds nothing to delete must not make every instance
/// drop its cache.
/// </summary>
public sealed class CacheNotificationTests : IAsyncLifetime
{
    private TestStore _store = null!;
    private TenancyServer _server = null!;

    public ValueTask InitializeAsync()
    {
        _store = TestStore.Create(StorageProvider.Postgres);
        _server = TenancyServer.Start(_store);
        return ValueTask.CompletedTask;
    }

    public async ValueTask DisposeAsync()
    {
        await _server.DisposeAsync();
        await _store.DisposeAsync();
    }

    [Fact]
    public async Task StatementsThatChangeNoRow_NotifyNothing_AndOneThatChangesRows_NotifiesOnce()
    {
        var ct = TestContext.Current.CancellationToken;
        await _server.RootAsync();
        await using var listener = (NpgsqlConnection)await _server.OpenStoreAsync();
        var notified = 0;
        listener.Notification += (_, e) =>
        {
            if (e.Channel == CacheListener.Channel)
            {
                Interlocked.Increment(ref notified);
            }
        };
        await listener.ExecuteAsync($"LISTEN {CacheListener.Channel}");

        await using (var c = await _server.OpenStoreAsync())
        {
            // Each in its own transaction, as the deletion worker's purge and a revocation cleanup run.
            await c.ExecuteAsync("DELETE FROM users WHERE deleted_at IS NOT NULL AND deleted_at <= 0");
            await c.ExecuteAsync("DELETE FROM revoked_tokens WHERE false");
            await c.ExecuteAsync("UPDATE api_clients SET status = status WHERE false");
            // Then one statement that changes rows: every tenant's name, unchanged in value.
            Assert.True(await c.ExecuteAsync("UPDATE tenants SET name = name WHERE deleted_at IS NULL") >= 1);
        }

        // All four statements have committed, so whatever they sent is on its way: wait for the first
        // notification, then read on until none comes for a while (each wait processes what has arrived).
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(30);
        while (Volatile.Read(ref notified) == 0 && DateTime.UtcNow < deadline)
        {
            await listener.WaitAsync(TimeSpan.FromSeconds(1), ct);
        }

        while (await listener.WaitAsync(TimeSpan.FromSeconds(1), ct))
        {
        }

        Assert.Equal(1, Volatile.Read(ref notified));
    }
}
