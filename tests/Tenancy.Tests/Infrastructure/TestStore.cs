using Npgsql;
using Tenancy.Server.Storage;

namespace Tenancy.Tests.Infrastructure;

/// <summary>
/// A store for one test server: a SQLite file in a temporary folder, or a fresh database in the
/// PostgreSQL cluster named by TENANCY_TEST_POSTGRES (an admin connection string; .ci/postgres makes one).
/// </summary>
public sealed class TestStore : IAsyncDisposable
{
    public const string PostgresVariable = "TENANCY_TEST_POSTGRES";

    private readonly string? _database;
    private readonly string? _admin;

    private TestStore(StorageProvider provider, string dataDirectory, string connectionString, string? database = null, string? admin = null)
    {
        _admin = admin;
        Provider = provider;
        DataDirectory = dataDirectory;
        ConnectionString = connectionString;
        _database = database;
    }

    public StorageProvider Provider { get; }

    /// <summary>Where the server keeps files (SQLite database, first-start credentials).</summary>
    public string DataDirectory { get; }

    public string ConnectionString { get; }

    public static string? PostgresAdmin => Environment.GetEnvironmentVariable(PostgresVariable) is { Length: > 0 } cs ? cs : null;

    /// <summary>A fresh database in the cluster of the given admin connection string.</summary>
    public static TestStore CreatePostgres(string adminConnectionString) => CreatePostgres(adminConnectionString, null);

    public static TestStore Create(StorageProvider provider, string? dataDirectory = null)
    {
        var dir = dataDirectory ?? Directory.CreateTempSubdirectory("tenancy-test-").FullName;
        if (provider == StorageProvider.Sqlite)
        {
            return new TestStore(provider, dir, $"Data Source={Path.Combine(dir, "tenancy.db")}");
        }

        Requirements.Need(PostgresAdmin is not null, Requirements.Postgres);
        return CreatePostgres(PostgresAdmin!, dir);
    }

    private static TestStore CreatePostgres(string adminConnectionString, string? dataDirectory)
    {
        var dir = dataDirectory ?? Directory.CreateTempSubdirectory("tenancy-test-").FullName;
        var name = $"tenancy_test_{Guid.NewGuid():N}";
        using (var admin = new NpgsqlConnection(adminConnectionString))
        {
            admin.Open();
            using var create = new NpgsqlCommand($"CREATE DATABASE {name}", admin);
            create.ExecuteNonQuery();
        }

        var builder = new NpgsqlConnectionStringBuilder(adminConnectionString) { Database = name };
        return new TestStore(StorageProvider.Postgres, dir, builder.ConnectionString, name, adminConnectionString);
    }

    public async ValueTask DisposeAsync()
    {
        if (_database is not null)
        {
            NpgsqlConnection.ClearAllPools();
            await using var admin = new NpgsqlConnection(_admin);
            await admin.OpenAsync();
            await using var drop = new NpgsqlCommand($"DROP DATABASE IF EXISTS {_database} WITH (FORCE)", admin);
            await drop.ExecuteNonQueryAsync();
        }

        try
        {
            Directory.Delete(DataDirectory, recursive: true);
        }
        catch (IOException)
        {
            // A file still open by a server being torn down; the temporary folder is left behind.
        }
    }
}
