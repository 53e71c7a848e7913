using Microsoft.Data.Sqlite;
using Npgsql;
using Tenancy.Server.Storage;

namespace Tenancy.Tests.Storage;

/// <summary>
/// The one classification of faults as "the store is unavailable" (503 with Retry-After) rather than a bug
/// (500): every way a failover, a restart or a crash shows itself to the driver, and nothing else.
/// </summary>
public sealed class UnavailabilityTests
{
    private static readonly Dictionary<string, Exception> UnavailableFaults = new()
    {
        ["no suitable host (all hosts down or standbys), after the retries of an open"] = new StoreUnavailableException(new NpgsqlException("No suitable host was found.")),
        ["connection refused"] = new NpgsqlException("Failed to connect to 127.0.0.1:5432", new System.Net.Sockets.SocketException(111)),
        ["a dead pooled connection"] = new NpgsqlException("Exception while reading from stream", new EndOfStreamException()),
        ["a statement timeout on a vanished server"] = new NpgsqlException("Exception while reading from stream", new TimeoutException()),
        ["server shutting down (57P01)"] = Postgres(PostgresErrorCodes.AdminShutdown),
        ["server crashed (57P02)"] = Postgres(PostgresErrorCodes.CrashShutdown),
        ["server starting or in recovery (57P03)"] = Postgres(PostgresErrorCodes.CannotConnectNow),
        ["a write on a standby or a demoted primary (25006)"] = Postgres(PostgresErrorCodes.ReadOnlySqlTransaction),
        ["connection failure (08006)"] = Postgres(PostgresErrorCodes.ConnectionFailure),
        ["too many connections (53300)"] = Postgres(PostgresErrorCodes.TooManyConnections),
        ["every host failed"] = new NpgsqlException("Unable to connect to a suitable host.", new AggregateException(new NpgsqlException("x", new System.Net.Sockets.SocketException(111)), Postgres(PostgresErrorCodes.CannotConnectNow))),
        ["SQLite busy"] = new SqliteException("database is locked", 5),
    };

    private static readonly Dictionary<string, Exception> BugFaults = new()
    {
        ["a unique violation"] = Postgres(PostgresErrorCodes.UniqueViolation),
        ["a syntax error"] = Postgres(PostgresErrorCodes.SyntaxError),
        ["a wrong password (configuration, not availability)"] = Postgres(PostgresErrorCodes.InvalidPassword),
        ["a bad argument"] = new ArgumentException("bad"),
        ["an invalid operation"] = new InvalidOperationException("Connection is not open"),
    };

    public static TheoryData<string> Unavailable => [.. UnavailableFaults.Keys];

    public static TheoryData<string> Bugs => [.. BugFaults.Keys];

    [Theory]
    [MemberData(nameof(Unavailable))]
    public void TheseFaults_AreUnavailability(string what) => Assert.True(Database.IsUnavailable(UnavailableFaults[what]), what);

    [Theory]
    [MemberData(nameof(Bugs))]
    public void TheseFaults_AreNot(string what) => Assert.False(Database.IsUnavailable(BugFaults[what]), what);

    private static PostgresException Postgres(string sqlState) => new("message", "FATAL", "FATAL", sqlState);
}
