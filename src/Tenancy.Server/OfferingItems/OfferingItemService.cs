using Tenancy.Server.Catalog;

namespace Tenancy.Server.OfferingItems;

/// <summary>What to change of one item, as a request lists it (<paramref name="Index"/>: its place in the list).</summary>
public sealed record ItemChange(int Index, string ApplicationId, string Name, string? InfraId, int? Status, QuotaChange? Quota);

/// <summary>A quota to set: null value or overage is unlimited; the version is the one the client read.</summary>
public sealed record QuotaChange(long? Value, long? Overage, long? Version);

/// <summary>How a list of a tenant's items is narrowed (the query parameters of the API).</summary>
public sealed record ItemFilter(
    string? Edition = null, IReadOnlySet<string>? UsageNames = null, int? Status = null, string? Type = null,
    string? InfraId = null, bool AvailableOnly = false)
{
    public bool Matches(ItemState s) =>
        OfferingItemTree.InEdition(s.Item, Edition)
        && (UsageNames is null || UsageNames.Contains(s.Item.UsageName))
        && (Status is null || (s.On ? 1 : 0) == Status)
        && (Type is null || s.Item.Type == Type)
        && (InfraId is null || s.Item.InfraId == InfraId)
        && (!AvailableOnly || s.ParentOn);
}

/// <summary>
/// Tenants' offering items: status and quota per item, under the rules of <see cref="OfferingItemTree"/>.
/// A tenant may turn on only what its parent has on, and its quota may not exceed its parent's; nothing is
/// set for the root (it has everything, without limit). A new tenant has the platform's items and nothing
/// else. Every operation asks the access policy first; every change is audited. No HTTP here.
/// </summary>
public sealed class OfferingItemService(ServiceCatalog catalog, TenantService tenants, TenantStore tenantStore, OfferingItemStore store, TimeProvider clock)
{
    /// <summary>The tenant's items (every item of the catalog, with its state), narrowed by <paramref name="filter"/>.</summary>
    public async Task<Result<(Tenant Tenant, IReadOnlyList<ItemState> Items)>> ListAsync(
        Caller caller, string tenantId, ItemFilter filter, CancellationToken ct = default)
    {
        var placed = await tenants.AuthorizeAsync(caller, tenantId, Operation.Read, Resource.OfferingItem, ct);
        if (!placed.IsOk)
        {
            return placed.Error;
        }

        var tenant = placed.Value.Tenant;
        return (tenant, [.. (await StatesAsync(tenant, ct)).Where(filter.Matches)]);
    }

    /// <summary>
    /// What a new child of <paramref name="kind"/> could get: the items the tenant has on, with its quotas,
    /// in <paramref name="edition"/> ("*" or null: every edition; items of every edition always).
    /// </summary>
    public async Task<Result<(Tenant Tenant, IReadOnlyList<ItemState> Items)>> AvailableForChildAsync(
        Caller caller, string tenantId, string? kind, string? edition, CancellationToken ct = default)
    {
        var placed = await tenants.AuthorizeAsync(caller, tenantId, Operation.Read, Resource.OfferingItem, ct);
        if (!placed.IsOk)
        {
            return placed.Error;
        }

        var tenant = placed.Value.Tenant;
        if (kind is not null && (!TenantKinds.All.Contains(kind) || !TenantKinds.CanHold(tenant.Kind, kind)))
        {
            return new Invalid("kind", $"kind must be a kind of tenant a {tenant.Kind} can hold (got '{kind}').");
        }

        return (tenant, [.. (await StatesAsync(tenant, ct)).Where(s => s.On && OfferingItemTree.InEdition(s.Item, edition))]);
    }

