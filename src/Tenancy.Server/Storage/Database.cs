using System.Data.Common;
using System.Text.Json;
using Microsoft.Data.Sqlite;
using Microsoft.Extensions.Options;
using Npgsql;

namespace Tenancy.Server.Storage;

public enum StorageProvider
{
    Sqlite,
    Postgres,
}

/// <summary>
/// Opens connections to the configured store. The SQL is shared between SQLite and PostgreSQL; the
/// few differences live here and in the per-provider migrations.
/// </summary>
public sealed class Database : IAsyncDisposable
{
    private readonly PostgresConnections? _postgres;

    /// <summary>SQLite: this database's write turns (see <see cref="OpenWriteAsync"/>).</summary>
    private readonly SqliteWriteGate? _writeGate;

    /// <summary>SQLite: connections kept open with their prepared statements (see <see cref="SqliteSessions"/>).</summary>
    private readonly SqliteSessions? _sessions;

    /// <summary>SQLite: how long a writer waits for its turn, as long as SQLite's busy handling waits (DefaultTimeout).</summary>
    private readonly TimeSpan _writeTimeout;

    static Database()
    {
        DefaultTypeMap.MatchNamesWithUnderscores = true;
    }

    public Database(IOptions<StorageOptions> options, IHostEnvironment environment, ILogger<Database>? logger = null)
    {
        // Relative paths are relative to the content root: the directory the server was started in.
        var root = environment.ContentRootPath;
        var o = options.Value;
        Provider = o.Provider.Trim().ToLowerInvariant() switch
        {
            "sqlite" => StorageProvider.Sqlite,
            "postgres" or "postgresql" => StorageProvider.Postgres,
            _ => throw new InvalidOperationException(
                $"Tenancy:Storage:Provider '{o.Provider}' is not supported; use 'sqlite' or 'postgres'."),
        };

        if (Provider == StorageProvider.Postgres)
        {
            if (string.IsNullOrWhiteSpace(o.ConnectionString))
            {
                throw new InvalidOperationException("Tenancy:Storage:ConnectionString is required for the postgres provider.");
            }

            // Hot statements are prepared once per connection and reused (unless the operator chose otherwise).
            var npgsql = new NpgsqlConnectionStringBuilder(o.ConnectionString);
            if (!o.ConnectionString.Contains("Auto Prepare", StringComparison.OrdinalIgnoreCase))
            {
                npgsql.MaxAutoPrepare = 64;
            }

            ConnectionString = npgsql.ConnectionString;
            _postgres = new PostgresConnections(NpgsqlDataSource.Create(ConnectionString));
            DataDirectory = Path.Combine(root, "data");
            return;
        }

        var builder = new SqliteConnectionStringBuilder(o.ConnectionString ?? "Data Source=data/tenancy.db")
        {
            ForeignKeys = true,
            Pooling = true,
            // Microsoft.Data.Sqlite retries SQLITE_BUSY for up to this many seconds.
            DefaultTimeout = 30,
        };
        if (builder.Mode != SqliteOpenMode.Memory && !string.IsNullOrEmpty(builder.DataSource))
        {
            builder.DataSource = Path.GetFullPath(builder.DataSource, root);
            DataDirectory = Path.GetDirectoryName(builder.DataSource)!;
        }
        else
        {
            DataDirectory = Path.Combine(root, "data");
        }

        ConnectionString = builder.ToString();
        _writeGate = SqliteWriteGate.For(builder.Mode == SqliteOpenMode.Memory ? ConnectionString : builder.DataSource, ConnectionString, logger);
        _sessions = new SqliteSessions(ConnectionString);
        _writeTimeout = TimeSpan.FromSeconds(builder.DefaultTimeout);
    }

    public StorageProvider Provider { get; }

    public string ConnectionString { get; }

    /// <summary>The folder of the database file (SQLite) or ./data: where first-start credentials are written.</summary>
    public string DataDirectory { get; }

    /// <summary>
    /// An open connection. On PostgreSQL a failed open is retried briefly (nothing was sent yet), then
    /// reported as <see cref="StoreUnavailableException"/>.
    /// </summary>
    public async Task<DbConnection> OpenAsync(CancellationToken ct = default)
    {
        if (_postgres is not null)
        {
            return await _postgres.OpenAsync(ct);
        }

        return await _sessions!.RentAsync(ct);
    }

    /// <summary>
    /// An open connection for a method that writes (a write transaction or a single write statement). On
    /// SQLite it holds this process's write turn on the database until it is closed: writers queue in
    /// arrival order instead of polling SQLite's file lock (see <see cref="SqliteWriteGate"/>), so a method
    /// must open it only around its writes and never open a second one while it holds it. On PostgreSQL
    /// it is an ordinary connection: writers run side by side.
    /// </summary>
    public async Task<DbConnection> OpenWriteAsync(CancellationToken ct = default) =>
        _writeGate is null ? await OpenAsync(ct) : await _writeGate.OpenAsync(_sessions!, _writeTimeout, ct);

    /// <summary>
    /// "column is one of @param", with the values bound as ONE parameter (see <see cref="List{T}"/>):
    /// an array on PostgreSQL (= ANY), a JSON array on SQLite (json_each). One statement text whatever
    /// the number of values, so it is prepared once.
    /// </summary>
    public string In(string column, string parameter) =>
        Provider == StorageProvider.Postgres
            ? $"{column} = ANY(@{parameter})"
            : $"{column} IN (SELECT value FROM json_each(@{parameter}))";

