using System.Collections.Concurrent;
using System.Data.Common;
using Microsoft.Data.Sqlite;

namespace Tenancy.Server.Storage;

/// <summary>
/// SQLite: the open connections of one database file in this process, kept open between uses with the
/// statements they prepared. Microsoft.Data.Sqlite prepares a command's SQL again on every execution (and runs
/// the connection's setup pragmas on every open from its pool); a profile of renames put statement preparation
/// at twice the time of executing them. A <see cref="SqliteSession"/> is handed out by <see cref="RentAsync"/>
/// and comes back here when its user closes (disposes) it; its commands reuse the statements it prepared before
/// for the same SQL (<see cref="CachedCommand"/>). At most <see cref="MaxIdle"/> stay open while idle.
/// </summary>
internal sealed class SqliteSessions(string connectionString) : IDisposable
{
    // Sessions are this pool's: Microsoft.Data.Sqlite's own pool would only hold the connections closed for good.
    private readonly string _connectionString = new SqliteConnectionStringBuilder(connectionString) { Pooling = false }.ToString();

    /// <summary>Idle sessions kept open; more than this many at once are closed when given back.</summary>
    public const int MaxIdle = 32;

    // Last in, first out: the session used last, whose statements and pages are warm, goes out first.
    private readonly ConcurrentStack<SqliteSession> _idle = new();
    private bool _disposed;

    /// <summary>An open session of its own for the caller until it closes (disposes) it.</summary>
    public async Task<SqliteSession> RentAsync(CancellationToken ct)
    {
        if (_idle.TryPop(out var idle))
        {
            return idle;
        }

        var session = new SqliteSession(_connectionString, this);
        try
        {
            await session.OpenAsync(ct);
            // With WAL, NORMAL writes a commit to the log without waiting for the disk: a commit survives the
            // process being killed, not a power cut (docs/deployment.md, "SQLite writes"). Commits do not
            // checkpoint: the write gate does, outside every writer's turn (see SqliteWriteGate).
            await using var pragma = session.CreateCommand();
            pragma.CommandText = "PRAGMA synchronous = NORMAL; PRAGMA wal_autocheckpoint = 0";
            await pragma.ExecuteNonQueryAsync(ct);
            return session;
        }
        catch
        {
            session.CloseForGood();
            throw;
        }
    }

    /// <summary>A session its user closed: kept for the next one, or closed when enough are idle.</summary>
    internal void Return(SqliteSession session)
    {
        if (Volatile.Read(ref _disposed) || _idle.Count >= MaxIdle)
        {
            session.CloseForGood();
            return;
        }

        _idle.Push(session);
        if (Volatile.Read(ref _disposed) && _idle.TryPop(out var late))
        {
            late.CloseForGood();
        }
    }

    public void Dispose()
    {
        Volatile.Write(ref _disposed, true);
        while (_idle.TryPop(out var session))
        {
            session.CloseForGood();
        }
    }
}

/// <summary>
/// One open SQLite connection of <see cref="SqliteSessions"/>. Closing or disposing it gives it back (open)
/// instead of closing it: a transaction still open is rolled back and a write turn still held is given to the
/// next writer. Commands made through <see cref="DbConnection.CreateCommand"/> (as Dapper makes them) keep
/// their prepared statements on the session, per SQL text.
/// </summary>
internal sealed class SqliteSession(string connectionString, SqliteSessions sessions) : SqliteConnection(connectionString)
{
    /// <summary>How many SQL texts a session keeps prepared; past it, all are finalized and it starts again.</summary>
    private const int MaxStatements = 200;

    private readonly Dictionary<string, CachedStatement> _statements = new(StringComparer.Ordinal);
    private SqliteWriteGate? _turn;
    private bool _broken;

    /// <summary>How many SQL texts this session keeps prepared now.</summary>
    internal int KeptStatements => _statements.Count;

    /// <summary>True while this session holds its database's write turn: only then may a write transaction begin on it.</summary>
    public bool HasTurn => Volatile.Read(ref _turn) is not null;

    internal void TakeTurn(SqliteWriteGate gate) => Volatile.Write(ref _turn, gate);

    /// <summary>Gives the write turn to the next writer; the session stays usable for reads until it is closed.</summary>
    public void EndTurn() => Interlocked.Exchange(ref _turn, null)?.Release();

    protected override DbCommand CreateDbCommand() => new CachedCommand(this);

    /// <summary>The statements kept for <paramref name="sql"/>, unless another command of this session is using them.</summary>
    internal SqliteCommand? Lease(string sql)
    {
        if (_statements.TryGetValue(sql, out var kept))
        {
            if (kept.InUse)
            {
                return null;
            }

            kept.InUse = true;
            return kept.Command;
        }

        if (_statements.Count >= MaxStatements)
        {
            ForgetStatements();
        }

        var command = CreateCommand();
        command.CommandText = sql;
        _statements[sql] = new CachedStatement(command) { InUse = true };
        return command;
    }

    /// <summary>Statements leased by <see cref="Lease"/> are done; <paramref name="reusable"/> is false when their last use failed midway.</summary>
    internal void GiveBack(SqliteCommand command, bool reusable)
    {
        if (_statements.TryGetValue(command.CommandText, out var kept) && ReferenceEquals(kept.Command, command))
        {
            command.Parameters.Clear();
            command.Transaction = null;
            if (reusable)
            {
                kept.InUse = false;
                return;
            }

            _statements.Remove(command.CommandText);
        }

        command.Dispose();
    }

    /// <summary>A reader was left open or a statement failed in a way that may leave state behind: close instead of keeping.</summary>
    internal void MarkBroken() => _broken = true;

    public override void Close()
    {
        if (State != System.Data.ConnectionState.Open)
        {
            return;
        }

        try
        {
            Transaction?.Dispose();
        }
        catch (SqliteException)
        {
            _broken = true;
        }

        EndTurn();
        if (_broken || _statements.Values.Any(s => s.InUse))
        {
            CloseForGood();
            return;
        }

        sessions.Return(this);
    }

    /// <summary>Finalizes the kept statements and closes the connection itself.</summary>
    internal void CloseForGood()
    {
        ForgetStatements();
        EndTurn();
        base.Close();
    }

    private void ForgetStatements()
    {
        foreach (var kept in _statements.Values.Where(s => !s.InUse).ToList())
        {
            kept.Command.Dispose();
            _statements.Remove(kept.Command.CommandText);
        }
    }

    private sealed class CachedStatement(SqliteCommand command)
    {
        public SqliteCommand Command { get; } = command;

        public bool InUse { get; set; }
    }
}
