namespace Tenancy.Server.Access;

/// <summary>Where a target lies: the tenant it belongs to, with the restricting tenants on that tenant's path.</summary>
public sealed record Placement(Tenant Tenant, IReadOnlyDictionary<long, Restriction> Restrictions)
{
    /// <summary>The nearest disabled tenant on the path (the tenant itself first); null when effectively enabled.</summary>
    public string? DisabledBy => Suspension.NearestDisabled(Tenant, Restrictions);
}

/// <summary>
/// The one access policy: may this principal do this operation to a target that belongs to this tenant?
/// Every endpoint of both dialects asks it, for every resource. A principal holds roles on tenants
/// (<see cref="Caller.Grants"/>: an API client one, on its own tenant; a user its access policies). The
/// rules, in the order they are applied:
/// <list type="number">
/// <item>Self: a user may always read its own user object (/users/me), whatever it holds.</item>
/// <item>Role: the role table (<see cref="RoleTable"/>) says which operations on which resources each
///   role allows; the grants whose role allows the operation are the ones that count below.</item>
/// <item>Reach: the target's tenant is the tenant of such a grant or lies below it.</item>
/// <item>Scope: a scoped token (token exchange) reaches only the scoped tenant's subtree, within the above.</item>
/// <item>Barrier: no tenant between the grant's tenant and the target's (the target's tenant included) has
///   ancestral_access off with the grant's tenant above its parent. Only <see cref="Operation.See"/>
///   passes a barrier: lists show that such a tenant exists, nothing more.</item>
/// <item>Update lock: a locked tenant itself may be changed, disabled or deleted only by principals of
///   the lock's owner (code 1012).</item>
/// <item>Suspension: no tenant, API client or user is created in or under a disabled tenant (code 1003);
///   billing (subscriptions, commitments, usage) goes on.</item>
/// </list>
/// <see cref="Decide"/> applies them to facts in memory; <see cref="Where(Caller, Operation, Resource, string)"/>
/// states the role, reach and barrier rules as SQL for lists and conditional writes (one condition per grant,
/// joined by OR), next to it so the two cannot drift apart (the reach matrix test checks every resource and
/// operation against rules it recomputes from parent links and grants).
/// A suspended principal never gets here: its token is refused at authentication.
/// </summary>
public static class AccessPolicy
{
    /// <summary>Null when allowed; otherwise the error to answer with.</summary>
    public static Error? Decide(Caller caller, Operation operation, Resource resource, string targetId, Placement target)
    {
        var tenant = target.Tenant;
        if (IsSelf(caller, operation, resource, targetId))
        {
            return null;
        }

        if (RoleRefusal(caller, operation, resource) is { } refused)
        {
            return refused;
        }

        var reaching = caller.Grants.Where(g => TreePath.IsWithin(tenant.Path, g.TenantPath)).ToList();
        if (reaching.Count == 0)
        {
            return new Forbidden(operation == Operation.Create
                ? $"The tenant {tenant.Id} is outside the caller's reach."
                : $"The {Name(resource)} {targetId} is outside the caller's reach.");
        }

        if (caller.ScopePath is { } scope && !TreePath.IsWithin(tenant.Path, scope))
        {
            return new Forbidden($"The {Name(resource)} {targetId} is outside the token's scope (tenant {caller.ScopeTenantId}).");
        }

        var allowing = reaching.Where(g => RoleTable.Allows(g.Role, operation, resource)).ToList();
        if (allowing.Count == 0)
        {
            return new Forbidden($"The {caller.ActorName} {caller.Id} holds {RoleNames(reaching)} over tenant {tenant.Id}, " +
                $"which does not allow to {Verb(operation)} {Name(resource)}s.");
        }

        if (operation != Operation.See && allowing.Select(g => Barrier(g, tenant, target.Restrictions)).ToList() is var barriers
            && barriers.All(b => b is not null))
        {
            return new Forbidden($"Tenant {barriers[0]} does not grant access to the ancestors above its parent.");
        }

        if (resource == Resource.Tenant && operation is Operation.Change or Operation.Disable or Operation.Delete
            && tenant.UpdateLockEnabled && tenant.UpdateLockOwner != caller.TenantId)
        {
            return new RuleViolation(Rule.UpdateLocked,
                $"Tenant {tenant.Id} is locked for updates; only principals of tenant {tenant.UpdateLockOwner} may change it.");
        }

        if (operation == Operation.Create && resource is Resource.Tenant or Resource.Client or Resource.User
            && target.DisabledBy is { } disabledBy)
        {
            return new RuleViolation(Rule.ParentDisabled,
                $"Cannot create a {Name(resource)} in tenant {tenant.Id}: tenant {disabledBy} is disabled.");
        }

        return null;
    }

