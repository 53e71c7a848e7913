using System.Data;
using System.Data.Common;
using System.Diagnostics.CodeAnalysis;
using Microsoft.Data.Sqlite;

namespace Tenancy.Server.Storage;

/// <summary>
/// A command of a <see cref="SqliteSession"/> that runs on the statements the session keeps prepared for its
/// SQL text: the first execution of a text prepares them, later ones (by any command of the session) only bind
/// and step. Settings made before the text is known (Dapper sets the transaction first) are applied when it is.
/// If the kept statements are busy (another open command of the session runs the same text) it uses statements
/// of its own, as a plain command would.
/// </summary>
[SuppressMessage("Security", "CA2100", Justification = "The text comes from the caller, as with any DbCommand; parameters are bound.")]
internal sealed class CachedCommand(SqliteSession session) : DbCommand
{
    private SqliteCommand? _inner;
    private bool _leased;
    private string _text = "";
    private DbTransaction? _transaction;
    private int? _timeout;
    private DbDataReader? _reader;

    [AllowNull]
    public override string CommandText
    {
        get => _text;
        set
        {
            var text = value ?? "";
            if (_inner is null || text == _text)
            {
                _text = text;
                return;
            }

            // The text changes once statements were chosen: the parameters already added go along.
            var parameters = _inner.Parameters.Cast<SqliteParameter>().ToList();
            Release();
            _text = text;
            Inner.Parameters.AddRange(parameters);
        }
    }

    public override int CommandTimeout
    {
        get => _timeout ?? session.DefaultTimeout;
        set
        {
            _timeout = value;
            _inner?.CommandTimeout = value;
        }
    }

    public override CommandType CommandType
    {
        get => CommandType.Text;
        set
        {
            if (value != CommandType.Text)
            {
                throw new ArgumentException("SQLite runs text commands only.", nameof(value));
            }
        }
    }

    public override bool DesignTimeVisible { get; set; }

    public override UpdateRowSource UpdatedRowSource { get; set; }

    protected override DbConnection? DbConnection
    {
        get => session;
        set
        {
            if (value is not null && !ReferenceEquals(value, session))
            {
                throw new InvalidOperationException("A command of a kept SQLite connection stays on it.");
            }
        }
    }

    protected override DbParameterCollection DbParameterCollection => Inner.Parameters;

    protected override DbTransaction? DbTransaction
    {
        get => _transaction;
        set
        {
            _transaction = value;
            _inner?.Transaction = (SqliteTransaction?)value;
        }
    }

    /// <summary>The statements to run: the session's for this text, or a command of its own.</summary>
    private SqliteCommand Inner
    {
        get
        {
            if (_inner is null)
            {
                _inner = _text.Length > 0 ? session.Lease(_text) : null;
                _leased = _inner is not null;
                if (_inner is null)
                {
                    _inner = session.CreateCommand();
                    _inner.CommandText = _text;
                }

                _inner.Transaction = (SqliteTransaction?)_transaction;
                if (_timeout is { } timeout)
                {
                    _inner.CommandTimeout = timeout;
                }
            }

            return _inner;
        }
    }

    public override void Cancel() => _inner?.Cancel();

    public override int ExecuteNonQuery() => Run(c => c.ExecuteNonQuery());

    public override object? ExecuteScalar() => Run(c => c.ExecuteScalar());

    public override void Prepare() => Run(c =>
    {
        c.Prepare();
        return 0;
    });

    protected override DbDataReader ExecuteDbDataReader(CommandBehavior behavior) =>
        _reader = Run(c => c.ExecuteReader(behavior));

    protected override DbParameter CreateDbParameter() => new SqliteParameter();

    protected override void Dispose(bool disposing)
    {
        if (disposing)
        {
            Release();
        }

        base.Dispose(disposing);
    }

    /// <summary>Runs <paramref name="run"/> on the statements; one that fails gives them up rather than keep them half-run.</summary>
    private T Run<T>(Func<SqliteCommand, T> run)
    {
        var inner = Inner;
        try
        {
            return run(inner);
        }
        catch
        {
            _reader?.Dispose();
            _reader = null;
            if (_leased)
            {
                session.GiveBack(inner, reusable: false);
                _leased = false;
                _inner = null;
            }

            throw;
        }
    }

    private void Release()
    {
        if (_inner is null)
        {
            return;
        }

        // A reader still open (its user did not read to the end and did not dispose it) keeps the statements busy.
        var reusable = _reader is null || _reader.IsClosed;
        if (!reusable)
        {
            session.MarkBroken();
        }

        if (_leased)
        {
            session.GiveBack(_inner, reusable);
        }
        else
        {
            _inner.Dispose();
        }

        _inner = null;
        _leased = false;
        _reader = null;
    }
}
