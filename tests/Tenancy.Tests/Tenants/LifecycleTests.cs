namespace Tenancy.Tests.Tenants;

/// <summary>Suspend, reactivate and terminate, as the Acronis walkthrough does them, and the rules at their edges.</summary>
public abstract class LifecycleTests(ServerFixture fixture)
{
    private readonly TenancyServer _server = fixture.Server;

    [Fact]
    public async Task SuspendReactivateTerminate_FollowsTheWalkthrough_AndLocksTheSubtreeOut()
    {
        var root = await _server.RootAsync();
        var tree = await root.BuildSubtreeAsync();
        var customerClient = tree.CustomerAdmin;
        await customerClient.GetTenantAsync(tree.CustomerId);

        // Suspend: PUT {"enabled": false, "version": N} -> 200 with version N + 1.
        var partner = await root.GetTenantAsync(tree.PartnerId);
        var n = partner.Long("version");
        var suspended = await root.PutTenantAsync(tree.PartnerId, new { enabled = false, version = n }).ExpectAsync(HttpStatusCode.OK);
        Assert.Equal(n + 1, suspended.Long("version"));
        Assert.False(suspended.Bool("enabled"));
        Spec.AssertValid("tenant", suspended);

        // The descendant customer's client is locked out on its very next request and cannot get a new token.
        await customerClient.ExpectLockedOutAsync($"/api/2/tenants/{tree.CustomerId}");
        await _server.ExpectInvalidClientAsync(customerClient.ClientId, customerClient.Secret);

        // The data is kept and the ancestor's admin still reads it, with the cause of the suspension.
        var customer = await root.GetTenantAsync(tree.CustomerId);
        Assert.True(customer.Bool("enabled"));
        Assert.False(customer.Bool("effectively_enabled"));
        Assert.Equal(tree.PartnerId, customer.Str("disabled_by"));
        Assert.Equal(tree.Customer.Str("name"), customer.Str("name"));

        // Nothing can be created under it.
        await root.PostJsonAsync("/api/2/tenants", new { name = "late unit", kind = "unit", parent_id = tree.CustomerId })
            .ExpectErrorAsync(HttpStatusCode.BadRequest, 1003);
        await root.PostJsonAsync("/api/2/clients", new { type = "api_client", tenant_id = tree.CustomerId, token_endpoint_auth_method = "client_secret_basic" })
            .ExpectErrorAsync(HttpStatusCode.BadRequest, 1003);
        var clients = await root.GetAsync($"/api/2/clients?tenant_id={tree.CustomerId}").ExpectAsync(HttpStatusCode.OK);
        Assert.Single(clients.GetProperty("items").EnumerateArray());
        var children = await root.GetAsync($"/api/2/tenants/{tree.CustomerId}/children").ExpectAsync(HttpStatusCode.OK);
        Assert.Equal([tree.UnitId], children.GetProperty("items").EnumerateArray().Select(i => i.GetString()));

        // Reactivate: the descendant's old token works again.
        var reactivated = await root.SetEnabledAsync(tree.PartnerId, true);
        Assert.Equal(n + 2, reactivated.Long("version"));
        Assert.True(reactivated.Bool("effectively_enabled"));
        var again = await customerClient.GetTenantAsync(tree.CustomerId);
        Assert.True(again.Bool("effectively_enabled"));

        // Terminate: disable, then DELETE ?version=N -> 204 with an empty body.
        await root.TerminateAsync(tree.PartnerId);
        foreach (var id in new[] { tree.PartnerId, tree.CustomerId, tree.UnitId })
        {
            await root.GetAsync($"/api/2/tenants/{id}").ExpectErrorAsync(HttpStatusCode.NotFound, 1005);
        }

        await customerClient.ExpectLockedOutAsync($"/api/2/tenants/{tree.CustomerId}");
        await _server.ExpectInvalidClientAsync(customerClient.ClientId, customerClient.Secret);
        await root.GetAsync($"/api/2/clients/{customerClient.ClientId}").ExpectErrorAsync(HttpStatusCode.NotFound, 1005);
    }

    [Fact]
    public async Task Enable_UnderADisabledAncestor_IsRefusedWith1003_AndLeavesTheTenantDisabled()
    {
        var root = await _server.RootAsync();
        var tree = await root.BuildSubtreeAsync();
        var customer = await root.SetEnabledAsync(tree.CustomerId, false);
        await root.SetEnabledAsync(tree.PartnerId, false);

        var error = await root.PutTenantAsync(tree.CustomerId, new { enabled = true, version = customer.Long("version") })
            .ExpectErrorAsync(HttpStatusCode.BadRequest, 1003);
        Assert.Contains(tree.PartnerId, error.GetProperty("details").Str("info"), StringComparison.Ordinal);

        var after = await root.GetTenantAsync(tree.CustomerId);
        Assert.False(after.Bool("enabled"));
        Assert.Equal(customer.Long("version"), after.Long("version"));
    }