    /// <summary>The role rule alone (it needs no facts about the target): null when some role the caller holds allows the operation.</summary>
    public static Forbidden? RoleRefusal(Caller caller, Operation operation, Resource resource) =>
        caller.Grants.Any(g => RoleTable.Allows(g.Role, operation, resource))
            ? null
            : new Forbidden($"The {caller.ActorName} {caller.Id} holds {RoleNames(caller.Grants)}, which does not allow to {Verb(operation)} {Name(resource)}s.");

    /// <summary>
    /// Nobody grants more than it holds: null when the caller may give <paramref name="role"/> on the target's
    /// tenant, that is when a grant through which it may do <paramref name="operation"/> there (reach, barrier)
    /// holds a role allowing everything <paramref name="role"/> allows. Asked after <see cref="Decide"/> allowed the operation.
    /// </summary>
    public static Forbidden? GrantRefusal(Caller caller, Operation operation, Resource resource, string role, Placement target)
    {
        var tenant = target.Tenant;
        var through = caller.Grants.Where(g => TreePath.IsWithin(tenant.Path, g.TenantPath)
            && RoleTable.Allows(g.Role, operation, resource) && Barrier(g, tenant, target.Restrictions) is null).ToList();
        return through.Any(g => RoleTable.Covers(g.Role, role))
            ? null
            : new Forbidden($"The {caller.ActorName} {caller.Id} holds {RoleNames(through)} over tenant {tenant.Id}, " +
                $"which does not include everything the role {role} allows: nobody grants more than it holds.");
    }

    /// <summary>True when the principal may read the details of the tenant (lists show the others at the stamps level).</summary>
    public static bool MayRead(Caller caller, Placement target) =>
        Decide(caller, Operation.Read, Resource.Tenant, target.Tenant.Id, target) is null;

    /// <summary>
    /// The role, reach and barrier rules as a SQL condition on a materialized path expression
    /// (<paramref name="path"/>, e.g. "t.path" or "a.target_path"), with the parameters of <see cref="Parameters"/>:
    /// for each grant whose role allows the operation on the resource, the grant's <see cref="Where(string, int)"/>,
    /// joined by OR (never true when no grant allows it). With one grant it is that grant's condition alone.
    /// </summary>
    public static string Where(Caller caller, Operation operation, Resource resource, string path) =>
        AnyGrant(caller, operation, resource, grant => Where(path, grant));

    /// <summary>What a principal may see (<see cref="Operation.See"/>) of a resource: its grants' subtrees, barriers notwithstanding.</summary>
    public static string SeeWhere(Caller caller, Resource resource, string path) =>
        AnyGrant(caller, Operation.See, resource, grant => SeeWhere(path, grant));

    /// <summary>True when an unscoped caller's grant that lets it see the resource is on the root: the whole tree is in sight.</summary>
    public static bool SeesAll(Caller caller, Resource resource) =>
        caller.ScopePath is null && caller.Grants.Any(g => TreePath.IsRootPath(g.TenantPath) && RoleTable.Allows(g.Role, Operation.See, resource));

    /// <summary>
    /// The reach and barrier rules of one grant (by its index in <see cref="Caller.Grants"/>). A barrier is a
    /// tenant strictly below the grant's tenant, with ancestral_access off, whose parent is not the grant's
    /// tenant, and on whose subtree the path lies. The partial index ix_tenants_barriers makes the barrier
    /// lookup a range scan over barrier tenants only.
    /// </summary>
    public static string Where(string path, int grant = 0) => $"{SeeWhere(path, grant)} AND {Unbarred(path, grant)}";

    /// <summary>One grant's subtree, barriers notwithstanding, narrowed to the token's scope (the whole tree when there is none).</summary>
    public static string SeeWhere(string path, int grant = 0) =>
        $"{path} >= @reach_path{Suffix(grant)} AND {path} < @reach_upper{Suffix(grant)} AND {path} >= @scope_path AND {path} < @scope_upper";

