namespace Tenancy.Tests.Tenants;

/// <summary>Which kind may hold which, and moving a tenant (PUT parent_id) with its subtree.</summary>
public abstract class KindAndMoveTests(ServerFixture fixture)
{
    private readonly TenancyServer _server = fixture.Server;

    /// <summary>A fresh tenant of the given kind (the root itself for "root").</summary>
    private static async Task<string> ParentOfKindAsync(Api root, string kind)
    {
        var rootId = await root.OwnTenantIdAsync();
        return kind switch
        {
            "root" => rootId,
            "partner" or "folder" => (await root.CreateTenantAsync(rootId, kind)).Str("id"),
            "customer" => (await root.BuildSubtreeAsync()).CustomerId,
            "unit" => (await root.BuildSubtreeAsync()).UnitId,
            _ => throw new ArgumentOutOfRangeException(nameof(kind)),
        };
    }

    private static async Task<string[]> ChildIdsAsync(Api api, string id)
    {
        var body = await api.GetAsync($"/api/2/tenants/{id}/children").ExpectAsync(HttpStatusCode.OK);
        return [.. body.GetProperty("items").EnumerateArray().Select(i => i.GetString()!)];
    }

    [Theory]
    [InlineData("root", "partner")]
    [InlineData("root", "folder")]
    [InlineData("root", "customer")]
    [InlineData("partner", "partner")]
    [InlineData("partner", "folder")]
    [InlineData("partner", "customer")]
    [InlineData("folder", "partner")]
    [InlineData("folder", "folder")]
    [InlineData("folder", "customer")]
    [InlineData("customer", "unit")]
    [InlineData("unit", "unit")]
    public async Task Create_OfAnAllowedKind_IsCreatedUnderItsParent(string parentKind, string kind)
    {
        var root = await _server.RootAsync();
        var parentId = await ParentOfKindAsync(root, parentKind);

        var created = await root.CreateTenantAsync(parentId, kind);

        Assert.Equal(kind, created.Str("kind"));
        Assert.Equal(parentId, created.Str("parent_id"));
        Assert.Equal(1, created.Long("version"));
        Spec.AssertValid("tenant", created);
        Assert.Contains(created.Str("id"), await ChildIdsAsync(root, parentId));
        Assert.True((await root.GetTenantAsync(parentId)).Bool("has_children"));
    }

    [Theory]
    [InlineData("root", "unit")]
    [InlineData("partner", "unit")]
    [InlineData("folder", "unit")]
    [InlineData("customer", "partner")]
    [InlineData("customer", "folder")]
    [InlineData("customer", "customer")]
    [InlineData("unit", "partner")]
    [InlineData("unit", "folder")]
    [InlineData("unit", "customer")]
    public async Task Create_OfAKindTheParentCannotHold_IsRefusedWith1027(string parentKind, string kind)
    {
        var root = await _server.RootAsync();
        var parentId = await ParentOfKindAsync(root, parentKind);
        var before = await ChildIdsAsync(root, parentId);

        var error = await root.PostJsonAsync("/api/2/tenants", new { name = "refused", kind, parent_id = parentId })
            .ExpectErrorAsync(HttpStatusCode.BadRequest, 1027);

        Assert.Contains($"'{kind}'", error.GetProperty("details").Str("info"), StringComparison.Ordinal);
        Assert.Equal(before, await ChildIdsAsync(root, parentId));
    }

    [Theory]
    [InlineData("root")]
    [InlineData("galaxy")]
    public async Task Create_OfKindRootOrAnUnknownKind_IsRefusedWith400(string kind)
    {
        var root = await _server.RootAsync();
        var rootId = await root.OwnTenantIdAsync();
        var before = await ChildIdsAsync(root, rootId);

        var error = await root.PostJsonAsync("/api/2/tenants", new { name = "refused", kind, parent_id = rootId })
            .ExpectErrorAsync(HttpStatusCode.BadRequest, 400);

        Assert.Equal("kind", error.GetProperty("context").Str("field"));
        Assert.Equal(before, await ChildIdsAsync(root, rootId));
    }

    [Fact]
    public async Task Move_OfACustomerToAnotherPartner_CarriesItsSubtree()
    {
        var root = await _server.RootAsync();
        var tree = await root.BuildSubtreeAsync();
        var target = await root.CreateTenantAsync(await root.OwnTenantIdAsync(), "partner");
        var targetId = target.Str("id");

        var moved = await root.PutTenantAsync(tree.CustomerId, new { parent_id = targetId, version = tree.Customer.Long("version") })
            .ExpectAsync(HttpStatusCode.OK);

        Assert.Equal(targetId, moved.Str("parent_id"));
        Assert.Equal(tree.Customer.Long("version") + 1, moved.Long("version"));
        Assert.Equal([tree.CustomerId], await ChildIdsAsync(root, targetId));
        Assert.Empty(await ChildIdsAsync(root, tree.PartnerId));
        Assert.False((await root.GetTenantAsync(tree.PartnerId)).Bool("has_children"));

        var newSubtree = await SubtreeIdsAsync(root, targetId);
        Assert.Equal([targetId, tree.CustomerId, tree.UnitId], newSubtree);
        Assert.Equal([tree.PartnerId], await SubtreeIdsAsync(root, tree.PartnerId));

        var unit = await root.GetTenantAsync(tree.UnitId);
        Assert.Equal(tree.CustomerId, unit.Str("parent_id"));

        // The customer's own client follows its tenant: it still reaches its unit, and no longer its old parent.
        Assert.Equal(tree.CustomerId, (await tree.CustomerAdmin.GetTenantAsync(tree.UnitId)).Str("parent_id"));
        await tree.CustomerAdmin.GetAsync($"/api/2/tenants/{tree.PartnerId}").ExpectErrorAsync(HttpStatusCode.Forbidden, 1002);

        // Suspension now comes from the new parent.
        await root.SetEnabledAsync(targetId, false);
        Assert.Equal(targetId, (await root.GetTenantAsync(tree.UnitId)).Str("disabled_by"));
    }

