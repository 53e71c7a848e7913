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
/// </summary>
[SuppressMessage("Reliability", "CA1001", Justification = "One gate per database file for the life of the process.")]
internal sealed class SqliteWriteGate
{
    private static readonly ConcurrentDictionary<string, SqliteWriteGate> Gates = new(StringComparer.Ordinal);

    // SemaphoreSlim hands a released turn to the oldest waiter of WaitAsync: first come, first served.
    private readonly SemaphoreSlim _turn = new(1, 1);

    /// <summary>The gate of the database <paramref name="key"/> names (its full path): one per file per process.</summary>
    public static SqliteWriteGate For(string key) => Gates.GetOrAdd(key, _ => new SqliteWriteGate());

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

        var connection = new WriteConnection(connectionString, _turn);
        try
        {
            await connection.OpenAsync(ct);
            // With WAL, NORMAL writes the commit to the log without waiting for the disk: a commit survives
            // the process being killed, not a power cut (docs/deployment.md, "SQLite writes").
            await using (var pragma = connection.CreateCommand())
            {
                pragma.CommandText = "PRAGMA synchronous = NORMAL";
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

    /// <summary>A connection that gives its write turn back when it is closed (disposing closes it).</summary>
    internal sealed class WriteConnection(string connectionString, SemaphoreSlim turn) : SqliteConnection(connectionString)
    {
        private SemaphoreSlim? _turn = turn;

        public override void Close()
        {
            try
            {
                base.Close();
            }
            finally
            {
                Interlocked.Exchange(ref _turn, null)?.Release();
            }
        }
    }
}
