namespace Tenancy.Server.Users;

/// <summary>An access policy of the /api/2 dialect: a role a user (the trustee) holds on a tenant.</summary>
public sealed record AccessPolicyJson(
    string Id, long Version, string TrusteeId, string TrusteeType, string IssuerId, string TenantId, string RoleId,
    string CreatedAt, string UpdatedAt, string? DeletedAt)
{
    public static AccessPolicyJson From(RoleGrant g) => new(
        g.Id, g.Version, g.UserId, "user", g.IssuerId, g.TenantId, g.RoleId, Timestamps.Format(g.CreatedAt), Timestamps.Format(g.UpdatedAt), null);
}

/// <summary>The published "accessPoliciesList": the time of the answer and the items.</summary>
public sealed record AccessPoliciesJson(string Timestamp, IReadOnlyList<AccessPolicyJson> Items)
{
    public static AccessPoliciesJson From(IEnumerable<RoleGrant> grants, TimeProvider clock) =>
        new(Timestamps.Format(clock.NowMicros()), [.. grants.Select(AccessPolicyJson.From)]);
}

/// <summary>PUT /api/2/users/{id}/access_policies: the whole new list (id, version, issuer_id and timestamps of the items are ignored).</summary>
[RequestExample("""
    {"items": [{"id": "00000000-0000-0000-0000-000000000000", "issuer_id": "00000000-0000-0000-0000-000000000000",
                "role_id": "company_admin", "tenant_id": "7a2c3e4f-1b2d-4c5e-8f90-a1b2c3d4e5f6",
                "trustee_id": "2a0402b8-3867-4578-8ebc-e874a2864e79", "trustee_type": "user", "version": 0}]}
    """)]
public sealed record AccessPoliciesRequest : JsonRequest<AccessPoliciesRequest>
{
    public IReadOnlyList<AccessPolicyItemRequest?>? Items { get; init; }

    protected override Invalid? Validate()
    {
        if (Items is null)
        {
            return new Invalid("items", "items is required: the user's whole list of access policies (empty to take every role away).");
        }

        for (var i = 0; i < Items.Count; i++)
        {
            var field = $"items[{i}]";
            if (Items[i] is not { } item)
            {
                return new Invalid(field, $"{field} must be an access policy object.");
            }

            if ((Required(item.TenantId, $"{field}.tenant_id") ?? Required(item.RoleId, $"{field}.role_id")) is { } missing)
            {
                return missing;
            }

            if (item.TrusteeType is not (null or "user"))
            {
                return new Invalid($"{field}.trustee_type", $"{field}.trustee_type must be 'user': these are a user's access policies.");
            }
        }

        return null;
    }

    /// <summary>The roles asked for; null with the offending field when an item names another trustee.</summary>
    public Result<IReadOnlyList<WantedGrant>> For(string userId)
    {
        for (var i = 0; i < Items!.Count; i++)
        {
            if (Items[i]!.TrusteeId is { } trustee && Ids.Normalize(trustee) != Ids.Normalize(userId))
            {
                return new Invalid($"items[{i}].trustee_id", $"items[{i}].trustee_id must be the user of the path ({userId}) or absent.");
            }
        }

        return Result<IReadOnlyList<WantedGrant>>.Ok([.. Items.Select(item => new WantedGrant(item!.TenantId!, item.RoleId!))]);
    }
}

/// <summary>One item of <see cref="AccessPoliciesRequest"/>.</summary>
public sealed record AccessPolicyItemRequest
{
    public string? Id { get; init; }
    public long? Version { get; init; }
    public string? TrusteeId { get; init; }
    public string? TrusteeType { get; init; }
    public string? IssuerId { get; init; }
    public string? TenantId { get; init; }
    public string? RoleId { get; init; }
}
