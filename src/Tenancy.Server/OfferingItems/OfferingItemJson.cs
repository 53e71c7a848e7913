using System.Text.Json.Serialization;

namespace Tenancy.Server.OfferingItems;

/// <summary>PUT /api/2/tenants/{id}/offering_items: the items to set; the others are left as they are.</summary>
[RequestExample("""
    {"offering_items": [
      {"application_id": "6e6d758d-8e74-3ae3-ac84-50eb0dff12eb", "name": "pg_base_workstations", "status": 1,
       "quota": {"value": 10, "overage": 2, "version": 0}},
      {"application_id": "6e6d758d-8e74-3ae3-ac84-50eb0dff12eb", "name": "local_storage", "status": 0}]}
    """)]
public sealed record OfferingItemsRequest : JsonRequest<OfferingItemsRequest>
{
    public IReadOnlyList<ItemRequest?>? OfferingItems { get; init; }

    /// <summary>Accepted for the original clients; usage is not checked when items are turned off.</summary>
    public bool? CheckUsage { get; init; }

    protected override Invalid? Validate()
    {
        if (OfferingItems is null)
        {
            return new Invalid("offering_items", "offering_items is required: the list of items to set.");
        }

        for (var i = 0; i < OfferingItems.Count; i++)
        {
            var field = $"offering_items[{i}]";
            var problem = OfferingItems[i] is not { } item ? new Invalid(field, $"{field} must be an object.")
                : string.IsNullOrWhiteSpace(item.ApplicationId) ? new Invalid($"{field}.application_id", $"{field}.application_id is required.")
                : string.IsNullOrWhiteSpace(item.Name) ? new Invalid($"{field}.name", $"{field}.name is required.")
                : item.Status is not (null or 0 or 1) ? new Invalid($"{field}.status", $"{field}.status must be 1 (on) or 0 (off).")
                : null;
            if (problem is not null)
            {
                return problem;
            }
        }

        return null;
    }

    public IReadOnlyList<ItemChange> Changes() =>
        [.. OfferingItems!.Select((i, n) => new ItemChange(n, i!.ApplicationId!, i.Name!, i.InfraId, i.Status,
            i.Quota is { } q ? new QuotaChange(q.Value, q.Overage, q.Version) : null))];
}

/// <summary>One item to set. Other fields (as GET and available_for_child answer them) are ignored.</summary>
public sealed record ItemRequest
{
    public string? ApplicationId { get; init; }
    public string? Name { get; init; }
    public string? InfraId { get; init; }

    /// <summary>1 on, 0 off; omitted: the status does not change.</summary>
    public int? Status { get; init; }

    /// <summary>Omitted or null: the quota does not change.</summary>
    public QuotaRequest? Quota { get; init; }
}

public sealed record QuotaRequest
{
    public long? Value { get; init; }
    public long? Overage { get; init; }
    public long? Version { get; init; }
}

/// <summary>PUT /api/2/tenants/{id}/edition.</summary>
[RequestExample("""{"application_id": "6e6d758d-8e74-3ae3-ac84-50eb0dff12eb", "target_edition": "pck_per_workload"}""")]
public sealed record EditionSwitchRequest : JsonRequest<EditionSwitchRequest>
{
    public string? ApplicationId { get; init; }
    public string? TargetEdition { get; init; }

    protected override Invalid? Validate() => Required(ApplicationId, "application_id") ?? Required(TargetEdition, "target_edition");
}

/// <summary>The Account Management API's quota: null is unlimited; version 0 while unset.</summary>
public sealed record QuotaJson(long? Value, long? Overage, long Version);

/// <summary>An offering item of a tenant (the Account Management API's offeringItemList items).</summary>
/// <param name="Status">1 when effectively on (on for the tenant, every tenant above it, and its application).</param>
/// <param name="Locked">True when the tenant cannot turn it on: its parent does not have it on (always for the root).</param>
/// <param name="Quota">The effective quota (none for features).</param>
public sealed record TenantOfferingItemJson(
    string ApplicationId, string Name, string? Edition, string UsageName, string TenantId,
    [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] string? UpdatedAt,
    string? DeletedAt, int Status, bool Locked, string Type, string MeasurementUnit,
    [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] string? InfraId,
    [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] QuotaJson? Quota)
{
    public static TenantOfferingItemJson From(Tenant tenant, ItemState s) => new(
        s.Application.Id, s.Item.Name, s.Item.Edition, s.Item.UsageName, tenant.Id,
        s.Own is { } own ? Timestamps.Format(own.UpdatedAt) : null, null, s.On ? 1 : 0, tenant.IsRoot || !s.ParentOn,
        s.Item.Type, s.Item.MeasurementUnit, s.Item.InfraId,
        OfferingItemTree.HasQuota(s.Item) ? new QuotaJson(s.Quota.Value, s.Quota.Overage, s.Quota.Version) : null);
}

public sealed record OfferingItemListJson(
    string Timestamp, IReadOnlyList<TenantOfferingItemJson> Items,
    [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] TenantEndpoints.PagingJson? Paging = null);

/// <summary>What an edition switch would do: the API's warning codes, and the items it turns off and on.</summary>
public sealed record EditionSwitchJson(IReadOnlyList<string> Warnings, IReadOnlyList<string> TurnedOff, IReadOnlyList<string> TurnedOn);
