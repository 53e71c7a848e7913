using System.Text.Json;
using Microsoft.AspNetCore.Mvc;

namespace Tenancy.Server.Usage;

/// <summary>PUT /api/2/tenants/usages: values per tenant and offering item; each item is read on its own, so one bad item refuses only itself.</summary>
[RequestExample("""
    {"items": [{"tenant_id": "7a2c3e4f-1b2d-4c5e-8f90-a1b2c3d4e5f6", "offering_item": "workstations", "usage_value": 12},
               {"tenant_id": "7a2c3e4f-1b2d-4c5e-8f90-a1b2c3d4e5f6", "offering_item": "storage_eu",
                "infra_id": "3f9b1d2e-6a4c-4e8f-9b0a-1c2d3e4f5a61", "usage_value": 1073741824}]}
    """)]
public sealed record ItemUsageBatchRequest : JsonRequest<ItemUsageBatchRequest>
{
    public IReadOnlyList<JsonElement>? Items { get; init; }

    protected override Invalid? Validate() => UsageBatchRequest.CheckBatch(Items, "usage values");

    /// <summary>The items of the batch, in order, each with what it names (echoed in the answer) and its value or the problem with it.</summary>
    public IReadOnlyList<ReportedItem> Reports() => [.. Items!.Select(ItemUsageRequest.Read)];
}

/// <summary>An item of a batch as sent: what it names, for the answer, and the value it reports or why it cannot be read.</summary>
public sealed record ReportedItem(ItemNames Names, Result<ItemReport> Report);

/// <summary>What an item of a batch names, as sent (only the fields that are strings).</summary>
public sealed record ItemNames(string? TenantId, string? ResourceId, string? UsageType, string? OfferingItem, string? InfraId);

/// <summary>
/// A value reported for a tenant: the offering item by name (or the usage name alone when only one item
/// has it), the infrastructure for an infra item, and the value in the item's measurement unit.
/// </summary>
public sealed record ItemReport(string TenantId, string? OfferingItem, string? UsageType, string? InfraId, long Value);

/// <summary>One item of PUT /api/2/tenants/usages, bound exactly as the API document defines it.</summary>
public sealed record ItemUsageRequest
{
    public string? TenantId { get; init; }
    public string? ResourceId { get; init; }
    public string? UsageType { get; init; }
    public string? OfferingItem { get; init; }
    public string? InfraId { get; init; }
    public long? UsageValue { get; init; }

    public static ReportedItem Read(JsonElement item)
    {
        if (item.ValueKind != JsonValueKind.Object)
        {
            return new(new ItemNames(null, null, null, null, null), new Invalid("item", "Each item must be a JSON object."));
        }

        var names = new ItemNames(Text(item, "tenant_id"), Text(item, "resource_id"), Text(item, "usage_type"), Text(item, "offering_item"), Text(item, "infra_id"));
        var bound = RequestJson.Bind<ItemUsageRequest>(item);
        return new(names, bound.IsOk ? bound.Value.ToReport() : bound.Error);
    }

    private Result<ItemReport> ToReport() =>
        ResourceId is not null
            ? new Invalid("resource_id", "Usage is reported per tenant: send tenant_id with offering_item (per-resource reporting is not supported).")
        : TenantId is null ? new Invalid("tenant_id", "tenant_id is required.")
        : OfferingItem is null && UsageType is null ? new Invalid("offering_item", "offering_item (or usage_type) is required.")
        : UsageValue is null ? new Invalid("usage_value", "usage_value is required.")
        : UsageValue < 0 ? new Invalid("usage_value", "usage_value must be a non-negative integer.")
        : new ItemReport(TenantId, OfferingItem, UsageType, InfraId, UsageValue.Value);

    private static string? Text(JsonElement item, string name) =>
        item.TryGetProperty(name, out var value) && value.ValueKind == JsonValueKind.String ? value.GetString() : null;
}

/// <summary>The filters of GET /api/2/tenants/{id}/usages and GET /api/2/tenants/usages.</summary>
public sealed record UsageQuery(
    [property: FromQuery(Name = "usage_names")] string? UsageNames,
    [property: FromQuery(Name = "editions")] string? Editions)
{
    public UsageFilter Filter => new(List(UsageNames), List(Editions));

    public static IReadOnlyList<string>? List(string? value) =>
        value is null ? null : [.. value.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)];
}

/// <summary>Which offering items a usage read keeps: by usage name and by edition (null: no filter).</summary>
public sealed record UsageFilter(IReadOnlyList<string>? UsageNames, IReadOnlyList<string>? Editions)
{
    public bool Keeps(Catalog.OfferingItem item) =>
        (UsageNames is null || UsageNames.Contains(item.UsageName, StringComparer.Ordinal))
        && (Editions is null || (item.Edition is not null && Editions.Contains(item.Edition, StringComparer.Ordinal)));
}
