using System.Data.Common;
using Dapper;
using Microsoft.Data.Sqlite;
using Microsoft.Extensions.Options;

namespace Tenancy.Server.Storage;

/// <summary>Opens connections to the configured store. SQL is shared between providers where it can be.</summary>
public sealed class Database
{
    static Database()
    {
        DefaultTypeMap.MatchNamesWithUnderscores = true;
    }

    public Database(IOptions<StorageOptions> options)
    {
        var o = options.Value;
        Provider = o.Provider.Trim().ToLowerInvariant();
        if (Provider != "sqlite")
        {
            throw new InvalidOperationException(
                $"Tenancy:Storage:Provider '{o.Provider}' is not supported; use 'sqlite'.");
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
            builder.DataSource = Path.GetFullPath(builder.DataSource);
            DataDirectory = Path.GetDirectoryName(builder.DataSource)!;
            Directory.CreateDirectory(DataDirectory);
        }
        else
        {
            DataDirectory = Path.GetFullPath("data");
        }

        ConnectionString = builder.ToString();
    }

    public string Provider { get; }

    public string ConnectionString { get; }

    /// <summary>The folder that holds the database file (where first-start credentials are written).</summary>
    public string DataDirectory { get; }

    public async Task<DbConnection> OpenAsync(CancellationToken ct = default)
    {
        var connection = new SqliteConnection(ConnectionString);
        await connection.OpenAsync(ct);
        return connection;
    }

    /// <summary>Begins a write transaction. SQLite takes the write lock up front (BEGIN IMMEDIATE).</summary>
    public static async Task<DbTransaction> BeginWriteAsync(DbConnection connection, CancellationToken ct = default) =>
        connection is SqliteConnection sqlite
            ? sqlite.BeginTransaction(deferred: false)
            : await connection.BeginTransactionAsync(ct);

    /// <summary>True when <paramref name="ex"/> means the store cannot be reached or is overloaded (retryable).</summary>
    public static bool IsUnavailable(Exception ex) => ex switch
    {
        // SQLITE_BUSY, SQLITE_LOCKED, SQLITE_IOERR, SQLITE_FULL, SQLITE_CANTOPEN
        SqliteException { SqliteErrorCode: 5 or 6 or 10 or 13 or 14 } => true,
        TimeoutException => true,
        _ => ex.InnerException is not null && IsUnavailable(ex.InnerException),
    };

    /// <summary>True when <paramref name="ex"/> is a uniqueness or foreign key violation.</summary>
    public static bool IsConstraintViolation(Exception ex) =>
        ex is SqliteException { SqliteErrorCode: 19 };
}
