using Dapper;
using Tenancy.Server.Storage;

namespace Tenancy.Tests.Lifecycle;

/// <summary>Dry runs of suspend, reactivate, move and delete in both dialects: what they report, that they change nothing, and that the real operation then does exactly that.</summary>
public abstract class DryRunTests(StorageProvider provider) : ServerTests(provider)
{
    /// <summary>partner -> 3 customers -> 2 units each (10 tenants), 4 users, 2 API clients, a subscription, an application on.</summary>
    private sealed record Tree(string Partner, string[] Customers, string[] Units, string[] Users, string[] Clients);

    private async Task<(Api Root, Tree Tree)> GenerateAsync()
    {
        var root = await Server.RootAsync();
        var partner = (await root.CreateTenantAsync(await root.OwnTenantIdAsync(), "partner")).Str("id");
        var customers = new List<string>();
        var units = new List<string>();
        for (var i = 0; i < 3; i++)
        {
            var customer = (await root.CreateTenantAsync(partner, "customer")).Str("id");
            customers.Add(customer);
            units.Add((await root.CreateTenantAsync(customer, "unit")).Str("id"));
            units.Add((await root.CreateTenantAsync(customer, "unit")).Str("id"));
        }

        string[] users = [.. await Task.WhenAll(new[] { partner, customers[0], customers[1], customers[2] }
            .Select(async t => (await root.CreateUserAsync(t)).Str("id")))];
        string[] clients = [(await root.CreateClientAsync(partner)).Str("client_id"), (await root.CreateClientAsync(customers[0])).Str("client_id")];
        await root.PostJsonAsync($"/api/2/tenants/{customers[0]}/subscriptions", new { number = "A-S" + Random.Shared.Next(100000, 999999) })
            .ExpectAsync(HttpStatusCode.Created);
        return (root, new Tree(partner, [.. customers], [.. units], users, clients));
    }

    private async Task<long> CountAsync(string sql, object args)
    {
        await using var connection = await Server.OpenStoreAsync();
        return await connection.ExecuteScalarAsync<long>(sql, args);
    }

    private static List<string> FirstIds(JsonElement report, string kind) =>
        [.. report.GetProperty("impact").GetProperty(kind).GetProperty("first_ids").EnumerateArray().Select(i => i.GetString()!).Order(StringComparer.Ordinal)];

    private static List<string> Sorted(params string[] ids) => [.. ids.Order(StringComparer.Ordinal)];

    private static long Count(JsonElement report, string kind) => report.GetProperty("impact").GetProperty(kind).Long("count");

    [Fact]
    public async Task DeleteDryRun_CountsWhatTheDeleteThenTakes()
    {
        var (root, tree) = await GenerateAsync();
        var version = (await root.SetEnabledAsync(tree.Partner, false)).Long("version");
        const string inside = "SELECT seq FROM tenants WHERE path LIKE (SELECT path FROM tenants WHERE id = @id) || '%'";
        var usage = await CountAsync($"SELECT COUNT(*) FROM usage_current WHERE tenant_id IN (SELECT id FROM tenants WHERE seq IN ({inside}))", new { id = tree.Partner });

        var report = await root.DeleteAsync($"/api/2/tenants/{tree.Partner}?version={version}&dry_run=true").ExpectAsync(HttpStatusCode.OK);

        Assert.True(report.Bool("dry_run"));
        Assert.Equal("delete", report.Str("operation"));
        Assert.True(report.Bool("allowed"));
        Assert.Equal(JsonValueKind.Null, report.GetProperty("refusal").ValueKind);
        Assert.Equal((10, 4, 2, 1, 0), (Count(report, "tenants"), Count(report, "users"), Count(report, "clients"), Count(report, "subscriptions"), Count(report, "live_tokens")));
        Assert.Equal(usage, Count(report, "usage"));
        Assert.Equal(Sorted([tree.Partner, .. tree.Customers, .. tree.Units]), FirstIds(report, "tenants"));
        Assert.Equal(Sorted(tree.Users), FirstIds(report, "users"));
        Assert.Equal(Sorted(tree.Clients), FirstIds(report, "clients"));
        Assert.Equal(version, (await root.GetTenantAsync(tree.Partner)).Long("version"));

        await root.DeleteAsync($"/api/2/tenants/{tree.Partner}?version={version}").ExpectAsync(HttpStatusCode.NoContent);

        // The delete marks exactly those tenants deleted, and its deletion will purge exactly those users and clients.
        Assert.Equal(Count(report, "tenants"), await CountAsync($"SELECT COUNT(*) FROM tenants WHERE deleted_at IS NOT NULL AND seq IN ({inside})", new { id = tree.Partner }));
        var progress = (await root.GetAsync($"/api/2/tenants/{tree.Partner}/deletion").ExpectAsync(HttpStatusCode.OK)).GetProperty("progress");
        Assert.Equal(Count(report, "tenants"), progress.GetProperty("tenants").Long("total"));
        Assert.Equal(Count(report, "users"), progress.GetProperty("users").Long("total"));
        Assert.Equal(Count(report, "clients"), progress.GetProperty("clients").Long("total"));
    }

