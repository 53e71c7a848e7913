namespace Tenancy.Tests.Users;

/// <summary>
/// Roles as access policies: GET/PUT /api/2/users/{id}/access_policies, what each role of the catalogue
/// may do (with real user tokens), grants on several tenants, nobody granting more than it holds, the role
/// field kept in step, and a changed grant applying to a token already issued.
/// </summary>
public abstract class AccessPolicyTests(ServerFixture fixture)
{
    private readonly TenancyServer _server = fixture.Server;

    [Fact]
    public async Task ANewUser_HoldsTheAdminRoleOfItsTenantsKind_OrReadonlyAdminForAViewer()
    {
        var (root, tree) = await _server.RootWithSubtreeAsync();
        var admin = await root.CreateUserAsync(tree.CustomerId);
        var viewer = await root.CreateUserAsync(tree.PartnerId, role: "viewer");

        var list = await root.GetAsync(Grants.PathOf(admin.Str("id"))).ExpectAsync(HttpStatusCode.OK);

        Grants.AssertShape(list);
        var item = Assert.Single(list.GetProperty("items").EnumerateArray());
        Assert.Equal(("company_admin", tree.CustomerId, admin.Str("id"), "user"),
            (item.Str("role_id"), item.Str("tenant_id"), item.Str("trustee_id"), item.Str("trustee_type")));
        Assert.Equal(JsonValueKind.Null, item.GetProperty("deleted_at").ValueKind);
        Assert.Equal([(tree.PartnerId, "readonly_admin")], await root.GrantsOfAsync(viewer.Str("id")));
        // The user object lists them when asked (?with_access_policies=true), and only then.
        var withPolicies = await root.GetAsync($"/api/2/users/{admin.Str("id")}?with_access_policies=true").ExpectAsync(HttpStatusCode.OK);
        Spec.AssertValid("item0", withPolicies);
        Assert.Equal(item.ToString(), Assert.Single(withPolicies.GetProperty("access_policies").EnumerateArray()).ToString());
        Assert.Equal(0, (await root.GetAsync($"/api/2/users/{admin.Str("id")}").ExpectAsync(HttpStatusCode.OK)).GetProperty("access_policies").GetArrayLength());
        Assert.Equal([(tree.UnitId, "unit_admin")], await root.GrantsOfAsync((await root.CreateUserAsync(tree.UnitId)).Str("id")));
    }

