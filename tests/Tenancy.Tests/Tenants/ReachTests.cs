namespace Tenancy.Tests.Tenants;

/// <summary>A token reaches its own tenant and that tenant's subtree, nothing above or beside it.</summary>
public abstract class ReachTests(ServerFixture fixture)
{
    private readonly TenancyServer _server = fixture.Server;

    /// <summary>A partner with two customers; the first customer's admin is the subject.</summary>
    private async Task<(Api Root, Subtree Tree, string SiblingId, string RootId)> SetUpAsync()
    {
        var root = await _server.RootAsync();
        var tree = await root.BuildSubtreeAsync();
        var sibling = await root.CreateTenantAsync(tree.PartnerId, "customer");
        return (root, tree, sibling.Str("id"), await root.OwnTenantIdAsync());
    }

    [Fact]
    public async Task ACustomersToken_CannotReadItsParentSiblingsOrRoot()
    {
        var (_, tree, siblingId, rootId) = await SetUpAsync();

        foreach (var id in new[] { tree.PartnerId, siblingId, rootId })
        {
            var error = await tree.CustomerAdmin.GetAsync($"/api/2/tenants/{id}").ExpectErrorAsync(HttpStatusCode.Forbidden, 1002);
            Assert.Contains(id, error.GetProperty("details").Str("info"), StringComparison.Ordinal);
            Assert.DoesNotContain(tree.Partner.Str("name"), error.ToString(), StringComparison.Ordinal);
        }
    }

    [Fact]
    public async Task ACustomersToken_CannotChangeOrDeleteItsParentOrSibling()
    {
        var (root, tree, siblingId, _) = await SetUpAsync();
        var sibling = await root.GetTenantAsync(siblingId);

        await tree.CustomerAdmin.PutTenantAsync(tree.PartnerId, new { name = "taken over", version = tree.Partner.Long("version") })
            .ExpectErrorAsync(HttpStatusCode.Forbidden, 1002);
        await tree.CustomerAdmin.PutTenantAsync(siblingId, new { enabled = false, version = sibling.Long("version") })
            .ExpectErrorAsync(HttpStatusCode.Forbidden, 1002);
        await tree.CustomerAdmin.DeleteAsync($"/api/2/tenants/{siblingId}?version={sibling.Long("version")}")
            .ExpectErrorAsync(HttpStatusCode.Forbidden, 1002);
        await tree.CustomerAdmin.PostJsonAsync("/api/2/tenants", new { name = "stray", kind = "customer", parent_id = tree.PartnerId })
            .ExpectErrorAsync(HttpStatusCode.Forbidden, 1002);

        // Nor move its own unit out of its reach.
        await tree.CustomerAdmin.PutTenantAsync(tree.UnitId, new { parent_id = siblingId, version = tree.Unit.Long("version") })
            .ExpectErrorAsync(HttpStatusCode.Forbidden, 1002);

        var partner = await root.GetTenantAsync(tree.PartnerId);
        Assert.Equal(tree.Partner.Str("name"), partner.Str("name"));
        Assert.Equal(tree.Partner.Long("version"), partner.Long("version"));
        var after = await root.GetTenantAsync(siblingId);
        Assert.True(after.Bool("enabled"));
        Assert.Equal(sibling.Long("version"), after.Long("version"));
        Assert.Equal(tree.CustomerId, (await root.GetTenantAsync(tree.UnitId)).Str("parent_id"));
    }

    [Fact]
    public async Task ACustomersToken_CannotListTenantsOutsideItsSubtree()
    {
        var (_, tree, siblingId, rootId) = await SetUpAsync();
        var admin = tree.CustomerAdmin;

        await admin.GetAsync($"/api/2/tenants?parent_id={tree.PartnerId}").ExpectErrorAsync(HttpStatusCode.Forbidden, 1002);
        await admin.GetAsync($"/api/2/tenants?subtree_root_id={rootId}").ExpectErrorAsync(HttpStatusCode.Forbidden, 1002);
        await admin.GetAsync($"/api/2/tenants/{tree.PartnerId}/children").ExpectErrorAsync(HttpStatusCode.Forbidden, 1002);

        // Asked by id, tenants out of reach are simply not among the results.
        var byIds = await admin.GetAsync($"/api/2/tenants?uuids={tree.PartnerId},{siblingId},{rootId},{tree.UnitId}").ExpectAsync(HttpStatusCode.OK);
        Assert.Equal([tree.UnitId], byIds.GetProperty("items").EnumerateArray().Select(i => i.Str("id")));
    }

