using System.Text.Json;
using System.Text.Json.Nodes;

namespace Tenancy.Server.Tenants;

/// <summary>The /api/2 tenant object (the published "tenant" schema, full level of detail) plus Tenancy's own fields.</summary>
public sealed record TenantJson(
    string Id,
    long Version,
    string CreatedAt,
    string UpdatedAt,
    string? DeletedAt,
    string? ProductionStartDate,
    string Name,
    string CustomerType,
    string ParentId,
    string Kind,
    Contact Contact,
    IReadOnlyList<Contact> Contacts,
    bool Enabled,
    string? CustomerId,
    long? BrandId,
    string BrandUuid,
    bool BrandEnabled,
    int Barrier,
    string? InternalTag,
    string Language,
    string? OwnerId,
    bool HasChildren,
    string DefaultIdpId,
    UpdateLockJson UpdateLock,
    bool AncestralAccess,
    string MfaStatus,
    string PricingMode,
    string? ExternalOperationStatus,
    IReadOnlyList<object> OfferingItems,
    bool EffectivelyEnabled,
    string? DisabledBy,
    string? Code,
    string? ZuoraAccountName,
    string? ZuoraAccountNumber,
    string? Description) : IHasETag
{
    long? IHasETag.ETagVersion => Version;

    public static TenantJson From(TenantView view)
    {
        var t = view.Tenant;
        var created = Timestamps.Format(t.CreatedAt);
        var contact = ContactJson.Deserialize(t.Contact) ?? new Contact
        {
            // A tenant created without a contact still has an (empty) one, as the published schema requires.
            Id = t.Id,
            CreatedAt = created,
            UpdatedAt = created,
        };
        return new TenantJson(
            t.Id, t.Version, created, Timestamps.Format(t.UpdatedAt), t.DeletedAt is { } deleted ? Timestamps.Format(deleted) : null, null, t.Name, t.CustomerType,
            t.ParentId, t.Kind, contact, t.Contact is null ? [] : [contact], t.Enabled, t.CustomerId, t.BrandId,
            t.BrandUuid, true, 0, t.InternalTag, t.Language, t.OwnerId, view.HasChildren, t.DefaultIdpId,
            new UpdateLockJson(t.UpdateLockEnabled, t.UpdateLockOwner), t.AncestralAccess, t.MfaStatus,
            t.PricingMode, view.DeletionState == "purging" ? "deleting" : null, [], view.EffectivelyEnabled, view.DisabledBy, t.Code ?? t.DeletedCode, t.ZuoraAccountName,
            t.ZuoraAccountNumber, t.Description);
    }

    private static readonly string[] Stamps = ["id", "parent_id", "version", "created_at", "updated_at", "deleted_at", "contacts", "offering_items"];
    private static readonly string[] Basic = [.. Stamps, "name", "kind", "enabled"];

    /// <summary>The object at a level of detail ("stamps", "basic" or "full") of the list endpoint.</summary>
    public object AtLevel(string lod, JsonSerializerOptions options)
    {
        if (lod == "full")
        {
            return this;
        }

        var keep = lod == "stamps" ? Stamps : Basic;
        var node = JsonSerializer.SerializeToNode(this, options)!.AsObject();
        var projected = new JsonObject();
        foreach (var key in keep)
        {
            projected[key] = node[key]?.DeepClone();
        }

        return projected;
    }
}

public sealed record UpdateLockJson(bool Enabled, string? OwnerId);