    [Fact]
    public async Task EachRole_AllowsWhatTheCatalogueSays_AndRefusesTheRest()
    {
        var (root, tree) = await _server.RootWithSubtreeAsync();
        var (_, partnerAdmin) = await root.UserHoldingAsync(tree.PartnerId, (tree.PartnerId, "partner_admin"));
        var (_, companyAdmin) = await root.UserHoldingAsync(tree.CustomerId, (tree.CustomerId, "company_admin"));
        var (_, unitAdmin) = await root.UserHoldingAsync(tree.UnitId, (tree.UnitId, "unit_admin"));
        var (_, readonlyAdmin) = await root.UserHoldingAsync(tree.PartnerId, (tree.PartnerId, "readonly_admin"));
        var (backupId, backupUser) = await root.UserHoldingAsync(tree.CustomerId, (tree.CustomerId, "backup_user"));

        // partner_admin manages the partner's subtree.
        var made = await partnerAdmin.CreateTenantAsync(tree.PartnerId, "customer");
        await partnerAdmin.GetAsync($"/api/2/tenants/{tree.UnitId}").ExpectAsync(HttpStatusCode.OK);
        // company_admin manages its customer, nothing beside or above it.
        await companyAdmin.CreateTenantAsync(tree.CustomerId, "unit");
        await companyAdmin.PostJsonAsync("/api/2/tenants", new { name = "x", kind = "customer", parent_id = tree.PartnerId }).ExpectErrorAsync(HttpStatusCode.Forbidden, 1002);
        await companyAdmin.GetAsync($"/api/2/tenants/{made.Str("id")}").ExpectErrorAsync(HttpStatusCode.Forbidden, 1002);
        // unit_admin: its unit only.
        await unitAdmin.CreateTenantAsync(tree.UnitId, "unit");
        await unitAdmin.GetAsync($"/api/2/tenants/{tree.CustomerId}").ExpectErrorAsync(HttpStatusCode.Forbidden, 1002);
        // readonly_admin reads everything below the partner, changes nothing.
        Assert.Equal(tree.UnitId, (await readonlyAdmin.GetAsync($"/api/2/tenants/{tree.UnitId}").ExpectAsync(HttpStatusCode.OK)).Str("id"));
        var refused = await readonlyAdmin.PostJsonAsync("/api/2/tenants", new { name = "x", kind = "unit", parent_id = tree.CustomerId })
            .ExpectErrorAsync(HttpStatusCode.Forbidden, 1002);
        Assert.Contains("readonly_admin", refused.GetProperty("details").Str("info"), StringComparison.Ordinal);
        // backup_user manages nothing; it reads itself.
        Assert.Equal(backupId, (await backupUser.GetAsync("/api/2/users/me").ExpectAsync(HttpStatusCode.OK)).Str("id"));
        Assert.Equal([(tree.CustomerId, "backup_user")], await backupUser.GrantsOfAsync(backupId));
        await backupUser.GetAsync($"/api/2/tenants/{tree.CustomerId}").ExpectErrorAsync(HttpStatusCode.Forbidden, 1002);
        await backupUser.GetAsync($"/api/2/tenants/{tree.CustomerId}/users").ExpectErrorAsync(HttpStatusCode.Forbidden, 1002);
        await backupUser.PostJsonAsync("/api/2/tenants", new { name = "x", kind = "unit", parent_id = tree.CustomerId }).ExpectErrorAsync(HttpStatusCode.Forbidden, 1002);

        var units = await root.GetAsync($"/api/2/tenants?parent_id={tree.CustomerId}").ExpectAsync(HttpStatusCode.OK);
        Assert.Equal(2, units.GetProperty("items").GetArrayLength()); // the subtree's unit and the company admin's
    }

    [Fact]
    public async Task AUserWithGrantsOnTwoSiblingCustomers_ManagesBoth_AndNothingElse()
    {
        var (root, tree) = await _server.RootWithSubtreeAsync();
        var sibling = await root.CreateTenantAsync(tree.PartnerId, "customer");
        var third = await root.CreateTenantAsync(tree.PartnerId, "customer");
        var (userId, user) = await root.UserHoldingAsync(tree.PartnerId,
            (tree.CustomerId, "company_admin"), (sibling.Str("id"), "company_admin"));

        var first = await user.CreateTenantAsync(tree.CustomerId, "unit");
        var second = await user.CreateTenantAsync(sibling.Str("id"), "unit");
        await user.GetAsync($"/api/2/tenants/{tree.PartnerId}").ExpectErrorAsync(HttpStatusCode.Forbidden, 1002);
        await user.GetAsync($"/api/2/tenants/{third.Str("id")}").ExpectErrorAsync(HttpStatusCode.Forbidden, 1002);
        await user.PostJsonAsync("/api/2/tenants", new { name = "x", kind = "unit", parent_id = third.Str("id") }).ExpectErrorAsync(HttpStatusCode.Forbidden, 1002);

        // Lists: both subtrees, nothing else (the access policy's SQL with two grants).
        var listed = await user.GetAsync("/api/v2.1/tenants?limit=100").ExpectAsync(HttpStatusCode.OK);
        var ids = listed.GetProperty("result").GetProperty("records").EnumerateArray().Select(r => r.Str("id")).Order().ToList();
        Assert.Equal(new[] { tree.CustomerId, tree.UnitId, first.Str("id"), sibling.Str("id"), second.Str("id") }.Order(), ids);
        var trail = await user.GetAsync($"/api/2/audit?subtree_id={sibling.Str("id")}").ExpectAsync(HttpStatusCode.OK);
        Assert.Contains(trail.GetProperty("items").EnumerateArray(), r => r.GetProperty("target").Str("id") == second.Str("id"));
        Assert.Equal("none", (await root.GetAsync($"/api/2/users/{userId}").ExpectAsync(HttpStatusCode.OK)).Str("role"));
    }

