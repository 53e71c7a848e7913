using System.Collections.Concurrent;
using System.Runtime.CompilerServices;
using static Tenancy.Tests.Access.CaseContext;

namespace Tenancy.Tests.Access;

/// <summary>The deletion rows of the matrix (/api/2): a deletion's reads, restores, and a service's acknowledgement.</summary>
public static class DeletionCases
{
    /// <summary>One deleted child per target of a world for the cases that change nothing (made once, read by every principal).</summary>
    private static readonly ConditionalWeakTable<MatrixWorld, ConcurrentDictionary<string, Lazy<Task<Victim>>>> Shared = [];

    public static IEnumerable<MatrixCase> All() =>
    [
        new("GET /api/2/tenants/{id}/deletion (a deleted child)", Res.Deletion, Op.Read, Dialect.Acronis, HttpStatusCode.OK,
            c => c.Api.GetAsync($"/api/2/tenants/{c.Victim.Id}/deletion"))
        {
            Prepare = static (w, t) => SharedDeletedChildAsync(w, t),
            Check = static (c, body, _) => Task.FromResult(Problem(body.Str("tenant_id") == c.Victim.Id && body.Str("state") == "pending", $"wrong deletion: {body}")),
        },
        new("GET /api/2/deletions/{id}", Res.Deletion, Op.Read, Dialect.Acronis, HttpStatusCode.OK,
            c => c.Api.GetAsync($"/api/2/deletions/{c.Victim.Secret}"))
        {
            Prepare = static (w, t) => SharedDeletedChildAsync(w, t),
            Check = static (c, body, _) => Task.FromResult(Problem(body.Str("id") == c.Victim.Secret && body.Str("tenant_id") == c.Victim.Id, $"wrong deletion: {body}")),
        },
        new("GET /api/2/deletions?state=pending (a deleted child's)", Res.Deletion, Op.List, Dialect.Acronis, HttpStatusCode.OK,
            c => c.Api.GetAsync("/api/2/deletions?state=pending&limit=100"))
        {
            Prepare = static (w, t) => SharedDeletedChildAsync(w, t),
            Rule = static (m, p, t) => ReachRules.Expect(m, p, t, Res.Deletion, Op.Read, Dialect.Acronis) switch
            {
                Outcome.Unauthorized => Outcome.Unauthorized,
                Outcome.Allowed => Outcome.Allowed,
                _ => Outcome.Absent,
            },
            Check = static async (c, body, outcome) =>
            {
                var listed = await c.ListedAsync(body, "/api/2/deletions?state=pending&limit=100", c.Victim.Secret!);
                return Problem(listed == (outcome == Outcome.Allowed), listed ? "its deletion is listed" : "its deletion is missing");
            },
        },
        // No principal of the matrix acts for a service: where reach allows the acknowledgement, the service check refuses it.
        new("POST /api/2/deletions/{id}/acknowledgements/{application}", Res.Deletion, Op.Change, Dialect.Acronis, HttpStatusCode.OK,
            c => c.Api.Http.PostAsync($"/api/2/deletions/{c.Victim.Secret}/acknowledgements/{Catalog.SampleCatalog.Backup}", null))
        {
            Prepare = static (w, t) => SharedDeletedChildAsync(w, t),
            Rule = static (m, p, t) => ReachRules.Expect(m, p, t, Res.Deletion, Op.Change, Dialect.Acronis) is Outcome.Allowed
                ? Outcome.Forbidden
                : ReachRules.Expect(m, p, t, Res.Deletion, Op.Change, Dialect.Acronis),
            Unchanged = static async c => Problem(await c.ObserveAsync($"/api/2/deletions/{c.Victim.Secret}") is { } d
                && d.GetProperty("services").EnumerateArray().All(s => s.GetProperty("acknowledged_at").ValueKind == JsonValueKind.Null), "refused, yet acknowledged"),
        },
        new("POST /api/2/tenants/{id}/restore (a deleted child)", Res.Tenant, Op.Delete, Dialect.Acronis, HttpStatusCode.NoContent,
            c => c.Api.Http.PostAsync($"/api/2/tenants/{c.Victim.Id}/restore", null))
        {
            Prepare = static (w, t) => DeletedChildAsync(w, t),
            Check = static async (c, _, _) => Problem(await c.VersionAsync($"/api/2/tenants/{c.Victim.Id}") == c.Victim.Version, "204, yet not back as it was"),
            Unchanged = static async c => Problem(await c.ObserveAsync($"/api/2/tenants/{c.Victim.Id}", HttpStatusCode.NotFound) is not null, "refused, yet restored"),
        },
        new("POST /api/2/users/{id}/restore", Res.User, Op.Delete, Dialect.Acronis, HttpStatusCode.NoContent,
            c => c.Api.Http.PostAsync($"/api/2/users/{c.Victim.Id}/restore", null))
        {
            Prepare = static (w, t) => DeletedUserAsync(w, t),
            Check = static async (c, _, _) => Problem(await c.VersionAsync($"/api/2/users/{c.Victim.Id}") == c.Victim.Version, "204, yet not back as it was"),
            Unchanged = static async c => Problem(await c.ObserveAsync($"/api/2/users/{c.Victim.Id}", HttpStatusCode.NotFound) is not null, "refused, yet restored"),
        },
    ];

    private static Task<Victim> SharedDeletedChildAsync(MatrixWorld world, string target) =>
        Shared.GetOrCreateValue(world).GetOrAdd(target, t => new Lazy<Task<Victim>>(() => DeletedChildAsync(world, t))).Value;

    /// <summary>A disabled child of the target, deleted by its keeper; the victim's secret is the deletion's id.</summary>
    private static async Task<Victim> DeletedChildAsync(MatrixWorld world, string target)
    {
        var keeper = world.KeeperOf(target);
        var created = await keeper.CreateTenantAsync(world.Ids[target], world.ChildKind(target));
        var tenant = await keeper.SetEnabledAsync(created.Str("id"), false);
        await keeper.DeleteAsync($"/api/2/tenants/{tenant.Str("id")}?version={tenant.Long("version")}").ExpectAsync(HttpStatusCode.NoContent);
        var deletion = await keeper.GetAsync($"/api/2/tenants/{tenant.Str("id")}/deletion").ExpectAsync(HttpStatusCode.OK);
        var node = new Node("deleted " + tenant.Str("id"), world.ChildKind(target), target, Enabled: false);
        world.Model.Add(node);
        return new Victim(tenant.Str("id"), tenant.Long("version"), deletion.Str("id"), node.Name);
    }

    /// <summary>A disabled user of the target, deleted by the target's keeper.</summary>
    private static async Task<Victim> DeletedUserAsync(MatrixWorld world, string target)
    {
        var keeper = world.KeeperOf(target);
        var user = await keeper.CreateUserAsync(world.Ids[target]);
        var disabled = await keeper.SetUserEnabledAsync(user.Str("id"), false);
        await keeper.DeleteAsync($"/api/2/users/{disabled.Str("id")}?version={disabled.Long("version")}").ExpectAsync(HttpStatusCode.NoContent);
        return new Victim(disabled.Str("id"), disabled.Long("version"));
    }
}
