using Tenancy.Server.Audit;
using Tenancy.Server.Auth;
using Tenancy.Server.Errors;
using Tenancy.Server.Storage;

namespace Tenancy.Server.Tenants;

/// <summary>
/// The tenant tree and its lifecycle: the rules both API dialects share. No HTTP here; the store
/// does the SQL.
/// </summary>
public sealed partial class TenantService(TenantStore store, TimeProvider clock)
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

        // The written row with what is derived from its path, in one round trip.
        var (updated, restrictions, hasChildren) = await store.GetWithPathAsync(tenant.Id, ct);
        return updated is null
            ? new NotFound($"Tenant {tenant.Id} was not found.")
            : new TenantView(updated, hasChildren, NearestDisabled(updated, restrictions));
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
}
