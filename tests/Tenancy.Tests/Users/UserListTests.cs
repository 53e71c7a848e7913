namespace Tenancy.Tests.Users;

/// <summary>GET /api/2/users: by uuids, tenant_id (with external_ids) or subtree_root_tenant_id, paging, reach and barriers.</summary>
public abstract class UserListTests(ServerFixture fixture)
{
    private readonly TenancyServer _server = fixture.Server;

    private static string[] Ids(JsonElement batch) => [.. batch.GetProperty("items").EnumerateArray().Select(i => i.Str("id"))];

    private static string? After(JsonElement batch) =>
        batch.GetProperty("paging").GetProperty("cursors").TryGetProperty("after", out var after) ? after.GetString() : null;

    private static async Task<JsonElement> ListAsync(Api api, string query)
    {
        var batch = await api.GetAsync($"/api/2/users?{query}").ExpectAsync(HttpStatusCode.OK);
        Spec.AssertValid("userBatch", batch);
        return batch;
    }

    /// <summary>Follows the after cursor to the end; returns the ids in order and the page sizes.</summary>
    private static async Task<(List<string> Ids, List<int> Pages)> AllPagesAsync(Api api, string query)
    {
        var (ids, pages) = (new List<string>(), new List<int>());
        for (var batch = await ListAsync(api, query); ; batch = await ListAsync(api, $"after={Uri.EscapeDataString(After(batch)!)}"))
        {
            ids.AddRange(Ids(batch));
            pages.Add(Ids(batch).Length);
            if (After(batch) is null || pages.Count > 50)
            {
                return (ids, pages);
            }
        }
    }

    [Fact]
    public async Task Subtree_IsListedPageByPage_WithoutDuplicatesOrGaps()
    {
        var (root, tree) = await _server.RootWithSubtreeAsync();
        var made = new List<string>();
        foreach (var tenant in new[] { tree.PartnerId, tree.CustomerId, tree.CustomerId, tree.UnitId, tree.UnitId, tree.UnitId, tree.PartnerId })
        {
            made.Add((await root.CreateUserAsync(tenant)).Str("id"));
        }

        var (ids, pages) = await AllPagesAsync(root, $"subtree_root_tenant_id={tree.PartnerId}&limit=3");
        var whole = Ids(await ListAsync(root, $"subtree_root_tenant_id={tree.PartnerId}"));

        Assert.Equal([3, 3, 1], pages);
        Assert.Equal(ids.Count, ids.Distinct().Count());
        Assert.Equal(made.Order(), ids.Order());
        Assert.Equal(whole, ids);
        var customerOnly = Ids(await ListAsync(root, $"subtree_root_tenant_id={tree.CustomerId}"));
        Assert.Equal(made.Skip(1).Take(5).Order(), customerOnly.Order());
    }

    [Fact]
    public async Task TenantId_ListsItsOwnUsers_AndExternalIdsNarrowThem()
    {
        var (root, tree) = await _server.RootWithSubtreeAsync();
        var first = await root.CreateUserAsync(tree.CustomerId);
        var second = await root.CreateUserAsync(tree.CustomerId);
        await root.CreateUserAsync(tree.UnitId);
        var external = $"ext-{Guid.NewGuid():N}";
        await root.PutJsonAsync($"/api/2/users/{second.Str("id")}", new { external_id = external, version = second.Long("version") })
            .ExpectAsync(HttpStatusCode.OK);

        var own = await ListAsync(root, $"tenant_id={tree.CustomerId}");
        var byExternal = await ListAsync(root, $"tenant_id={tree.CustomerId}&external_ids={external},other");

        Assert.Equal(new[] { first.Str("id"), second.Str("id") }.Order(), Ids(own).Order());
        var item = Assert.Single(byExternal.GetProperty("items").EnumerateArray());
        Assert.Equal(second.Str("id"), item.Str("id"));
        Assert.Equal(external, item.Str("external_id"));
        Assert.Equal(second.Str("login"), item.Str("login"));
    }

    [Fact]
    public async Task Uuids_ListsTheReadableOnes_AndUpdatedSinceKeepsTheRecentOnes()
    {
        var (root, tree) = await _server.RootWithSubtreeAsync();
        var inside = await root.CreateUserAsync(tree.UnitId);
        var outside = await root.CreateUserAsync(tree.PartnerId);
        var later = await root.CreateUserAsync(tree.CustomerId);
        var changed = await root.SetUserEnabledAsync(later.Str("id"), false);
        var ids = $"{inside.Str("id")},{outside.Str("id")},{later.Str("id")},{Guid.NewGuid()}";

        var seen = await ListAsync(tree.CustomerAdmin, $"uuids={ids}");
        var since = await ListAsync(root, $"uuids={ids}&updated_since={Uri.EscapeDataString(later.Str("updated_at"))}");

        Assert.Equal(new[] { inside.Str("id"), later.Str("id") }.Order(), Ids(seen).Order());
        Assert.Equal([later.Str("id")], Ids(since));
        Assert.Equal(changed.Long("version"), since.GetProperty("items")[0].Long("version"));
    }

