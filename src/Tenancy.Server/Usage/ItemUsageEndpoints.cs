using System.Text.Json.Serialization;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Mvc;

namespace Tenancy.Server.Usage;

/// <summary>Usage per offering item, as the Account Management API has it (/api/2/tenants/.../usages).</summary>
public static class ItemUsageEndpoints
{
    public static RouteGroupBuilder MapItemUsage(this IEndpointRouteBuilder app)
    {
        var group = app.MapGroup("/api/2/tenants").WithTags("Usage").RequireAuthorization().SpeaksAcronis();
        group.MapPut("/usages", Report).RequireAuthorization(Policies.Create).WithSummary(
            "Report usage values per tenant and offering item; an unchanged value records nothing; 200 with an error on each refused item");
        group.MapGet("/usages", OfTenants).WithSummary("Usages of the listed tenants (tenants=id1,id2) per offering item");
        group.MapGet("/{tenantId}/usages", OfTenant).WithSummary(
            "Usages of a tenant per offering item: its value, the subtree's absolute value, the quota");
        return group;
    }

    private static async Task<Ok<ItemsJson<ReportOutcomeJson>>> Report(
        ItemUsageBatchRequest body, Caller caller, ItemUsageService usages, CancellationToken ct)
    {
        var outcomes = await usages.ReportAsync(caller, body.Reports(), ct);
        return TypedResults.Ok(new ItemsJson<ReportOutcomeJson>([.. outcomes.Select(ReportOutcomeJson.From)]));
    }

    private static async Task<Results<Ok<ItemsJson<ItemUsageJson>>, JsonHttpResult<AcronisErrorBody>>> OfTenant(
        string tenantId, [AsParameters] UsageQuery q, Caller caller, ItemUsageService usages, CancellationToken ct)
    {
        var result = await usages.OfTenantAsync(caller, tenantId, q.Filter, ct);
        return result.IsOk
            ? TypedResults.Ok(new ItemsJson<ItemUsageJson>([.. result.Value.Select(ItemUsageJson.From)]))
            : AcronisErrors.ToResult(result.Error);
    }

    private static async Task<Results<Ok<ItemsJson<TenantUsagesJson>>, JsonHttpResult<AcronisErrorBody>>> OfTenants(
        [FromQuery(Name = "tenants")] string? tenants, [AsParameters] UsageQuery q, Caller caller, ItemUsageService usages, CancellationToken ct)
    {
        var result = await usages.OfTenantsAsync(caller, tenants, q.Filter, ct);
        return result.IsOk
            ? TypedResults.Ok(new ItemsJson<TenantUsagesJson>([.. result.Value.Select(t => new TenantUsagesJson(t.TenantId, [.. t.Usages.Select(ItemUsageJson.From)]))]))
            : AcronisErrors.ToResult(result.Error);
    }
}

/// <summary>One usage of GET /api/2/tenants/{id}/usages (the API document's fields).</summary>
public sealed record ItemUsageJson(
    string ApplicationId, string Name, string? Edition, string UsageName, string Type, string MeasurementUnit,
    [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] string? InfraId,
    string TenantUuid, string RangeStart, long AbsoluteValue, long Value,
    [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] OfferingItemJson? OfferingItem)
{
    public static ItemUsageJson From(ItemUsage u) => new(
        u.Application.Id, u.Item.Name, u.Item.Edition, u.Item.UsageName, u.Item.Type, u.Item.MeasurementUnit, u.Item.InfraId,
        u.TenantId, DateTimeOffset.UnixEpoch.AddTicks(u.RangeStart * 10).ToString("yyyy-MM-dd'T'HH:mm:ss", System.Globalization.CultureInfo.InvariantCulture),
        u.AbsoluteValue, u.Value,
        u.Enabled ? new OfferingItemJson(1, new QuotaJson(u.Quota.Value, u.Quota.Overage, u.Quota.Version), u.OverQuota) : null);
}

/// <summary>The tenant's offering item: status 1 (on), its quota, and whether the subtree's usage is above quota plus overage.</summary>
public sealed record OfferingItemJson(int Status, QuotaJson Quota, bool OverQuota);

public sealed record QuotaJson(long? Value, long? Overage, long Version);

/// <summary>One tenant of GET /api/2/tenants/usages.</summary>
public sealed record TenantUsagesJson(string Tenant, IReadOnlyList<ItemUsageJson> Usages);

/// <summary>One item of the answer to PUT /api/2/tenants/usages: what it named, and an error when it was refused.</summary>
public sealed record ReportOutcomeJson(
    [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] string? TenantId,
    [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] string? ResourceId,
    [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] string? UsageType,
    [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] string? OfferingItem,
    [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] string? InfraId,
    [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] AcronisErrorBody? Error)
{
    public static ReportOutcomeJson From(ItemOutcome o) =>
        new(o.Names.TenantId, o.Names.ResourceId, o.Names.UsageType, o.Names.OfferingItem, o.Names.InfraId, o.Error is null ? null : ErrorOf(o));

    /// <summary>The /api/2 error envelope, naming the item (its position in the batch) and the field at fault.</summary>
    private static AcronisErrorBody ErrorOf(ItemOutcome o)
    {
        var error = AcronisErrors.Body(o.Error!).Body.Error;
        var context = new Dictionary<string, object?>(error.Context) { ["index"] = o.Index };
        context.TryAdd("field", o.Error is Invalid i ? i.Field : "tenant_id");
        return new AcronisErrorBody(error with
        {
            Details = new AcronisErrorDetails($"Item {o.Index}: {o.Error!.Message}"),
            Context = context,
        });
    }
}
