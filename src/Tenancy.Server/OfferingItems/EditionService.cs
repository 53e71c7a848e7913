using Tenancy.Server.Catalog;

namespace Tenancy.Server.OfferingItems;

/// <summary>What switching a tenant's edition does: warning codes, the items turned off and on, and the writes.</summary>
public sealed record EditionSwitch(
    IReadOnlyList<string> Warnings, IReadOnlyList<string> TurnedOff, IReadOnlyList<string> TurnedOn,
    IReadOnlyList<(ItemState State, ItemWrite Write)> Plan);

/// <summary>
/// Switching a tenant from its edition of an application to another: the items of the other editions it has
/// on are turned off; the target edition's items its parent has on are turned on (infra items only at the
/// locations the tenant uses), each taking the quota of the item it replaces (same usage name and location).
/// Refused, naming the items, when the parent lacks a replacement or the target edition. The check computes
/// the same switch and changes nothing; the switch writes it at once, in one transaction.
/// </summary>
public sealed class EditionService(ServiceCatalog catalog, TenantService tenants, OfferingItemService items, TimeProvider clock)
{
    public const string OldFeaturesBecomeUnavailable = "OldFeaturesBecomeUnavailable";
    public const string NewFeaturesBecomeAvailable = "NewFeaturesBecomeAvailable";
    public const string UsageStatisticsWillMigrate = "UsageStatisticsWillMigrate";

    /// <summary>What the switch would do, changing nothing.</summary>
    public async Task<Result<EditionSwitch>> CheckAsync(
        Caller caller, string tenantId, string? applicationId, string? targetEdition, CancellationToken ct = default)
    {
        var found = await FindAsync(caller, tenantId, applicationId, targetEdition, Operation.Read, ct);
        return found.IsOk ? await PlanAsync(found.Value.Tenant, found.Value.Application, targetEdition!, ct) : found.Error;
    }

    /// <summary>Switches, and answers the application's items of the tenant as they are then.</summary>
    public async Task<Result<(Tenant Tenant, IReadOnlyList<ItemState> Items)>> SwitchAsync(
        Caller caller, string tenantId, string? applicationId, string? targetEdition, CancellationToken ct = default)
    {
        var found = await FindAsync(caller, tenantId, applicationId, targetEdition, Operation.Change, ct);
        if (!found.IsOk)
        {
            return found.Error;
        }

        var (tenant, application) = found.Value;
        var plan = await PlanAsync(tenant, application, targetEdition!, ct);
        if (!plan.IsOk)
        {
            return plan.Error;
        }

        var written = await items.WriteAsync(caller, tenant, "edition.switch", plan.Value.Plan, ct);
        return !written.IsOk ? written.Error
            : (tenant, [.. (await items.StatesAsync(tenant, ct)).Where(s => s.Application == application)]);
    }

