using Tenancy.Tests.Infrastructure;

namespace Tenancy.Tests.Tenants;

public sealed class SmokeTests : IAsyncLifetime
{
    private TenancyServer _server = null!;

    public ValueTask InitializeAsync()
    {
        _server = TenancyServer.Start();
        return ValueTask.CompletedTask;
    }

    public async ValueTask DisposeAsync() => await _server.DisposeAsync();

    [Fact]
    public async Task Root_CanReadItsOwnTenant_AndTheObjectMatchesThePublishedSchema()
    {
        var root = await _server.RootAsync();
        var rootId = await root.OwnTenantIdAsync();
        var tenant = await root.GetTenantAsync(rootId);
        Assert.Equal("root", tenant.Str("kind"));
        Assert.Equal(rootId, tenant.Str("parent_id"));
        Spec.AssertValid("tenant", tenant);
    }
}