    [Fact]
    public async Task Move_UnderItselfOrItsOwnSubtree_IsRefusedWith1007()
    {
        var root = await _server.RootAsync();
        var partner = await root.CreateTenantAsync(await root.OwnTenantIdAsync(), "partner");
        var child = await root.CreateTenantAsync(partner.Str("id"), "partner");
        var grandchild = await root.CreateTenantAsync(child.Str("id"), "folder");
        var id = partner.Str("id");

        foreach (var target in new[] { id, child.Str("id"), grandchild.Str("id") })
        {
            await root.PutTenantAsync(id, new { parent_id = target, version = partner.Long("version") })
                .ExpectErrorAsync(HttpStatusCode.BadRequest, 1007);
        }

        var after = await root.GetTenantAsync(id);
        Assert.Equal(partner.Str("parent_id"), after.Str("parent_id"));
        Assert.Equal(partner.Long("version"), after.Long("version"));
    }

    [Fact]
    public async Task Move_UnderAKindThatCannotHoldIt_IsRefusedWith1027()
    {
        var root = await _server.RootAsync();
        var tree = await root.BuildSubtreeAsync();
        var other = await root.BuildSubtreeAsync();

        // A customer cannot go under a unit or a customer; a unit cannot go under a partner.
        await root.PutTenantAsync(tree.CustomerId, new { parent_id = other.UnitId, version = tree.Customer.Long("version") })
            .ExpectErrorAsync(HttpStatusCode.BadRequest, 1027);
        await root.PutTenantAsync(tree.CustomerId, new { parent_id = other.CustomerId, version = tree.Customer.Long("version") })
            .ExpectErrorAsync(HttpStatusCode.BadRequest, 1027);
        await root.PutTenantAsync(tree.UnitId, new { parent_id = other.PartnerId, version = tree.Unit.Long("version") })
            .ExpectErrorAsync(HttpStatusCode.BadRequest, 1027);

        Assert.Equal(tree.PartnerId, (await root.GetTenantAsync(tree.CustomerId)).Str("parent_id"));
        Assert.Equal(tree.CustomerId, (await root.GetTenantAsync(tree.UnitId)).Str("parent_id"));
        Assert.Equal([other.UnitId], await ChildIdsAsync(root, other.CustomerId));

        // A unit may move to another customer.
        var moved = await root.PutTenantAsync(tree.UnitId, new { parent_id = other.CustomerId, version = tree.Unit.Long("version") })
            .ExpectAsync(HttpStatusCode.OK);
        Assert.Equal(other.CustomerId, moved.Str("parent_id"));
    }

    [Fact]
    public async Task ChangingKind_ToOneThatCannotHoldTheChildren_IsRefusedWith1027()
    {
        var root = await _server.RootAsync();
        var tree = await root.BuildSubtreeAsync();

        await root.PutTenantAsync(tree.CustomerId, new { kind = "partner", version = tree.Customer.Long("version") })
            .ExpectErrorAsync(HttpStatusCode.BadRequest, 1027);
        await root.PutTenantAsync(tree.PartnerId, new { kind = "customer", version = tree.Partner.Long("version") })
            .ExpectErrorAsync(HttpStatusCode.BadRequest, 1027);

        Assert.Equal("customer", (await root.GetTenantAsync(tree.CustomerId)).Str("kind"));
        var folder = await root.PutTenantAsync(tree.PartnerId, new { kind = "folder", version = tree.Partner.Long("version") })
            .ExpectAsync(HttpStatusCode.OK);
        Assert.Equal("folder", folder.Str("kind"));
    }

    private static async Task<string[]> SubtreeIdsAsync(Api api, string id)
    {
        var body = await api.GetAsync($"/api/2/tenants?subtree_root_id={id}").ExpectAsync(HttpStatusCode.OK);
        return [.. body.GetProperty("items").EnumerateArray().Select(i => i.Str("id"))];
    }
}

public sealed class KindAndMoveTestsSqlite(Providers.SqliteServer fixture) : KindAndMoveTests(fixture), IClassFixture<Providers.SqliteServer>;

public sealed class KindAndMoveTestsPostgres(Providers.PostgresServer fixture) : KindAndMoveTests(fixture), IClassFixture<Providers.PostgresServer>;
