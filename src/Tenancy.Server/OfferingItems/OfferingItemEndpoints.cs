using System.Globalization;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Mvc;

namespace Tenancy.Server.OfferingItems;

/// <summary>Tenants' offering items and editions (/api/2).</summary>
public static class OfferingItemEndpoints
{
    public sealed record ItemsQuery(
        [property: FromQuery(Name = "edition")] string? Edition,
        [property: FromQuery(Name = "usage_names")] string? UsageNames,
        [property: FromQuery(Name = "status")] string? Status,
        [property: FromQuery(Name = "type")] string? Type,
        [property: FromQuery(Name = "infra_uuid")] string? InfraUuid,
        [property: FromQuery(Name = "available_only")] string? AvailableOnly,
        [property: FromQuery(Name = "for_ui")] string? ForUi,
        [property: FromQuery(Name = "include_secondary")] string? IncludeSecondary);

    public sealed record ChildQuery(
        [property: FromQuery(Name = "kind")] string? Kind, [property: FromQuery(Name = "edition")] string? Edition);

    public sealed record EditionQuery(
        [property: FromQuery(Name = "application_id")] string? ApplicationId,
        [property: FromQuery(Name = "target_edition")] string? TargetEdition);

    public static RouteGroupBuilder MapOfferingItems(this IEndpointRouteBuilder app)
    {
        var group = app.MapGroup("/api/2/tenants").WithTags("Offering items").RequireAuthorization().SpeaksAcronis();
        group.MapGet("/{tenantId}/offering_items", List)
            .WithSummary("The tenant's offering items: effective status (off when off above it) and quota of each");
        group.MapPut("/{tenantId}/offering_items", Put).RequireAuthorization(Policies.Change)
            .WithSummary("Set the status and quota of the listed items (the parent must have them on; quotas up to the parent's)");
        group.MapGet("/{tenantId}/offering_items/available_for_child", AvailableForChild)
            .WithSummary("The offering items a new child of the given kind could get, in an edition or all (*)");
        group.MapGet("/{tenantId}/edition", CheckEdition)
            .WithSummary("What switching the tenant to another edition of an application would do; changes nothing");
        group.MapPut("/{tenantId}/edition", SwitchEdition).RequireAuthorization(Policies.Change)
            .WithSummary("Switch the tenant to another edition of an application, at once");
        group.MapGet("/offering_items", OfferingItemBatch.List)
            .WithSummary("The offering items of every tenant of a subtree, level by level, with paging");
        return group;
    }

    private static async Task<Results<Ok<OfferingItemListJson>, JsonHttpResult<AcronisErrorBody>>> List(
        string tenantId, [AsParameters] ItemsQuery q, Caller caller, OfferingItemService items, TimeProvider clock, CancellationToken ct)
    {
        var filter = Parse(q);
        if (!filter.IsOk)
        {
            return AcronisErrors.ToResult(filter.Error);
        }

        var result = await items.ListAsync(caller, tenantId, filter.Value, ct);
        return result.IsOk ? TypedResults.Ok(ListJson(clock, result.Value.Tenant, result.Value.Items)) : AcronisErrors.ToResult(result.Error);
    }

    private static async Task<Results<Ok<OfferingItemListJson>, JsonHttpResult<AcronisErrorBody>>> Put(
        string tenantId, OfferingItemsRequest body, Caller caller, OfferingItemService items, TimeProvider clock, CancellationToken ct)
    {
        var result = await items.SetAsync(caller, tenantId, body.Changes(), ct);
        return result.IsOk ? TypedResults.Ok(ListJson(clock, result.Value.Tenant, result.Value.Items)) : AcronisErrors.ToResult(result.Error);
    }

    private static async Task<Results<Ok<OfferingItemListJson>, JsonHttpResult<AcronisErrorBody>>> AvailableForChild(
        string tenantId, [AsParameters] ChildQuery q, Caller caller, OfferingItemService items, TimeProvider clock, CancellationToken ct)
    {
        var result = await items.AvailableForChildAsync(caller, tenantId, q.Kind, q.Edition, ct);
        return result.IsOk ? TypedResults.Ok(ListJson(clock, result.Value.Tenant, result.Value.Items)) : AcronisErrors.ToResult(result.Error);
    }

    private static async Task<Results<Ok<EditionSwitchJson>, JsonHttpResult<AcronisErrorBody>>> CheckEdition(
        string tenantId, [AsParameters] EditionQuery q, Caller caller, EditionService editions, CancellationToken ct)
    {
        var result = await editions.CheckAsync(caller, tenantId, q.ApplicationId, q.TargetEdition, ct);
        return result.IsOk
            ? TypedResults.Ok(new EditionSwitchJson(result.Value.Warnings, result.Value.TurnedOff, result.Value.TurnedOn))
            : AcronisErrors.ToResult(result.Error);
    }

    private static async Task<Results<Ok<OfferingItemListJson>, JsonHttpResult<AcronisErrorBody>>> SwitchEdition(
        string tenantId, EditionSwitchRequest body, Caller caller, EditionService editions, TimeProvider clock, CancellationToken ct)
    {
        var result = await editions.SwitchAsync(caller, tenantId, body.ApplicationId, body.TargetEdition, ct);
        return result.IsOk ? TypedResults.Ok(ListJson(clock, result.Value.Tenant, result.Value.Items)) : AcronisErrors.ToResult(result.Error);
    }

    public static OfferingItemListJson ListJson(TimeProvider clock, Tenant tenant, IEnumerable<ItemState> items) =>
        new(Timestamps.Format(clock.NowMicros()), [.. items.Select(s => TenantOfferingItemJson.From(tenant, s))]);

    private static Result<ItemFilter> Parse(ItemsQuery q)
    {
        int? status = null;
        if (q.Status is not null)
        {
            if (q.Status is not ("0" or "1"))
            {
                return new Invalid("status", "status must be 1 (on) or 0 (off).");
            }

            status = int.Parse(q.Status, CultureInfo.InvariantCulture);
        }

        if (q.Type is not null && !Catalog.OfferingItemTypes.All.Contains(q.Type))
        {
            return new Invalid("type", $"type must be one of {string.Join(", ", Catalog.OfferingItemTypes.All)}.");
        }

        string? infra = null;
        if (q.InfraUuid is not null && (infra = Ids.Normalize(q.InfraUuid)) is null)
        {
            return new Invalid("infra_uuid", "infra_uuid must be a UUID.");
        }

        var availableOnly = false;
        if (q.AvailableOnly is not null && !Flag(q.AvailableOnly, out availableOnly))
        {
            return new Invalid("available_only", "available_only must be true, false, 1 or 0.");
        }

        return new ItemFilter(q.Edition, Names(q.UsageNames), status, q.Type, infra, availableOnly);
    }

    /// <summary>A comma-separated list as a set; null when absent.</summary>
    public static IReadOnlySet<string>? Names(string? list) =>
        list is null ? null : list.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries).ToHashSet(StringComparer.Ordinal);

    private static bool Flag(string text, out bool value)
    {
        value = text is "1" || text.Equals("true", StringComparison.OrdinalIgnoreCase);
        return value || text is "0" || text.Equals("false", StringComparison.OrdinalIgnoreCase);
    }
}
