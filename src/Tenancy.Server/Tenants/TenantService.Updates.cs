using Tenancy.Server.Audit;
using Tenancy.Server.Auth;
using Tenancy.Server.Errors;

namespace Tenancy.Server.Tenants;

/// <summary>Planning a partial update against the rules, and the audit records of changes.</summary>
public sealed partial class TenantService
{
    private async Task<Result<(Dictionary<string, object?> Columns, Tenant? NewParent)>> PlanUpdateAsync(
        Caller caller, Tenant tenant, TenantChanges c, CancellationToken ct)
    {
        var columns = new Dictionary<string, object?>();
        var kind = c.Kind.Or(tenant.Kind);
        Tenant? newParent = null;

        if (tenant.IsRoot && (c.Kind.IsSet && c.Kind.Value != tenant.Kind || c.ParentId.IsSet && c.ParentId.Value != tenant.ParentId
            || c.Enabled is { IsSet: true, Value: false }))
        {
            return new RuleViolation(Rule.Business, "The root tenant cannot be moved, re-kinded or disabled.");
        }

        if (c.ParentId.IsSet && Ids.Normalize(c.ParentId.Value) is { } parentId && parentId != tenant.ParentId)
        {
            if (caller.Is(tenant))
            {
                return new RuleViolation(Rule.Business, "A caller cannot move its own tenant.");
            }

            var target = await FindReachableAsync(caller, parentId, "parent tenant", ct, field: "parent_id");
            if (!target.IsOk)
            {
                return target.Error;
            }

            newParent = target.Value;
            if (TreePath.IsWithin(newParent.Path, tenant.Path))
            {
                return new RuleViolation(Rule.MoveUnderOwnSubtree,
                    $"Tenant {tenant.Id} cannot be moved under itself or one of its sub-tenants.");
            }

            if (await DisabledOnPathAsync(newParent, ct) is { } disabledBy)
            {
                return new RuleViolation(Rule.ParentDisabled,
                    $"Cannot move a tenant under {newParent.Id}: tenant {disabledBy} is disabled.");
            }
        }

        if (c.Kind.IsSet && c.Kind.Value != tenant.Kind || newParent is not null)
        {
            var parentKind = newParent?.Kind ?? (await store.GetAsync(tenant.ParentId, ct))?.Kind ?? TenantKinds.Root;
            if (!TenantKinds.CanHold(parentKind, kind))
            {
                return KindRefused(parentKind, kind);
            }

            var childKinds = await store.ChildKindsAsync(tenant.Seq, ct);
            if (childKinds.FirstOrDefault(k => !TenantKinds.CanHold(kind, k)) is { } clash)
            {
                return KindRefused(kind, clash);
            }

            if (c.Kind.IsSet)
            {
                columns["kind"] = kind;
            }
        }

        if (c.Enabled.IsSet && c.Enabled.Value != tenant.Enabled)
        {
            if (!c.Enabled.Value && caller.Is(tenant))
            {
                return new RuleViolation(Rule.Business, "A caller cannot disable its own tenant.");
            }

            if (c.Enabled.Value && tenant.ParentSeq is not null)
            {
                var parent = newParent ?? await store.GetAsync(tenant.ParentId, ct);
                if (parent is not null && await DisabledOnPathAsync(parent, ct) is { } disabledBy)
                {
                    return new RuleViolation(Rule.ParentDisabled,
                        $"Tenant {tenant.Id} cannot be enabled while tenant {disabledBy} above it is disabled.");
                }
            }

            columns["enabled"] = c.Enabled.Value;
        }

        if (c.Code.IsSet && c.Code.Value != tenant.Code)
        {
            if (tenant.Code is not null)
            {
                return new Invalid("code", $"The code of a tenant cannot change (it is '{tenant.Code}').");
            }

            columns["code"] = c.Code.Value;
        }

        if (c.Name.IsSet) columns["name"] = c.Name.Value.Trim();
        if (c.CustomerType.IsSet) columns["customer_type"] = c.CustomerType.Value;
        if (c.CustomerId.IsSet) columns["customer_id"] = c.CustomerId.Value;
        if (c.InternalTag.IsSet) columns["internal_tag"] = c.InternalTag.Value;
        if (c.Language.IsSet) columns["language"] = c.Language.Value;
        if (c.DefaultIdpId.IsSet) columns["default_idp_id"] = Ids.Normalize(c.DefaultIdpId.Value);
        if (c.BrandId.IsSet) columns["brand_id"] = c.BrandId.Value;
        if (c.AncestralAccess.IsSet) columns["ancestral_access"] = c.AncestralAccess.Value;
        if (c.ZuoraAccountName.IsSet) columns["zuora_account_name"] = c.ZuoraAccountName.Value;
        if (c.ZuoraAccountNumber.IsSet) columns["zuora_account_number"] = c.ZuoraAccountNumber.Value;
        if (c.Description.IsSet) columns["description"] = c.Description.Value;
        if (c.UpdateLockEnabled.IsSet)
        {
            columns["update_lock_enabled"] = c.UpdateLockEnabled.Value;
            columns["update_lock_owner"] = c.UpdateLockEnabled.Value ? caller.TenantId : null;
        }

        if (c.Contact.IsSet)
        {
            var previous = ContactJson.Deserialize(tenant.Contact);
            columns["contact"] = ContactJson.Serialize(ContactJson.Stamp(c.Contact.Value, previous, Now()));
        }

        return (columns, newParent);
    }

    private async Task<Result<TenantView>> ConflictOrGoneAsync(string id, CancellationToken ct)
    {
        var current = await store.GetAsync(id, ct);
        return current is null
            ? new NotFound($"The tenant {id} was not found.")
            : new VersionConflict(current.Version);
    }

    /// <summary>The audit record of an update: the changed columns before and after, and the move if any.</summary>
    private static AuditEntry Audit(Caller caller, Tenant tenant, Dictionary<string, object?> columns, Tenant? newParent)
    {
        var before = columns.Keys.ToDictionary(k => k, k => TenantStore.Value(tenant, k));
        var after = new Dictionary<string, object?>(columns);
        if (newParent is not null)
        {
            before["parent_id"] = tenant.ParentId;
            after["parent_id"] = newParent.Id;
        }

        var operation = newParent is not null ? "tenant.move"
            : columns.TryGetValue("enabled", out var enabled) ? (enabled is true ? "tenant.reactivate" : "tenant.suspend")
            : "tenant.update";
        return new AuditEntry(caller, operation, "tenant", tenant.Id, tenant.Path, before, after);
    }

    private static AuditEntry Removal(Caller caller, Tenant tenant, string operation) =>
        new(caller, operation, "tenant", tenant.Id, tenant.Path, Snapshot(tenant), null);

    /// <summary>The identifying fields of a tenant, for creation and deletion records.</summary>
    private static Dictionary<string, object?> Snapshot(Tenant t) => new()
    {
        ["name"] = t.Name,
        ["kind"] = t.Kind,
        ["parent_id"] = t.ParentId,
        ["enabled"] = t.Enabled,
        ["version"] = t.Version,
        ["code"] = t.Code,
        ["zuora_account_name"] = t.ZuoraAccountName,
        ["zuora_account_number"] = t.ZuoraAccountNumber,
    };

    private static RuleViolation KindRefused(string parentKind, string childKind) =>
        new(Rule.Business, $"A tenant of kind '{parentKind}' cannot hold a tenant of kind '{childKind}'.");
}