    private async Task<Result<EditionSwitch>> PlanAsync(Tenant tenant, Application application, string target, CancellationToken ct)
    {
        var states = (await items.StatesAsync(tenant, ct)).Where(s => s.Application == application).ToList();
        var sources = states.Where(s => s.Item.Edition is not null && s.Item.Edition != target && s.OwnOn(catalog)).ToList();
        var targets = states.Where(s => s.Item.Edition == target).ToList();
        ItemState? Replacement(ItemState s) => targets.FirstOrDefault(t => t.Item.UsageName == s.Item.UsageName && t.Item.InfraId == s.Item.InfraId);

        var unavailable = sources.Select(Replacement).OfType<ItemState>().Where(t => !t.ParentOn).Select(t => t.Item.Name).ToList();
        if (unavailable.Count > 0)
        {
            return new RuleViolation(Rule.Business,
                $"The edition cannot be switched: the parent tenant {tenant.ParentId} does not have these offering items on: {string.Join(", ", unavailable)}.")
            { OfferingItems = unavailable };
        }

        if (!targets.Any(t => t.ParentOn))
        {
            return new RuleViolation(Rule.Business,
                $"The parent tenant {tenant.ParentId} has no offering item of the edition {target} of {application.Name} on.")
            { OfferingItems = [.. targets.Select(t => t.Item.Name)] };
        }

        var locations = sources.Select(s => s.Item.InfraId).OfType<string>().ToHashSet(StringComparer.Ordinal);
        var alreadyThere = sources.Count == 0 && targets.Any(t => t.OwnOn(catalog));
        List<ItemState> turnOn = alreadyThere ? [] : targets.Where(t => t.ParentOn && !t.OwnOn(catalog)
            && (t.Item.InfraId is null || locations.Count == 0 || locations.Contains(t.Item.InfraId))).ToList();

        var nowMillis = clock.NowMicros() / 1000;
        var plan = new List<(ItemState, ItemWrite)>();
        var tooHigh = new List<string>();
        foreach (var s in sources)
        {
            plan.Add((s, Write(s, 0, s.Own?.QuotaValue, s.Own?.QuotaOverage, s.OwnVersion)));
        }

        foreach (var t in turnOn)
        {
            var replaced = sources.FirstOrDefault(s => Replacement(s) == t);
            var (value, overage) = replaced is null ? (t.Own?.QuotaValue, t.Own?.QuotaOverage) : (replaced.Own?.QuotaValue, replaced.Own?.QuotaOverage);
            if (value > t.ParentQuota.Value || overage > t.ParentQuota.Overage)
            {
                tooHigh.Add(t.Item.Name);
            }

            var same = value == t.Own?.QuotaValue && overage == t.Own?.QuotaOverage;
            var version = same ? t.OwnVersion : value is null && overage is null ? 0 : Math.Max(nowMillis, t.OwnVersion + 1);
            plan.Add((t, Write(t, 1, value, overage, version)));
        }

        if (tooHigh.Count > 0)
        {
            return new RuleViolation(Rule.Business,
                $"The edition cannot be switched: the quotas carried over would exceed the parent tenant's for {string.Join(", ", tooHigh)}.")
            { OfferingItems = tooHigh };
        }

        var warnings = new List<string>();
        if (sources.Any(s => Replacement(s) is null))
        {
            warnings.Add(OldFeaturesBecomeUnavailable);
        }

        if (turnOn.Any(t => !sources.Any(s => Replacement(s) == t)))
        {
            warnings.Add(NewFeaturesBecomeAvailable);
        }

        if (sources.Any(s => Replacement(s) is not null))
        {
            warnings.Add(UsageStatisticsWillMigrate);
        }

        return new EditionSwitch(warnings, [.. sources.Select(s => s.Item.Name)], [.. turnOn.Select(t => t.Item.Name)], plan);
    }

    private static ItemWrite Write(ItemState s, long status, long? value, long? overage, long version) =>
        new(s.Application.Id, s.Item.Name, s.Item.Edition, status, value, overage, version, s.OwnVersion);

    /// <summary>The tenant (if the policy allows <paramref name="operation"/> on its items) and the application, with the edition checked.</summary>
    private async Task<Result<(Tenant Tenant, Application Application)>> FindAsync(
        Caller caller, string tenantId, string? applicationId, string? targetEdition, Operation operation, CancellationToken ct)
    {
        if (string.IsNullOrWhiteSpace(applicationId))
        {
            return new Invalid("application_id", "application_id is required: the application whose edition to switch.");
        }

        if (string.IsNullOrWhiteSpace(targetEdition))
        {
            return new Invalid("target_edition", "target_edition is required: the edition to switch to.");
        }

        var application = Ids.Normalize(applicationId) is not { } id ? null : catalog.Find(id);
        if (application is null)
        {
            return Ids.Normalize(applicationId) is null ? new Invalid("application_id", "application_id must be a UUID.")
                : new NotFound($"The application {applicationId} was not found in the catalog.");
        }

        if (application.Editions.All(e => e.Name != targetEdition))
        {
            return new Invalid("target_edition", application.Editions.Count == 0
                ? $"The application {application.Name} has no editions."
                : $"target_edition must be an edition of {application.Name}: {string.Join(", ", application.Editions.Select(e => e.Name))} (got '{targetEdition}').");
        }

        var placed = await tenants.AuthorizeAsync(caller, tenantId, operation, Resource.OfferingItem, ct);
        if (!placed.IsOk)
        {
            return placed.Error;
        }

        return placed.Value.Tenant.IsRoot
            ? new RuleViolation(Rule.Business, "The root tenant has every edition on; its edition cannot be switched.")
            : (placed.Value.Tenant, application);
    }
}