    /// <summary>
    /// Sets the listed items (status and/or quota) and leaves the others as they are. Refused as a whole, naming
    /// the items: items the parent does not have on, quotas above the parent's, stale quota versions.
    /// Turning an item on turns its application on for the tenant. Answers the listed items as they are now.
    /// </summary>
    public async Task<Result<(Tenant Tenant, IReadOnlyList<ItemState> Items)>> SetAsync(
        Caller caller, string tenantId, IReadOnlyList<ItemChange> changes, CancellationToken ct = default)
    {
        var placed = await tenants.AuthorizeAsync(caller, tenantId, Operation.Change, Resource.OfferingItem, ct);
        if (!placed.IsOk)
        {
            return placed.Error;
        }

        var tenant = placed.Value.Tenant;
        if (tenant.IsRoot)
        {
            return new RuleViolation(Rule.Business, "The root tenant has every offering item on, without limit; nothing can be set for it.");
        }

        var states = await StatesAsync(tenant, ct);
        var byKey = states.ToDictionary(s => (s.Application.Id, s.Item.Name));
        var found = new List<(ItemChange Change, ItemState State)>();
        foreach (var change in changes)
        {
            var field = $"offering_items[{change.Index}]";
            if (!byKey.TryGetValue((Ids.Normalize(change.ApplicationId) ?? change.ApplicationId, change.Name), out var state)
                || (change.InfraId is not null && Ids.Normalize(change.InfraId) != state.Item.InfraId))
            {
                return new Invalid(field, $"{field}: the catalog has no offering item '{change.Name}' of application {change.ApplicationId}" +
                    (change.InfraId is null ? "." : $" on infrastructure {change.InfraId}."));
            }

            if (found.Any(f => f.State == state))
            {
                return new Invalid(field, $"{field}: the offering item '{change.Name}' is listed twice.");
            }

            found.Add((change, state));
        }

        var plan = Plan(tenant, found);
        if (!plan.IsOk)
        {
            return plan.Error;
        }

        var result = await WriteAsync(caller, tenant, "offering_items.update", plan.Value, ct);
        if (!result.IsOk)
        {
            return result.Error;
        }

        var after = (await StatesAsync(tenant, ct)).ToDictionary(s => (s.Application.Id, s.Item.Name));
        return (tenant, [.. found.Select(f => after[(f.State.Application.Id, f.State.Item.Name)])]);
    }

    /// <summary>
    /// The effective status and quota of every item of the catalog, per tenant id, for the core's other
    /// features (usage against quotas). No access check: the caller has decided access to these tenants.
    /// Unknown ids are left out.
    /// </summary>
    public async Task<IReadOnlyDictionary<string, IReadOnlyList<ItemState>>> QuotasAsync(IReadOnlyCollection<string> tenantIds, CancellationToken ct = default)
    {
        var found = await tenantStore.ByIdsAsync(tenantIds, ct);
        var (rows, bindings) = await store.OfAsync([.. found.SelectMany(t => t.PathSeqs()).Distinct()], ct);
        return found.ToDictionary(t => t.Id, t => OfferingItemTree.Effective(catalog, t.PathSeqs(), rows, bindings));
    }

    /// <summary>Every item of the catalog as it is for the tenant.</summary>
    public async Task<IReadOnlyList<ItemState>> StatesAsync(Tenant tenant, CancellationToken ct = default)
    {
        var path = tenant.PathSeqs();
        var (rows, bindings) = await store.OfAsync(path, ct);
        return OfferingItemTree.Effective(catalog, path, rows, bindings);
    }

    /// <summary>Writes a checked plan with its audit record; a quota changed meanwhile answers 409 with its version now.</summary>
    public async Task<Result<Done>> WriteAsync(Caller caller, Tenant tenant, string operation, IReadOnlyList<(ItemState State, ItemWrite Write)> plan, CancellationToken ct)
    {
        var changed = plan.Where(p => p.State.Own is not { } own || own.Status != p.Write.Status
            || own.QuotaValue != p.Write.QuotaValue || own.QuotaOverage != p.Write.QuotaOverage).ToList();
        if (changed.Count == 0)
        {
            return Done.Value; // a change that changes nothing records nothing
        }

        var bind = changed.Where(p => p.Write.Status == 1 && p.State.Application != catalog.Platform)
            .Select(p => p.State.Application.Id).Distinct().ToList();
        var audit = new AuditEntry(caller, operation, "tenant", tenant.Id, tenant.Path,
            new Dictionary<string, object?> { ["offering_items"] = changed.Select(p => Describe(p.State.Application.Id, p.State.Item.Name, p.State.Own)).ToList() },
            new Dictionary<string, object?> { ["offering_items"] = changed.Select(p => Describe(p.Write)).ToList() });
        if (await store.WriteAsync(tenant.Seq, [.. changed.Select(p => p.Write)], bind, clock.NowMicros(), audit, ct))
        {
            return Done.Value;
        }

        // Nothing written: a quota changed since it was read; answered with its version now.
        var now = (await StatesAsync(tenant, ct)).ToDictionary(s => (s.Application.Id, s.Item.Name));
        var stale = changed.Select(p => now[(p.State.Application.Id, p.State.Item.Name)])
            .FirstOrDefault(s => s.OwnVersion != changed.First(p => p.State.Item == s.Item).Write.ExpectedVersion);
        return new VersionConflict(stale?.OwnVersion ?? 0);
    }