    [Fact]
    public async Task SuspendDryRun_CountsTheTenantsThatLoseAccess_AndTheSuspensionCutsExactlyThose()
    {
        var (root, tree) = await GenerateAsync();
        await root.SetEnabledAsync(tree.Units[0], false); // already without access: not counted
        var version = (await root.GetTenantAsync(tree.Partner)).Long("version");
        async Task<int> WithoutAccessAsync() =>
            (await root.GetAsync($"/api/2/tenants?subtree_root_id={tree.Partner}").ExpectAsync(HttpStatusCode.OK))
                .GetProperty("items").EnumerateArray().Count(t => !t.Bool("effectively_enabled"));
        var before = await WithoutAccessAsync();

        var report = await root.PutTenantAsync($"{tree.Partner}?dry_run=true", new { enabled = false, version }).ExpectAsync(HttpStatusCode.OK);

        Assert.Equal(("suspend", true), (report.Str("operation"), report.Bool("allowed")));
        Assert.Equal((9, 4, 2), (Count(report, "tenants"), Count(report, "users"), Count(report, "clients")));
        Assert.DoesNotContain(tree.Units[0], FirstIds(report, "tenants"));
        Assert.Equal(before, await WithoutAccessAsync());

        await root.PutTenantAsync(tree.Partner, new { enabled = false, version }).ExpectAsync(HttpStatusCode.OK);

        Assert.Equal(before + Count(report, "tenants"), await WithoutAccessAsync());
        var reactivation = await root.PutTenantAsync($"{tree.Partner}?dry_run=true", new { enabled = true, version = version + 1 }).ExpectAsync(HttpStatusCode.OK);
        Assert.Equal(("reactivate", true, 9L), (reactivation.Str("operation"), reactivation.Bool("allowed"), Count(reactivation, "tenants")));
    }

    [Fact]
    public async Task DryRuns_ReportTheRuleThatWouldRefuse_AndChangeNothing()
    {
        var (root, tree) = await GenerateAsync();
        var partner = await root.GetTenantAsync(tree.Partner);
        var version = partner.Long("version");

        var enabled = await root.DeleteAsync($"/api/2/tenants/{tree.Partner}?version={version}&dry_run=true").ExpectAsync(HttpStatusCode.OK);
        var real = await root.DeleteAsync($"/api/2/tenants/{tree.Partner}?version={version}").ExpectErrorAsync(HttpStatusCode.BadRequest, 1006);
        var stale = await root.PutTenantAsync($"{tree.Partner}?dry_run=true", new { enabled = false, version = version - 1 }).ExpectAsync(HttpStatusCode.OK);
        var underOwnChild = await root.PutTenantAsync($"{tree.Customers[0]}?dry_run=true", new { parent_id = tree.Units[0], version = 1 }).ExpectAsync(HttpStatusCode.OK);
        await root.SetEnabledAsync(tree.Partner, false);
        var underDisabled = await root.PutTenantAsync($"{tree.Units[0]}?dry_run=true", new { enabled = true, version = 1 }).ExpectAsync(HttpStatusCode.OK);

        Assert.Equal((false, 1006L), (enabled.Bool("allowed"), enabled.GetProperty("refusal").Long("code")));
        Assert.Equal(real.GetProperty("details").Str("info"), enabled.GetProperty("refusal").Str("message"));
        Assert.Equal(10, Count(enabled, "tenants"));
        Assert.Equal((false, 1001L), (stale.Bool("allowed"), stale.GetProperty("refusal").Long("code")));
        Assert.Equal(("move", false, 1007L), (underOwnChild.Str("operation"), underOwnChild.Bool("allowed"), underOwnChild.GetProperty("refusal").Long("code")));
        Assert.Equal(3, Count(underOwnChild, "tenants"));
        Assert.Equal(("reactivate", false, 1003L), (underDisabled.Str("operation"), underDisabled.Bool("allowed"), underDisabled.GetProperty("refusal").Long("code")));
        Assert.Equal(tree.Partner, (await root.GetTenantAsync(tree.Customers[0])).Str("parent_id"));
        Assert.Equal(version + 1, (await root.GetTenantAsync(tree.Partner)).Long("version"));
    }

