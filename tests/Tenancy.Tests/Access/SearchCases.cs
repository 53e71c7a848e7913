using static Tenancy.Tests.Access.CaseContext;

namespace Tenancy.Tests.Access;

/// <summary>The rows of the matrix for user lists (GET /api/2/users) and search (GET /api/2/search).</summary>
public static class SearchCases
{
    /// <summary>Tenants of the model by name (the root keeps the name it was installed with).</summary>
    private static readonly Func<MatrixModel, Principal, string, bool> NamedTarget = static (_, _, t) => t != MatrixModel.Root;

    public static IEnumerable<MatrixCase> All() =>
    [
        new("GET /api/2/users?subtree_root_tenant_id=", Res.User, Op.List, Dialect.Acronis, HttpStatusCode.OK,
            c => c.Api.GetAsync($"/api/2/users?subtree_root_tenant_id={c.Id}&lod=stamps"))
        {
            Check = static (c, body, _) => Task.FromResult(Problem(UserListed(c, body), $"its user is not listed: {body}")),
        },
        new("GET /api/2/users?tenant_id=", Res.User, Op.List, Dialect.Acronis, HttpStatusCode.OK,
            c => c.Api.GetAsync($"/api/2/users?tenant_id={c.Id}&lod=basic"))
        {
            Check = static (c, body, _) => Task.FromResult(Problem(UserListed(c, body), $"its user is not listed: {body}")),
        },
        // By ids, the list is not scoped to a tenant: a user the caller may not read is left out, behind a barrier too.
        new("GET /api/2/users?uuids= (lists it)", Res.User, Op.Read, Dialect.Acronis, HttpStatusCode.OK,
            c => c.Api.GetAsync($"/api/2/users?uuids={c.World.Users[c.Target]}"))
        {
            Rule = static (m, p, t) => FoundRule(m, p, t, Res.User),
            Check = static (c, body, outcome) => Task.FromResult(Problem(
                UserListed(c, body) == (outcome == Outcome.Allowed), $"{outcome}, yet listed as {UserListed(c, body)}: {body}")),
        },
        new("GET /api/2/search?tenant={id} (finds itself)", Res.Tenant, Op.List, Dialect.Acronis, HttpStatusCode.OK,
            c => c.Api.GetAsync($"/api/2/search?tenant={c.Id}&text={c.Target}&limit=1000"))
        {
            AppliesTo = NamedTarget,
            Check = static (c, body, _) => Task.FromResult(Problem(Found(c, body), $"not found: {body}")),
        },
        // From the principal's own tenant: a tenant behind a barrier is not found, though lists show that it exists.
        new("GET /api/2/search?tenant={own} (finds it)", Res.Tenant, Op.Read, Dialect.Acronis, HttpStatusCode.OK,
            c => c.Api.GetAsync($"/api/2/search?tenant={c.World.Ids[c.Principal.Tenant]}&text={c.Target}&limit=1000"))
        {
            AppliesTo = NamedTarget,
            Rule = static (m, p, t) => ReachRules.Expect(m, p, p.Tenant, Res.Tenant, Op.Read, Dialect.Acronis) is var own && own != Outcome.Allowed
                ? own : FoundRule(m, p, t, Res.Tenant),
            Check = static (c, body, outcome) => Task.FromResult(Problem(
                Found(c, body) == (outcome == Outcome.Allowed), $"{outcome}, yet found: {Found(c, body)}: {body}")),
        },
    ];

    /// <summary>
    /// Searches and lists by ids: found if the rules let the principal read it, absent otherwise (no stamps level).
    /// A search from the principal's own tenant first needs to read that tenant; a principal whose roles read
    /// nothing of the kind (a backup_user) is refused.
    /// </summary>
    private static Outcome FoundRule(MatrixModel model, Principal principal, string target, Res resource) =>
        !model.GrantsOf(principal).Any(g => ReachRules.Allows(g.Role, resource, Op.Read)) && !model.Suspended(principal.Tenant)
            ? Outcome.Forbidden // no role it holds reads any: refused, not an empty list
            : ReachRules.Expect(model, principal, target, resource, Op.Read, Dialect.Acronis) switch
        {
            Outcome.Unauthorized => Outcome.Unauthorized,
            Outcome.Allowed => Outcome.Allowed,
            _ => Outcome.Absent,
        };

    private static bool UserListed(CaseContext c, JsonElement body) =>
        TenantCases.Items(body).Any(i => i.Str("id") == c.World.Users[c.Target]);

    private static bool Found(CaseContext c, JsonElement body) =>
        TenantCases.Items(body).Any(i => i.Str("obj_type") == "tenant" && i.Str("id") == c.Id);
}
