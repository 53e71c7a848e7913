using Tenancy.Server.Storage.Caching;

namespace Tenancy.Server.Tenants;

/// <summary>
/// The tenant tree and its lifecycle: the rules both API dialects share. No HTTP here; the store and the
/// writer do the SQL. Every operation asks the access policy first.
/// </summary>
public sealed partial class TenantService(
    TenantStore store, TenantWriter writer, Database db, TimeProvider clock, Deletions.DeletionStore deletions, Deletions.DeletionPlanner planner,
    HotCache cache)
{
    public const int MaxPageSize = 5000;

    public Task<Result<TenantView>> GetAsync(Caller caller, string id, CancellationToken ct = default) => GetAsync(caller, id, false, ct);

    /// <summary>A tenant; a deleted one (not yet purged) only with <paramref name="allowDeleted"/>.</summary>
    public async Task<Result<TenantView>> GetAsync(Caller caller, string id, bool allowDeleted, CancellationToken ct = default)
    {
        var found = await FindAsync(caller, id, Operation.Read, Resource.Tenant, ct, withDeleted: allowDeleted);
        return !found.IsOk ? found.Error : (await WithDeletionStatesAsync([found.Value.View], ct))[0];
    }

    /// <summary>
    /// Where a tenant lies, deleted or not, if the policy lets the caller do <paramref name="operation"/> to a
    /// <paramref name="resource"/> of it: for the reads and the restore of deletions.
    /// </summary>
    public async Task<Result<Placement>> AuthorizeAnyAsync(
        Caller caller, string tenantId, Operation operation, Resource resource, CancellationToken ct = default)
    {
        var found = await FindAsync(caller, tenantId, operation, resource, ct, withDeleted: true);
        return found.IsOk ? found.Value.Placement : found.Error;
    }

    /// <summary>The state of the deletion of each deleted tenant among <paramref name="views"/> (external_operation_status).</summary>
    private async Task<IReadOnlyList<TenantView>> WithDeletionStatesAsync(IReadOnlyList<TenantView> views, CancellationToken ct)
    {
        var ids = views.Select(v => v.Tenant.DeletionId).OfType<string>().Distinct().ToList();
        if (ids.Count == 0)
        {
            return views;
        }

        var states = await deletions.StatesAsync(ids, ct);
        return [.. views.Select(v => v.Tenant.DeletionId is { } d ? v with { DeletionState = states.GetValueOrDefault(d) } : v)];
    }

    /// <summary>
    /// The tenant <paramref name="tenantId"/> if the policy lets the caller do <paramref name="operation"/> to
    /// a <paramref name="resource"/> of it (one round trip): the check every resource that belongs to a tenant uses.
    /// </summary>
    public async Task<Result<Placement>> AuthorizeAsync(
        Caller caller, string tenantId, Operation operation, Resource resource, CancellationToken ct = default)
    {
        var found = await FindAsync(caller, tenantId, operation, resource, ct);
        return found.IsOk ? found.Value.Placement : found.Error;
    }

    /// <summary>
    /// The access policy's answer for <paramref name="operation"/> on the <paramref name="resource"/>
    /// <paramref name="resourceId"/> of the tenant <paramref name="tenantId"/> (one round trip for the tenant's
    /// path): null when allowed; not found when the tenant is gone.
    /// </summary>
    public async Task<Error?> DecideAsync(
        Caller caller, Operation operation, Resource resource, string resourceId, string tenantId, CancellationToken ct = default) =>
        await PlaceAsync(tenantId, ct) is { } placement
            ? AccessPolicy.Decide(caller, operation, resource, resourceId, placement)
            : new NotFound($"The {AccessPolicy.Name(resource)} {resourceId} was not found.");

    /// <summary>
    /// A resource that belongs to a tenant (an API client, a user), loaded by its id, if the access policy lets
    /// the caller do <paramref name="operation"/> to it.
    /// </summary>
    public async Task<Result<T>> FindOwnedAsync<T>(
        Caller caller, Operation operation, Resource resource, string id,
        Func<string, CancellationToken, Task<T?>> load, Func<T, string> tenantOf, CancellationToken ct = default)
        where T : class
    {
        var field = $"{resource.ToString().ToLowerInvariant()}_id";
        if (Ids.Normalize(id) is not { } normalized)
        {
            return new Invalid(field, $"{field} must be a UUID.");
        }

        var found = await load(normalized, ct);
        return found is null ? new NotFound($"The {AccessPolicy.Name(resource)} {normalized} was not found.")
            : await DecideAsync(caller, operation, resource, normalized, tenantOf(found), ct) is { } denied ? denied
            : found;
    }

    /// <summary>Where a resource of the tenant lies (its path and what restricts it); null when the tenant is gone.</summary>
    public async Task<Placement?> PlaceAsync(string tenantId, CancellationToken ct = default)
    {
        var (tenant, restrictions, _) = await ReadWithPathAsync(tenantId, withDeleted: false, ct);
        return tenant is null ? null : new Placement(tenant, restrictions);
    }

    public async Task<Result<TenantView>> CreateAsync(Caller caller, NewTenant request, CancellationToken ct = default)
    {
        if (TenantRules.Check(request) is { } invalid)
        {
            return invalid;
        }

        var found = await FindAsync(caller, request.ParentId, Operation.Create, Resource.Tenant, ct, "parent_id");
        if (!found.IsOk)
        {
            return found.Error;
        }

        var parent = found.Value.Placement.Tenant;
        if (!TenantKinds.CanHold(parent.Kind, request.Kind))
        {
            return TenantGuards.KindRefused(parent.Kind, request.Kind);
        }

        var now = clock.NowMicros();
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
            PricingMode = Pricing.PricingService.Trial, // a new tenant starts in trial, as in the original API
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
                null, TenantGuards.Snapshot(draft)), ct);
        }
        catch (Exception e) when (Database.IsConstraintViolation(e))
        {
            return await store.ExistsAsync(parent.Id, ct)
                ? new Duplicate("code", $"The code '{request.Code}' is already taken.")
                : new NotFound($"Parent tenant {parent.Id} was not found.");
        }

        return new TenantView(created, HasChildren: false, created.Enabled ? null : created.Id);
    }

    /// <summary>
    /// Suspends, reactivates, updates or moves a tenant quoting its version. Everything but a move is one
    /// conditional statement with its read-back (one round trip); a refusal is explained from that read-back.
    /// </summary>
    public async Task<Result<TenantView>> ChangeAsync(Caller caller, TenantCommand command, CancellationToken ct = default)
    {
        if (Ids.Normalize(command.TenantId) is not { } id)
        {
            return new Invalid("tenant_id", "tenant_id must be a UUID.");
        }

        if (AccessPolicy.RoleRefusal(caller, command is UpdateTenant or MoveTenant ? Operation.Change : Operation.Disable, Resource.Tenant) is { } refused)
        {
            return refused;
        }

        var guards = new TenantGuards(db, caller, id, command.Version);
        var now = clock.NowMicros();
        switch (command)
        {
            case SuspendTenant:
                return await WriteAsync(new TenantWrite(caller, id, new Dictionary<string, object?> { ["enabled"] = false },
                    guards.Suspend(), guards.Parameters, "tenant.suspend", now) { DryRun = command.DryRun }, null, ct);
            case ReactivateTenant:
                return await WriteAsync(new TenantWrite(caller, id, new Dictionary<string, object?> { ["enabled"] = true },
                    guards.Reactivate(), guards.Parameters, "tenant.reactivate", now) { DryRun = command.DryRun }, null, ct);
            case UpdateTenant update:
                return await UpdateAsync(caller, id, update.Changes, guards, now, command.DryRun, ct);
            case MoveTenant move:
                return await MoveAsync(caller, id, move, guards, now, ct);
            default:
                throw new ArgumentOutOfRangeException(nameof(command), command, "not a change command");
        }
    }

    private async Task<Result<TenantView>> UpdateAsync(
        Caller caller, string id, TenantChanges changes, TenantGuards guards, long now, bool dryRun, CancellationToken ct)
    {
        if (TenantRules.Check(changes) is { } invalid)
        {
            return invalid;
        }

        string? previousContact = null;
        if (changes.Contact.IsSet)
        {
            // The contact keeps its id and creation time: read them (the write is still conditional on the version).
            var found = await FindAsync(caller, id, Operation.Change, Resource.Tenant, ct);
            if (!found.IsOk)
            {
                return found.Error;
            }

            previousContact = found.Value.Placement.Tenant.Contact;
        }

        var columns = TenantGuards.Columns(caller, changes, previousContact, now);
        var operation = columns.TryGetValue("enabled", out var enabled)
            ? enabled is true ? "tenant.reactivate" : "tenant.suspend"
            : "tenant.update";
        return await WriteAsync(new TenantWrite(caller, id, columns, guards.Update(columns), guards.Parameters, operation, now) { DryRun = dryRun },
            changes.Code.IsSet ? changes.Code.Value : null, ct);
    }

    private async Task<Result<TenantView>> WriteAsync(TenantWrite write, string? code, CancellationToken ct)
    {
        WriteOutcome outcome;
        try
        {
            outcome = await writer.WriteAsync(write, ct);
        }
        catch (Exception e) when (Database.IsConstraintViolation(e) && code is not null)
        {
            return new Duplicate("code", $"The code '{code}' is already taken.");
        }

        if (outcome.Tenant is null)
        {
            return new NotFound($"The tenant {write.TenantId} was not found.");
        }

        if (outcome.Written)
        {
            return outcome.View;
        }

        // Nothing was written: the first guard the row fails says why; if it passes them all, the change
        // changed nothing and the tenant is answered as it is.
        var failed = write.Guards.Select((g, i) => (g, i)).FirstOrDefault(x => !outcome.Passed[x.i]);
        return failed.g is null ? outcome.View : failed.g.Refusal(outcome);
    }

    /// <summary>
    /// Terminates a disabled tenant quoting its version: the tenant and its subtree are marked deleted (a deletion,
    /// restorable within the window; see docs/lifecycle.md), locked out at once and hidden from reads and lists.
    /// The purge removes them, their API clients and everything stored for them after the window.
    /// </summary>
    public Task<Result<Done>> TerminateAsync(Caller caller, string id, long expectedVersion, CancellationToken ct = default) =>
        TerminateAsync(caller, id, expectedVersion, dryRun: false, ct);

    /// <summary>The termination; a dry run checks everything the real one checks and stops before the delete.</summary>
    public async Task<Result<Done>> TerminateAsync(Caller caller, string id, long expectedVersion, bool dryRun, CancellationToken ct = default)
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
            return new RuleViolation(Rule.DeleteEnabledTenant, $"Tenant {tenant.Id} is enabled; disable it before deleting it.");
        }

        if (dryRun)
        {
            return Done.Value;
        }

        if (await deletions.MarkAsync(tenant, expectedVersion, DeleteMode.RequireDisabled, await planner.PlanAsync(tenant, ct),
            TenantGuards.Removal(caller, tenant, "tenant.terminate"), ct))
        {
            return Done.Value;
        }

        // Nothing matched: decided on the row as it is now.
        var current = await store.GetAsync(tenant.Id, ct);
        return current is null ? new NotFound($"The tenant {tenant.Id} was not found.")
            : current.Enabled ? new RuleViolation(Rule.DeleteEnabledTenant, $"Tenant {tenant.Id} is enabled; disable it before deleting it.")
            : new VersionConflict(current.Version);
    }

    /// <summary>
    /// Deletes a tenant that has no sub-tenants (the /api/v2.1 delete, which quotes no version unless If-Match
    /// does), as a deletion too; a dry run checks everything the real one checks and stops before the delete.
    /// </summary>
    public async Task<Result<Done>> DeleteLeafAsync(
        Caller caller, string id, long? expectedVersion = null, bool dryRun = false, CancellationToken ct = default)
    {
        var found = await FindDeletableAsync(caller, id, ct);
        if (!found.IsOk)
        {
            return found.Error;
        }

        var tenant = found.Value;
        if (expectedVersion is { } v && tenant.Version != v)
        {
            return new VersionConflict(tenant.Version);
        }

        if (dryRun)
        {
            return await HasChildrenRefusalAsync(tenant, ct) is { } refused ? refused : Done.Value;
        }

        if (await deletions.MarkAsync(tenant, expectedVersion, DeleteMode.LeafOnly, await planner.PlanAsync(tenant, ct),
            TenantGuards.Removal(caller, tenant, "tenant.delete"), ct))
        {
            return Done.Value;
        }

        if (await HasChildrenRefusalAsync(tenant, ct) is { } hasChildren)
        {
            return hasChildren;
        }

        var current = await store.GetAsync(tenant.Id, ct);
        return current is null ? new NotFound($"Tenant {tenant.Id} was not found.") : new VersionConflict(current.Version);
    }

    /// <summary>The rule of the leaf-only delete: a tenant with sub-tenants is refused, naming a few.</summary>
    private async Task<RuleViolation?> HasChildrenRefusalAsync(Tenant tenant, CancellationToken ct)
    {
        var children = await store.ChildrenAsync(tenant.Seq, 0, 4, ct);
        if (children.Count == 0)
        {
            return null;
        }

        var named = string.Join(", ", children.Take(3).Select(c => c.Id)) + (children.Count > 3 ? ", ..." : "");
        return new RuleViolation(Rule.HasChildren, $"Tenant {tenant.Id} has sub-tenants ({named}); delete them first.");
    }

    private async Task<Result<Tenant>> FindDeletableAsync(Caller caller, string id, CancellationToken ct)
    {
        var found = await FindAsync(caller, id, Operation.Delete, Resource.Tenant, ct);
        if (!found.IsOk)
        {
            return found.Error;
        }

        var tenant = found.Value.Placement.Tenant;
        return tenant.IsRoot ? new RuleViolation(Rule.Business, "The root tenant cannot be deleted.")
            : caller.Is(tenant) ? new RuleViolation(Rule.Business, "A caller cannot delete its own tenant.")
            : tenant;
    }

    /// <summary>
    /// A tenant with what is derived from its path (one round trip), if the policy lets the caller do
    /// <paramref name="operation"/> to it or to a <paramref name="resource"/> of it.
    /// </summary>
    private async Task<Result<Found>> FindAsync(
        Caller caller, string id, Operation operation, Resource resource, CancellationToken ct, string field = "tenant_id", bool withDeleted = false)
    {
        if (Ids.Normalize(id) is not { } normalized)
        {
            return new Invalid(field, $"{field} must be a UUID.");
        }

        var (tenant, restrictions, hasChildren) = await ReadWithPathAsync(normalized, withDeleted, ct);
        if (tenant is null)
        {
            return new NotFound($"The {(field == "parent_id" ? "parent tenant" : "tenant")} {normalized} was not found.");
        }

        var placement = new Placement(tenant, restrictions);
        return AccessPolicy.Decide(caller, operation, resource, resource == Resource.Tenant ? normalized : tenant.Id, placement) is { } denied
            ? denied
            : new Found(placement, hasChildren);
    }

    /// <summary>A tenant with its path restrictions; a live one through the <see cref="HotCache"/> (it answers as the store).</summary>
    private async Task<(Tenant? Tenant, IReadOnlyDictionary<long, Restriction> Restrictions, bool HasChildren)> ReadWithPathAsync(
        string id, bool withDeleted, CancellationToken ct)
    {
        if (withDeleted)
        {
            return await store.GetWithPathAsync(id, withDeleted, ct);
        }

        var read = await cache.TenantAsync(id, () => store.LiveWithPathAsync(id, ct));
        return read is null ? (null, new Dictionary<long, Restriction>(), false) : (read.Tenant, read.Restrictions, read.HasChildren);
    }

    private sealed record Found(Placement Placement, bool HasChildren)
    {
        public TenantView View => new(Placement.Tenant, HasChildren, Placement.DisabledBy);
    }
}
