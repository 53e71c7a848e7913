using Tenancy.Server.Storage;

namespace Tenancy.Tests.Infrastructure;

/// <summary>
/// One server shared by the tests of a class (xunit makes a class instance per test). Tests that use it
/// build their own partner subtree, so they do not see each other's rows. A test class takes the
/// abstract fixture; one sealed subclass per provider binds it (see <see cref="Providers"/>).
/// </summary>
public abstract class ServerFixture(StorageProvider provider) : IAsyncLifetime
{
    private TenancyServer? _server;

    public StorageProvider Provider { get; } = provider;

    /// <summary>Configuration the server starts with, on top of the test defaults.</summary>
    protected virtual IReadOnlyDictionary<string, string?>? Settings => null;

    /// <summary>The server; a test of a provider that is missing here is skipped (or fails in CI).</summary>
    public TenancyServer Server
    {
        get
        {
            Requirements.Need(Provider != StorageProvider.Postgres || TestStore.PostgresAdmin is not null, Requirements.Postgres);
            return _server ?? throw new InvalidOperationException("The server did not start.");
        }
    }

    public ValueTask InitializeAsync()
    {
        if (Provider != StorageProvider.Postgres || TestStore.PostgresAdmin is not null)
        {
            _server = TenancyServer.Start(Provider, Settings);
        }

        return ValueTask.CompletedTask;
    }

    public async ValueTask DisposeAsync()
    {
        if (_server is not null)
        {
            await _server.DisposeAsync();
        }

        GC.SuppressFinalize(this);
    }
}

/// <summary>The storage providers every storage and HTTP test runs against.</summary>
public static class Providers
{
    public sealed class SqliteServer() : ServerFixture(StorageProvider.Sqlite);

    public sealed class PostgresServer() : ServerFixture(StorageProvider.Postgres);
}