    /// <summary>The barrier rule of one grant alone, for a query already limited to the grant's subtree.</summary>
    public static string Unbarred(string path, int grant = 0) =>
        $"NOT EXISTS (SELECT 1 FROM tenants b WHERE NOT b.ancestral_access AND b.path > @reach_path{Suffix(grant)} AND b.path < @reach_upper{Suffix(grant)} " +
        $"AND b.parent_seq <> @reach_seq{Suffix(grant)} AND {path} >= b.path AND {path} < {TreePath.UpperBoundSql("b.path")})";

    /// <summary>The update lock as a SQL condition on the tenant row aliased <paramref name="alias"/>.</summary>
    public static string UnlockedWhere(string alias) =>
        $"(NOT {alias}.update_lock_enabled OR {alias}.update_lock_owner = @reach_tenant)";

    /// <summary>
    /// The parameters of the SQL conditions for a principal: its own tenant (@reach_tenant) and each grant's
    /// path, its upper bound and its tenant's key; the first grant (the principal's own tenant) without suffix,
    /// the others numbered (@reach_path_1, ...).
    /// </summary>
    public static Dictionary<string, object?> Parameters(Caller caller)
    {
        var parameters = new Dictionary<string, object?>
        {
            ["reach_tenant"] = caller.TenantId,
            ["scope_path"] = caller.ScopePath ?? "/",
            ["scope_upper"] = TreePath.UpperBound(caller.ScopePath ?? "/"),
        };
        for (var i = 0; i < caller.Grants.Count; i++)
        {
            var grant = caller.Grants[i];
            parameters["reach_path" + Suffix(i)] = grant.TenantPath;
            parameters["reach_upper" + Suffix(i)] = TreePath.UpperBound(grant.TenantPath);
            parameters["reach_seq" + Suffix(i)] = grant.TenantSeq;
        }

        return parameters;
    }

    private static string Suffix(int grant) => grant == 0 ? "" : $"_{grant}";

    /// <summary>The condition of each grant whose role allows the operation, joined by OR.</summary>
    private static string AnyGrant(Caller caller, Operation operation, Resource resource, Func<int, string> condition)
    {
        var parts = caller.Grants.Select((g, i) => (g, i))
            .Where(x => RoleTable.Allows(x.g.Role, operation, resource)).Select(x => condition(x.i)).ToList();
        return parts.Count switch
        {
            0 => "1 = 0",
            1 => parts[0],
            _ => $"(({string.Join(") OR (", parts)}))",
        };
    }

    /// <summary>A user reads its own user object whatever it holds (a backup_user manages nothing else).</summary>
    private static bool IsSelf(Caller caller, Operation operation, Resource resource, string targetId) =>
        caller.Kind == PrincipalKind.User && resource == Resource.User && operation == Operation.Read && targetId == caller.Id;

    /// <summary>
    /// The tenant whose ancestral_access is off and that lies between the grant's tenant and the target's tenant
    /// with the grant's tenant above its parent; null when nothing bars the grant.
    /// </summary>
    private static string? Barrier(Grant grant, Tenant tenant, IReadOnlyDictionary<long, Restriction> restrictions)
    {
        var seqs = tenant.PathSeqs();
        for (var i = grant.Depth; i < seqs.Length; i++)
        {
            if (restrictions.TryGetValue(seqs[i], out var r) && !r.AncestralAccess && r.ParentSeq != grant.TenantSeq)
            {
                return r.Id;
            }
        }

        return null;
    }

    private static string RoleNames(IEnumerable<Grant> grants) =>
        grants.Select(g => g.Role).Where(r => r != Roles.None).Distinct().ToList() is { Count: > 0 } roles
            ? $"the role{(roles.Count > 1 ? "s" : "")} {string.Join(", ", roles)}"
            : "no role";

    /// <summary>How messages name a kind of resource.</summary>
    public static string Name(Resource resource) => resource switch
    {
        Resource.Tenant => "tenant",
        Resource.Client => "API client",
        Resource.User => "user",
        Resource.Subscription => "subscription",
        Resource.Usage => "usage record",
        Resource.Application => "application",
        Resource.Pricing => "pricing setting",
        Resource.OfferingItem => "offering item",
        Resource.Report => "report",
        Resource.Event => "event",
        Resource.Deletion => "deletion",
        _ => "audit record",
    };

    private static string Verb(Operation operation) => operation switch
    {
        Operation.See or Operation.Read => "read",
        Operation.Create => "create",
        Operation.Change => "change",
        Operation.Disable => "disable or enable",
        Operation.Delete => "delete",
        Operation.Grant => "grant roles to",
        Operation.Impersonate => "impersonate",
        _ => "reset the credentials of",
    };
}
