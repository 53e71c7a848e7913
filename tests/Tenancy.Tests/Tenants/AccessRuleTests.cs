namespace Tenancy.Tests.Tenants;

/// <summary>ancestral_access (a barrier for the ancestors above the parent) and update_lock (1012).</summary>
public abstract class AccessRuleTests(ServerFixture fixture)
{
    private readonly TenancyServer _server = fixture.Server;

    /// <summary>root -> partner -> customer (ancestral_access off) -> unit, with an admin of the partner.</summary>
    private async Task<(Api Root, Api PartnerAdmin, string Partner, JsonElement Customer, string Unit)> ClosedCustomerAsync()
    {
        var root = await _server.RootAsync();
        var partner = await root.CreateTenantAsync(await root.OwnTenantIdAsync(), "partner");
        var partnerAdmin = await root.CreateClientAndLoginAsync(partner.Str("id"));
        var customer = await partnerAdmin.PostJsonAsync("/api/2/tenants",
            new { name = "closed", kind = "customer", parent_id = partner.Str("id"), ancestral_access = false }).ExpectAsync(HttpStatusCode.Created);
        Assert.False(customer.Bool("ancestral_access"));
        var unit = await partnerAdmin.CreateTenantAsync(customer.Str("id"), "unit");
        return (root, partnerAdmin, partner.Str("id"), customer, unit.Str("id"));
    }

    [Fact]
    public async Task AncestralAccessOff_ShutsOutAncestorsAboveTheParent_FromDetailsAndChanges()
    {
        var (root, partnerAdmin, _, customer, unit) = await ClosedCustomerAsync();
        var id = customer.Str("id");

        await root.GetAsync($"/api/2/tenants/{id}").ExpectErrorAsync(HttpStatusCode.Forbidden, 1002);
        await root.GetAsync($"/api/2/tenants/{unit}").ExpectErrorAsync(HttpStatusCode.Forbidden, 1002);
        await root.PutTenantAsync(id, new { name = "taken over", version = customer.Long("version") }).ExpectErrorAsync(HttpStatusCode.Forbidden, 1002);
        await root.PostJsonAsync("/api/2/tenants", new { name = "x", kind = "unit", parent_id = id }).ExpectErrorAsync(HttpStatusCode.Forbidden, 1002);
        await root.GetAsync($"/api/2/tenants/{id}/children").ExpectErrorAsync(HttpStatusCode.Forbidden, 1002);

        // The parent's admin keeps full access, and nothing was changed by the refused requests.
        var seen = await partnerAdmin.GetTenantAsync(id);
        Assert.Equal("closed", seen.Str("name"));
        Assert.Equal(customer.Long("version"), seen.Long("version"));
        Assert.Equal(unit, (await partnerAdmin.GetTenantAsync(unit)).Str("id"));
    }

    [Fact]
    public async Task AncestralAccessOff_StillLetsAncestorsSeeThatTheTenantExists_InLists()
    {
        var (root, _, partner, customer, unit) = await ClosedCustomerAsync();

        var children = await root.GetAsync($"/api/2/tenants?parent_id={partner}").ExpectAsync(HttpStatusCode.OK);
        var listed = Assert.Single(children.GetProperty("items").EnumerateArray());
        Assert.Equal(customer.Str("id"), listed.Str("id"));
        Assert.False(listed.TryGetProperty("name", out _), "details must not be listed");
        Spec.AssertValid("tenantBatch", children);

        var subtree = await root.GetAsync($"/api/2/tenants?subtree_root_id={partner}").ExpectAsync(HttpStatusCode.OK);
        var items = subtree.GetProperty("items").EnumerateArray().ToDictionary(i => i.Str("id"));
        Assert.True(items[partner].TryGetProperty("name", out _));
        Assert.False(items[unit].TryGetProperty("kind", out _));

        var nse = await root.GetAsync("/api/v2.1/tenants?limit=1000").ExpectAsync(HttpStatusCode.OK);
        var record = nse.GetProperty("result").GetProperty("records").EnumerateArray().Single(r => r.Str("id") == customer.Str("id"));
        Assert.Equal(JsonValueKind.Null, record.GetProperty("usage").ValueKind);
        Assert.Equal(JsonValueKind.Null, record.GetProperty("zuora_account_name").ValueKind);
    }

    [Fact]
    public async Task TheParentsAdmin_CanReopenTheTenant_ToItsAncestors()
    {
        var (root, partnerAdmin, _, customer, _) = await ClosedCustomerAsync();

        await partnerAdmin.PutTenantAsync(customer.Str("id"), new { ancestral_access = true, version = customer.Long("version") })
            .ExpectAsync(HttpStatusCode.OK);

        Assert.Equal("closed", (await root.GetTenantAsync(customer.Str("id"))).Str("name"));
    }

    [Fact]
    public async Task UpdateLock_LetsOnlyTheLockOwnersPrincipalsChangeTheTenant()
    {
        var root = await _server.RootAsync();
        var partner = await root.CreateTenantAsync(await root.OwnTenantIdAsync(), "partner");
        var partnerAdmin = await root.CreateClientAndLoginAsync(partner.Str("id"));
        var customer = await partnerAdmin.PostJsonAsync("/api/2/tenants",
            new { name = "locked", kind = "customer", parent_id = partner.Str("id"), update_lock = new { enabled = true } })
            .ExpectAsync(HttpStatusCode.Created);
        var id = customer.Str("id");
        Assert.Equal(partner.Str("id"), customer.GetProperty("update_lock").Str("owner_id"));
        var customerAdmin = await partnerAdmin.CreateClientAndLoginAsync(id);
        var version = customer.Long("version");

        var byCustomer = await customerAdmin.PutTenantAsync(id, new { name = "mine", version }).ExpectErrorAsync(HttpStatusCode.Forbidden, 1012);
        Assert.Contains(partner.Str("id"), byCustomer.GetProperty("details").Str("info"), StringComparison.Ordinal);
        await root.PutTenantAsync(id, new { name = "root's", version }).ExpectErrorAsync(HttpStatusCode.Forbidden, 1012);
        await root.DeleteAsync($"/api/2/tenants/{id}?version={version}").ExpectErrorAsync(HttpStatusCode.Forbidden, 1012);
        await customerAdmin.PutJsonAsync($"/api/v2.1/tenants/{id}", new { code = "x", name = "n" }).ExpectAsync(HttpStatusCode.Forbidden);
        Assert.Equal(version, (await partnerAdmin.GetTenantAsync(id)).Long("version"));

        var renamed = await partnerAdmin.PutTenantAsync(id, new { name = "by the owner", version }).ExpectAsync(HttpStatusCode.OK);
        var unlocked = await partnerAdmin.PutTenantAsync(id, new { update_lock = new { enabled = false }, version = renamed.Long("version") })
            .ExpectAsync(HttpStatusCode.OK);
        Assert.False(unlocked.GetProperty("update_lock").Bool("enabled"));
        var byCustomerNow = await customerAdmin.PutTenantAsync(id, new { name = "mine", version = unlocked.Long("version") }).ExpectAsync(HttpStatusCode.OK);
        Assert.Equal("mine", byCustomerNow.Str("name"));
    }
}

public sealed class AccessRuleTestsSqlite(Providers.SqliteServer fixture) : AccessRuleTests(fixture), IClassFixture<Providers.SqliteServer>;

public sealed class AccessRuleTestsPostgres(Providers.PostgresServer fixture) : AccessRuleTests(fixture), IClassFixture<Providers.PostgresServer>;
