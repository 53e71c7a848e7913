using Microsoft.Extensions.DependencyInjection;
using Tenancy.Server.Storage;

namespace Tenancy.Tests.Infrastructure;

/// <summary>
/// Base of test classes whose bodies run against every storage provider: a class derives from it
/// with its tests, and one sealed subclass per provider runs them (e.g. LifecycleTestsSqlite, LifecycleTestsPostgres).
/// One server per test class; each test builds its own subtree.
/// </summary>
public abstract class ServerTests(StorageProvider provider) : IAsyncLifetime
{
    protected StorageProvider Provider { get; } = provider;

    protected TenancyServer Server { get; private set; } = null!;

    /// <summary>Configuration the class's server starts with, on top of the test defaults.</summary>
    protected virtual IReadOnlyDictionary<string, string?>? Settings => null;

    /// <summary>Whether the class's server log is kept in <see cref="Logs"/>, for tests that check what it says.</summary>
    protected virtual bool CaptureLogs => false;

    protected LogCapture? Logs { get; private set; }

    /// <summary>Replacements of the server's services for the class (for example a fake), applied after its own.</summary>
    protected virtual Action<IServiceCollection>? TestServices => null;

    public virtual ValueTask InitializeAsync()
    {
        Logs = CaptureLogs ? new LogCapture() : null;
        Server = TenancyServer.Start(Provider, Settings, Logs, TestServices);
        return ValueTask.CompletedTask;
    }

    public virtual async ValueTask DisposeAsync()
    {
        if (Server is not null)
        {
            await Server.DisposeAsync();
        }

        GC.SuppressFinalize(this);
    }
}
