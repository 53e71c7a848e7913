namespace Tenancy.Server.Catalog;

/// <summary>
/// The catalog and which applications tenants have on. Rules: the root has every application on; the
/// platform application is on everywhere and cannot be turned off; a tenant can only turn on what its
/// parent has on; turning an application off for a tenant turns it off for its whole subtree at once
/// (derived from the path, no descendant is written), and turning it back on restores it. No HTTP here;
/// every operation asks the access policy first.
/// </summary>
public sealed class ApplicationService(ServiceCatalog catalog, TenantService tenants, ApplicationStore store, TimeProvider clock)
{
    /// <summary>The catalog; any principal may read it (asked as a read of its own tenant's applications).</summary>
    public async Task<Result<IReadOnlyList<Application>>> ListAsync(Caller caller, CancellationToken ct = default)
    {
        var own = await tenants.AuthorizeAsync(caller, caller.HomeTenantId, Operation.Read, Resource.Application, ct);
        return own.IsOk ? Result<IReadOnlyList<Application>>.Ok(catalog.Applications) : own.Error;
    }

    public async Task<Result<Application>> GetAsync(Caller caller, string applicationId, CancellationToken ct = default)
    {
        var own = await tenants.AuthorizeAsync(caller, caller.HomeTenantId, Operation.Read, Resource.Application, ct);
        return !own.IsOk ? own.Error : Find(applicationId);
    }

    /// <summary>The applications the tenant has effectively on, in catalog order.</summary>
    public async Task<Result<IReadOnlyList<Application>>> OfTenantAsync(Caller caller, string tenantId, CancellationToken ct = default)
    {
        var placed = await tenants.AuthorizeAsync(caller, tenantId, Operation.Read, Resource.Application, ct);
        return placed.IsOk ? Result<IReadOnlyList<Application>>.Ok(await EffectiveAsync(placed.Value.Tenant, ct)) : placed.Error;
    }

    public async Task<Result<Done>> TurnOnAsync(Caller caller, string applicationId, string tenantId, CancellationToken ct = default)
    {
        var found = await FindBindingAsync(caller, applicationId, tenantId, ct);
        if (!found.IsOk)
        {
            return found.Error;
        }

        var (application, tenant) = found.Value;
        if (tenant.IsRoot || application == catalog.Platform)
        {
            return Done.Value; // always on
        }

        var audit = Audit(caller, "application.turn_on", application, tenant, before: false);
        if (await store.TurnOnAsync(tenant, application.Id, clock.NowMicros(), audit, ct))
        {
            return Done.Value;
        }

        // Nothing written: already on (nothing to do), or a tenant above lacks it.
        var above = await store.OnAlongAsync(ParentPath(tenant), ct);
        return TreePath.IsRootPath(ParentPath(tenant)) || above.Contains(application.Id)
            ? Done.Value
            : new RuleViolation(Rule.Business,
                $"The application {application.Name} ({application.Id}) is not on for the parent tenant {tenant.ParentId}; turn it on there first.");
    }

    public async Task<Result<Done>> TurnOffAsync(Caller caller, string applicationId, string tenantId, CancellationToken ct = default)
    {
        var found = await FindBindingAsync(caller, applicationId, tenantId, ct);
        if (!found.IsOk)
        {
            return found.Error;
        }

        var (application, tenant) = found.Value;
        if (application == catalog.Platform)
        {
            return new RuleViolation(Rule.Business, $"The platform application {application.Name} ({application.Id}) is always on; it cannot be turned off.");
        }

        if (tenant.IsRoot)
        {
            return new RuleViolation(Rule.Business, $"The root tenant has every application on; {application.Name} ({application.Id}) cannot be turned off for it.");
        }

        // Not written when it was not on: a change that changes nothing records nothing.
        await store.TurnOffAsync(tenant, application.Id, clock.NowMicros(), Audit(caller, "application.turn_off", application, tenant, before: true), ct);
        return Done.Value;
    }

    /// <summary>The applications the tenant has effectively on, in catalog order (no access check: the caller has decided).</summary>
    public async Task<IReadOnlyList<Application>> EffectiveAsync(Tenant tenant, CancellationToken ct = default)
    {
        if (tenant.IsRoot)
        {
            return catalog.Applications;
        }

        var on = await store.OnAlongAsync(tenant.Path, ct);
        return [.. catalog.Applications.Where(a => a == catalog.Platform || on.Contains(a.Id))];
    }

    /// <summary>The application, and the tenant if the policy lets the caller change its applications.</summary>
    private async Task<Result<(Application Application, Tenant Tenant)>> FindBindingAsync(
        Caller caller, string applicationId, string tenantId, CancellationToken ct)
    {
        var application = Find(applicationId);
        if (!application.IsOk)
        {
            return application.Error;
        }

        var placed = await tenants.AuthorizeAsync(caller, tenantId, Operation.Change, Resource.Application, ct);
        return placed.IsOk ? (application.Value, placed.Value.Tenant) : placed.Error;
    }

    private Result<Application> Find(string applicationId) =>
        Ids.Normalize(applicationId) is not { } id ? new Invalid("application_id", "application_id must be a UUID.")
        : catalog.Find(id) is { } found ? found
        : new NotFound($"The application {id} was not found in the catalog.");

    private static string ParentPath(Tenant tenant) => tenant.Path[..(tenant.Path.LastIndexOf('/', tenant.Path.Length - 2) + 1)];

    private static AuditEntry Audit(Caller caller, string operation, Application application, Tenant tenant, bool before) =>
        new(caller, operation, "tenant", tenant.Id, tenant.Path,
            new Dictionary<string, object?> { ["application_id"] = application.Id, ["on"] = before },
            new Dictionary<string, object?> { ["application_id"] = application.Id, ["on"] = !before });
}
