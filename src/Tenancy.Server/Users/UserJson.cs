using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.Json.Serialization;

namespace Tenancy.Server.Users;

/// <summary>The /api/2 user object (the published "user" schema, full level of detail) plus Tenancy's role.</summary>
public sealed record UserJson(
    string Id,
    long Version,
    string TenantId,
    string Login,
    Contact Contact,
    bool Activated,
    bool Enabled,
    string CreatedAt,
    string UpdatedAt,
    string? DeletedAt,
    IReadOnlyList<AccessPolicyJson> AccessPolicies,
    string? OriginId,
    string? OriginExternalId,
    string? DisableAfter,
    string? PersonalTenantId,
    string Language,
    IReadOnlyList<string> BusinessTypes,
    IReadOnlyList<string> Notifications,
    [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] string? ExternalId,
    string MfaStatus,
    string? ExternalOperationStatus,
    string Role) : IHasETag
{
    long? IHasETag.ETagVersion => Version;

    /// <param name="grants">The user's access policies, shown when asked for (?with_access_policies=true); empty otherwise.</param>
    public static UserJson From(User u, IEnumerable<RoleGrant>? grants = null) => new(
        u.Id, u.Version, u.TenantId, u.Login, ContactJson.Deserialize(u.Contact) ?? new Contact(),
        Activated: u.PasswordHash is not null, u.Enabled, Timestamps.Format(u.CreatedAt), Timestamps.Format(u.UpdatedAt),
        null, [.. (grants ?? []).Select(AccessPolicyJson.From)], null, null, null, null, u.Language, [], JsonSerializer.Deserialize<string[]>(u.Notifications) ?? [],
        u.ExternalId, "disabled", null, u.Role);

    private static readonly string[] Stamps =
        ["id", "version", "tenant_id", "created_at", "updated_at", "deleted_at", "access_policies", "origin_id", "origin_external_id", "disable_after"];

    private static readonly string[] Basic = [.. Stamps, "personal_tenant_id", "login", "enabled"];

    /// <summary>The object at a level of detail ("stamps", "basic" or "full") of the list endpoint.</summary>
    public object AtLevel(string lod, JsonSerializerOptions options)
    {
        if (lod == "full")
        {
            return this;
        }

        var node = JsonSerializer.SerializeToNode(this, options)!.AsObject();
        var projected = new JsonObject();
        foreach (var key in lod == "stamps" ? Stamps : Basic)
        {
            projected[key] = node[key]?.DeepClone();
        }

        return projected;
    }

    /// <summary>The /users/me object: the user plus facts about its tenant (the published "userMe" schema).</summary>
    public static JsonObject Me(User user, Tenant tenant, JsonSerializerOptions options)
    {
        var node = JsonSerializer.SerializeToNode(From(user), options)!.AsObject();
        node["terms_accepted"] = true;
        node["login_totp_time"] = null;
        node["tenant_kind"] = tenant.Kind;
        node["tenant_pricing_model"] = tenant.PricingMode;
        node["brand_id"] = tenant.BrandUuid;
        return node;
    }
}

public sealed record UuidListJson(IReadOnlyList<string> Items);
