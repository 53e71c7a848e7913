using System.Text.Json;
using Tenancy.Server.Catalog;
using Tenancy.Server.Clients;

namespace Tenancy.Server.Deletions;

/// <summary>
/// Deletions (termination operations): reading them, restoring a deleted tenant within the window, and the
/// services' acknowledgements. No HTTP here; every operation asks the access policy, on the deleted tenant.
/// </summary>
public sealed class DeletionService(
    DeletionStore store, TenantService tenants, TenantStore tenantStore, ClientStore clients, ServiceCatalog catalog, TimeProvider clock)
{
    public const int MaxPageSize = 100;

    /// <summary>The latest deletion of a tenant (deleted or already purged).</summary>
    public async Task<Result<Deletion>> OfTenantAsync(Caller caller, string tenantId, CancellationToken ct = default)
    {
        if (Ids.Normalize(tenantId) is not { } id)
        {
            return new Invalid("tenant_id", "tenant_id must be a UUID.");
        }

        if (await store.LatestOfTenantAsync(id, ct) is { } deletion)
        {
            return await DecideAsync(caller, Operation.Read, deletion, ct) is { } denied ? denied : deletion;
        }

        // Never deleted: the tenant's reach decides between "outside your reach" and "no deletion".
        var placed = await tenants.AuthorizeAnyAsync(caller, id, Operation.Read, Resource.Deletion, ct);
        return placed.IsOk ? new NotFound($"The tenant {id} has no deletion.") : placed.Error;
    }

    public async Task<Result<Deletion>> GetAsync(Caller caller, string deletionId, CancellationToken ct = default)
    {
        var found = await FindAsync(deletionId, ct);
        return !found.IsOk ? found.Error
            : await DecideAsync(caller, Operation.Read, found.Value, ct) is { } denied ? denied
            : found.Value;
    }

    /// <summary>
    /// The deletions in a state within the caller's reach, oldest first (a service finds what it must purge), a page
    /// after the deletion <paramref name="after"/> (the previous page's cursor); the next cursor when more follow.
    /// </summary>
    public async Task<Result<(IReadOnlyList<Deletion> Items, string? After)>> ListAsync(
        Caller caller, string state, string? after, int limit, CancellationToken ct = default)
    {
        if (state is not (DeletionStates.Pending or DeletionStates.Purging or DeletionStates.Done or DeletionStates.Failed or DeletionStates.Cancelled))
        {
            return new Invalid("state", "state must be one of pending, purging, done, failed, cancelled.");
        }

        if (after is not null && !Guid.TryParse(after, out _))
        {
            return new Invalid("after", "after must be the cursor of a previous page (a deletion id).");
        }

        limit = Math.Clamp(limit, 1, MaxPageSize);
        var rows = await store.ListAsync(state, after,
            AccessPolicy.Where(caller, Operation.Read, Resource.Deletion, "d.tenant_path"), AccessPolicy.Parameters(caller), limit + 1, ct);
        var page = rows.Take(limit).ToList();
        return (page, rows.Count > limit ? page[^1].Id : null);
    }

    /// <summary>
    /// Restores a deleted tenant with its subtree as it was (still disabled; versions, users, API clients and their
    /// secrets intact) while its deletion is pending. Refused for a tenant deleted with an ancestor (restore that one)
    /// and for one whose parent is itself deleted (restore the parent first).
    /// </summary>
    public async Task<Result<Done>> RestoreAsync(Caller caller, string tenantId, CancellationToken ct = default)
    {
        var placed = await tenants.AuthorizeAnyAsync(caller, tenantId, Operation.Delete, Resource.Tenant, ct);
        if (!placed.IsOk)
        {
            return placed.Error;
        }

        var tenant = placed.Value.Tenant;
        if (tenant.DeletionId is null || await store.GetAsync(tenant.DeletionId, ct) is not { } deletion)
        {
            return new RuleViolation(Rule.Business, $"Tenant {tenant.Id} is not deleted; there is nothing to restore.");
        }

        if (deletion.TenantId != tenant.Id)
        {
            return new RuleViolation(Rule.Business,
                $"Tenant {tenant.Id} was deleted with tenant {deletion.TenantId}; restore tenant {deletion.TenantId} instead.");
        }

        var now = clock.NowMicros();
        var audit = new AuditEntry(caller, "tenant.restore", "tenant", tenant.Id, tenant.Path,
            new Dictionary<string, object?> { ["deletion_id"] = deletion.Id }, new Dictionary<string, object?> { ["deletion_state"] = DeletionStates.Cancelled });
        try
        {
            if (await store.RestoreAsync(deletion, now, audit, ct))
            {
                return Done.Value;
            }
        }
        catch (Exception e) when (Database.IsConstraintViolation(e))
        {
            return new Duplicate("code", $"A code or login of tenant {tenant.Id}'s subtree was taken since it was deleted; " +
                "free it (or rename that object), then restore again.");
        }

        // Nothing written: decided on the rows as they are now.
        var current = await store.GetAsync(deletion.Id, ct);
        return current is null || current.State != DeletionStates.Pending
            ? new RuleViolation(Rule.Business, $"The deletion {deletion.Id} of tenant {tenant.Id} is {current?.State ?? "gone"}; it can no longer be restored.")
            : current.RestoreUntil <= now
            ? new RuleViolation(Rule.Business, $"The restore window of tenant {tenant.Id} ended at {Timestamps.Format(current.RestoreUntil)}.")
            : new RuleViolation(Rule.Business, $"The parent tenant {tenant.ParentId} of tenant {tenant.Id} is deleted; restore it first.");
    }

    /// <summary>
    /// A service acknowledges that it purged its data of the deleted subtree. It does so with its own API client:
    /// an API client whose data names the application ("application_id") and whose reach holds the deleted tenant.
    /// Acknowledging twice answers the deletion as it is.
    /// </summary>
    public async Task<Result<Deletion>> AcknowledgeAsync(Caller caller, string deletionId, string applicationId, CancellationToken ct = default)
    {
        if (Ids.Normalize(applicationId) is not { } appId || catalog.Find(appId) is not { } application)
        {
            return Ids.Normalize(applicationId) is null
                ? new Invalid("application_id", "application_id must be a UUID.")
                : new NotFound($"The application {Ids.Normalize(applicationId)} was not found in the catalog.");
        }

        var found = await FindAsync(deletionId, ct);
        if (!found.IsOk)
        {
            return found.Error;
        }

        var deletion = found.Value;
        if (await DecideAsync(caller, Operation.Change, deletion, ct) is { } denied)
        {
            return denied;
        }

        if (caller.Kind != PrincipalKind.Client || await clients.GetAsync(caller.Id, ct) is not { } client || ServiceOf(client) != application.Id)
        {
            return new Forbidden($"Only an API client of the application {application.Name} ({application.Id}) acknowledges its purge: " +
                "its data must name the application (\"application_id\").");
        }

        if (deletion.Services.FirstOrDefault(s => s.ApplicationId == application.Id) is not { } service)
        {
            return new NotFound($"The application {application.Name} ({application.Id}) is not among the services of deletion {deletion.Id}.");
        }

        if (service.AcknowledgedAt is not null)
        {
            return deletion;
        }

        if (deletion.State != DeletionStates.Purging)
        {
            return new RuleViolation(Rule.Business, deletion.State == DeletionStates.Pending
                ? $"The deletion {deletion.Id} is within its restore window until {Timestamps.Format(deletion.RestoreUntil)}; services purge after it."
                : $"The deletion {deletion.Id} is {deletion.State}; it awaits no acknowledgement.");
        }

        var now = clock.NowMicros();
        var audit = new AuditEntry(caller, "deletion.acknowledge", "deletion", deletion.Id, deletion.TenantPath,
            null, new Dictionary<string, object?> { ["application_id"] = application.Id });
        await store.AcknowledgeAsync(deletion.Id, application.Id, $"{caller.ActorType}:{caller.Id}", now, audit, ct);
        return await FindAsync(deletion.Id, ct);
    }

    /// <summary>The application an API client acts for: its data's "application_id", if any.</summary>
    public static string? ServiceOf(ApiClient client)
    {
        try
        {
            using var data = JsonDocument.Parse(client.Data);
            return data.RootElement.ValueKind == JsonValueKind.Object
                && data.RootElement.TryGetProperty("application_id", out var id) && id.ValueKind == JsonValueKind.String
                ? Ids.Normalize(id.GetString())
                : null;
        }
        catch (JsonException)
        {
            return null;
        }
    }

    private async Task<Result<Deletion>> FindAsync(string deletionId, CancellationToken ct) =>
        Ids.Normalize(deletionId) is not { } id ? new Invalid("deletion_id", "deletion_id must be a UUID.")
        : await store.GetAsync(id, ct) is { } deletion ? deletion
        : new NotFound($"The deletion {id} was not found.");

    /// <summary>
    /// The access policy on the deleted tenant: its row while it exists (deleted rows move with their ancestors),
    /// else the path it had when deleted.
    /// </summary>
    private async Task<Error?> DecideAsync(Caller caller, Operation operation, Deletion deletion, CancellationToken ct)
    {
        var (tenant, restrictions, _) = await tenantStore.GetWithPathAsync(deletion.TenantId, withDeleted: true, ct);
        var placement = tenant is not null ? new Placement(tenant, restrictions) : new Placement(new Tenant
        {
            Id = deletion.TenantId, ParentId = deletion.ParentId, Path = deletion.TenantPath, Kind = "", Name = "",
            BrandUuid = "", DefaultIdpId = "",
        }, await tenantStore.RestrictionsAsync(TreePath.Seqs(deletion.TenantPath), ct));
        return AccessPolicy.Decide(caller, operation, Resource.Deletion, deletion.Id, placement);
    }
}