    [Fact]
    public async Task ACustomersSubtreeList_HoldsOnlyItsOwnTenants_EvenWhenOthersSitOnTheSameLevels()
    {
        var (root, tree, siblingId, _) = await SetUpAsync();
        var siblingUnit = await root.CreateTenantAsync(siblingId, "unit");
        var earlier = await root.BuildSubtreeAsync();
        await root.CreateTenantAsync(earlier.UnitId, "unit");
        var ownSecondUnit = await root.CreateTenantAsync(tree.UnitId, "unit");

        var items = new List<string>();
        var path = $"/api/2/tenants?subtree_root_id={tree.CustomerId}&limit=1";
        for (var page = 0; page < 10 && path is not null; page++)
        {
            var batch = await tree.CustomerAdmin.GetAsync(path).ExpectAsync(HttpStatusCode.OK);
            items.AddRange(batch.GetProperty("items").EnumerateArray().Select(i => i.Str("id")));
            path = batch.GetProperty("paging").GetProperty("cursors").TryGetProperty("after", out var after)
                ? $"/api/2/tenants?after={after.GetString()}" : null;
        }

        Assert.Equal([tree.CustomerId, tree.UnitId, ownSecondUnit.Str("id")], items);
        Assert.DoesNotContain(siblingUnit.Str("id"), items);
    }

    [Fact]
    public async Task APartnersToken_ReadsItsWholeSubtree()
    {
        var (root, tree, siblingId, rootId) = await SetUpAsync();
        var partnerAdmin = await root.CreateClientAndLoginAsync(tree.PartnerId);

        foreach (var id in new[] { tree.PartnerId, tree.CustomerId, tree.UnitId, siblingId })
        {
            Assert.Equal(id, (await partnerAdmin.GetTenantAsync(id)).Str("id"));
        }

        var subtree = await partnerAdmin.GetAsync($"/api/2/tenants?subtree_root_id={tree.PartnerId}").ExpectAsync(HttpStatusCode.OK);
        var ids = subtree.GetProperty("items").EnumerateArray().Select(i => i.Str("id")).ToHashSet();
        Assert.Equal(new HashSet<string> { tree.PartnerId, tree.CustomerId, tree.UnitId, siblingId }, ids);
        await partnerAdmin.GetAsync($"/api/2/tenants/{rootId}").ExpectErrorAsync(HttpStatusCode.Forbidden, 1002);
    }

    [Fact]
    public async Task AClientOutsideTheCallersReach_IsForbidden()
    {
        var (root, tree, siblingId, _) = await SetUpAsync();
        var siblingClient = await root.CreateClientAsync(siblingId);
        var partnerClient = await root.CreateClientAsync(tree.PartnerId);
        var admin = tree.CustomerAdmin;

        await admin.GetAsync($"/api/2/clients/{siblingClient.Str("client_id")}").ExpectErrorAsync(HttpStatusCode.Forbidden, 1002);
        await admin.GetAsync($"/api/2/clients/{partnerClient.Str("client_id")}").ExpectErrorAsync(HttpStatusCode.Forbidden, 1002);
        await admin.GetAsync($"/api/2/clients?tenant_id={siblingId}").ExpectErrorAsync(HttpStatusCode.Forbidden, 1002);
        await admin.PutJsonAsync($"/api/2/clients/{siblingClient.Str("client_id")}", new { status = "disabled" })
            .ExpectErrorAsync(HttpStatusCode.Forbidden, 1002);
        await admin.DeleteAsync($"/api/2/clients/{siblingClient.Str("client_id")}").ExpectErrorAsync(HttpStatusCode.Forbidden, 1002);
        await admin.PostJsonAsync("/api/2/clients", new { type = "api_client", tenant_id = siblingId, token_endpoint_auth_method = "client_secret_basic" })
            .ExpectErrorAsync(HttpStatusCode.Forbidden, 1002);

        var untouched = await root.GetAsync($"/api/2/clients/{siblingClient.Str("client_id")}").ExpectAsync(HttpStatusCode.OK);
        Assert.Equal("enabled", untouched.Str("status"));
        var siblingClients = await root.GetAsync($"/api/2/clients?tenant_id={siblingId}").ExpectAsync(HttpStatusCode.OK);
        Assert.Single(siblingClients.GetProperty("items").EnumerateArray());

        // Its own clients it does see.
        var own = await admin.GetAsync($"/api/2/clients/{admin.ClientId}").ExpectAsync(HttpStatusCode.OK);
        Assert.Equal(tree.CustomerId, own.Str("tenant_id"));
    }
}

public sealed class ReachTestsSqlite(Providers.SqliteServer fixture) : ReachTests(fixture), IClassFixture<Providers.SqliteServer>;

public sealed class ReachTestsPostgres(Providers.PostgresServer fixture) : ReachTests(fixture), IClassFixture<Providers.PostgresServer>;
