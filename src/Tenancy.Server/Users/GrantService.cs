namespace Tenancy.Server.Users;

/// <summary>A role asked for on a tenant (one item of PUT /users/{id}/access_policies).</summary>
public sealed record WantedGrant(string TenantId, string RoleId);

/// <summary>
/// The roles users hold on tenants (their access policies). The rules: a user holds roles only on its own
/// tenant and the tenants below it; each role only on the kinds of tenant the catalogue names; every role
/// given or taken away must be within the caller's reach and no more than the caller holds there
/// (<see cref="AccessPolicy.GrantRefusal"/>). The user's role field follows what it holds on its own tenant.
/// </summary>
public sealed class GrantService(GrantStore store, UserStore users, TenantService tenants, TimeProvider clock)
{
    public async Task<Result<IReadOnlyList<RoleGrant>>> ListAsync(Caller caller, string userId, CancellationToken ct = default)
    {
        var user = await tenants.FindOwnedAsync(caller, Operation.Read, Resource.User, userId, users.GetAsync, u => u.TenantId, ct);
        return user.IsOk ? Result<IReadOnlyList<RoleGrant>>.Ok(await store.OfUserAsync(user.Value.Id, ct)) : user.Error;
    }

    /// <summary>Replaces every role of the user by <paramref name="wanted"/>, quoting nothing: the user's version guards the write.</summary>
    public async Task<Result<IReadOnlyList<RoleGrant>>> ReplaceAsync(
        Caller caller, string userId, IReadOnlyList<WantedGrant> wanted, CancellationToken ct = default)
    {
        var found = await tenants.FindOwnedAsync(caller, Operation.Grant, Resource.User, userId, users.GetAsync, u => u.TenantId, ct);
        if (!found.IsOk)
        {
            return found.Error;
        }

        var user = found.Value;
        var current = await store.OfUserAsync(user.Id, ct);
        var now = clock.NowMicros();
        var next = new List<RoleGrant>();
        for (var i = 0; i < wanted.Count; i++)
        {
            var grant = await CheckWantedAsync(caller, user, wanted[i], $"items[{i}]", now, ct);
            if (!grant.IsOk)
            {
                return grant.Error;
            }

            if (!next.Any(grant.Value.SameAs))
            {
                next.Add(current.FirstOrDefault(grant.Value.SameAs) ?? grant.Value);
            }
        }

        var written = await WriteAsync(caller, user, current, next, now, ct);
        return written.IsOk ? Result<IReadOnlyList<RoleGrant>>.Ok(await store.OfUserAsync(user.Id, ct)) : written.Error;
    }

    /// <summary>The roles of the user once its role field is <paramref name="field"/> (admin or viewer): its other roles stay.</summary>
    public async Task<Result<IReadOnlyList<RoleGrant>>> WithRoleFieldAsync(Caller caller, User user, string field, long now, CancellationToken ct)
    {
        var own = await tenants.PlaceAsync(user.TenantId, ct);
        if (own is null)
        {
            return new NotFound($"The user {user.Id} was not found.");
        }

        var kind = own.Tenant.Kind;
        var current = await store.OfUserAsync(user.Id, ct);
        var replaced = new[] { RoleTable.AdminOf(kind), Roles.ReadonlyAdmin };
        var grant = NewGrant(caller, user.Id, own.Tenant, RoleTable.OfField(field, kind), now);
        IReadOnlyList<RoleGrant> next =
            [.. current.Where(g => !(g.TenantSeq == user.TenantSeq && replaced.Contains(g.RoleId))), grant];
        return await ChangesRefusedAsync(caller, user, current, next, ct) is { } refused ? refused : Result<IReadOnlyList<RoleGrant>>.Ok(next);
    }

    /// <summary>The role a new user holds on its tenant, if the caller may give it.</summary>
    public static Result<RoleGrant> ForNewUser(Caller caller, string userId, Placement tenant, string field, long now)
    {
        var grant = NewGrant(caller, userId, tenant.Tenant, RoleTable.OfField(field, tenant.Tenant.Kind), now);
        return AccessPolicy.GrantRefusal(caller, Operation.Create, Resource.User, grant.RoleId, tenant) is { } refused ? refused : grant;
    }

