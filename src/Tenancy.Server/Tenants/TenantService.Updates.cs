namespace Tenancy.Server.Tenants;

/// <summary>Moves: a tenant and its subtree under another parent.</summary>
public sealed partial class TenantService
{
    /// <summary>
    /// Checks a move against the rules on the rows as read, then writes it conditionally on the version; the
    /// store follows the paths as they are at the time of the write.
    /// </summary>
    private async Task<Result<TenantView>> MoveAsync(
        Caller caller, string id, MoveTenant move, TenantGuards guards, long now, CancellationToken ct)
    {
        var changes = move.Changes;
        if (TenantRules.Check(changes) is { } invalid)
        {
            return invalid;
        }

        var found = await FindAsync(caller, id, Operation.Change, Resource.Tenant, ct);
        if (!found.IsOk)
        {
            return found.Error;
        }

        var tenant = found.Value.Placement.Tenant;
        if (tenant.Version != move.Version)
        {
            return new VersionConflict(tenant.Version);
        }

        if (Ids.Normalize(changes.ParentId.Value) is not { } parentId || parentId == tenant.ParentId)
        {
            // Not a move after all: the other fields are an update.
            return await UpdateAsync(caller, id, changes with { ParentId = default }, guards, now, move.DryRun, ct);
        }

        if (tenant.IsRoot || caller.Is(tenant))
        {
            return new RuleViolation(Rule.Business, tenant.IsRoot ? "The root tenant cannot be moved." : "A caller cannot move its own tenant.");
        }

        var target = await FindAsync(caller, parentId, Operation.Create, Resource.Tenant, ct, "parent_id");
        if (!target.IsOk)
        {
            return target.Error;
        }

        var newParent = target.Value.Placement.Tenant;
        if (TreePath.IsWithin(newParent.Path, tenant.Path))
        {
            return new RuleViolation(Rule.MoveUnderOwnSubtree, $"Tenant {tenant.Id} cannot be moved under itself or one of its sub-tenants.");
        }

        var kind = changes.Kind.Or(tenant.Kind);
        if (!TenantKinds.CanHold(newParent.Kind, kind))
        {
            return TenantGuards.KindRefused(newParent.Kind, kind);
        }

        if ((await store.ChildKindsAsync(tenant.Seq, ct)).FirstOrDefault(k => !TenantKinds.CanHold(kind, k)) is { } clash)
        {
            return TenantGuards.KindRefused(kind, clash);
        }

        if (tenant.Code is not null && changes.Code.IsSet && changes.Code.Value != tenant.Code)
        {
            return new Invalid("code", $"The code of a tenant cannot change (it is '{tenant.Code}').");
        }

        var columns = TenantGuards.Columns(caller, changes with { ParentId = default }, tenant.Contact, now);
        var before = columns.Keys.ToDictionary(k => k, k => TenantStore.Value(tenant, k));
        before["parent_id"] = tenant.ParentId;
        var after = new Dictionary<string, object?>(columns) { ["parent_id"] = newParent.Id };
        if (move.DryRun)
        {
            return found.Value.View;
        }

        var audit = new AuditEntry(caller, "tenant.move", "tenant", tenant.Id, tenant.Path, before, after);
        switch (await store.MoveAsync(tenant, move.Version, columns, newParent, now, audit, ct))
        {
            case MoveResult.Cycle:
                return new RuleViolation(Rule.MoveUnderOwnSubtree, $"Tenant {tenant.Id} cannot be moved under itself or one of its sub-tenants.");
            case MoveResult.Conflict:
                var current = await store.GetAsync(tenant.Id, ct);
                return current is null ? new NotFound($"The tenant {tenant.Id} was not found.") : new VersionConflict(current.Version);
        }

        var (updated, restrictions, hasChildren) = await store.GetWithPathAsync(tenant.Id, ct);
        return updated is null
            ? new NotFound($"The tenant {tenant.Id} was not found.")
            : new TenantView(updated, hasChildren, Suspension.NearestDisabled(updated, restrictions));
    }
}
