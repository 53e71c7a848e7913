using System.Buffers.Text;
using System.Text;

namespace Tenancy.Tests.Tenants;

/// <summary>GET /api/2/tenants by uuids, parent_id and subtree_root_id, cursor paging, and /children.</summary>
public abstract class ListTests(ServerFixture fixture)
{
    private readonly TenancyServer _server = fixture.Server;

    private static string[] Ids(JsonElement batch) =>
        [.. batch.GetProperty("items").EnumerateArray().Select(i => i.ValueKind == JsonValueKind.String ? i.GetString()! : i.Str("id"))];

    private static string? After(JsonElement batch) =>
        batch.TryGetProperty("paging", out var paging) && paging.TryGetProperty("cursors", out var cursors)
        && cursors.TryGetProperty("after", out var after) ? after.GetString() : null;

    /// <summary>Follows the after cursor to the end, checking each page against the schema; returns the items.</summary>
    private static async Task<List<JsonElement>> AllPagesAsync(Api api, string firstPage, int limit)
    {
        var items = new List<JsonElement>();
        var path = firstPage;
        for (var pages = 0; pages < 100; pages++)
        {
            var batch = await api.GetAsync(path).ExpectAsync(HttpStatusCode.OK);
            Spec.AssertValid("tenantBatch", batch);
            var page = batch.GetProperty("items").EnumerateArray().ToList();
            Assert.InRange(page.Count, 1, limit);
            items.AddRange(page);
            if (After(batch) is not { } after)
            {
                return items;
            }

            Assert.Equal(limit, page.Count);
            path = $"/api/2/tenants?after={Uri.EscapeDataString(after)}";
        }

        throw new InvalidOperationException("paging did not end");
    }

    [Fact]
    public async Task List_WithoutASelector_IsRefusedWith400()
    {
        var root = await _server.RootAsync();

        await root.GetAsync("/api/2/tenants").ExpectErrorAsync(HttpStatusCode.BadRequest, 400);
        await root.GetAsync($"/api/2/tenants?parent_id={await root.OwnTenantIdAsync()}&subtree_root_id={await root.OwnTenantIdAsync()}")
            .ExpectErrorAsync(HttpStatusCode.BadRequest, 400);
    }

    [Fact]
    public async Task List_ByUuids_ReturnsTheKnownOnes_AndRefusesMoreThan100()
    {
        var root = await _server.RootAsync();
        var tree = await root.BuildSubtreeAsync();
        var known = new[] { tree.PartnerId, tree.CustomerId, tree.UnitId };
        var hundred = known.Concat(Enumerable.Range(0, 97).Select(_ => Guid.NewGuid().ToString())).ToList();

        var batch = await root.GetAsync($"/api/2/tenants?uuids={string.Join(',', hundred)}").ExpectAsync(HttpStatusCode.OK);
        Spec.AssertValid("tenantBatch", batch);
        Assert.Equal(known.Order(), Ids(batch).Order());

        var error = await root.GetAsync($"/api/2/tenants?uuids={string.Join(',', hundred.Append(Guid.NewGuid().ToString()))}")
            .ExpectErrorAsync(HttpStatusCode.BadRequest, 400);
        Assert.Equal("uuids", error.GetProperty("context").Str("field"));
        await root.GetAsync($"/api/2/tenants?uuids={tree.PartnerId},nope").ExpectErrorAsync(HttpStatusCode.BadRequest, 400);
    }

    [Fact]
    public async Task List_ByParentId_PagesThroughTheChildrenInCreationOrder()
    {
        var root = await _server.RootAsync();
        var partner = await root.CreateTenantAsync(await root.OwnTenantIdAsync(), "partner");
        var children = new List<string>();
        for (var i = 0; i < 5; i++)
        {
            children.Add((await root.CreateTenantAsync(partner.Str("id"), "customer")).Str("id"));
        }

        await root.CreateTenantAsync(children[0], "unit");

        var items = await AllPagesAsync(root, $"/api/2/tenants?parent_id={partner.Str("id")}&limit=2", 2);

        Assert.Equal(children, items.Select(i => i.Str("id")));
        Assert.Equal([true, false, false, false, false], items.Select(i => i.Bool("has_children")));
    }

