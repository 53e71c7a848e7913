using System.Collections.Concurrent;
using System.Runtime.CompilerServices;
using static Tenancy.Tests.Access.CaseContext;

namespace Tenancy.Tests.Access;

/// <summary>The change feed and webhook rows of the matrix (/api/2/events, /api/2/webhooks): both belong to the subtree's root.</summary>
public static class EventCases
{
    public static IEnumerable<MatrixCase> All() =>
    [
        new("GET /api/2/events?subtree_root_id={id}", Res.Event, Op.Read, Dialect.Acronis, HttpStatusCode.OK,
            c => c.Api.GetAsync($"/api/2/events?subtree_root_id={c.Id}&limit=1"))
        {
            Check = static (_, body, _) => Task.FromResult(Problem(
                body.GetProperty("items").ValueKind == JsonValueKind.Array && body.GetProperty("paging").GetProperty("cursors").TryGetProperty("after", out _),
                $"not a page of events: {body}")),
        },
        // A public address literal: it passes the address check without a name to resolve (nothing is sent to it here).
        new("POST /api/2/webhooks (subtree_root_id)", Res.Event, Op.Create, Dialect.Acronis, HttpStatusCode.Created,
            c => c.Api.PostJsonAsync("/api/2/webhooks", new { url = "https://93.184.215.14/hook", subtree_root_id = c.Id, enabled = false }))
        {
            Check = static (c, body, _) => Task.FromResult(Problem(body.Str("subtree_root_id") == c.Id && body.Str("secret").StartsWith("whsec_", StringComparison.Ordinal),
                $"wrong webhook: {body}")),
        },
        new("GET /api/2/webhooks/{id}", Res.Event, Op.Read, Dialect.Acronis, HttpStatusCode.OK, c => c.Api.GetAsync($"/api/2/webhooks/{c.Victim.Id}"))
        {
            Prepare = static (w, t) => SharedWebhookAsync(w, t),
            Check = static (c, body, _) => Task.FromResult(Problem(body.Str("id") == c.Victim.Id && body.Str("subtree_root_id") == c.Id
                && !body.TryGetProperty("secret", out var _), $"wrong webhook: {body}")),
        },
        new("GET /api/2/webhooks/{id}/deliveries", Res.Event, Op.Read, Dialect.Acronis, HttpStatusCode.OK,
            c => c.Api.GetAsync($"/api/2/webhooks/{c.Victim.Id}/deliveries"))
        {
            Prepare = static (w, t) => SharedWebhookAsync(w, t),
            Check = static (_, body, _) => Task.FromResult(Problem(body.GetProperty("items").ValueKind == JsonValueKind.Array, $"not a page of deliveries: {body}")),
        },
        new("GET /api/2/webhooks (its webhook)", Res.Event, Op.List, Dialect.Acronis, HttpStatusCode.OK, c => c.Api.GetAsync("/api/2/webhooks?limit=1000"))
        {
            Prepare = static (w, t) => SharedWebhookAsync(w, t),
            Rule = static (m, p, t) => ListRule(m, p, t),
            Check = static async (c, body, outcome) =>
            {
                var listed = await c.ListedAsync(body, "/api/2/webhooks?limit=1000", c.Victim.Id);
                return Problem(listed == (outcome == Outcome.Allowed), listed ? "its webhook is listed" : "its webhook is missing");
            },
        },
        new("PUT /api/2/webhooks/{id}", Res.Event, Op.Change, Dialect.Acronis, HttpStatusCode.OK,
            c => c.Api.PutJsonAsync($"/api/2/webhooks/{c.Victim.Id}", new { version = c.Victim.Version, event_types = Suspended }))
        {
            Prepare = static (w, t) => WebhookAsync(w, t),
            Check = static (c, body, _) => Task.FromResult(Problem(body.Long("version") == c.Victim.Version + 1
                && body.GetProperty("event_types").EnumerateArray().Select(e => e.GetString()).SequenceEqual(Suspended), $"not changed: {body}")),
            Unchanged = static async c => Problem(await c.VersionAsync($"/api/2/webhooks/{c.Victim.Id}") == c.Victim.Version, "refused, yet changed"),
        },
        new("DELETE /api/2/webhooks/{id}", Res.Event, Op.Delete, Dialect.Acronis, HttpStatusCode.NoContent,
            c => c.Api.DeleteAsync($"/api/2/webhooks/{c.Victim.Id}?version={c.Victim.Version}"))
        {
            Prepare = static (w, t) => WebhookAsync(w, t),
            Check = static async (c, _, _) => Problem(await c.ObserveAsync($"/api/2/webhooks/{c.Victim.Id}", HttpStatusCode.NotFound) is not null, "204, yet still there"),
            Unchanged = static async c => Problem(await c.VersionAsync($"/api/2/webhooks/{c.Victim.Id}") == c.Victim.Version, "refused, yet gone"),
        },
    ];

    private static readonly string[] Suspended = ["tenancy.tenant.suspended"];

    /// <summary>One webhook per target of a world for the cases that change nothing (made once, read by every principal).</summary>
    private static readonly ConditionalWeakTable<MatrixWorld, ConcurrentDictionary<string, Lazy<Task<Victim>>>> Shared = [];

    /// <summary>
    /// The webhook list is not narrowed to a target: a webhook on a subtree the principal may not read is simply
    /// absent; only a principal locked out by a suspension is refused.
    /// </summary>
    public static Outcome ListRule(MatrixModel model, Principal principal, string target) =>
        ReachRules.Expect(model, principal, target, Res.Event, Op.Read, Dialect.Acronis) switch
        {
            Outcome.Unauthorized => Outcome.Unauthorized,
            Outcome.Allowed => Outcome.Allowed,
            _ => Outcome.Absent,
        };

    private static Task<Victim> SharedWebhookAsync(MatrixWorld world, string target) =>
        Shared.GetOrCreateValue(world).GetOrAdd(target, t => new Lazy<Task<Victim>>(() => WebhookAsync(world, t))).Value;

    /// <summary>A disabled webhook on the target's subtree, made by the target's keeper (nothing is ever sent to it).</summary>
    private static async Task<Victim> WebhookAsync(MatrixWorld world, string target)
    {
        var webhook = await world.KeeperOf(target)
            .PostJsonAsync("/api/2/webhooks", new { url = "https://93.184.215.14/hook", subtree_root_id = world.Ids[target], enabled = false })
            .ExpectAsync(HttpStatusCode.Created);
        return new Victim(webhook.Str("id"), webhook.Long("version"));
    }
}
