using Tenancy.Server.Audit;
using Tenancy.Server.Auth;
using Tenancy.Server.Errors;
using Tenancy.Server.Storage;

namespace Tenancy.Server.Tenants;

/// <summary>
/// The tenant tree and its lifecycle: the rules both API dialects share. No HTTP here; the store
/// does the SQL.
/// </summary>
public sealed class TenantService(TenantStore store, TimeProvider clock)
{
    public const int MaxPageSize = 5000;

    public long Now() => clock.GetUtcNow().ToUnixTimeMilliseconds() * 1000;

    public async Task<Result<TenantView>> GetAsync(Caller caller, string id, CancellationToken ct = default)
    {
        var found = await FindAccessibleAsync(caller, id, "tenant", "tenant_id", ct);
        if (!found.IsOk)
        {
            return found.Error;
        }

        var (tenant, restrictions, hasChildren) = found.Value;
        return new TenantView(tenant, hasChildren, NearestDisabled(tenant, restrictions));
    }

    public async Task<Result<TenantView>> CreateAsync(Caller caller, NewTenant request, CancellationToken ct = default)
    {
        if (TenantRules.Check(request) is { } invalid)
        {
            return invalid;
        }

        var parentResult = await FindReachableAsync(caller, request.ParentId, "parent tenant", ct, field: "parent_id");
        if (!parentResult.IsOk)
        {
            return parentResult.Error;
        }

        var parent = parentResult.Value;
        if (!TenantKinds.CanHold(parent.Kind, request.Kind))
        {
            return KindRefused(parent.Kind, request.Kind);
        }

        if (await DisabledOnPathAsync(parent, ct) is { } disabledBy)
        {
            return new RuleViolation(Rule.ParentDisabled,
                $"Cannot create a tenant under {parent.Id}: tenant {disabledBy} is disabled.");
        }

        var now = Now();
        var contact = request.Contact is null ? null : ContactJson.Stamp(request.Contact, null, now);
        var draft = new Tenant
        {
            Id = Ids.New(),
            ParentSeq = parent.Seq,
            ParentId = parent.Id,
            Path = "",
            Level = parent.Level + 1,
            Kind = request.Kind,
            Name = request.Name.Trim(),
            Enabled = request.Enabled,
            Version = 1,
            CreatedAt = now,
            UpdatedAt = now,
            CustomerType = request.CustomerType ?? "default",
            CustomerId = request.CustomerId,
            InternalTag = request.InternalTag,
            Language = request.Language ?? parent.Language,
            OwnerId = null,
            AncestralAccess = request.AncestralAccess ?? true,
            UpdateLockEnabled = request.UpdateLockEnabled ?? false,
            UpdateLockOwner = request.UpdateLockEnabled == true ? caller.TenantId : null,
            BrandId = parent.BrandId,
            BrandUuid = parent.BrandUuid,
            DefaultIdpId = Ids.Normalize(request.DefaultIdpId) ?? parent.DefaultIdpId,
            MfaStatus = "disabled",
            PricingMode = parent.PricingMode,
            Contact = contact is null ? null : ContactJson.Serialize(contact),
            Code = request.Code,
            ZuoraAccountName = request.ZuoraAccountName,
            ZuoraAccountNumber = request.ZuoraAccountNumber,
            Description = request.Description,
        };

        Tenant created;
        try
        {
            created = await store.InsertAsync(draft, parent, new AuditEntry(caller, "tenant.create", "tenant", draft.Id, "",
                null, Snapshot(draft)), ct);
        }
        catch (Exception e) when (Database.IsConstraintViolation(e))
        {
            return await store.ExistsAsync(parent.Id, ct)
                ? new Duplicate("code", $"The code '{request.Code}' is already taken.")
                : new NotFound($"Parent tenant {parent.Id} was not found.");
        }

        return new TenantView(created, HasChildren: false, created.Enabled ? null : created.Id);
    }

