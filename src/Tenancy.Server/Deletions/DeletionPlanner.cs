using Microsoft.Extensions.Options;
using Tenancy.Server.Catalog;

namespace Tenancy.Server.Deletions;

/// <summary>
/// What a new deletion will be: its deadlines from <see cref="DeletionOptions"/> and the services that must
/// acknowledge their purge. Those are the applications bound in the subtree: an application is on for some
/// tenant of the subtree only if it is on for the deleted tenant itself (a tenant only has what its parent has),
/// so they are the deleted tenant's applications, less the platform (Tenancy purges its own rows).
/// </summary>
public sealed class DeletionPlanner(ApplicationStore applications, ServiceCatalog catalog, IOptions<DeletionOptions> options, TimeProvider clock)
{
    public async Task<DeletionPlan> PlanAsync(Tenant tenant, CancellationToken ct = default)
    {
        var now = clock.NowMicros();
        var restoreUntil = now + (long)options.Value.RetentionPeriod.TotalMicroseconds;
        var on = tenant.IsRoot ? null : await applications.OnAlongAsync(tenant.Path, ct);
        var services = catalog.Applications.Where(a => a != catalog.Platform && (on is null || on.Contains(a.Id))).Select(a => a.Id).ToList();
        return new DeletionPlan(Ids.New(), now, restoreUntil, restoreUntil + (long)options.Value.AcknowledgementPeriod.TotalMicroseconds, services);
    }
}