    [Fact]
    public async Task GrantingMoreThanTheCallerHolds_OrOutsideItsReach_IsRefused_AndChangesNothing()
    {
        var (root, tree) = await _server.RootWithSubtreeAsync();
        var sibling = await root.CreateTenantAsync(tree.PartnerId, "customer");
        var target = await root.CreateUserAsync(tree.PartnerId, role: "viewer");
        var targetId = target.Str("id");
        var (_, readonlyAdmin) = await root.UserHoldingAsync(tree.PartnerId, (tree.PartnerId, "readonly_admin"));
        var (_, companyAdmin) = await root.UserHoldingAsync(tree.PartnerId, (tree.CustomerId, "company_admin"));
        var (_, unitAdmin) = await root.UserHoldingAsync(tree.CustomerId, (tree.UnitId, "unit_admin"));
        var before = await root.GetAsync($"/api/2/users/{targetId}").ExpectAsync(HttpStatusCode.OK);

        // A readonly granter grants nothing.
        await readonlyAdmin.PutGrantsAsync(targetId, (tree.CustomerId, "backup_user")).ExpectErrorAsync(HttpStatusCode.Forbidden, 1002);
        // The company admin of one customer cannot touch a user of the partner, nor give roles beside its customer.
        await companyAdmin.PutGrantsAsync(targetId, (tree.CustomerId, "company_admin")).ExpectErrorAsync(HttpStatusCode.Forbidden, 1002);
        var inside = await root.CreateUserAsync(tree.CustomerId);
        await companyAdmin.PutGrantsAsync(inside.Str("id"), (tree.CustomerId, "company_admin"), (sibling.Str("id"), "company_admin"))
            .ExpectErrorAsync(HttpStatusCode.BadRequest, 1027); // a user of the customer holds roles only there and below
        // A unit admin cannot give the role of the customer above it.
        var unitUser = await root.CreateUserAsync(tree.UnitId);
        await unitAdmin.PutGrantsAsync(unitUser.Str("id"), (tree.UnitId, "unit_admin"), (tree.UnitId, "backup_user")).ExpectAsync(HttpStatusCode.OK);
        var customerUser = await root.CreateUserAsync(tree.CustomerId, role: "viewer");
        await unitAdmin.PutGrantsAsync(customerUser.Str("id"), (tree.CustomerId, "company_admin")).ExpectErrorAsync(HttpStatusCode.Forbidden, 1002);
        // A company admin reads its subscriptions but does not manage them: it cannot make an admin API client (which would).
        var (_, ownAdmin) = await root.UserHoldingAsync(tree.CustomerId, (tree.CustomerId, "company_admin"));
        var client = new { type = "api_client", tenant_id = tree.CustomerId, token_endpoint_auth_method = "client_secret_basic" };
        var exceeds = await ownAdmin.PostJsonAsync("/api/2/clients", client).ExpectErrorAsync(HttpStatusCode.Forbidden, 1002);
        Assert.Contains("nobody grants more than it holds", exceeds.GetProperty("details").Str("info"), StringComparison.Ordinal);
        var viewerClient = await ownAdmin.PostJsonAsync("/api/2/clients", new { client.type, client.tenant_id, client.token_endpoint_auth_method, role = "viewer" })
            .ExpectAsync(HttpStatusCode.Created);
        Assert.Equal("viewer", viewerClient.Str("role"));
        Assert.Single((await root.GetAsync($"/api/2/clients?tenant_id={tree.CustomerId}").ExpectAsync(HttpStatusCode.OK)).GetProperty("items").EnumerateArray(),
            c => c.Str("role") == "viewer");
        // Roles only on the kinds the catalogue names, and only known roles.
        await root.PutGrantsAsync(targetId, (tree.CustomerId, "partner_admin")).ExpectErrorAsync(HttpStatusCode.BadRequest, 400);
        await root.PutGrantsAsync(targetId, (tree.CustomerId, "admin")).ExpectErrorAsync(HttpStatusCode.BadRequest, 400);

        Assert.Equal(before.ToString(), (await root.GetAsync($"/api/2/users/{targetId}").ExpectAsync(HttpStatusCode.OK)).ToString());
        Assert.Equal([(tree.PartnerId, "readonly_admin")], await root.GrantsOfAsync(targetId));
        Assert.Equal([(tree.CustomerId, "readonly_admin")], await root.GrantsOfAsync(customerUser.Str("id")));
    }