    public async Task<Result<TenantView>> UpdateAsync(
        Caller caller, string id, TenantChanges changes, long expectedVersion, CancellationToken ct = default)
    {
        if (TenantRules.Check(changes) is { } invalid)
        {
            return invalid;
        }

        var found = await FindReachableAsync(caller, id, "tenant", ct);
        if (!found.IsOk)
        {
            return found.Error;
        }

        var tenant = found.Value;
        if (Locked(caller, tenant) is { } locked)
        {
            return locked;
        }

        for (var attempt = 1; ; attempt++)
        {
            if (tenant.Version != expectedVersion)
            {
                return new VersionConflict(tenant.Version);
            }

            var plan = await PlanUpdateAsync(caller, tenant, changes, ct);
            if (!plan.IsOk)
            {
                return plan.Error;
            }

            var (columns, newParent) = plan.Value;
            bool written;
            try
            {
                written = await store.UpdateAsync(tenant, expectedVersion, columns, newParent, Now(), Audit(caller, tenant, columns, newParent), ct);
            }
            catch (Exception e) when (Database.IsConstraintViolation(e) && changes.Code.IsSet)
            {
                return new Duplicate("code", $"The code '{changes.Code.Value}' is already taken.");
            }

            if (written)
            {
                break;
            }

            // Nothing matched: the version moved on, the tenant is gone, or a concurrent move changed a
            // path the plan was built on. Only the last is retried, with the rules checked again.
            var current = await store.GetAsync(tenant.Id, ct);
            if (current is null)
            {
                return new NotFound($"The tenant {tenant.Id} was not found.");
            }

            if (current.Version != expectedVersion || attempt == 3)
            {
                return new VersionConflict(current.Version);
            }

            if (!caller.Reaches(current))
            {
                return new Forbidden($"The tenant {current.Id} is outside the caller's reach.");
            }

            tenant = current;
        }

        var updated = await store.GetAsync(tenant.Id, ct);
        return updated is null ? new NotFound($"Tenant {tenant.Id} was not found.") : await ViewAsync(updated, ct);
    }

    /// <summary>
    /// Terminates a disabled tenant quoting its version: the tenant, its subtree, their API clients and
    /// everything stored for them are removed.
    /// </summary>
    public async Task<Result<Done>> TerminateAsync(Caller caller, string id, long expectedVersion, CancellationToken ct = default)
    {
        var found = await FindDeletableAsync(caller, id, ct);
        if (!found.IsOk)
        {
            return found.Error;
        }

        var tenant = found.Value;
        if (tenant.Version != expectedVersion)
        {
            return new VersionConflict(tenant.Version);
        }

        if (tenant.Enabled)
        {
            return new RuleViolation(Rule.DeleteEnabledTenant,
                $"Tenant {tenant.Id} is enabled; disable it before deleting it.");
        }

        return await store.DeleteAsync(tenant, expectedVersion, DeleteMode.RequireDisabled, Now(), Removal(caller, tenant, "tenant.terminate"), ct)
            ? Done.Value
            : (await ConflictOrGoneAsync(tenant.Id, ct)).Error!;
    }

    /// <summary>Deletes a tenant that has no sub-tenants (the /api/v2.1 delete).</summary>
    public async Task<Result<Done>> DeleteLeafAsync(Caller caller, string id, CancellationToken ct = default)
    {
        var found = await FindDeletableAsync(caller, id, ct);
        if (!found.IsOk)
        {
            return found.Error;
        }

        var tenant = found.Value;
        for (var attempt = 0; attempt < 3; attempt++)
        {
            if (await store.DeleteAsync(tenant, tenant.Version, DeleteMode.LeafOnly, Now(), Removal(caller, tenant, "tenant.delete"), ct))
            {
                return Done.Value;
            }

            var current = await store.GetAsync(tenant.Id, ct);
            if (current is null)
            {
                return new NotFound($"Tenant {tenant.Id} was not found.");
            }

            var children = await store.ChildrenAsync(current.Seq, 0, 4, ct);
            if (children.Count > 0)
            {
                var named = string.Join(", ", children.Take(3).Select(c => c.Id)) + (children.Count > 3 ? ", ..." : "");
                return new RuleViolation(Rule.HasChildren,
                    $"Tenant {tenant.Id} has sub-tenants ({named}); delete them first.");
            }

            tenant = current;
        }

        return new VersionConflict(tenant.Version);
    }

