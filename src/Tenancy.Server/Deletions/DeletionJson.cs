using Tenancy.Server.Catalog;

namespace Tenancy.Server.Deletions;

/// <summary>
/// A deletion as the API shows it: state, deadlines (restore_until: the end of the restore window;
/// acknowledge_by: the final purge waits for the services until then), progress and the services' acknowledgements.
/// </summary>
public sealed record DeletionJson(
    string Id, string TenantId, string ParentId, string State, string CreatedAt, string CreatedBy, string RestoreUntil,
    string AcknowledgeBy, string? FinishedAt, DeletionProgressJson Progress, IReadOnlyList<DeletionServiceJson> Services)
{
    public static DeletionJson From(Deletion d, ServiceCatalog catalog) => new(
        d.Id, d.TenantId, d.ParentId, d.State, Timestamps.Format(d.CreatedAt), d.CreatedBy, Timestamps.Format(d.RestoreUntil),
        Timestamps.Format(d.AcknowledgeBy), d.FinishedAt is { } f ? Timestamps.Format(f) : null,
        new DeletionProgressJson(new(d.TenantsTotal, d.TenantsPurged), new(d.UsersTotal, d.UsersPurged), new(d.ClientsTotal, d.ClientsPurged)),
        [.. d.Services.Select(s => new DeletionServiceJson(s.ApplicationId, catalog.Find(s.ApplicationId)?.Name,
            s.AcknowledgedAt is { } a ? Timestamps.Format(a) : null, s.AcknowledgedBy))]);
}

/// <summary>How many of each kind of row the deletion took, and how many of them are purged.</summary>
public sealed record DeletionProgressJson(CountJson Tenants, CountJson Users, CountJson Clients);

public sealed record CountJson(long Total, long Purged);

public sealed record DeletionServiceJson(string ApplicationId, string? Name, string? AcknowledgedAt, string? AcknowledgedBy);

public sealed record DeletionListJson(IReadOnlyList<DeletionJson> Items, TenantEndpoints.PagingJson Paging);
