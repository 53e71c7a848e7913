namespace Tenancy.Tests.Tenants;

/// <summary>Moves racing each other must never leave a cycle or a subtree whose paths disagree with its parents.</summary>
public abstract class ConcurrentMoveTests(ServerFixture fixture)
{
    private const int Rounds = 12;

    private readonly TenancyServer _server = fixture.Server;

    private static Task<HttpResponseMessage> MoveAsync(Api api, System.Text.Json.JsonElement tenant, string parentId) =>
        api.PutTenantAsync(tenant.Str("id"), new { parent_id = parentId, version = tenant.Long("version") });

    /// <summary>Every tenant of the subtree, as the level-ordered list shows it.</summary>
    private static async Task<HashSet<string>> SubtreeAsync(Api api, string id)
    {
        var batch = await api.GetAsync($"/api/2/tenants?subtree_root_id={id}").ExpectAsync(HttpStatusCode.OK);
        return [.. batch.GetProperty("items").EnumerateArray().Select(i => i.Str("id"))];
    }

    [Fact]
    public async Task TwoSiblingsMovedUnderEachOtherAtOnce_NeverBothSucceed()
    {
        var root = await _server.RootAsync();
        var rootId = await root.OwnTenantIdAsync();
        var pairs = new List<(System.Text.Json.JsonElement A, System.Text.Json.JsonElement B)>();
        for (var i = 0; i < Rounds; i++)
        {
            var holder = await root.CreateTenantAsync(rootId, "folder");
            pairs.Add((await root.CreateTenantAsync(holder.Str("id"), "partner"), await root.CreateTenantAsync(holder.Str("id"), "partner")));
        }

        var responses = await Task.WhenAll(pairs.SelectMany(p => new[] { MoveAsync(root, p.A, p.B.Str("id")), MoveAsync(root, p.B, p.A.Str("id")) }));

        var everything = await SubtreeAsync(root, rootId);
        for (var i = 0; i < Rounds; i++)
        {
            var (a, b) = pairs[i];
            var statuses = new[] { responses[2 * i].StatusCode, responses[(2 * i) + 1].StatusCode };
            Assert.Equal(1, statuses.Count(s => s == HttpStatusCode.OK));
            Assert.Contains(a.Str("id"), everything);
            Assert.Contains(b.Str("id"), everything);
        }

        foreach (var response in responses)
        {
            response.Dispose();
        }
    }

    [Fact]
    public async Task MovingATenantWhileItsParentMoves_KeepsItsChildrenInItsSubtree()
    {
        var root = await _server.RootAsync();
        var rootId = await root.OwnTenantIdAsync();
        var trees = new List<(Subtree Tree, string NewPartner, string NewGrandparent)>();
        for (var i = 0; i < Rounds; i++)
        {
            var tree = await root.BuildSubtreeAsync();
            var newPartner = await root.CreateTenantAsync(rootId, "partner");
            var newGrandparent = await root.CreateTenantAsync(rootId, "partner");
            trees.Add((tree, newPartner.Str("id"), newGrandparent.Str("id")));
        }

        // At once: the partner moves under another partner, and its customer moves to a third partner.
        var responses = await Task.WhenAll(trees.SelectMany(t => new[]
        {
            MoveAsync(root, t.Tree.Partner, t.NewGrandparent),
            MoveAsync(root, t.Tree.Customer, t.NewPartner),
        }));
        Assert.All(responses, r => Assert.Equal(HttpStatusCode.OK, r.StatusCode));

        foreach (var (tree, newPartner, _) in trees)
        {
            Assert.Equal(newPartner, (await root.GetTenantAsync(tree.CustomerId)).Str("parent_id"));
            Assert.Equal(new HashSet<string> { newPartner, tree.CustomerId, tree.UnitId }, await SubtreeAsync(root, newPartner));
            Assert.Equal(tree.UnitId, (await tree.CustomerAdmin.GetTenantAsync(tree.UnitId)).Str("id"));
        }

        foreach (var response in responses)
        {
            response.Dispose();
        }
    }
}

public sealed class ConcurrentMoveTestsSqlite(Providers.SqliteServer fixture) : ConcurrentMoveTests(fixture), IClassFixture<Providers.SqliteServer>;

public sealed class ConcurrentMoveTestsPostgres(Providers.PostgresServer fixture) : ConcurrentMoveTests(fixture), IClassFixture<Providers.PostgresServer>;