    public async Task<Result<TenantPage>> ListAsync(Caller caller, TenantQuery query, CancellationToken ct = default)
    {
        var limit = Math.Clamp(query.Limit, 1, MaxPageSize);
        if (query.After is not null)
        {
            var cursor = TenantCursor.Decode(query.After);
            return cursor is null
                ? new Invalid("after", "after is not a cursor returned by this API.")
                : await PageAsync(caller, cursor with { Limit = Math.Min(cursor.Limit, MaxPageSize) }, ct);
        }

        if (query.Ids is { } ids)
        {
            var rows = await store.ByIdsAsync(ids, ct);
            return new TenantPage(await ViewsAsync([.. rows.Where(caller.Reaches)], caller, ct), null);
        }

        return query.ParentId is { } parentId
            ? await PageAsync(caller, new TenantCursor("parent", parentId, 0, "", 0, limit), ct)
            : await PageAsync(caller, new TenantCursor("subtree", query.SubtreeRootId!, -1, "", 0, limit), ct);
    }

    private async Task<Result<TenantPage>> PageAsync(Caller caller, TenantCursor cursor, CancellationToken ct)
    {
        var found = await FindReachableAsync(caller, cursor.Key, "tenant", ct);
        if (!found.IsOk)
        {
            return found.Error;
        }

        var anchor = found.Value;
        List<Tenant> items;
        TenantCursor? next = null;
        if (cursor.Mode == "parent")
        {
            items = [.. await store.ChildrenAsync(anchor.Seq, cursor.Seq, cursor.Limit + 1, ct)];
            if (items.Count > cursor.Limit)
            {
                items.RemoveAt(cursor.Limit);
                next = cursor with { Seq = items[^1].Seq };
            }
        }
        else
        {
            // Level order: each level of the subtree is one index range scan in path order. A level with
            // no tenant ends the walk (nothing can lie below it).
            items = [];
            var level = cursor.Level < 0 ? anchor.Level : cursor.Level;
            var after = cursor.Level < 0 ? "" : cursor.Path;
            while (items.Count <= cursor.Limit)
            {
                var batch = await store.SubtreeLevelAsync(anchor.Path, level, after, cursor.Limit + 1 - items.Count, ct);
                if (batch.Count == 0 && after.Length == 0)
                {
                    break;
                }

                items.AddRange(batch);
                level++;
                after = "";
            }

            if (items.Count > cursor.Limit)
            {
                items.RemoveAt(cursor.Limit);
                next = cursor with { Level = items[^1].Level, Path = items[^1].Path };
            }
        }

        return new TenantPage(await ViewsAsync(items, caller, ct), next?.Encode());
    }

    public async Task<TenantView> ViewAsync(Tenant tenant, CancellationToken ct = default) =>
        (await ViewsAsync([tenant], ct: ct))[0];

    /// <summary>
    /// Adds what is derived from the tree, in two queries: has_children, effective suspension, and
    /// (for a <paramref name="viewer"/>) whether an ancestral_access barrier hides the details.
    /// </summary>
    public async Task<IReadOnlyList<TenantView>> ViewsAsync(
        IReadOnlyList<Tenant> tenants, Caller? viewer = null, CancellationToken ct = default)
    {
        if (tenants.Count == 0)
        {
            return [];
        }

        var restrictions = await store.RestrictionsAsync(tenants.SelectMany(t => t.PathSeqs()).ToHashSet(), ct);
        var withChildren = await store.WithChildrenAsync([.. tenants.Select(t => t.Seq)], ct);
        return [.. tenants.Select(t => new TenantView(
            t, withChildren.Contains(t.Seq), NearestDisabled(t, restrictions),
            viewer is null || Barrier(viewer, t, restrictions) is null))];
    }

