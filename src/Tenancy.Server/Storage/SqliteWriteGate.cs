using System.Collections.Concurrent;
using System.Diagnostics.CodeAnalysis;
using Microsoft.Data.Sqlite;

namespace Tenancy.Server.Storage;

/// <summary>
/// The writers of one SQLite database file in this process take turns here, in arrival order, before
/// they touch the file. SQLite lets one connection write at a time; a connection that finds the file
/// locked gets SQLITE_BUSY, and Microsoft.Data.Sqlite retries it only after sleeping 150 ms (blocking its
/// thread), so under concurrent writes the losers slept past the moment the lock was free again: that
/// was the write tail. Queued here, the next writer starts as soon as the previous one closes its
/// connection. Readers never come here (WAL lets them read while a writer writes). Another process on the
/// same file still waits through SQLite's busy handling.
///
/// Checkpoints happen here too, outside every writer's turn. By default the commit that grows the WAL past
/// 1,000 pages copies it into the database file and syncs it, while the writers behind it wait: that was
/// the rest of the tail. Write connections therefore do not checkpoint (wal_autocheckpoint = 0); shortly
/// after writes the gate runs a PASSIVE checkpoint on a connection of its own, which SQLite runs alongside
/// readers and writers. It changes nothing of durability: with WAL a commit is safe once it is in the log.
/// </summary>
[SuppressMessage("Reliability", "CA1001", Justification = "One gate per database file for the life of the process.")]
internal sealed class SqliteWriteGate
{
    private static readonly ConcurrentDictionary<string, SqliteWriteGate> Gates = new(StringComparer.Ordinal);

    /// <summary>How long after a write the background checkpoint runs: writes meanwhile share it.</summary>
    private static readonly TimeSpan CheckpointDelay = TimeSpan.FromMilliseconds(100);

    // SemaphoreSlim hands a released turn to the oldest waiter of WaitAsync: first come, first served.
    private readonly SemaphoreSlim _turn = new(1, 1);

    private readonly string _connectionString;
    private readonly ILogger? _logger;

    // 1 while a checkpoint is scheduled and has not started yet.
    private int _checkpointPending;

    private SqliteWriteGate(string connectionString, ILogger? logger)
    {
        _connectionString = connectionString;
        _logger = logger;
    }

    /// <summary>The gate of the database <paramref name="key"/> names (its full path): one per file per process.</summary>
    public static SqliteWriteGate For(string key, string connectionString, ILogger? logger = null) =>
        Gates.GetOrAdd(key, _ => new SqliteWriteGate(connectionString, logger));

    /// <summary>
    /// A session of <paramref name="sessions"/> holding this database's write turn until it is closed. Waits at
    /// most <paramref name="timeout"/> (as SQLite's busy handling would), then throws <see cref="TimeoutException"/>
    /// (the store is unavailable: 503).
    /// </summary>
    public async Task<SqliteSession> OpenAsync(SqliteSessions sessions, TimeSpan timeout, CancellationToken ct)
    {
        if (!await _turn.WaitAsync(timeout, ct))
        {
            throw new TimeoutException($"No write turn on the SQLite database within {timeout.TotalSeconds:0} s.");
        }

        try
        {
            var session = await sessions.RentAsync(ct);
            session.TakeTurn(this);
            return session;
        }
        catch
        {
            _turn.Release();
            throw;
        }
    }

    /// <summary>The turn is over: give it to the next writer and see that the log is checkpointed soon.</summary>
    internal void Release()
    {
        _turn.Release();
        if (Interlocked.Exchange(ref _checkpointPending, 1) == 0)
        {
            _ = Task.Run(CheckpointAsync);
        }
    }

    private async Task CheckpointAsync()
    {
        await Task.Delay(CheckpointDelay);
        Volatile.Write(ref _checkpointPending, 0);
        try
        {
            // ReadWrite: a file removed meanwhile is not created again.
            var builder = new SqliteConnectionStringBuilder(_connectionString);
            if (builder.Mode == SqliteOpenMode.ReadWriteCreate)
            {
                builder.Mode = SqliteOpenMode.ReadWrite;
            }

            await using var connection = new SqliteConnection(builder.ToString());
            await connection.OpenAsync();
            await using var checkpoint = connection.CreateCommand();
            // PASSIVE copies what no reader still needs and never waits for readers or writers; what it leaves
            // is copied by the next one.
            checkpoint.CommandText = "PRAGMA wal_checkpoint(PASSIVE)";
            await checkpoint.ExecuteNonQueryAsync();
        }
        catch (SqliteException e)
        {
            // Nothing is lost: the log keeps every commit and the next write schedules another checkpoint.
            _logger?.LogWarning("SQLite checkpoint failed ({Code}): {Message}", e.SqliteErrorCode, e.Message);
        }
    }
}
