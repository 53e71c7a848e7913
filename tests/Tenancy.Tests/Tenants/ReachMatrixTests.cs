using System.Net;
using System.Text.Json;
using Tenancy.Tests.Infrastructure;

namespace Tenancy.Tests.Tenants;

/// <summary>
/// The access model, proved as a table: every principal x every tenant x every operation of a generated
/// tree, with the expected answer computed here from the rules (walking parent links, not the server's
/// paths) and compared with what the API answers.
/// </summary>
public abstract class ReachMatrixTests(ServerFixture fixture, ITestOutputHelper output)
{
    private readonly TenancyServer _server = fixture.Server;

    /// <param name="LockedBy">The tenant whose principals alone may change this one (its parent, which creates it).</param>
    private sealed record Node(string Name, string Kind, string? Parent, bool AncestralAccess = true, string? LockedBy = null);

    /// <summary>The generated tree: kinds, an ancestral_access barrier, and an update lock held by an ancestor.</summary>
    private static readonly Node[] Tree =
    [
        new("P1", "partner", null),
        new("P2", "partner", null),
        new("F1", "folder", "P1"),
        new("C1", "customer", "F1", AncestralAccess: false),
        new("U1", "unit", "C1"),
        new("U2", "unit", "U1"),
        new("C2", "customer", "P1", LockedBy: "P1"),
        new("C3", "customer", "P2"),
        new("U3", "unit", "C3"),
    ];

    private static IEnumerable<string> Chain(Dictionary<string, Node> nodes, string name)
    {
        for (var n = name; n is not null; n = nodes[n].Parent)
        {
            yield return n;
        }
    }

    /// <summary>Expected HTTP status of <paramref name="operation"/> by a principal of <paramref name="principal"/> on <paramref name="target"/>.</summary>
    private static HttpStatusCode Expected(Dictionary<string, Node> nodes, string principal, string target, string operation)
    {
        var chain = Chain(nodes, target).ToList();
        if (!chain.Contains(principal))
        {
            return HttpStatusCode.Forbidden;
        }

        // Tenants strictly below the principal's tenant, down to the target.
        var below = chain.TakeWhile(n => n != principal);
        if (below.Any(n => !nodes[n].AncestralAccess && nodes[n].Parent != principal))
        {
            return HttpStatusCode.Forbidden;
        }

        if (operation == "rename" && nodes[target].LockedBy is { } owner && owner != principal)
        {
            return HttpStatusCode.Forbidden;
        }

        return operation == "create child" ? HttpStatusCode.Created : HttpStatusCode.OK;
    }

    [Fact]
    public async Task EveryPrincipal_OnEveryTenant_ForEveryOperation_GetsWhatTheRulesSay()
    {
        var root = await _server.RootAsync();
        var rootId = await root.OwnTenantIdAsync();
        var ids = new Dictionary<string, string>();
        var nodes = Tree.ToDictionary(n => n.Name);
        var principals = new Dictionary<string, Api>();
        foreach (var node in Tree)
        {
            // Each tenant is made by a principal of its parent: nothing bars a parent, and a lock is owned by it.
            var creator = node.Parent is null ? root : principals[node.Parent];
            var created = await creator.PostJsonAsync("/api/2/tenants", new
            {
                name = node.Name, kind = node.Kind, parent_id = node.Parent is null ? rootId : ids[node.Parent],
                ancestral_access = node.AncestralAccess, update_lock = new { enabled = node.LockedBy is not null },
            }).ExpectAsync(HttpStatusCode.Created);
            ids[node.Name] = created.Str("id");
            principals[node.Name] = await creator.CreateClientAndLoginAsync(ids[node.Name]);
        }

        string[] operations = ["read", "rename", "create child", "list children", "read v2.1"];
        var checkedCount = 0;
        var mismatches = new List<string>();
        foreach (var (principal, api) in principals)
        {
            foreach (var target in Tree.Select(n => n.Name))
            {
                foreach (var operation in operations)
                {
                    var expected = Expected(nodes, principal, target, operation);
                    var id = ids[target];
                    using var response = operation switch
                    {
                        "read" => await api.GetAsync($"/api/2/tenants/{id}"),
                        "rename" => await api.PutTenantAsync(id, new { name = target, version = (await principals[target].GetTenantAsync(id)).Long("version") }),
                        "create child" => await api.PostJsonAsync("/api/2/tenants", new
                        {
                            name = $"child of {target}", kind = nodes[target].Kind is "customer" or "unit" ? "unit" : "customer", parent_id = id,
                        }),
                        "list children" => await api.GetAsync($"/api/2/tenants/{id}/children"),
                        _ => await api.GetAsync($"/api/v2.1/tenants/{id}"),
                    };
                    checkedCount++;
                    if (response.StatusCode != expected)
                    {
                        mismatches.Add($"{principal} {operation} {target}: expected {(int)expected}, got {(int)response.StatusCode}");
                    }
                    else if (expected == HttpStatusCode.Forbidden && operation != "read v2.1")
                    {
                        var code = JsonDocument.Parse(await response.Content.ReadAsStringAsync(TestContext.Current.CancellationToken)).RootElement.GetProperty("error").GetProperty("code").GetInt32();
                        var expectedCode = operation == "rename" && nodes[target].LockedBy is not null && Expected(nodes, principal, target, "read") == HttpStatusCode.OK ? 1012 : 1002;
                        if (code != expectedCode)
                        {
                            mismatches.Add($"{principal} {operation} {target}: expected code {expectedCode}, got {code}");
                        }
                    }
                }
            }
        }

        output.WriteLine($"checked {checkedCount} principal x tenant x operation cases");
        Assert.Equal(Tree.Length * Tree.Length * operations.Length, checkedCount);
        Assert.Empty(mismatches);
        foreach (var api in principals.Values)
        {
            api.Dispose();
        }
    }
}

public sealed class ReachMatrixTestsSqlite(Providers.SqliteServer fixture, ITestOutputHelper output)
    : ReachMatrixTests(fixture, output), IClassFixture<Providers.SqliteServer>;

public sealed class ReachMatrixTestsPostgres(Providers.PostgresServer fixture, ITestOutputHelper output)
    : ReachMatrixTests(fixture, output), IClassFixture<Providers.PostgresServer>;