    /// <summary>Checks the changes against the parent and turns them into writes; the first rule broken refuses them all.</summary>
    private Result<IReadOnlyList<(ItemState State, ItemWrite Write)>> Plan(Tenant tenant, List<(ItemChange Change, ItemState State)> found)
    {
        var lacking = found.Where(f => f.Change.Status == 1 && !f.State.ParentOn).Select(f => f.State.Item.Name).ToList();
        if (lacking.Count > 0)
        {
            return new RuleViolation(Rule.Business,
                $"The parent tenant {tenant.ParentId} does not have these offering items on: {string.Join(", ", lacking)}; turn them on there first.")
            { OfferingItems = lacking };
        }

        var nowMillis = clock.NowMicros() / 1000;
        var plan = new List<(ItemState, ItemWrite)>();
        var above = new List<(string Name, string Limits)>();
        foreach (var (change, state) in found)
        {
            var field = $"offering_items[{change.Index}].quota";
            var own = state.Own;
            var status = change.Status ?? (state.OwnOn(catalog) ? 1 : 0);
            var (value, overage, version, expected) = (own?.QuotaValue, own?.QuotaOverage, state.OwnVersion, state.OwnVersion);
            if (change.Quota is { } quota && (quota.Value != value || quota.Overage != overage))
            {
                if (!OfferingItemTree.HasQuota(state.Item) && (quota.Value ?? quota.Overage) is not null)
                {
                    return new Invalid(field, $"{field}: '{state.Item.Name}' is a feature; it has no quota (send null values or none).");
                }

                if (quota.Value < 0 || quota.Overage < 0)
                {
                    return new Invalid(field, $"{field}: value and overage must be null (unlimited) or 0 or more.");
                }

                // An unset quota (version 0) takes any version: the one a client copied from its parent's items.
                if (version != 0 && quota.Version != version)
                {
                    return new VersionConflict(version);
                }

                if (quota.Value > state.ParentQuota.Value || quota.Overage > state.ParentQuota.Overage)
                {
                    above.Add((state.Item.Name, $"value {Show(state.ParentQuota.Value)}, overage {Show(state.ParentQuota.Overage)}"));
                }

                (value, overage) = (quota.Value, quota.Overage);
                version = value is null && overage is null ? 0 : Math.Max(nowMillis, version + 1);
            }

            plan.Add((state, new ItemWrite(state.Application.Id, state.Item.Name, state.Item.Edition, status, value, overage, version, expected)));
        }

        return above.Count == 0 ? plan
            : new RuleViolation(Rule.Business, "A quota may not exceed the parent tenant's: " +
                string.Join("; ", above.Select(a => $"{a.Name} (the parent's quota: {a.Limits})")) + ".") { OfferingItems = [.. above.Select(a => a.Name)] };
    }

    private static string Show(long? limit) => limit?.ToString(System.Globalization.CultureInfo.InvariantCulture) ?? "unlimited";

    private static Dictionary<string, object?> Describe(string applicationId, string name, ItemRow? row) => new()
    {
        ["application_id"] = applicationId, ["name"] = name, ["status"] = row?.Status,
        ["quota"] = new { value = row?.QuotaValue, overage = row?.QuotaOverage, version = row?.QuotaVersion ?? 0 },
    };

    private static Dictionary<string, object?> Describe(ItemWrite w) => new()
    {
        ["application_id"] = w.ApplicationId, ["name"] = w.Name, ["status"] = w.Status,
        ["quota"] = new { value = w.QuotaValue, overage = w.QuotaOverage, version = w.QuotaVersion },
    };
}