    [Fact]
    public async Task List_BySubtreeRoot_PagesThroughEveryTenantOnceInLevelOrder()
    {
        var root = await _server.RootAsync();
        var rootId = await root.OwnTenantIdAsync();

        // A decoy subtree made first: its paths sort before the listed one's.
        var decoy = await root.BuildSubtreeAsync();
        var top = await root.CreateTenantAsync(rootId, "partner");
        var expected = new Dictionary<string, int> { [top.Str("id")] = 0 };
        for (var c = 0; c < 5; c++)
        {
            var customer = await root.CreateTenantAsync(top.Str("id"), "customer");
            expected[customer.Str("id")] = 1;
            for (var u = 0; u < 5; u++)
            {
                expected[(await root.CreateTenantAsync(customer.Str("id"), "unit")).Str("id")] = 2;
            }
        }

        await root.CreateTenantAsync(decoy.UnitId, "unit");

        var items = await AllPagesAsync(root, $"/api/2/tenants?subtree_root_id={top.Str("id")}&limit=7", 7);

        var ids = items.Select(i => i.Str("id")).ToList();
        Assert.Equal(31, ids.Count);
        Assert.Equal(ids.Count, ids.Distinct().Count());
        Assert.Equal(expected.Keys.Order(), ids.Order());
        Assert.Equal(top.Str("id"), ids[0]);
        var levels = ids.Select(id => expected[id]).ToList();
        Assert.Equal(levels.Order(), levels);
    }

    [Fact]
    public async Task List_BySubtreeRoot_OnLaterPages_StillMarksSuspendedTenants_AndHidesThoseBehindABarrier()
    {
        // root -> partner -> {suspended customer, closed customer (ancestral_access off), open customer},
        // three units under each of the first two, one under the third. With two per page, the units lie
        // on pages 3 to 6, below restrictions that were read for earlier pages (and, at the anchor, for none).
        var root = await _server.RootAsync();
        var partner = (await root.CreateTenantAsync(await root.OwnTenantIdAsync(), "partner")).Str("id");
        var partnerAdmin = await root.CreateClientAndLoginAsync(partner);
        var suspended = (await root.CreateTenantAsync(partner, "customer")).Str("id");
        var closed = (await partnerAdmin.PostJsonAsync("/api/2/tenants",
            new { name = "closed", kind = "customer", parent_id = partner, ancestral_access = false }).ExpectAsync(HttpStatusCode.Created)).Str("id");
        var open = (await root.CreateTenantAsync(partner, "customer")).Str("id");
        var under = new Dictionary<string, string>();
        foreach (var (customer, count) in new[] { (suspended, 3), (closed, 3), (open, 1) })
        {
            for (var i = 0; i < count; i++)
            {
                under[(await partnerAdmin.CreateTenantAsync(customer, "unit")).Str("id")] = customer;
            }
        }

        await root.SetEnabledAsync(suspended, false);

        var items = (await AllPagesAsync(root, $"/api/2/tenants?subtree_root_id={partner}&limit=2", 2)).ToDictionary(i => i.Str("id"));

        Assert.Equal(new[] { partner, suspended, closed, open }.Concat(under.Keys).Order(), items.Keys.Order());
        foreach (var (unit, customer) in under)
        {
            var item = items[unit];
            if (customer == closed)
            {
                Assert.False(item.TryGetProperty("name", out _), "a tenant behind a barrier is listed without details");
                Assert.False(item.TryGetProperty("effectively_enabled", out _));
            }
            else
            {
                Assert.Equal(customer == suspended ? suspended : null, item.TryGetProperty("disabled_by", out var by) ? by.GetString() : null);
                Assert.Equal(customer != suspended, item.Bool("effectively_enabled"));
            }
        }

        // The barrier holds only for ancestors above the closed tenant's parent: the partner's admin sees it all.
        var mine = (await AllPagesAsync(partnerAdmin, $"/api/2/tenants?subtree_root_id={partner}&limit=2", 2)).ToDictionary(i => i.Str("id"));
        Assert.All(under.Keys, unit => Assert.True(mine[unit].TryGetProperty("name", out _)));

        // A suspended subtree root: its restriction was read with the root, not with the page, and still marks every unit.
        await root.SetEnabledAsync(partner, false);
        var below = await AllPagesAsync(root, $"/api/2/tenants?subtree_root_id={open}&limit=1", 1);
        Assert.Equal(2, below.Count);
        Assert.All(below, i => Assert.Equal(partner, i.Str("disabled_by")));
        var units = await AllPagesAsync(root, $"/api/2/tenants?subtree_root_id={suspended}&limit=1", 1);
        Assert.Equal(4, units.Count);
        Assert.All(units, i => Assert.Equal(suspended, i.Str("disabled_by")));
    }

    [Theory]
    [InlineData("not-a-cursor")]
    [InlineData("eyJNb2RlIjoiaWRzIn0")]
    [InlineData("%%%")]
    public async Task List_WithATamperedCursor_IsRefusedWith400(string after)
    {
        var root = await _server.RootAsync();

        var error = await root.GetAsync($"/api/2/tenants?after={Uri.EscapeDataString(after)}").ExpectErrorAsync(HttpStatusCode.BadRequest, 400);

        Assert.Equal("after", error.GetProperty("context").Str("field"));
    }

