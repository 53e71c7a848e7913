using Tenancy.Server.OfferingItems;
using Tenancy.Server.Catalog;

namespace Tenancy.Server.Usage;

/// <summary>An offering item's usage for a tenant, as /api/2 shows it (values in the item's measurement unit).</summary>
/// <param name="Enabled">The item's application is on for the tenant: it then has an offering item with a quota.</param>
public sealed record ItemUsage(
    Application Application, OfferingItem Item, string TenantId, long RangeStart, long Value, long AbsoluteValue, bool Enabled, Quota Quota)
{
    /// <summary>Over quota: the subtree's usage lies above quota plus overage.</summary>
    public bool OverQuota => Quota.IsExceededBy(AbsoluteValue);
}

/// <summary>The outcome of one item of a batch: null error when applied (or unchanged).</summary>
public sealed record ItemOutcome(ItemNames Names, int Index, Error? Error);

/// <summary>
/// Usage per offering item in the /api/2 dialect, over the one usage store. Reads: which items a tenant
/// has (those of the applications it has on, and any item with usage in its subtree), each with the
/// tenant's value, the subtree's absolute value and the quota. Writes: values reported per tenant and
/// offering item. Every tenant is decided on by the access policy; no HTTP here.
/// </summary>
public sealed class ItemUsageService(
    ServiceCatalog catalog, TenantService tenants, ApplicationService applications, UsageStore usage, ItemUsageStore store,
    IQuotaSource quotas, TimeProvider clock)
{
    /// <summary>At most this many tenants in one read by ids.</summary>
    public const int MaxTenants = 100;

    public async Task<Result<IReadOnlyList<ItemUsage>>> OfTenantAsync(Caller caller, string tenantId, UsageFilter filter, CancellationToken ct = default)
    {
        var placed = await tenants.AuthorizeAsync(caller, tenantId, Operation.Read, Resource.Usage, ct);
        return placed.IsOk ? Result<IReadOnlyList<ItemUsage>>.Ok(await ReadAsync(placed.Value.Tenant, filter, ct)) : placed.Error;
    }

    /// <summary>The usages of each listed tenant, in the order given; the first tenant the caller may not read refuses the whole read.</summary>
    public async Task<Result<IReadOnlyList<(string TenantId, IReadOnlyList<ItemUsage> Usages)>>> OfTenantsAsync(
        Caller caller, string? tenantIds, UsageFilter filter, CancellationToken ct = default)
    {
        var ids = UsageQuery.List(tenantIds) ?? [];
        if (ids.Count == 0)
        {
            return new Invalid("tenants", "tenants is required: a comma-separated list of tenant UUIDs.");
        }

        if (ids.Count > MaxTenants)
        {
            return new Invalid("tenants", $"tenants may list at most {MaxTenants} tenants.");
        }

        var placed = new List<Tenant>();
        foreach (var id in ids.Distinct(StringComparer.OrdinalIgnoreCase))
        {
            if (Ids.Normalize(id) is null)
            {
                return new Invalid("tenants", $"tenants must list tenant UUIDs; '{id}' is not one.");
            }

            var tenant = await tenants.AuthorizeAsync(caller, id, Operation.Read, Resource.Usage, ct);
            if (!tenant.IsOk)
            {
                return tenant.Error;
            }

            placed.Add(tenant.Value.Tenant);
        }

        var result = new List<(string, IReadOnlyList<ItemUsage>)>();
        foreach (var tenant in placed)
        {
            result.Add((tenant.Id, await ReadAsync(tenant, filter, ct)));
        }

        return result;
    }

    private async Task<IReadOnlyList<ItemUsage>> ReadAsync(Tenant tenant, UsageFilter filter, CancellationToken ct)
    {
        var on = (await applications.EffectiveAsync(tenant, ct)).Select(a => a.Id).ToHashSet(StringComparer.Ordinal);
        var totals = (await store.TotalsAsync(tenant, ct)).ToDictionary(t => new ItemKey(t.ApplicationId, t.OfferingItem));
        var limits = await quotas.QuotasAsync(tenant.Id, ct);
        var now = clock.GetUtcNow();
        var rangeStart = Timestamps.ToMicros(new DateTimeOffset(now.Year, now.Month, 1, 0, 0, 0, TimeSpan.Zero));
        var result = new List<ItemUsage>();
        foreach (var application in catalog.Applications)
        {
            var enabled = on.Contains(application.Id);
            var scale = ServiceLevelItems.ApiUnitsPerStored(application.Id);
            foreach (var item in application.OfferingItems.Where(filter.Keeps))
            {
                var key = new ItemKey(application.Id, item.Name);
                var used = totals.GetValueOrDefault(key);
                if (enabled || used is not null)
                {
                    result.Add(new ItemUsage(application, item, tenant.Id, rangeStart, ToApi(used?.Value, scale), ToApi(used?.AbsoluteValue, scale),
                        enabled, limits.GetValueOrDefault(key) ?? Quota.Unlimited));
                }
            }
        }

        return result;
    }

    /// <summary>A stored value in the API's unit: a whole number, never negative.</summary>
    private static long ToApi(double? stored, double scale) =>
        stored is not { } value ? 0
        : value * scale >= long.MaxValue ? long.MaxValue
        : Math.Max(0, (long)Math.Round(value * scale, MidpointRounding.AwayFromZero));

    /// <summary>
    /// Records the valid items of a batch as the tenants' current values (per tenant, without a
    /// subscription) and answers each item. A value equal to the current one records nothing, so a re-sent
    /// batch changes nothing. The policy decides once per tenant of the batch (usage goes on while a tenant
    /// is suspended); an item the caller may not write is refused on its own.
    /// </summary>
    public async Task<IReadOnlyList<ItemOutcome>> ReportAsync(Caller caller, IReadOnlyList<ReportedItem> items, CancellationToken ct = default)
    {
        var decisions = new Dictionary<string, Error?>(StringComparer.Ordinal);
        var seen = new HashSet<(string, ItemKey)>();
        var outcomes = new List<ItemOutcome>();
        var good = new List<StoredSample>();
        var now = clock.NowMicros();
        for (var i = 0; i < items.Count; i++)
        {
            var report = items[i].Report;
            var sample = report.IsOk ? await CheckAsync(report.Value) : report.Error;
            if (sample.IsOk && !seen.Add((sample.Value.TenantId, new ItemKey(sample.Value.ApplicationId, sample.Value.OfferingItem))))
            {
                sample = new Invalid("offering_item", $"The offering item {sample.Value.OfferingItem} of tenant {sample.Value.TenantId} is listed twice in the batch.");
            }

            if (sample.IsOk)
            {
                good.Add(sample.Value);
            }

            outcomes.Add(new ItemOutcome(items[i].Names, i, sample.IsOk ? null : sample.Error));
        }

        if (good.Count > 0)
        {
            await usage.IngestAsync(good, now, onlyIfChanged: true, ct);
        }

        return outcomes;

        async Task<Result<StoredSample>> CheckAsync(ItemReport report)
        {
            var item = Resolve(report);
            if (!item.IsOk)
            {
                return item.Error;
            }

            if (Ids.Normalize(report.TenantId) is not { } tenantId)
            {
                return new Invalid("tenant_id", "tenant_id must be a UUID.");
            }

            if (!decisions.TryGetValue(tenantId, out var denied))
            {
                var tenant = await tenants.AuthorizeAsync(caller, tenantId, Operation.Create, Resource.Usage, ct);
                decisions[tenantId] = denied = tenant.IsOk ? null : tenant.Error;
            }

            var (application, offering) = item.Value;
            if (denied is not null)
            {
                return denied;
            }

            return new StoredSample(tenantId, application.Id, offering.Name, StoredSample.NoSubscription, now,
                report.Value / ServiceLevelItems.ApiUnitsPerStored(application.Id));
        }
    }

    /// <summary>The catalog's offering item an item names: by offering_item (else by usage_type), narrowed by infra_id.</summary>
    private Result<(Application Application, OfferingItem Item)> Resolve(ItemReport report)
    {
        var (field, name) = report.OfferingItem is { } offering ? ("offering_item", offering) : ("usage_type", report.UsageType!);
        var infra = report.InfraId is null ? null : Ids.Normalize(report.InfraId);
        if (report.InfraId is not null && infra is null)
        {
            return new Invalid("infra_id", "infra_id must be a UUID.");
        }

        var named = catalog.Applications
            .SelectMany(a => a.OfferingItems.Select(i => (Application: a, Item: i)))
            .Where(x => field == "offering_item" ? x.Item.Name == name : x.Item.UsageName == name)
            .ToList();
        var matching = infra is null ? named : [.. named.Where(x => x.Item.InfraId == infra)];
        return named.Count == 0 ? new Invalid(field, $"'{name}' is not {(field == "offering_item" ? "an offering item" : "a usage name")} of the catalog; see GET /api/2/applications.")
            : matching.Count == 0 ? new Invalid("infra_id", $"No offering item '{name}' of the infrastructure {infra}.")
            : matching.Count > 1 ? new Invalid(matching.Any(x => x.Item.Type == OfferingItemTypes.Infra) && infra is null ? "infra_id" : field,
                $"'{name}' names {matching.Count} offering items; name one with offering_item{(infra is null ? " and infra_id" : "")}.")
            : matching[0].Item.Type == OfferingItemTypes.Infra && infra is null
                ? new Invalid("infra_id", $"infra_id is required for the offering item {matching[0].Item.Name} (type infra).")
            : matching[0];
    }
}
