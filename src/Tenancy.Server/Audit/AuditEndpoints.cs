using System.Globalization;
using System.Text.Json;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Mvc;

namespace Tenancy.Server.Audit;

/// <summary>GET /api/2/audit: who changed what, when and from where, within the caller's reach.</summary>
public static class AuditEndpoints
{
    public const int MaxPageSize = 1000;

    public static RouteGroupBuilder MapAudit(this IEndpointRouteBuilder app)
    {
        var group = app.MapGroup("/api/2/audit").WithTags("Audit").RequireAuthorization();
        group.MapGet("/", List).WithSummary(
            "Audit records, newest first, filtered by subtree_id, target_id, actor_id, operation and time (from, to), with cursor paging");
        return group;
    }

    public sealed record Query(
        [property: FromQuery(Name = "subtree_id")] string? SubtreeId,
        [property: FromQuery(Name = "target_id")] string? TargetId,
        [property: FromQuery(Name = "actor_id")] string? ActorId,
        string? Operation,
        string? From,
        string? To,
        string? Limit,
        string? After);

    /// <param name="Impersonator">In an impersonation session: the admin acting as the user ("client:id" or "user:id").</param>
    public sealed record ActorJson(string Type, string Id, string TenantId, string? Impersonator);

    public sealed record TargetJson(string Type, string Id);

    public sealed record RecordJson(
        long Id, string At, ActorJson Actor, string Operation, TargetJson Target, JsonElement Changes, string? Address, string? RequestId);

    public sealed record PageJson(IReadOnlyList<RecordJson> Items, TenantEndpoints.PagingJson Paging);

    private static async Task<Results<Ok<PageJson>, JsonHttpResult<AcronisErrorBody>>> List(
        [AsParameters] Query q, Caller caller, TenantService tenants, AuditStore store, CancellationToken ct)
    {
        var parsed = Parse(q, caller);
        if (!parsed.IsOk)
        {
            return AcronisErrors.ToResult(parsed.Error);
        }

        var subtree = await tenants.AuthorizeAsync(caller, q.SubtreeId ?? caller.HomeTenantId, Operation.Read, Resource.Audit, ct);
        if (!subtree.IsOk)
        {
            return AcronisErrors.ToResult(subtree.Error);
        }

        var query = parsed.Value with { SubtreePath = subtree.Value.Tenant.Path };
        var rows = await store.QueryAsync(query with { Limit = query.Limit + 1 }, ct);
        var page = rows.Take(query.Limit).Select(r => new RecordJson(
            r.Id, Timestamps.Format(r.At), new ActorJson(r.ActorType, r.ActorId, r.ActorTenantId, r.Impersonator), r.Operation,
            new TargetJson(r.TargetType, r.TargetId), JsonDocument.Parse(r.Changes).RootElement.Clone(), r.Address, r.RequestId)).ToList();
        var after = rows.Count > query.Limit ? page[^1].Id.ToString(CultureInfo.InvariantCulture) : null;
        return TypedResults.Ok(new PageJson(page, new TenantEndpoints.PagingJson(new TenantEndpoints.CursorsJson(after))));
    }

    private static Result<AuditQuery> Parse(Query q, Caller caller)
    {
        var limit = 100;
        if (q.Limit is not null && (!int.TryParse(q.Limit, NumberStyles.None, CultureInfo.InvariantCulture, out limit) || limit < 1))
        {
            return new Invalid("limit", "limit must be a positive integer.");
        }

        long? before = null;
        if (q.After is not null)
        {
            if (!long.TryParse(q.After, NumberStyles.None, CultureInfo.InvariantCulture, out var id))
            {
                return new Invalid("after", "after is not a cursor returned by this API.");
            }

            before = id;
        }

        var from = Time(q.From, "from");
        var to = Time(q.To, "to");
        if (from is { IsOk: false })
        {
            return from.Value.Error;
        }

        if (to is { IsOk: false })
        {
            return to.Value.Error;
        }

        if (q.SubtreeId is not null && Ids.Normalize(q.SubtreeId) is null)
        {
            return new Invalid("subtree_id", "subtree_id must be a UUID.");
        }

        return new AuditQuery(caller, "", q.TargetId, q.ActorId, q.Operation, from?.Value, to?.Value, before, Math.Min(limit, MaxPageSize));
    }

    private static Result<long>? Time(string? value, string field) =>
        value is null ? null
        : DateTimeOffset.TryParse(value, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out var t) ? Timestamps.ToMicros(t)
        : new Invalid(field, $"{field} must be an RFC 3339 date and time.");
}