    [Fact]
    public async Task List_WithACursorReKeyedToATenantOutOfReach_IsForbidden()
    {
        var root = await _server.RootAsync();
        var tree = await root.BuildSubtreeAsync();
        await root.CreateTenantAsync(tree.CustomerId, "unit");
        var first = await tree.CustomerAdmin.GetAsync($"/api/2/tenants?parent_id={tree.CustomerId}&limit=1").ExpectAsync(HttpStatusCode.OK);
        var cursor = JsonSerializer.Deserialize<Dictionary<string, JsonElement>>(Base64Url.DecodeFromChars(After(first)!))!;
        var forged = new Dictionary<string, object> { ["Mode"] = "parent", ["Key"] = tree.PartnerId, ["Level"] = 0, ["Path"] = "", ["Seq"] = 0, ["Limit"] = cursor["Limit"].GetInt32() };
        var token = Base64Url.EncodeToString(Encoding.UTF8.GetBytes(JsonSerializer.Serialize(forged)));

        await tree.CustomerAdmin.GetAsync($"/api/2/tenants?after={token}").ExpectErrorAsync(HttpStatusCode.Forbidden, 1002);
    }

    [Fact]
    public async Task Children_ListsIds_OrObjectsWithIncludeDetails()
    {
        var root = await _server.RootAsync();
        var tree = await root.BuildSubtreeAsync();
        var second = await root.CreateTenantAsync(tree.CustomerId, "unit");
        await root.CreateTenantAsync(tree.UnitId, "unit");

        var ids = await root.GetAsync($"/api/2/tenants/{tree.CustomerId}/children").ExpectAsync(HttpStatusCode.OK);
        Assert.Equal([tree.UnitId, second.Str("id")], Ids(ids));
        Assert.All(ids.GetProperty("items").EnumerateArray(), i => Assert.Equal(JsonValueKind.String, i.ValueKind));

        var details = await root.GetAsync($"/api/2/tenants/{tree.CustomerId}/children?include_details=true").ExpectAsync(HttpStatusCode.OK);
        var objects = details.GetProperty("items").EnumerateArray().ToList();
        Assert.Equal([tree.UnitId, second.Str("id")], objects.Select(o => o.Str("id")));
        Assert.All(objects, o => Spec.AssertValid("tenant", o));
        Assert.Equal([true, false], objects.Select(o => o.Bool("has_children")));
        Assert.All(objects, o => Assert.Equal(tree.CustomerId, o.Str("parent_id")));

        var paged = await root.GetAsync($"/api/2/tenants/{tree.CustomerId}/children?limit=1").ExpectAsync(HttpStatusCode.OK);
        Assert.Equal([tree.UnitId], Ids(paged));
        Assert.NotNull(After(paged));
    }

    [Theory]
    [InlineData("basic", new[] { "id", "parent_id", "version", "created_at", "updated_at", "deleted_at", "contacts", "offering_items", "name", "kind", "enabled" })]
    [InlineData("stamps", new[] { "id", "parent_id", "version", "created_at", "updated_at", "deleted_at", "contacts", "offering_items" })]
    public async Task List_AtALevelOfDetail_ReturnsExactlyItsFields_AndMatchesTheSchema(string lod, string[] fields)
    {
        var root = await _server.RootAsync();
        var tree = await root.BuildSubtreeAsync();

        var batch = await root.GetAsync($"/api/2/tenants?subtree_root_id={tree.PartnerId}&lod={lod}").ExpectAsync(HttpStatusCode.OK);

        Spec.AssertValid("tenantBatch", batch);
        var items = batch.GetProperty("items").EnumerateArray().ToList();
        Assert.Equal([tree.PartnerId, tree.CustomerId, tree.UnitId], items.Select(i => i.Str("id")));
        Assert.All(items, i => Assert.Equal(fields.Order(), i.EnumerateObject().Select(p => p.Name).Order()));
        await root.GetAsync($"/api/2/tenants?subtree_root_id={tree.PartnerId}&lod=everything").ExpectErrorAsync(HttpStatusCode.BadRequest, 400);
    }
}

public sealed class ListTestsSqlite(Providers.SqliteServer fixture) : ListTests(fixture), IClassFixture<Providers.SqliteServer>;

public sealed class ListTestsPostgres(Providers.PostgresServer fixture) : ListTests(fixture), IClassFixture<Providers.PostgresServer>;
