using Microsoft.AspNetCore.Mvc;

namespace Tenancy.Server.Users;

/// <summary>The query string of GET /api/2/users (the published FetchUsersBatch parameters).</summary>
public sealed record UserListQuery(
    [property: FromQuery(Name = "uuids")] string? Uuids,
    [property: FromQuery(Name = "tenant_id")] string? TenantId,
    [property: FromQuery(Name = "subtree_root_tenant_id")] string? SubtreeRootTenantId,
    [property: FromQuery(Name = "external_ids")] string? ExternalIds,
    [property: FromQuery(Name = "origin_id")] string? OriginId,
    [property: FromQuery(Name = "updated_since")] string? UpdatedSince,
    [property: FromQuery(Name = "limit")] string? Limit,
    [property: FromQuery(Name = "after")] string? After,
    [property: FromQuery(Name = "lod")] string? Lod,
    [property: FromQuery(Name = "with_access_policies")] string? WithAccessPolicies,
    [property: FromQuery(Name = "allow_deleted")] string? AllowDeleted,
    [property: FromQuery(Name = "inside_organization")] string? InsideOrganization,
    [property: FromQuery(Name = "access_policies")] string? AccessPolicies,
    [property: FromQuery(Name = "tenant_kinds")] string? TenantKinds,
    [property: FromQuery(Name = "target_tenant_id")] string? TargetTenantId)
{
    public const int DefaultLimit = 2000;

    /// <summary>The level of detail asked for (full by default), or the error naming lod.</summary>
    public Result<string> Detail() =>
        (Lod ?? "full") is "stamps" or "basic" or "full" ? Lod ?? "full" : new Invalid("lod", "lod must be one of stamps, basic, full.");

    /// <summary>What to list, or the error naming the parameter that is wrong.</summary>
    public Result<UserCursor> Parse()
    {
        var limit = QueryValues.Limit(Limit, DefaultLimit, UserListService.MaxPageSize);
        var flags = new[]
        {
            QueryValues.Flag(WithAccessPolicies, "with_access_policies"), QueryValues.Flag(AllowDeleted, "allow_deleted"),
            QueryValues.Flag(InsideOrganization, "inside_organization"),
        };
        if ((limit.Error ?? flags.Select(f => f.Error).FirstOrDefault(e => e is not null)) is { } bad)
        {
            return bad;
        }

        if (After is not null)
        {
            return UserCursor.Decode(After) is { } cursor
                ? cursor with { Limit = Limit is null ? cursor.Limit : limit.Value }
                : new Invalid("after", "after is not a cursor returned by this API.");
        }

        if (Organization() is { } unsupported)
        {
            return unsupported;
        }

        var since = QueryValues.Timestamp(UpdatedSince, "updated_since");
        return !since.IsOk ? since.Error : Selector(limit.Value, since.Value);
    }

    private Result<UserCursor> Selector(int limit, long? since)
    {
        if (Uuids is not null && (TenantId ?? SubtreeRootTenantId ?? ExternalIds) is not null)
        {
            return new Invalid("uuids", "uuids is mutually exclusive with tenant_id, subtree_root_tenant_id and external_ids.");
        }

        if (SubtreeRootTenantId is not null && (TenantId ?? ExternalIds) is not null)
        {
            return new Invalid("subtree_root_tenant_id", "subtree_root_tenant_id is mutually exclusive with tenant_id and external_ids.");
        }

        if (Uuids is not null)
        {
            var ids = QueryValues.Uuids(Uuids, "uuids");
            return ids.IsOk ? new UserCursor("uuids", null, ids.Value, null, OriginId, since, limit) : ids.Error;
        }

        if (ExternalIds is not null && TenantId is null)
        {
            return new Invalid("tenant_id", "tenant_id is required with external_ids.");
        }

        IReadOnlyList<string>? externalIds = ExternalIds?.Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries);
        if (externalIds is { Count: 0 or > 100 })
        {
            return new Invalid("external_ids", "external_ids must list 1 to 100 ids.");
        }

        return TenantId is not null ? new UserCursor("tenant", TenantId, null, externalIds, OriginId, since, limit)
            : SubtreeRootTenantId is not null ? new UserCursor("subtree", SubtreeRootTenantId, null, null, OriginId, since, limit)
            : new Invalid("uuids", "One of uuids, tenant_id or subtree_root_tenant_id is required.");
    }

    /// <summary>The organization filters are not served: a clear 400 rather than a list that ignores them.</summary>
    private Invalid? Organization() =>
        (AccessPolicies, TenantKinds, TargetTenantId, InsideOrganization) switch
        {
            ({ }, _, _, null) => new Invalid("access_policies", "access_policies requires inside_organization."),
            (_, { }, _, null) => new Invalid("tenant_kinds", "tenant_kinds requires inside_organization."),
            (_, _, { }, null) => new Invalid("target_tenant_id", "target_tenant_id requires inside_organization."),
            (_, _, _, { } inside) when bool.TryParse(inside, out var yes) && yes => new Invalid("inside_organization",
                "inside_organization is not supported by this server; list by subtree_root_tenant_id instead."),
            _ => null,
        };
}