    [Fact]
    public async Task TheRoleField_AndTheAccessPolicies_FollowEachOther()
    {
        var (root, tree) = await _server.RootWithSubtreeAsync();
        var user = await root.CreateUserAsync(tree.CustomerId);
        var id = user.Str("id");

        var viewer = await root.PutJsonAsync($"/api/2/users/{id}", new { role = "viewer", version = 1 }).ExpectAsync(HttpStatusCode.OK);
        Assert.Equal(("viewer", 2), (viewer.Str("role"), viewer.Long("version")));
        Assert.Equal([(tree.CustomerId, "readonly_admin")], await root.GrantsOfAsync(id));

        var both = await root.PutGrantsAsync(id, (tree.CustomerId, "company_admin"), (tree.UnitId, "backup_user")).ExpectAsync(HttpStatusCode.OK);
        Assert.Equal(Grants.Sorted((tree.CustomerId, "company_admin"), (tree.UnitId, "backup_user")), Grants.Pairs(both));
        var admin = await root.GetAsync($"/api/2/users/{id}").ExpectAsync(HttpStatusCode.OK);
        Assert.Equal(("admin", 3), (admin.Str("role"), admin.Long("version")));

        await root.PutJsonAsync($"/api/2/users/{id}", new { role = "viewer", version = 3 }).ExpectAsync(HttpStatusCode.OK);
        Assert.Equal(Grants.Sorted((tree.CustomerId, "readonly_admin"), (tree.UnitId, "backup_user")), await root.GrantsOfAsync(id));

        await root.PutGrantsAsync(id, (tree.CustomerId, "backup_user")).ExpectAsync(HttpStatusCode.OK);
        Assert.Equal("none", (await root.GetAsync($"/api/2/users/{id}").ExpectAsync(HttpStatusCode.OK)).Str("role"));
        await root.PutGrantsAsync(id).ExpectAsync(HttpStatusCode.OK);
        Assert.Empty(await root.GrantsOfAsync(id));

        var trail = await root.GetAsync($"/api/2/audit?target_id={id}&operation=user.access_policies").ExpectAsync(HttpStatusCode.OK);
        var newest = trail.GetProperty("items")[0].GetProperty("changes");
        Assert.Equal(3, trail.GetProperty("items").GetArrayLength());
        Assert.Equal("none", newest.GetProperty("before").Str("role"));
        Assert.Equal(0, newest.GetProperty("after").GetProperty("access_policies").GetArrayLength());
    }

    [Fact]
    public async Task AReplacementThatChangesNothing_BumpsNoVersion_AndWritesNoAuditRecord()
    {
        var (root, tree) = await _server.RootWithSubtreeAsync();
        var user = await root.CreateUserAsync(tree.CustomerId);
        var id = user.Str("id");
        var before = await root.GetAsync(Grants.PathOf(id)).ExpectAsync(HttpStatusCode.OK);

        var same = await root.PutGrantsAsync(id, (tree.CustomerId, "company_admin"), (tree.CustomerId, "company_admin")).ExpectAsync(HttpStatusCode.OK);

        Assert.Equal(before.GetProperty("items").ToString(), same.GetProperty("items").ToString());
        Assert.Equal(1, (await root.GetAsync($"/api/2/users/{id}").ExpectAsync(HttpStatusCode.OK)).Long("version"));
        var trail = await root.GetAsync($"/api/2/audit?target_id={id}&operation=user.access_policies").ExpectAsync(HttpStatusCode.OK);
        Assert.Equal(0, trail.GetProperty("items").GetArrayLength());
    }