    [Fact]
    public async Task MoveDryRun_CountsTheSubtree_AndMovesNothing()
    {
        var (root, tree) = await GenerateAsync();
        var customer = await root.GetTenantAsync(tree.Customers[1]);

        var elsewhere = (await root.CreateTenantAsync(await root.OwnTenantIdAsync(), "partner")).Str("id");

        var report = await root.PutTenantAsync($"{tree.Customers[1]}?dry_run=true", new { parent_id = elsewhere, version = customer.Long("version") })
            .ExpectAsync(HttpStatusCode.OK);

        Assert.Equal(("move", true), (report.Str("operation"), report.Bool("allowed")));
        Assert.Equal((3, 1), (Count(report, "tenants"), Count(report, "users")));
        Assert.Equal(Sorted(tree.Customers[1], tree.Units[2], tree.Units[3]), FirstIds(report, "tenants"));
        var after = await root.GetTenantAsync(tree.Customers[1]);
        Assert.Equal((tree.Partner, customer.Long("version")), (after.Str("parent_id"), after.Long("version")));
    }

    [Fact]
    public async Task DryRuns_ReachLikeTheRealRequest_InBothDialects()
    {
        var (root, tree) = await GenerateAsync();
        var outsider = await root.CreateClientAndLoginAsync((await root.CreateTenantAsync(await root.OwnTenantIdAsync(), "partner")).Str("id"));
        var version = (await root.SetEnabledAsync(tree.Units[0], false)).Long("version");

        async Task<(int, string)> AnswerAsync(Task<HttpResponseMessage> request)
        {
            using var response = await request;
            return ((int)response.StatusCode, await response.Content.ReadAsStringAsync());
        }

        foreach (var (dry, real) in new[]
        {
            ($"/api/2/tenants/{tree.Units[0]}?version={version}&dry_run=true", $"/api/2/tenants/{tree.Units[0]}?version={version}"),
            ($"/api/v2.1/tenants/{tree.Units[0]}?dry_run=true", $"/api/v2.1/tenants/{tree.Units[0]}"),
        })
        {
            var dryAnswer = await AnswerAsync(outsider.DeleteAsync(dry));
            Assert.Equal(await AnswerAsync(outsider.DeleteAsync(real)), dryAnswer);
            Assert.True(dryAnswer.Item1 is 403 or 404, $"{dryAnswer}");
        }

        var suspend = await AnswerAsync(outsider.PutTenantAsync($"{tree.Customers[0]}?dry_run=true", new { enabled = false, version = 1 }));
        Assert.Equal(await AnswerAsync(outsider.PutTenantAsync(tree.Customers[0], new { enabled = false, version = 1 })), suspend);
        Assert.Equal(version, (await root.GetTenantAsync(tree.Units[0])).Long("version"));
    }

    [Fact]
    public async Task NseDryRuns_AnswerInTheEnvelope_WithTheDialectsCodes()
    {
        var (root, tree) = await GenerateAsync();
        var code = "c_" + Guid.NewGuid().ToString("N")[..10];
        await root.PutJsonAsync($"/api/v2.1/tenants/{tree.Customers[0]}", new { code, name = "Named" }).ExpectAsync(HttpStatusCode.OK);
        var version = (await root.GetTenantAsync(tree.Customers[0])).Long("version");

        var suspend = await root.PutJsonAsync($"/api/v2.1/tenants/{tree.Customers[0]}?dry_run=true", new { code, enabled = false }).ExpectAsync(HttpStatusCode.OK);
        var delete = await root.DeleteAsync($"/api/v2.1/tenants/{tree.Customers[0]}?dry_run=true").ExpectAsync(HttpStatusCode.OK);
        var leaf = await root.DeleteAsync($"/api/v2.1/tenants/{tree.Units[0]}?dry_run=true").ExpectAsync(HttpStatusCode.OK);

        Assert.Equal(200, suspend.GetProperty("status").GetProperty("code").GetInt32());
        var s = suspend.GetProperty("result");
        Assert.Equal(("suspend", true, 3L, 1L), (s.Str("operation"), s.Bool("allowed"), Count(s, "tenants"), Count(s, "users")));
        var d = delete.GetProperty("result");
        Assert.Equal(("delete", false, 412L), (d.Str("operation"), d.Bool("allowed"), d.GetProperty("refusal").Long("code")));
        Assert.True(leaf.GetProperty("result").Bool("allowed"));
        Assert.Equal(1, Count(leaf.GetProperty("result"), "tenants"));
        var after = await root.GetTenantAsync(tree.Customers[0]);
        Assert.Equal((true, version), (after.Bool("enabled"), after.Long("version")));
        await root.GetTenantAsync(tree.Units[0]);
    }

    [Fact]
    public async Task DryRun_WithABadFlag_Is400()
    {
        var (root, tree) = await GenerateAsync();

        var error = await root.PutTenantAsync($"{tree.Partner}?dry_run=maybe", new { enabled = false, version = 1 }).ExpectErrorAsync(HttpStatusCode.BadRequest, 400);

        Assert.Equal("dry_run", error.GetProperty("context").Str("field"));
        Assert.True((await root.GetTenantAsync(tree.Partner)).Bool("enabled"));
    }
}

public sealed class DryRunTestsSqlite() : DryRunTests(StorageProvider.Sqlite);

public sealed class DryRunTestsPostgres() : DryRunTests(StorageProvider.Postgres);
