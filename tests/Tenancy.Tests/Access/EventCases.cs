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
    ];
}
