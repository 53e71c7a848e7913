namespace Tenancy.Server.Users;

/// <summary>A page of users and the cursor of the next one (null on the last page).</summary>
public sealed record UserPage(IReadOnlyList<User> Items, string? After);

/// <summary>
/// Lists of users (GET /api/2/users): by ids, a tenant's own, or a whole subtree, with cursors. Only
/// the users the access policy lets the caller read are listed: a user behind an ancestral_access
/// barrier is not. No HTTP here.
/// </summary>
public sealed class UserListService(UserStore store, TenantService tenants)
{
    public const int MaxPageSize = 5000;

    public async Task<Result<UserPage>> ListAsync(Caller caller, UserCursor query, CancellationToken ct = default)
    {
        if (AccessPolicy.RoleRefusal(caller, Operation.Read, Resource.User) is { } refused)
        {
            return refused;
        }

        UserScope scope;
        if (query.Mode == "uuids")
        {
            scope = new UserScope(null, null, query.Ids);
        }
        else
        {
            var anchor = await tenants.AuthorizeAsync(caller, query.TenantId!, Operation.Read, Resource.User, ct);
            if (!anchor.IsOk)
            {
                return anchor.Error;
            }

            scope = query.Mode == "tenant"
                ? new UserScope(anchor.Value.Tenant.Seq, null, null)
                : new UserScope(null, anchor.Value.Tenant.Path, null);
        }

        var limit = Math.Min(query.Limit, MaxPageSize);
        var rows = await store.ListAsync(caller, scope, query, limit + 1, ct);
        if (rows.Count <= limit)
        {
            return new UserPage(rows, null);
        }

        var page = rows.Take(limit).ToList();
        return new UserPage(page, (query with { AfterPath = page[^1].TenantPath, AfterId = page[^1].Id }).Encode());
    }
}

/// <summary>Which users a list reads: of one tenant, of a subtree, or by ids.</summary>
public sealed record UserScope(long? TenantSeq, string? SubtreePath, IReadOnlyList<string>? Ids);
