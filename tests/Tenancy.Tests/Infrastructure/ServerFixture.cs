namespace Tenancy.Tests.Infrastructure;

/// <summary>
/// One server shared by the tests of a class (xunit makes a class instance per test). Tests that use it
/// build their own partner subtree, so they do not see each other's rows.
/// </summary>
public sealed class ServerFixture : IAsyncLifetime
{
    public TenancyServer Server { get; private set; } = null!;

    public ValueTask InitializeAsync()
    {
        Server = TenancyServer.Start();
        return ValueTask.CompletedTask;
    }

    public async ValueTask DisposeAsync() => await Server.DisposeAsync();
}
