using static Tenancy.Tests.Access.CaseContext;

namespace Tenancy.Tests.Access;

/// <summary>
/// The dry runs of the tenant operations, in both dialects: each reaches exactly as the real operation
/// does (the same 401, 403 and 404), and where the real one would be refused by a rule of the tree (a lock,
/// the own tenant, an enabled tenant) it answers 200 with allowed=false and that refusal's code. Nothing changes.
/// </summary>
public static class DryRunCases
{
    public static IEnumerable<MatrixCase> All() =>
    [
        new("PUT /api/2/tenants/{id}?dry_run=true enabled=false", Res.Tenant, Op.Disable, Dialect.Acronis, HttpStatusCode.OK, async c =>
            await c.Api.PutJsonAsync($"/api/2/tenants/{c.Id}?dry_run=true", new { enabled = false, version = c.Before = await c.VersionAsync($"/api/2/tenants/{c.Id}") }))
        {
            Rule = DryRule(Op.Disable, Dialect.Acronis),
            RunsAlone = false,
            Check = static (c, body, _) => ReportedAsync(c, body, Op.Disable, Dialect.Acronis, "suspend", c.Target, $"/api/2/tenants/{c.Id}"),
            Unchanged = static c => c.VersionUnchangedAsync($"/api/2/tenants/{c.Id}"),
        },
        new("PUT /api/2/tenants/{id}?dry_run=true (rename)", Res.Tenant, Op.Change, Dialect.Acronis, HttpStatusCode.OK, async c =>
            await c.Api.PutJsonAsync($"/api/2/tenants/{c.Id}?dry_run=true", new { name = $"{c.Target} {c.Unique}", version = c.Before = await c.VersionAsync($"/api/2/tenants/{c.Id}") }))
        {
            Rule = DryRule(Op.Change, Dialect.Acronis),
            Check = static (c, body, _) => ReportedAsync(c, body, Op.Change, Dialect.Acronis, "update", c.Target, $"/api/2/tenants/{c.Id}"),
            Unchanged = static c => c.VersionUnchangedAsync($"/api/2/tenants/{c.Id}"),
        },
        new("DELETE /api/2/tenants/{id}?dry_run=true (itself, enabled)", Res.Tenant, Op.Delete, Dialect.Acronis, HttpStatusCode.OK, async c =>
            await c.Api.DeleteAsync($"/api/2/tenants/{c.Id}?version={c.Before = await c.VersionAsync($"/api/2/tenants/{c.Id}")}&dry_run=true"))
        {
            AppliesTo = static (m, _, t) => !m.Suspended(t),
            Rule = DryRule(Op.Delete, Dialect.Acronis),
            Check = static (c, body, _) => ReportedAsync(c, body, Op.Delete, Dialect.Acronis, "delete", c.Target, $"/api/2/tenants/{c.Id}"),
            Unchanged = static c => c.VersionUnchangedAsync($"/api/2/tenants/{c.Id}"),
        },
        new("PUT /api/v2.1/tenants/{id}?dry_run=true enabled=false", Res.Tenant, Op.Disable, Dialect.Nse, HttpStatusCode.OK, async c =>
        {
            c.Before = await c.VersionAsync($"/api/2/tenants/{c.Id}");
            return await c.Api.PutJsonAsync($"/api/v2.1/tenants/{c.Id}?dry_run=true", new { code = c.World.Codes[c.Target], enabled = false });
        })
        {
            Rule = DryRule(Op.Disable, Dialect.Nse),
            RunsAlone = false,
            Check = static (c, body, _) => ReportedAsync(c, body.GetProperty("result"), Op.Disable, Dialect.Nse, "suspend", c.Target, $"/api/2/tenants/{c.Id}"),
            Unchanged = static c => c.VersionUnchangedAsync($"/api/2/tenants/{c.Id}"),
        },
        new("DELETE /api/v2.1/tenants/{id}?dry_run=true (itself)", Res.Tenant, Op.Delete, Dialect.Nse, HttpStatusCode.OK, async c =>
        {
            c.Before = await c.VersionAsync($"/api/2/tenants/{c.Id}");
            return await c.Api.DeleteAsync($"/api/v2.1/tenants/{c.Id}?dry_run=true");
        })
        {
            Rule = DryRule(Op.Delete, Dialect.Nse),
            Check = static (c, body, _) => ReportedAsync(c, body.GetProperty("result"), Op.Delete, Dialect.Nse, "delete", c.Target, $"/api/2/tenants/{c.Id}"),
            Unchanged = static c => c.VersionUnchangedAsync($"/api/2/tenants/{c.Id}"),
        },
    ];

    /// <summary>The real operation's outcome, with a refusal by a rule of the tree answered as a 200 report.</summary>
    private static Func<MatrixModel, Principal, string, Outcome> DryRule(Op op, Dialect dialect) => (m, p, t) =>
        ReachRules.Expect(m, p, t, Res.Tenant, op, dialect) is var real && IsRuleRefusal(real) ? Outcome.Allowed : real;

    private static bool IsRuleRefusal(Outcome o) => o is Outcome.Locked or Outcome.Business or Outcome.DeleteEnabled or Outcome.ParentSuspended;

    /// <summary>The report says what the real operation would answer, and the tenant did not change.</summary>
    private static async Task<string?> ReportedAsync(
        CaseContext c, JsonElement report, Op op, Dialect dialect, string operation, string node, string tenantPath, long? version = null)
    {
        var real = ReachRules.Expect(c.World.Model, c.Principal, node, Res.Tenant, op, dialect);
        // The /api/v2.1 delete takes leaves only: a tenant with sub-tenants is refused with 412.
        int? refusal = real != Outcome.Allowed ? ReachRules.Refusal(real, dialect).Code
            : op == Op.Delete && dialect == Dialect.Nse && await c.ObserveAsync(tenantPath) is { } seen && seen.Bool("has_children") ? 412
            : null;
        var allowed = report.Bool("allowed");
        var problem = !report.Bool("dry_run") || report.Str("operation") != operation ? $"not a {operation} dry run: {report}"
            : allowed != (refusal is null) ? $"allowed={allowed}, but the real request would be {real} (refusal {refusal}): {report}"
            : !allowed && report.GetProperty("refusal").Long("code") != refusal ? $"refused with another code than {refusal}: {report}"
            : allowed && report.GetProperty("refusal").ValueKind != JsonValueKind.Null ? $"allowed with a refusal: {report}"
            : null;
        var now = await c.VersionAsync(tenantPath);
        return problem ?? Problem(now == (version ?? c.Before), $"a dry run changed the tenant (version {now})");
    }
}
