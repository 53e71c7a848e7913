namespace Tenancy.Server.Storage.Caching;

/// <summary>
/// The two counters of a <see cref="CacheStamp"/>.
/// <list type="bullet">
/// <item>Local: bumped on this instance after a change commits and before its response is sent
/// (<see cref="CacheMiddleware"/>, background workers), so the very next request here reads afresh.</item>
/// <item>Epoch: what this instance knows of changes made anywhere. SQLite: the one-row table cache_epoch,
/// which triggers bump in the transaction of every change to cached data, as <see cref="EpochWatcher"/>
/// last read it. PostgreSQL: the count of notifications <see cref="CacheListener"/> received (no hot row
/// that would serialize writers). Neither is known before the first read or while the listener is not
/// connected: nothing is served from the cache then.</item>
/// </list>
/// </summary>
public sealed class CacheGenerations
{
    internal const string EpochSql = "SELECT n FROM cache_epoch WHERE id = 1";

    private long _local;
    private long _epoch;
    private bool _trusted;

    public long Local => Interlocked.Read(ref _local);

    /// <summary>Call after a change to cached data has committed, before anyone is told it is done.</summary>
    public void Bump() => Interlocked.Increment(ref _local);

    /// <summary>The stamp of now; null while the epoch is not known (then every read is strict).</summary>
    public CacheStamp? Read()
    {
        // Local first: a change that commits meanwhile then makes the stamp older, never newer.
        var local = Local;
        var epoch = Interlocked.Read(ref _epoch);
        return Volatile.Read(ref _trusted) ? new CacheStamp(local, epoch) : null;
    }

    /// <summary>PostgreSQL: a notification arrived: something cached may have changed on another instance.</summary>
    internal void Notified() => Interlocked.Increment(ref _epoch);

    /// <summary>
    /// PostgreSQL: the listener is (again) listening: what changed while it was not is unknown, so every entry
    /// is dropped by a bump, then the cache is trusted again.
    /// </summary>
    internal void Listening()
    {
        Interlocked.Increment(ref _epoch);
        Volatile.Write(ref _trusted, true);
    }

    /// <summary>
    /// SQLite: the epoch row as just read. The row counts every change to cached data, so an entry read under
    /// an equal value is still what the store holds, whatever happened between two reads.
    /// </summary>
    internal void Observed(long epoch)
    {
        Interlocked.Exchange(ref _epoch, epoch);
        Volatile.Write(ref _trusted, true);
    }

    /// <summary>The epoch cannot be followed now: from now on every read is strict until it can again.</summary>
    internal void Deaf() => Volatile.Write(ref _trusted, false);

    /// <summary>Whether the cache is currently trusted.</summary>
    public bool Trusted => Volatile.Read(ref _trusted);
}