    /// <summary>The value to bind for a parameter used with <see cref="In"/>.</summary>
    public object List<T>(IEnumerable<T> values) =>
        Provider == StorageProvider.Postgres ? values.ToArray() : JsonSerializer.Serialize(values);

    /// <summary>SQLite: the internal keys on a materialized path ("/1/7/42/"), as a subquery for IN.</summary>
    private static string SqlitePathSeqs(string pathExpression) =>
        $"SELECT value FROM json_each('[' || replace(trim({pathExpression}, '/'), '/', ',') || ']')";

    /// <summary>
    /// "<paramref name="column"/> is one of the keys on the path <paramref name="pathExpression"/>". On PostgreSQL
    /// as <c>= ANY(array)</c>: written as <c>IN (SELECT unnest(...))</c>, the planner may scan the whole table when
    /// the statement's other condition looks rare (e.g. NOT enabled), instead of looking the path's keys up.
    /// </summary>
    public string OnPath(string column, string pathExpression) =>
        Provider == StorageProvider.Postgres
            ? $"{column} = ANY(string_to_array(trim(both '/' from {pathExpression}), '/')::bigint[])"
            : $"{column} IN ({SqlitePathSeqs(pathExpression)})";

    /// <summary>
    /// Begins a write transaction on a connection from <see cref="OpenWriteAsync"/>. SQLite takes the file's
    /// write lock up front (BEGIN IMMEDIATE); the connection's write turn means no other writer of this
    /// process holds it.
    /// </summary>
    public static async Task<DbTransaction> BeginWriteAsync(DbConnection connection, CancellationToken ct = default) =>
        connection switch
        {
            SqliteSession { HasTurn: true } sqlite => sqlite.BeginTransaction(deferred: false),
            SqliteConnection => throw new InvalidOperationException("A SQLite write transaction needs a connection from Database.OpenWriteAsync that still holds its turn."),
            _ => await connection.BeginTransactionAsync(ct),
        };

    /// <summary>
    /// SQLite: gives the write turn of a connection from <see cref="OpenWriteAsync"/> to the next writer once its
    /// writes are committed, so that reading back what the answer shows does not hold the other writers up.
    /// Nothing on PostgreSQL.
    /// </summary>
    public static void EndWriteTurn(DbConnection connection)
    {
        if (connection is SqliteSession sqlite)
        {
            sqlite.EndTurn();
        }
    }

    /// <summary>True when <paramref name="ex"/> is a uniqueness or foreign key violation.</summary>
    public static bool IsConstraintViolation(Exception ex) => ex switch
    {
        SqliteException { SqliteErrorCode: 19 } => true,
        PostgresException { SqlState: PostgresErrorCodes.UniqueViolation or PostgresErrorCodes.ForeignKeyViolation } => true,
        _ => false,
    };

    /// <summary>True when <paramref name="ex"/> is PostgreSQL refusing text it cannot encode (a NUL character).</summary>
    public static bool IsUnstorableText(Exception ex) => ex switch
    {
        PostgresException { SqlState: PostgresErrorCodes.CharacterNotInRepertoire or PostgresErrorCodes.UntranslatableCharacter } => true,
        _ => ex.InnerException is not null && IsUnstorableText(ex.InnerException),
    };

    /// <summary>
    /// True when <paramref name="ex"/> means the store cannot serve now but may shortly: it cannot be reached
    /// (no host, connection refused, a broken or dead pooled connection, a timeout), it is shutting down
    /// or starting, it is a standby or a demoted primary (read-only), or it is overloaded. The one place
    /// that decides 503 (with Retry-After) rather than 500.
    /// </summary>
    public static bool IsUnavailable(Exception ex) => ex switch
    {
        StoreUnavailableException => true,
        // SQLITE_BUSY, SQLITE_LOCKED, SQLITE_IOERR, SQLITE_FULL, SQLITE_CANTOPEN
        SqliteException { SqliteErrorCode: 5 or 6 or 10 or 13 or 14 } => true,
        // Class 08 connection exceptions, class 53 insufficient resources (too many connections, disk full),
        // class 57P operator intervention (shutting down, crashing, starting: cannot connect now), and a
        // write on a read-only server (a standby, or a primary demoted during a failover).
        PostgresException p => p.SqlState.StartsWith("08", StringComparison.Ordinal)
            || p.SqlState.StartsWith("53", StringComparison.Ordinal)
            || p.SqlState is PostgresErrorCodes.AdminShutdown or PostgresErrorCodes.CrashShutdown
                or PostgresErrorCodes.CannotConnectNow or PostgresErrorCodes.ReadOnlySqlTransaction,
        // A network error or timeout on an open connection (the server died under it).
        NpgsqlException { IsTransient: true } => true,
        AggregateException a => a.InnerExceptions.Count > 0 && a.InnerExceptions.All(IsUnavailable),
        TimeoutException => true,
        _ => ex.InnerException is not null && IsUnavailable(ex.InnerException),
    };

    /// <summary>
    /// Reacts to a fault that <see cref="IsUnavailable"/> recognised: on PostgreSQL, forgets idle pooled
    /// connections and what is known of each host, so the next open finds the current primary.
    /// </summary>
    public void Unavailable(Exception ex)
    {
        if (IsUnavailable(ex))
        {
            ForgetHosts();
        }
    }

    /// <summary>PostgreSQL: drops idle pooled connections and the hosts' cached states (see <see cref="PostgresConnections.Reset"/>).</summary>
    public void ForgetHosts() => _postgres?.Reset();

    public async ValueTask DisposeAsync()
    {
        _sessions?.Dispose();
        if (_postgres is not null)
        {
            await _postgres.DisposeAsync();
        }
    }
}