    /// <summary>The nearest tenant on the path of <paramref name="tenant"/> (itself first) that is disabled.</summary>
    public async Task<string?> DisabledOnPathAsync(Tenant tenant, CancellationToken ct = default) =>
        NearestDisabled(tenant, await store.RestrictionsAsync(tenant.PathSeqs(), ct));

    private static string? NearestDisabled(Tenant tenant, Dictionary<long, Restriction> restrictions)
    {
        var seqs = tenant.PathSeqs();
        for (var i = seqs.Length - 1; i >= 0; i--)
        {
            if (restrictions.TryGetValue(seqs[i], out var r) && !r.Enabled)
            {
                return r.Id;
            }
        }

        return null;
    }

    /// <summary>
    /// The tenant whose ancestral_access is off and that lies between the caller and
    /// <paramref name="tenant"/> with the caller above its parent; null when nothing bars the caller.
    /// </summary>
    private static string? Barrier(Caller caller, Tenant tenant, Dictionary<long, Restriction> restrictions)
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

    /// <summary>An update lock held by another tenant refuses every change (code 1012).</summary>
    private static RuleViolation? Locked(Caller caller, Tenant tenant) =>
        tenant.UpdateLockEnabled && tenant.UpdateLockOwner != caller.TenantId
            ? new RuleViolation(Rule.UpdateLocked,
                $"Tenant {tenant.Id} is locked for updates; only principals of tenant {tenant.UpdateLockOwner} may change it.")
            : null;

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

    private async Task<Result<Tenant>> FindReachableAsync(
        Caller caller, string id, string what, CancellationToken ct, string field = "tenant_id")
    {
        var found = await FindAccessibleAsync(caller, id, what, field, ct);
        return found.IsOk ? found.Value.Tenant : found.Error;
    }

    /// <summary>
    /// The tenant if the caller may see its details: it lies in the caller's subtree and no
    /// ancestral_access barrier stands between them. Returns the restrictions on its path too.
    /// </summary>
    private async Task<Result<(Tenant Tenant, Dictionary<long, Restriction> Restrictions, bool HasChildren)>> FindAccessibleAsync(
        Caller caller, string id, string what, string field, CancellationToken ct)
    {
        if (Ids.Normalize(id) is not { } normalized)
        {
            return new Invalid(field, $"{field} must be a UUID.");
        }

        // One round trip: the row, the restricting tenants on its path, and whether it has children.
        var (tenant, restrictions, hasChildren) = await store.GetWithPathAsync(normalized, ct);
        if (tenant is null)
        {
            return new NotFound($"The {what} {normalized} was not found.");
        }

        if (!caller.Reaches(tenant))
        {
            return new Forbidden($"The {what} {normalized} is outside the caller's reach.");
        }

        return Barrier(caller, tenant, restrictions) is { } barrier
            ? new Forbidden($"Tenant {barrier} does not grant access to the ancestors above its parent.")
            : (tenant, restrictions, hasChildren);
    }

    private async Task<Result<Tenant>> FindDeletableAsync(Caller caller, string id, CancellationToken ct)
    {
        var found = await FindReachableAsync(caller, id, "tenant", ct);
        if (!found.IsOk)
        {
            return found;
        }

        return found.Value.IsRoot ? new RuleViolation(Rule.Business, "The root tenant cannot be deleted.")
            : caller.Is(found.Value) ? new RuleViolation(Rule.Business, "A caller cannot delete its own tenant.")
            : Locked(caller, found.Value) is { } locked ? locked
            : found;
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