    [Fact]
    public async Task UsersBehindABarrier_AreNotListed_ToThoseAboveItsParent()
    {
        var root = await _server.RootAsync();
        var partner = await root.CreateTenantAsync(await root.OwnTenantIdAsync(), "partner");
        var partnerAdmin = await root.CreateClientAndLoginAsync(partner.Str("id"));
        var closed = await partnerAdmin.PostJsonAsync("/api/2/tenants",
            new { name = "closed", kind = "customer", parent_id = partner.Str("id"), ancestral_access = false }).ExpectAsync(HttpStatusCode.Created);
        var hidden = await partnerAdmin.CreateUserAsync(closed.Str("id"));
        var open = await partnerAdmin.CreateUserAsync(partner.Str("id"));

        var byRoot = await ListAsync(root, $"subtree_root_tenant_id={partner.Str("id")}");
        var byRootIds = await ListAsync(root, $"uuids={hidden.Str("id")},{open.Str("id")}");
        var byParent = await ListAsync(partnerAdmin, $"subtree_root_tenant_id={partner.Str("id")}");

        Assert.Equal([open.Str("id")], Ids(byRoot));
        Assert.Equal([open.Str("id")], Ids(byRootIds));
        Assert.Equal(new[] { hidden.Str("id"), open.Str("id") }.Order(), Ids(byParent).Order());
        await root.GetAsync($"/api/2/users?tenant_id={closed.Str("id")}").ExpectErrorAsync(HttpStatusCode.Forbidden, 1002);
    }

    [Fact]
    public async Task OutsideReach_Is403_AndAnUnknownTenantIs404()
    {
        var (root, tree) = await _server.RootWithSubtreeAsync();

        await tree.CustomerAdmin.GetAsync($"/api/2/users?subtree_root_tenant_id={tree.PartnerId}").ExpectErrorAsync(HttpStatusCode.Forbidden, 1002);
        await tree.CustomerAdmin.GetAsync($"/api/2/users?tenant_id={tree.PartnerId}").ExpectErrorAsync(HttpStatusCode.Forbidden, 1002);
        await root.GetAsync($"/api/2/users?tenant_id={Guid.NewGuid()}").ExpectErrorAsync(HttpStatusCode.NotFound, 1005);
    }

    [Theory]
    [InlineData("stamps", new[] { "id", "version", "tenant_id", "created_at", "updated_at", "deleted_at", "access_policies", "origin_id", "origin_external_id", "disable_after" })]
    [InlineData("basic", new[] { "id", "version", "tenant_id", "created_at", "updated_at", "deleted_at", "access_policies", "origin_id", "origin_external_id", "disable_after", "personal_tenant_id", "login", "enabled" })]
    public async Task Lod_ChoosesTheFields(string lod, string[] fields)
    {
        var (root, tree) = await _server.RootWithSubtreeAsync();
        await root.CreateUserAsync(tree.UnitId);

        var batch = await ListAsync(root, $"tenant_id={tree.UnitId}&lod={lod}");

        var item = Assert.Single(batch.GetProperty("items").EnumerateArray());
        Assert.Equal(fields.Order(), item.EnumerateObject().Select(p => p.Name).Order());
    }

    [Theory]
    [InlineData("", "uuids")]
    [InlineData("uuids={0}&tenant_id={0}", "uuids")]
    [InlineData("subtree_root_tenant_id={0}&tenant_id={0}", "subtree_root_tenant_id")]
    [InlineData("uuids=nope", "uuids")]
    [InlineData("external_ids=a", "tenant_id")]
    [InlineData("tenant_id={0}&limit=0", "limit")]
    [InlineData("tenant_id={0}&lod=everything", "lod")]
    [InlineData("tenant_id={0}&updated_since=yesterday", "updated_since")]
    [InlineData("tenant_id={0}&allow_deleted=perhaps", "allow_deleted")]
    [InlineData("tenant_id={0}&tenant_kinds=customer", "tenant_kinds")]
    [InlineData("subtree_root_tenant_id={0}&inside_organization=true", "inside_organization")]
    [InlineData("after=bm90IGEgY3Vyc29y", "after")]
    public async Task BadInput_Is400NamingTheParameter(string query, string field)
    {
        var root = await _server.RootAsync();

        var error = await root.GetAsync($"/api/2/users?{string.Format(System.Globalization.CultureInfo.InvariantCulture, query, await root.OwnTenantIdAsync())}")
            .ExpectErrorAsync(HttpStatusCode.BadRequest, 400);

        Assert.Equal(field, error.GetProperty("context").Str("field"));
    }
}

public sealed class UserListTestsSqlite(Providers.SqliteServer fixture) : UserListTests(fixture), IClassFixture<Providers.SqliteServer>;

public sealed class UserListTestsPostgres(Providers.PostgresServer fixture) : UserListTests(fixture), IClassFixture<Providers.PostgresServer>;
