namespace Tenancy.Server.Access;

/// <summary>Where a target lies: the tenant it belongs to, with the restricting tenants on that tenant's path.</summary>
public sealed record Placement(Tenant Tenant, IReadOnlyDictionary<long, Restriction> Restrictions)
{
    /// <summary>The nearest disabled tenant on the path (the tenant itself first); null when effectively enabled.</summary>
    public string? DisabledBy => Suspension.NearestDisabled(Tenant, Restrictions);
}

/// <summary>
/// The one access policy: may this principal do this operation to a target that belongs to this tenant?
/// Every endpoint of both dialects asks it, for every resource. The rules, in the order they are applied:
/// <list type="number">
/// <item>Role: the role table says which operations the principal's role allows (a viewer only reads).</item>
/// <item>Reach: the target's tenant is the principal's tenant or lies below it.</item>
/// <item>Scope: a scoped token (token exchange) reaches only the scoped tenant's subtree, within the above.</item>
/// <item>Barrier: no tenant between them (the target's tenant included) has ancestral_access off with
///   the principal above its parent. Only <see cref="Operation.See"/> passes a barrier: lists show
///   that such a tenant exists, nothing more.</item>
/// <item>Update lock: a locked tenant itself may be changed, disabled or deleted only by principals of
///   the lock's owner (code 1012).</item>
/// <item>Suspension: no tenant, API client or user is created in or under a disabled tenant (code 1003);
///   billing (subscriptions, commitments, usage) goes on.</item>
/// </list>
/// <see cref="Decide"/> applies them to facts in memory; <see cref="Where"/> states the reach and barrier
/// rules as SQL for lists and conditional writes, next to it so the two cannot drift apart (the reach
/// matrix test checks every resource and operation against rules it recomputes from parent links).
/// A suspended principal never gets here: its token is refused at authentication.
/// </summary>
public static class AccessPolicy
{
    /// <summary>Null when allowed; otherwise the error to answer with.</summary>
    public static Error? Decide(Caller caller, Operation operation, Resource resource, string targetId, Placement target)
    {
        var tenant = target.Tenant;
        if (RoleRefusal(caller, operation, resource) is { } refused)
        {
            return refused;
        }

        if (!TreePath.IsWithin(tenant.Path, caller.TenantPath))
        {
            return new Forbidden(operation == Operation.Create
                ? $"The tenant {tenant.Id} is outside the caller's reach."
                : $"The {Name(resource)} {targetId} is outside the caller's reach.");
        }

        if (caller.ScopePath is { } scope && !TreePath.IsWithin(tenant.Path, scope))
        {
            return new Forbidden($"The {Name(resource)} {targetId} is outside the token's scope (tenant {caller.ScopeTenantId}).");
        }

        if (operation != Operation.See && Barrier(caller, tenant, target.Restrictions) is { } barrier)
        {
            return new Forbidden($"Tenant {barrier} does not grant access to the ancestors above its parent.");
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

    /// <summary>The role rule alone (it needs no facts about the target): null when the role allows the operation.</summary>
    public static Forbidden? RoleRefusal(Caller caller, Operation operation, Resource resource) =>
        RoleTable.Allows(caller.Role, operation)
            ? null
            : new Forbidden($"The {caller.ActorName} {caller.Id} has the {caller.Role} role, which does not allow to {Verb(operation)} {Name(resource)}s.");

    /// <summary>True when the principal may read the details of the tenant (lists show the others at the stamps level).</summary>
    public static bool MayRead(Caller caller, Placement target) =>
        Decide(caller, Operation.Read, Resource.Tenant, target.Tenant.Id, target) is null;

    /// <summary>
    /// The reach and barrier rules as a SQL condition on a materialized path expression
    /// (<paramref name="path"/>, e.g. "t.path" or "a.target_path"), with the parameters of <see cref="Parameters"/>.
    /// A barrier is a tenant strictly below the principal's tenant, with ancestral_access off, whose parent is
    /// not the principal's tenant, and on whose subtree the path lies. The partial index ix_tenants_barriers
    /// makes the barrier lookup a range scan over barrier tenants only.
    /// </summary>
    public static string Where(string path) => $"{SeeWhere(path)} AND {Unbarred(path)}";

    /// <summary>
    /// What a principal may see (<see cref="Operation.See"/>): its subtree, barriers notwithstanding, narrowed
    /// to the token's scope (the scope parameters are the reach itself when there is none).
    /// </summary>
    public static string SeeWhere(string path) =>
        $"{path} >= @reach_path AND {path} < @reach_upper AND {path} >= @scope_path AND {path} < @scope_upper";

    /// <summary>The barrier rule alone, for a query already limited to the principal's subtree.</summary>
    public static string Unbarred(string path) =>
        "NOT EXISTS (SELECT 1 FROM tenants b WHERE NOT b.ancestral_access AND b.path > @reach_path AND b.path < @reach_upper " +
        $"AND b.parent_seq <> @reach_seq AND {path} >= b.path AND {path} < {TreePath.UpperBoundSql("b.path")})";

    /// <summary>The update lock as a SQL condition on the tenant row aliased <paramref name="alias"/>.</summary>
    public static string UnlockedWhere(string alias) =>
        $"(NOT {alias}.update_lock_enabled OR {alias}.update_lock_owner = @reach_tenant)";

    /// <summary>The parameters of <see cref="Where"/> and <see cref="UnlockedWhere"/> for a principal.</summary>
    public static Dictionary<string, object?> Parameters(Caller caller) => new()
    {
        ["reach_path"] = caller.TenantPath,
        ["reach_upper"] = TreePath.UpperBound(caller.TenantPath),
        ["reach_seq"] = caller.TenantSeq,
        ["reach_tenant"] = caller.TenantId,
        ["scope_path"] = caller.ScopePath ?? caller.TenantPath,
        ["scope_upper"] = TreePath.UpperBound(caller.ScopePath ?? caller.TenantPath),
    };

    /// <summary>
    /// The tenant whose ancestral_access is off and that lies between the principal and the target's tenant
    /// with the principal above its parent; null when nothing bars the principal.
    /// </summary>
    private static string? Barrier(Caller caller, Tenant tenant, IReadOnlyDictionary<long, Restriction> restrictions)
    {
        var seqs = tenant.PathSeqs();
        for (var i = caller.Depth; i < seqs.Length; i++)
        {
            if (restrictions.TryGetValue(seqs[i], out var r) && !r.AncestralAccess && r.ParentSeq != caller.TenantSeq)
            {
                return r.Id;
            }
        }

        return null;
    }

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
        _ => "audit record",
    };

    private static string Verb(Operation operation) => operation switch
    {
        Operation.See or Operation.Read => "read",
        Operation.Create => "create",
        Operation.Change => "change",
        Operation.Disable => "disable or enable",
        Operation.Delete => "delete",
        Operation.Impersonate => "impersonate",
        _ => "reset the credentials of",
    };
}
