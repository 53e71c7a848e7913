using static Tenancy.Tests.Access.CaseContext;

namespace Tenancy.Tests.Access;

/// <summary>The subscription, usage and audit rows of the matrix (/api/2).</summary>
public static class BillingAndAuditCases
{
    private static int _samples;
    private static int _values;

    public static IEnumerable<MatrixCase> All() =>
    [
        new("GET /api/2/subscriptions/{number}", Res.Subscription, Op.Read, Dialect.Acronis, HttpStatusCode.OK, c => c.Api.GetAsync($"/api/2/subscriptions/{Number(c)}"))
        {
            Check = static (c, body, _) => Task.FromResult(Problem(body.Str("number") == Number(c) && body.Str("tenant_id") == c.Id, $"wrong subscription: {body}")),
        },
        new("GET /api/2/tenants/{id}/subscriptions", Res.Subscription, Op.List, Dialect.Acronis, HttpStatusCode.OK, c => c.Api.GetAsync($"/api/2/tenants/{c.Id}/subscriptions"))
        {
            Check = static (c, body, _) => Task.FromResult(Problem(TenantCases.Items(body).Any(i => i.Str("number") == Number(c)), $"its subscription is not listed: {body}")),
        },
        new("POST /api/2/tenants/{id}/subscriptions", Res.Subscription, Op.Create, Dialect.Acronis, HttpStatusCode.Created,
            c => c.Api.PostJsonAsync($"/api/2/tenants/{c.Id}/subscriptions", new { number = "M-" + c.Unique }))
        {
            Check = static (c, body, _) => Task.FromResult(Problem(body.Str("number") == "M-" + c.Unique && body.Str("tenant_id") == c.Id, $"wrong subscription: {body}")),
            Unchanged = static async c => Problem(await c.ObserveAsync($"/api/2/subscriptions/M-{c.Unique}", HttpStatusCode.NotFound) is not null, "refused, yet created"),
        },
        new("POST /api/2/subscriptions/{number}/commitments", Res.Subscription, Op.Change, Dialect.Acronis, HttpStatusCode.Created, async c =>
        {
            c.Before = await CommitmentsAsync(c);
            return await c.Api.PostJsonAsync($"/api/2/subscriptions/{Number(c)}/commitments", new { service_level = "standard", committed = 5 });
        })
        {
            Check = static (_, body, _) => Task.FromResult(Problem(body.Str("service_level") == "standard", $"wrong commitment: {body}")),
            Unchanged = static async c => Problem(await CommitmentsAsync(c) == c.Before, "refused, yet committed"),
        },
        new("GET /api/2/usage/tenants/{id}", Res.Usage, Op.Read, Dialect.Acronis, HttpStatusCode.OK, c => c.Api.GetAsync($"/api/2/usage/tenants/{c.Id}"))
        {
            Check = static (c, body, _) => Task.FromResult(Problem(body.GetProperty("usage").TryGetProperty(Number(c), out var _), $"its usage is missing: {body}")),
        },
        new("GET /api/2/usage/tenants/{id}/rollup", Res.Usage, Op.List, Dialect.Acronis, HttpStatusCode.OK, c => c.Api.GetAsync($"/api/2/usage/tenants/{c.Id}/rollup"))
        {
            Check = static (c, body, _) => Task.FromResult(Problem(body.Str("tenant_id") == c.Id && body.GetProperty("service_levels").GetArrayLength() > 0, $"no roll-up: {body}")),
        },
        new("POST /api/2/usage (a sample of the tenant)", Res.Usage, Op.Create, Dialect.Acronis, HttpStatusCode.OK,
            c => c.Api.PostJsonAsync("/api/2/usage", new { items = new[] { MatrixWorld.Sample(c.Id, Number(c), Interlocked.Increment(ref _samples)) } }))
        {
            Rule = UsageRule,
            Check = static (_, body, outcome) =>
            {
                var applied = body.GetProperty("applied").GetInt32();
                var errors = body.GetProperty("errors");
                return Task.FromResult(outcome == Outcome.Allowed
                    ? Problem(applied == 1, $"not applied: {body}")
                    : Problem(applied == 0 && errors.GetArrayLength() == 1 && errors[0].Str("field") == "subscription", $"not refused as out of reach: {body}"));
            },
        },
        new("GET /api/2/tenants/{id}/usages", Res.Usage, Op.Read, Dialect.Acronis, HttpStatusCode.OK, c => c.Api.GetAsync($"/api/2/tenants/{c.Id}/usages"))
        {
            Check = static (c, body, _) => Task.FromResult(Problem(
                TenantCases.Items(body).Any(u => u.Str("name") == "standard" && u.Long("value") > 0 && u.Str("tenant_uuid") == c.Id), $"its standard usage is missing: {body}")),
        },
        new("GET /api/2/tenants/usages?tenants={id}", Res.Usage, Op.Read, Dialect.Acronis, HttpStatusCode.OK,
            c => c.Api.GetAsync($"/api/2/tenants/usages?tenants={c.Id}&usage_names=standard"))
        {
            Check = static (c, body, _) => Task.FromResult(Problem(
                TenantCases.Items(body).Single() is var t && t.Str("tenant") == c.Id && t.GetProperty("usages").GetArrayLength() == 1, $"its usages are missing: {body}")),
        },
        new("PUT /api/2/tenants/usages (a value of the tenant)", Res.Usage, Op.Create, Dialect.Acronis, HttpStatusCode.OK, async c =>
        {
            c.Before = await ServersAsync(c);
            return await c.Api.PutJsonAsync("/api/2/tenants/usages",
                new { items = new[] { new { tenant_id = c.Id, offering_item = "pg_base_servers", usage_value = Interlocked.Increment(ref _values) } } });
        })
        {
            Rule = UsageRule,
            Check = static async (c, body, outcome) =>
            {
                var item = TenantCases.Items(body).Single();
                var refused = item.TryGetProperty("error", out var error);
                return outcome == Outcome.Allowed
                    ? Problem(!refused && await ServersAsync(c) > 0, $"not applied: {body}")
                    : Problem(refused && error.GetProperty("error").GetProperty("code").GetInt32() == 1002
                        && error.GetProperty("error").GetProperty("context").Str("field") == "tenant_id", $"not refused as out of reach: {body}");
            },
            Unchanged = static async c => Problem(await ServersAsync(c) == c.Before, "refused, yet recorded"),
        },
        Audit("tenant", c => c.Id),
        Audit("API client", c => c.World.Clients[c.Target]),
        Audit("user", c => c.World.Users[c.Target]),
        new("GET /api/2/audit (tenant.create of it)", Res.Audit, Op.Read, Dialect.Acronis, HttpStatusCode.OK,
            // Narrowed to the target: the victims the other cases make would push the tree's own records out of a page.
            c => c.Api.GetAsync($"/api/2/audit?operation=tenant.create&target_id={c.Id}&limit=1000"))
        {
            AppliesTo = static (_, _, t) => t != MatrixModel.Root, // made at first start, not by a request
            Rule = static (m, p, t) => OwnTrailRefused(m, p) ? Outcome.Forbidden
                : TenantCases.ListRule(m, p, t) == Outcome.ExistsOnly ? Outcome.Absent : TenantCases.ListRule(m, p, t),
            Check = static (c, body, outcome) =>
            {
                var listed = TenantCases.Items(body).Any(i => i.GetProperty("target").Str("id") == c.Id);
                return Task.FromResult(Problem(listed == (outcome == Outcome.Allowed), listed ? "its records are listed" : "its records are missing"));
            },
        },
    ];