    [Fact]
    public async Task ReactivatingAParent_DoesNotReEnableAChildDisabledOnItsOwn()
    {
        var root = await _server.RootAsync();
        var tree = await root.BuildSubtreeAsync();
        await root.SetEnabledAsync(tree.CustomerId, false);
        await root.SetEnabledAsync(tree.PartnerId, false);
        // disabled_by names the nearest disabled tenant on the path.
        Assert.Equal(tree.CustomerId, (await root.GetTenantAsync(tree.UnitId)).Str("disabled_by"));
        Assert.Equal(tree.PartnerId, (await root.GetTenantAsync(tree.PartnerId)).Str("disabled_by"));

        await root.SetEnabledAsync(tree.PartnerId, true);

        var customer = await root.GetTenantAsync(tree.CustomerId);
        Assert.False(customer.Bool("enabled"));
        Assert.False(customer.Bool("effectively_enabled"));
        Assert.Equal(tree.CustomerId, customer.Str("disabled_by"));
        Assert.Equal(tree.CustomerId, (await root.GetTenantAsync(tree.UnitId)).Str("disabled_by"));
        await tree.CustomerAdmin.ExpectLockedOutAsync($"/api/2/tenants/{tree.CustomerId}");
    }

    [Fact]
    public async Task ATenantUnderTwoDisabledAncestors_StaysLockedUntilBothAreEnabled()
    {
        var root = await _server.RootAsync();
        var tree = await root.BuildSubtreeAsync();
        var unitAdmin = await root.CreateClientAndLoginAsync(tree.UnitId);
        await root.SetEnabledAsync(tree.CustomerId, false);
        await root.SetEnabledAsync(tree.PartnerId, false);

        await root.SetEnabledAsync(tree.PartnerId, true);
        await unitAdmin.ExpectLockedOutAsync($"/api/2/tenants/{tree.UnitId}");
        await _server.ExpectInvalidClientAsync(unitAdmin.ClientId, unitAdmin.Secret);

        await root.SetEnabledAsync(tree.CustomerId, true);
        var unit = await unitAdmin.GetTenantAsync(tree.UnitId);
        Assert.True(unit.Bool("effectively_enabled"));
        Assert.Equal(System.Text.Json.JsonValueKind.Null, unit.GetProperty("disabled_by").ValueKind);
    }

    [Fact]
    public async Task Delete_OfEnabledTenant_IsRefusedWith1006_AndKeepsIt()
    {
        var root = await _server.RootAsync();
        var tree = await root.BuildSubtreeAsync();
        var version = tree.Unit.Long("version");

        await root.DeleteAsync($"/api/2/tenants/{tree.UnitId}?version={version}").ExpectErrorAsync(HttpStatusCode.BadRequest, 1006);

        var unit = await root.GetTenantAsync(tree.UnitId);
        Assert.Equal(version, unit.Long("version"));
        Assert.True(unit.Bool("enabled"));
    }

    [Fact]
    public async Task Delete_OfTheRoot_IsRefused()
    {
        var root = await _server.RootAsync();
        var rootId = await root.OwnTenantIdAsync();
        var version = (await root.GetTenantAsync(rootId)).Long("version");

        var error = await root.DeleteAsync($"/api/2/tenants/{rootId}?version={version}").ExpectErrorAsync(HttpStatusCode.BadRequest, 1027);

        Assert.Contains("root", error.GetProperty("details").Str("info"), StringComparison.OrdinalIgnoreCase);
        Assert.Equal(version, (await root.GetTenantAsync(rootId)).Long("version"));
    }

    [Fact]
    public async Task TheCallersOwnTenant_CanBeNeitherDisabledNorDeleted()
    {
        var root = await _server.RootAsync();
        var tree = await root.BuildSubtreeAsync();
        var partnerAdmin = await root.CreateClientAndLoginAsync(tree.PartnerId);
        var version = tree.Partner.Long("version");

        var disable = await partnerAdmin.PutTenantAsync(tree.PartnerId, new { enabled = false, version })
            .ExpectErrorAsync(HttpStatusCode.BadRequest, 1027);
        Assert.Contains("own tenant", disable.GetProperty("details").Str("info"), StringComparison.Ordinal);
        await partnerAdmin.DeleteAsync($"/api/2/tenants/{tree.PartnerId}?version={version}")
            .ExpectErrorAsync(HttpStatusCode.BadRequest, 1027);

        var partner = await partnerAdmin.GetTenantAsync(tree.PartnerId);
        Assert.True(partner.Bool("enabled"));
        Assert.Equal(version, partner.Long("version"));
    }
}

public sealed class LifecycleTestsSqlite(Providers.SqliteServer fixture) : LifecycleTests(fixture), IClassFixture<Providers.SqliteServer>;

public sealed class LifecycleTestsPostgres(Providers.PostgresServer fixture) : LifecycleTests(fixture), IClassFixture<Providers.PostgresServer>;