    private async Task<Result<RoleGrant>> CheckWantedAsync(Caller caller, User user, WantedGrant wanted, string field, long now, CancellationToken ct)
    {
        if (Ids.Normalize(wanted.TenantId) is not { } tenantId)
        {
            return new Invalid($"{field}.tenant_id", $"{field}.tenant_id must be a UUID.");
        }

        if (RoleTable.Find(wanted.RoleId) is not { Holders: "users" })
        {
            return new Invalid($"{field}.role_id", $"{field}.role_id must be one of: {string.Join(", ", RoleTable.UserRoles)}.");
        }

        var place = await tenants.PlaceAsync(tenantId, ct);
        if (place is null)
        {
            return new NotFound($"The tenant {tenantId} was not found.");
        }

        var tenant = place.Tenant;
        return !TreePath.IsWithin(tenant.Path, user.TenantPath)
                ? new RuleViolation(Rule.Business,
                    $"A user holds roles only on its own tenant and the tenants below it; tenant {tenant.Id} is not one of them.")
            : !RoleTable.GrantableOn(wanted.RoleId, tenant.Kind)
                ? new Invalid($"{field}.role_id", $"The role {wanted.RoleId} cannot be held on a tenant of kind {tenant.Kind}; it can on: " +
                    string.Join(", ", RoleTable.Find(wanted.RoleId)!.Kinds) + ".")
            : NewGrant(caller, user.Id, tenant, wanted.RoleId, now);
    }

    /// <summary>Every role given or taken away must be within the caller's reach and no more than it holds there.</summary>
    private async Task<Error?> ChangesRefusedAsync(
        Caller caller, User user, IReadOnlyList<RoleGrant> current, IReadOnlyList<RoleGrant> next, CancellationToken ct)
    {
        var changed = next.Where(n => !current.Any(n.SameAs)).Concat(current.Where(c => !next.Any(c.SameAs)));
        foreach (var grant in changed)
        {
            if (await tenants.PlaceAsync(grant.TenantId, ct) is not { } place)
            {
                return new NotFound($"The tenant {grant.TenantId} was not found.");
            }

            if ((AccessPolicy.Decide(caller, Operation.Grant, Resource.User, user.Id, place)
                ?? AccessPolicy.GrantRefusal(caller, Operation.Grant, Resource.User, grant.RoleId, place)) is { } refused)
            {
                return refused;
            }
        }

        return null;
    }

    private async Task<Result<Done>> WriteAsync(
        Caller caller, User user, IReadOnlyList<RoleGrant> current, List<RoleGrant> next, long now, CancellationToken ct)
    {
        if (await ChangesRefusedAsync(caller, user, current, next, ct) is { } refused)
        {
            return refused;
        }

        // A replacement that changes nothing bumps no version and writes no audit record.
        if (current.Count == next.Count && current.All(c => next.Any(c.SameAs)))
        {
            return Done.Value;
        }

        var own = await tenants.PlaceAsync(user.TenantId, ct);
        var field = RoleTable.FieldOf(next.Where(g => g.TenantSeq == user.TenantSeq).Select(g => g.RoleId), own?.Tenant.Kind ?? "");
        var audit = new AuditEntry(caller, "user.access_policies", "user", user.Id, user.TenantPath,
            Described(current, user.Role), Described(next, field));
        if (await store.ReplaceAsync(user.Id, user.Version, field, next, audit, now, ct))
        {
            return Done.Value;
        }

        var latest = await users.GetAsync(user.Id, ct);
        return latest is null ? new NotFound($"The user {user.Id} was not found.") : new VersionConflict(latest.Version);
    }

    /// <summary>What the audit trail records of a user's roles.</summary>
    private static Dictionary<string, object?> Described(IEnumerable<RoleGrant> grants, string field) => new()
    {
        ["role"] = field,
        ["access_policies"] = grants.Select(g => new Dictionary<string, string> { ["tenant_id"] = g.TenantId, ["role_id"] = g.RoleId }).ToList(),
    };

    private static RoleGrant NewGrant(Caller caller, string userId, Tenant tenant, string role, long now) => new()
    {
        Id = Ids.New(),
        UserId = userId,
        TenantSeq = tenant.Seq,
        TenantId = tenant.Id,
        RoleId = role,
        IssuerId = caller.TenantId,
        Version = 1,
        CreatedAt = now,
        UpdatedAt = now,
    };
}
