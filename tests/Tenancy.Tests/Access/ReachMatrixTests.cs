using System.Collections.Concurrent;
using System.Diagnostics;
using Tenancy.Server.Storage;

namespace Tenancy.Tests.Access;

/// <summary>
/// The access model, proved as a table: every principal x every tenant of a generated tree x every
/// resource and operation of both dialects, with the expected answer computed by <see cref="ReachRules"/>
/// from the tree's parent links (never from the server's paths) and compared with what the API answers.
/// </summary>
public abstract class ReachMatrixTests(ServerFixture fixture, ITestOutputHelper output)
{
    private static readonly ParallelOptions Parallel4 = new() { MaxDegreeOfParallelism = 4 };

    private readonly TenancyServer _server = fixture.Server;

    private sealed record Planned(MatrixCase Case, Principal Principal, string Target)
    {
        public Victim? Victim { get; set; }
    }

    public static IEnumerable<MatrixCase> Cases() =>
        [.. TenantCases.All(), .. DryRunCases.All(), .. ClientAndUserCases.All(), .. BillingAndAuditCases.All(), .. ApplicationAndPricingCases.All(), .. OfferingItemCases.All(), .. ReportCases.All(), .. SearchCases.All(), .. EventCases.All(), .. DeletionCases.All()];

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
        await Parallel.ForEachAsync(plan.Where(p => p.Case.Prepare is not null).GroupBy(p => p.Target), Parallel4, async (group, _) =>
        {
            foreach (var planned in group)
            {
                planned.Victim = await planned.Case.Prepare!(world, planned.Target);
            }
        });

        await world.SuspendAsync();
        output.WriteLine($"built the tree, principals and {plan.Count(p => p.Victim is not null)} victims in {clock.Elapsed.TotalSeconds:F1} s");

        // Cases on different tenants touch different rows, so they run side by side; disabling a tenant
        // locks out the principals below it (and turning an application off turns it off below), so those
        // cases run alone afterwards.
        var mismatches = new ConcurrentDictionary<int, (string Case, string Text)>();
        async ValueTask Run(int index)
        {
            var planned = plan[index];
            if (await RunAsync(world, planned) is { } problem)
            {
                mismatches[index] = (planned.Case.Name, $"{planned.Case.Name} | {planned.Principal.Name} -> {planned.Target}: {problem}");
            }
        }

        bool DisablesTenant(int i) => plan[i].Case.RunsAlone;
        var byTarget = Enumerable.Range(0, plan.Count).Where(i => !DisablesTenant(i)).GroupBy(i => plan[i].Target);
        await Parallel.ForEachAsync(byTarget, Parallel4, async (group, _) =>
        {
            foreach (var index in group)
            {
                await Run(index);
            }
        });
        foreach (var index in Enumerable.Range(0, plan.Count).Where(DisablesTenant))
        {
            await Run(index);
        }

        output.WriteLine($"checked {plan.Count} principal x tenant x resource x operation cases ({Cases().Count()} kinds) in {clock.Elapsed.TotalSeconds:F1} s");
        var differences = mismatches.OrderBy(m => m.Key).Select(m => m.Value).ToList();
        foreach (var group in differences.GroupBy(m => m.Case))
        {
            output.WriteLine($"{group.Count(),5} mismatches: {group.Key}");
        }

        Assert.True(differences.Count == 0, $"{differences.Count} of {plan.Count} cases differ from the rules:\n" + string.Join("\n", differences.Select(m => m.Text)));
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

/// <summary>A server per provider for the matrix, hashing passwords cheaply (dozens of cases set one), with email configured.</summary>
public static class MatrixServers
{
    private static readonly Dictionary<string, string?> Cheap = new()
    {
        ["Tenancy:Passwords:Iterations"] = "1000",
        // Activation emails are queued (the matrix checks who may queue one); nothing listens on the
        // port, so delivery only fails and retries in the background.
        ["Tenancy:PublicUrl"] = "https://tenancy.example.test",
        ["Tenancy:Email:SmtpHost"] = "127.0.0.1",
        ["Tenancy:Email:SmtpPort"] = "9",
        ["Tenancy:Email:From"] = "noreply@tenancy.example.test",
    };

    public sealed class Sqlite() : ServerFixture(StorageProvider.Sqlite)
    {
        protected override IReadOnlyDictionary<string, string?> Settings => Cheap;
    }

    public sealed class Postgres() : ServerFixture(StorageProvider.Postgres)
    {
        protected override IReadOnlyDictionary<string, string?> Settings => Cheap;
    }
}

public sealed class ReachMatrixTestsSqlite(MatrixServers.Sqlite fixture, ITestOutputHelper output)
    : ReachMatrixTests(fixture, output), IClassFixture<MatrixServers.Sqlite>;

public sealed class ReachMatrixTestsPostgres(MatrixServers.Postgres fixture, ITestOutputHelper output)
    : ReachMatrixTests(fixture, output), IClassFixture<MatrixServers.Postgres>;