    [Fact]
    public async Task AChangedGrant_AppliesToATokenAlreadyIssued_OnItsNextRequest()
    {
        var (root, tree) = await _server.RootWithSubtreeAsync();
        var (id, user) = await root.UserHoldingAsync(tree.CustomerId, (tree.CustomerId, "company_admin"));
        await user.CreateTenantAsync(tree.CustomerId, "unit");

        await root.PutGrantsAsync(id, (tree.CustomerId, "readonly_admin")).ExpectAsync(HttpStatusCode.OK);
        await user.PostJsonAsync("/api/2/tenants", new { name = "x", kind = "unit", parent_id = tree.CustomerId }).ExpectErrorAsync(HttpStatusCode.Forbidden, 1002);
        await user.GetAsync($"/api/2/tenants/{tree.UnitId}").ExpectAsync(HttpStatusCode.OK);

        await root.PutGrantsAsync(id, (tree.UnitId, "unit_admin")).ExpectAsync(HttpStatusCode.OK);
        await user.GetAsync($"/api/2/tenants/{tree.CustomerId}").ExpectErrorAsync(HttpStatusCode.Forbidden, 1002);
        await user.CreateTenantAsync(tree.UnitId, "unit");

        await root.PutJsonAsync($"/api/2/users/{id}", new { role = "admin", version = (await root.GetAsync($"/api/2/users/{id}").ExpectAsync(HttpStatusCode.OK)).Long("version") })
            .ExpectAsync(HttpStatusCode.OK);
        await user.CreateTenantAsync(tree.CustomerId, "unit");
    }

    [Fact]
    public async Task BadLists_Are400_AndChangeNothing()
    {
        var (root, tree) = await _server.RootWithSubtreeAsync();
        var id = (await root.CreateUserAsync(tree.CustomerId)).Str("id");
        var other = (await root.CreateUserAsync(tree.CustomerId)).Str("id");

        await root.PutJsonAsync(Grants.PathOf(id), new { }).ExpectErrorAsync(HttpStatusCode.BadRequest, 400);
        await root.PutJsonAsync(Grants.PathOf(id), new { items = new[] { new { role_id = "company_admin" } } }).ExpectErrorAsync(HttpStatusCode.BadRequest, 400);
        await root.PutJsonAsync(Grants.PathOf(id), new { items = new[] { new { tenant_id = "nope", role_id = "company_admin" } } }).ExpectErrorAsync(HttpStatusCode.BadRequest, 400);
        await root.PutJsonAsync(Grants.PathOf(id), new { items = new[] { new { tenant_id = tree.CustomerId, role_id = "company_admin", trustee_id = other } } })
            .ExpectErrorAsync(HttpStatusCode.BadRequest, 400);
        await root.PutJsonAsync(Grants.PathOf(id), new { items = new[] { new { tenant_id = tree.CustomerId, role_id = "company_admin", trustee_type = "client" } } })
            .ExpectErrorAsync(HttpStatusCode.BadRequest, 400);
        await root.PutGrantsAsync(Guid.NewGuid().ToString(), (tree.CustomerId, "company_admin")).ExpectErrorAsync(HttpStatusCode.NotFound, 1005);

        Assert.Equal([(tree.CustomerId, "company_admin")], await root.GrantsOfAsync(id));
        Assert.Equal(1, (await root.GetAsync($"/api/2/users/{id}").ExpectAsync(HttpStatusCode.OK)).Long("version"));
    }
}

public sealed class AccessPolicyTestsSqlite(Providers.SqliteServer fixture) : AccessPolicyTests(fixture), IClassFixture<Providers.SqliteServer>;

public sealed class AccessPolicyTestsPostgres(Providers.PostgresServer fixture) : AccessPolicyTests(fixture), IClassFixture<Providers.PostgresServer>;
