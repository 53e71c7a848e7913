using System.Diagnostics;
using System.Net;
using System.Text.Json;
using Tenancy.Tests.Infrastructure;

namespace Tenancy.Tests.Access;

/// <summary>
/// The access model, proved as a table: every principal x every tenant of a generated tree x every
/// resource and operation of both dialects, with the expected answer computed by <see cref="ReachRules"/>
/// from the tree's parent links (never from the server's paths) and compared with what the API answers.
/// </summary>
public abstract class ReachMatrixTests(ServerFixture fixture, ITestOutputHelper output)
{
    private readonly TenancyServer _server = fixture.Server;

    private sealed record Planned(MatrixCase Case, Principal Principal, string Target)
    {
        public Victim? Victim { get; set; }
    }

    public static IEnumerable<MatrixCase> Cases() =>
        [.. TenantCases.All(), .. ClientAndUserCases.All(), .. BillingAndAuditCases.All()];

    [Fact]
    public async Task EveryPrincipal_OnEveryResourceOfEveryTenant_ForEveryOperation_GetsWhatTheRulesSay()
    {
        var clock = Stopwatch.StartNew();
        using var world = await MatrixWorld.BuildAsync(_server);
        var plan = (
            from principal in MatrixModel.Principals
            from target in MatrixModel.Tree.Select(n => n.Name)
            from @case in Cases()
            where @case.AppliesTo(world.Model, principal, target)
            select new Planned(@case, principal, target)).ToList();

        // Everything a case destroys is made for it alone, before tenants are suspended (nothing can be made under them after).
        foreach (var planned in plan.Where(p => p.Case.Prepare is not null))
        {
            planned.Victim = await planned.Case.Prepare!(world, planned.Target);
        }

        await world.SuspendAsync();
        output.WriteLine($"built the tree, principals and {plan.Count(p => p.Victim is not null)} victims in {clock.Elapsed.TotalSeconds:F1} s");

        var mismatches = new List<(string Case, string Text)>();
        foreach (var planned in plan)
        {
            if (await RunAsync(world, planned) is { } problem)
            {
                mismatches.Add((planned.Case.Name, $"{planned.Case.Name} | {planned.Principal.Name} -> {planned.Target}: {problem}"));
            }
        }

        output.WriteLine($"checked {plan.Count} principal x tenant x resource x operation cases ({Cases().Count()} kinds) in {clock.Elapsed.TotalSeconds:F1} s");
        foreach (var group in mismatches.GroupBy(m => m.Case))
        {
            output.WriteLine($"{group.Count(),5} mismatches: {group.Key}");
        }

        Assert.True(mismatches.Count == 0, $"{mismatches.Count} of {plan.Count} cases differ from the rules:\n" + string.Join("\n", mismatches.Select(m => m.Text)));
    }

    /// <summary>Sends one case and compares the answer with the rules; a description of the difference, or null.</summary>
    private static async Task<string?> RunAsync(MatrixWorld world, Planned planned)
    {
        var (@case, principal, target) = (planned.Case, planned.Principal, planned.Target);
        var context = new CaseContext(world, principal, target, planned.Victim);
        var expected = @case.Expect(world.Model, principal, target, planned.Victim);
        using var response = await @case.Send(context);
        var text = await response.Content.ReadAsStringAsync();
        var body = text.Length == 0 ? default : JsonDocument.Parse(text).RootElement.Clone();
        var status = (int)response.StatusCode;
        if (expected is Outcome.Allowed or Outcome.ExistsOnly or Outcome.Absent or Outcome.ItemRefused)
        {
            var success = expected == Outcome.Allowed ? @case.Success : HttpStatusCode.OK;
            return status != (int)success ? $"expected {(int)success} ({expected}), got {status} {Code(body, @case.Dialect)}"
                : @case.Check is null ? null
                : await @case.Check(context, body, expected) is { } problem ? $"{expected}: {problem}"
                : null;
        }

        var (refusedWith, code) = ReachRules.Refusal(expected, @case.Dialect);
        var writes = @case.Op is not (Op.Read or Op.List);
        var changed = writes && @case.Unchanged is not null ? await @case.Unchanged(context) : null;
        if (response.IsSuccessStatusCode && @case is { Resource: Res.Tenant, Op: Op.Disable })
        {
            await context.Observer.SetEnabledAsync(context.Id, true); // so that later cases see the tree as built
        }

        var got = Code(body, @case.Dialect);
        return status != (int)refusedWith || got != code
            ? $"expected {(int)refusedWith} code {code} ({expected}), got {status} code {got?.ToString() ?? "none"}{(changed is null ? "" : $"; {changed}")}"
            : changed;
    }

    /// <summary>The dialect's error code: /api/2 error.code, /api/v2.1 status.code.</summary>
    private static int? Code(JsonElement body, Dialect dialect) =>
        body.ValueKind == JsonValueKind.Object && body.TryGetProperty(dialect == Dialect.Acronis ? "error" : "status", out var e)
            && e.ValueKind == JsonValueKind.Object && e.TryGetProperty("code", out var code) && code.ValueKind == JsonValueKind.Number
            ? code.GetInt32()
            : null;
}

public sealed class ReachMatrixTestsSqlite(Providers.SqliteServer fixture, ITestOutputHelper output)
    : ReachMatrixTests(fixture, output), IClassFixture<Providers.SqliteServer>;

public sealed class ReachMatrixTestsPostgres(Providers.PostgresServer fixture, ITestOutputHelper output)
    : ReachMatrixTests(fixture, output), IClassFixture<Providers.PostgresServer>;
