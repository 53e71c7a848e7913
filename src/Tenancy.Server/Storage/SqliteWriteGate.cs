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

    private readonly ILogger? _logger;

    // 1 while a checkpoint is scheduled and has not started yet.
    private int _checkpointPending;

    private SqliteWriteGate(ILogger? logger) => _logger = logger;

    /// <summary>The gate of the database <paramref name="key"/> names (its full path): one per file per process.</summary>
    public static SqliteWriteGate For(string key, ILogger? logger = null) => Gates.GetOrAdd(key, _ => new SqliteWriteGate(logger));

    /// <summary>
    /// Opens a connection holding this database's write turn until it is closed. Waits at most
    /// <paramref name="timeout"/> (as SQLite's busy handling would), then throws <see cref="TimeoutException"/>
    /// (the store is unavailable: 503).
    /// </summary>
    public async Task<SqliteConnection> OpenAsync(string connectionString, TimeSpan timeout, CancellationToken ct)
    {
        if (!await _turn.WaitAsync(timeout, ct))
        {
            throw new TimeoutException($"No write turn on the SQLite database within {timeout.TotalSeconds:0} s.");
        }

        var connection = new WriteConnection(connectionString, this);
        try
        {
            await connection.OpenAsync(ct);
            // With WAL, NORMAL writes the commit to the log without waiting for the disk: a commit survives
            // the process being killed, not a power cut (docs/deployment.md, "SQLite writes"). The commit does
            // not checkpoint: the gate does, after the turn (see the class summary).
            await using (var pragma = connection.CreateCommand())
            {
                pragma.CommandText = "PRAGMA synchronous = NORMAL; PRAGMA wal_autocheckpoint = 0";
                await pragma.ExecuteNonQueryAsync(ct);
            }

            return connection;
        }
        catch
        {
            // Closing gives the turn back.
            await connection.DisposeAsync();
            throw;
        }
    }

    /// <summary>The turn is over: give it to the next writer and see that the log is checkpointed soon.</summary>
    private void Release(string connectionString)
    {
        _turn.Release();
        if (Interlocked.Exchange(ref _checkpointPending, 1) == 0)
        {
            _ = Task.Run(() => CheckpointAsync(connectionString));
        }
    }

    private async Task CheckpointAsync(string connectionString)
    {
        await Task.Delay(CheckpointDelay);
        Volatile.Write(ref _checkpointPending, 0);
        try
        {
            // ReadWrite: a file removed meanwhile is not created again.
            var builder = new SqliteConnectionStringBuilder(connectionString);
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

    /// <summary>
    /// A connection that gives its write turn back when it is closed (disposing closes it), or earlier with
    /// <see cref="EndTurn"/> when what is left to do is reading.
    /// </summary>
    internal sealed class WriteConnection(string connectionString, SqliteWriteGate gate) : SqliteConnection(connectionString)
    {
        private SqliteWriteGate? _gate = gate;

        /// <summary>True until the turn is given back: only then may a write transaction begin on it.</summary>
        public bool HasTurn => Volatile.Read(ref _gate) is not null;

        /// <summary>Gives the turn to the next writer; the connection stays open for reads.</summary>
        public void EndTurn() => Interlocked.Exchange(ref _gate, null)?.Release(ConnectionString);

        public override void Close()
        {
            try
            {
                base.Close();
            }
            finally
            {
                EndTurn();
            }
        }
    }
}
