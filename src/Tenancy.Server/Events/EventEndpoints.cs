using System.Text.Json;
using System.Globalization;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Mvc;

namespace Tenancy.Server.Events;

/// <summary>GET /api/2/events: the change feed of a subtree within the caller's reach, in order, with a cursor and long polling.</summary>
public static class EventEndpoints
{
    public const int MaxPageSize = 1000;

    public static RouteGroupBuilder MapEvents(this IEndpointRouteBuilder app)
    {
        var group = app.MapGroup("/api/2/events").WithTags("Events").RequireAuthorization().SpeaksAcronis();
        group.MapGet("/", List).WithSummary(
            "CloudEvents after a cursor (after), in the subtree of subtree_root_id, of the given types; wait=N long-polls up to N seconds");
        return group;
    }

    public sealed record Query(
        string? After,
        [property: FromQuery(Name = "subtree_root_id")] string? SubtreeRootId,
        string? Types,
        string? Limit,
        string? Wait);

    /// <param name="Items">CloudEvents 1.0 (structured JSON), oldest first.</param>
    /// <param name="Paging">cursors.after: where to continue (the last event's position, or the cursor asked for when there was none).</param>
    public sealed record PageJson(IReadOnlyList<JsonElement> Items, TenantEndpoints.PagingJson Paging);

    private static async Task<Results<Ok<PageJson>, JsonHttpResult<AcronisErrorBody>>> List(
        [AsParameters] Query q, Caller caller, TenantService tenants, EventFeed feed, CloudEventJson json, CancellationToken ct)
    {
        var parsed = Parse(q, feed.MaxWait);
        if (!parsed.IsOk)
        {
            return AcronisErrors.ToResult(parsed.Error);
        }

        var subtree = await tenants.AuthorizeAsync(caller, q.SubtreeRootId ?? caller.HomeTenantId, Operation.Read, Resource.Event, ct);
        if (!subtree.IsOk)
        {
            return AcronisErrors.ToResult(subtree.Error);
        }

        var (after, types, limit, wait) = parsed.Value;
        var query = new EventQuery(caller, subtree.Value.Tenant.Path, after, types, limit);
        var rows = await feed.ReadAsync(query, wait, ct);
        var cursor = rows.Count > 0 ? rows[^1].Id : after;
        return TypedResults.Ok(new PageJson(
            rows.Select(json.Element).ToList(),
            new TenantEndpoints.PagingJson(new TenantEndpoints.CursorsJson(cursor.ToString(CultureInfo.InvariantCulture)))));
    }

    private static Result<(long After, IReadOnlyList<string> Types, int Limit, TimeSpan Wait)> Parse(Query q, int maxWait)
    {
        long after = 0;
        if (q.After is not null && !long.TryParse(q.After, NumberStyles.None, CultureInfo.InvariantCulture, out after))
        {
            return new Invalid("after", "after is not a cursor returned by this API.");
        }

        var limit = 100;
        if (q.Limit is not null && (!int.TryParse(q.Limit, NumberStyles.None, CultureInfo.InvariantCulture, out limit) || limit < 1))
        {
            return new Invalid("limit", "limit must be a positive integer.");
        }

        var wait = 0;
        if (q.Wait is not null && (!int.TryParse(q.Wait, NumberStyles.None, CultureInfo.InvariantCulture, out wait) || wait > maxWait))
        {
            return new Invalid("wait", $"wait must be a number of seconds from 0 to {maxWait}.");
        }

        var types = (q.Types ?? "").Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
        if (types.FirstOrDefault(t => !EventTypes.IsWellFormed(t)) is { } bad)
        {
            return new Invalid("types", $"types must be event types separated by commas, such as tenancy.tenant.suspended; '{Clip(bad)}' is not one.");
        }

        if (q.SubtreeRootId is not null && Ids.Normalize(q.SubtreeRootId) is null)
        {
            return new Invalid("subtree_root_id", "subtree_root_id must be a UUID.");
        }

        return (after, types, Math.Min(limit, MaxPageSize), TimeSpan.FromSeconds(wait));
    }

    private static string Clip(string value) => value.Length > 40 ? value[..40] + "…" : value;
}