    /// <summary>A batch is refused as a whole for a principal that writes nothing; a sample of a tenant the principal may not write is refused as an item.</summary>
    public static Outcome UsageRule(MatrixModel model, Principal principal, string target) =>
        ReachRules.Expect(model, principal, target, Res.Usage, Op.Create, Dialect.Acronis) switch
        {
            Outcome.Forbidden when ReachRules.WritesSomething(model, principal) => Outcome.ItemRefused,
            var outcome => outcome,
        };

    /// <summary>
    /// Records about a target: filtered by a target outside reach, the list is simply empty; a target behind
    /// a barrier is refused like any other read of it.
    /// </summary>
    /// <summary>The trail is a list: records the principal may not read (outside reach or behind a barrier) are simply absent.</summary>
    public static Outcome AuditRule(MatrixModel model, Principal principal, string target) =>
        OwnTrailRefused(model, principal) ? Outcome.Forbidden
        : ReachRules.Expect(model, principal, target, Res.Audit, Op.Read, Dialect.Acronis) is var outcome
        && !model.Suspended(principal.Tenant) && outcome != Outcome.Allowed
            ? Outcome.Absent
            : outcome;

    /// <summary>
    /// Without subtree_id the trail is that of the principal's own tenant (a scoped token's: the scoped tenant):
    /// refused when it holds no role there that reads it.
    /// </summary>
    private static bool OwnTrailRefused(MatrixModel model, Principal principal) =>
        ReachRules.Expect(model, principal, principal.Scope ?? principal.Tenant, Res.Audit, Op.Read, Dialect.Acronis) == Outcome.Forbidden;

    private static MatrixCase Audit(string what, Func<CaseContext, string> id) =>
        new($"GET /api/2/audit?target_id= (its {what})", Res.Audit, Op.Read, Dialect.Acronis, HttpStatusCode.OK,
            c => c.Api.GetAsync($"/api/2/audit?target_id={id(c)}"))
        {
            Rule = AuditRule,
            Check = (c, body, outcome) =>
            {
                var targets = TenantCases.Items(body).Select(i => i.GetProperty("target").Str("id")).ToList();
                return Task.FromResult(outcome == Outcome.Allowed
                    ? Problem(targets.Count > 0 && targets.All(t => t == id(c)), $"records about it missing: {body}")
                    : Problem(targets.Count == 0, $"records listed: {targets.Count}"));
            },
        };

    private static string Number(CaseContext c) => c.World.Subscriptions[c.Target];

    /// <summary>The target's own "pg_base_servers" value as its observer reads it (-1 if it cannot).</summary>
    private static async Task<long> ServersAsync(CaseContext c) =>
        await c.ObserveAsync($"/api/2/tenants/{c.Id}/usages?usage_names=servers") is { } usages
            ? TenantCases.Items(usages).SingleOrDefault(u => u.Str("name") == "pg_base_servers") is { ValueKind: JsonValueKind.Object } u ? u.Long("value") : 0
            : -1;

    private static async Task<long> CommitmentsAsync(CaseContext c) =>
        await c.ObserveAsync($"/api/2/subscriptions/{Number(c)}/commitments") is { } list ? TenantCases.Items(list).Count() : -1;
}
