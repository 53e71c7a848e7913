namespace Tenancy.Server.Storage.Caching;

/// <summary>
/// The two counters of a <see cref="CacheStamp"/>.
/// <list type="bullet">
/// <item>Local: bumped on this instance after a change commits and before its response is sent
/// (<see cref="CacheMiddleware"/>, background workers), so the very next request here reads afresh.</item>
/// <item>Epoch: SQLite, the one-row table cache_epoch that triggers bump in the transaction of every change
/// to cached data (read once per request: strict across processes on one file). PostgreSQL, the count of
/// notifications <see cref="CacheListener"/> received (no hot row that would serialize writers); null
/// while the listener is not connected, so nothing is served from the cache then.</item>
/// </list>
/// </summary>
public sealed class CacheGenerations(Database db)
{
    internal const string EpochSql = "SELECT n FROM cache_epoch WHERE id = 1";

    private long _local;
    private long _notified;
    private bool _listening;

    public long Local => Interlocked.Read(ref _local);

    /// <summary>Call after a change to cached data has committed, before anyone is told it is done.</summary>
    public void Bump() => Interlocked.Increment(ref _local);

    public async Task<CacheStamp?> ReadAsync(CancellationToken ct)
    {
        // Local first: a change that commits while the epoch is read then makes the stamp older, never newer.
        var local = Local;
        if (db.Provider == StorageProvider.Postgres)
        {
            var epoch = Interlocked.Read(ref _notified);
            return Volatile.Read(ref _listening) ? new CacheStamp(local, epoch) : null;
        }

        await using var c = await db.OpenAsync(ct);
        return new CacheStamp(local, await c.ExecuteScalarAsync<long>(new CommandDefinition(EpochSql, cancellationToken: ct)));
    }

    /// <summary>A notification arrived: something cached may have changed on another instance.</summary>
    internal void Notified() => Interlocked.Increment(ref _notified);

    /// <summary>
    /// The listener is (again) listening: what changed while it was not is unknown, so every entry is dropped
    /// by a bump, then the cache is trusted again.
    /// </summary>
    internal void Listening()
    {
        Interlocked.Increment(ref _notified);
        Volatile.Write(ref _listening, true);
    }

    /// <summary>The listener lost its connection: from now on every read is strict until it listens again.</summary>
    internal void Deaf() => Volatile.Write(ref _listening, false);

    /// <summary>Whether the cache is currently trusted (always on SQLite).</summary>
    public bool Trusted => db.Provider != StorageProvider.Postgres || Volatile.Read(ref _listening);
}
