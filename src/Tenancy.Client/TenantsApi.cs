using System.Net;
using System.Runtime.CompilerServices;

namespace Tenancy.Client;

/// <summary>The steps of <see cref="TenantsApi.TerminateAsync"/>, reported as they begin.</summary>
public enum TerminateStep
{
    Disable,
    Delete,
    Follow,
    Done,
}

/// <summary>Tenants of /api/2: reads, cursor-paged lists, version-checked changes and termination.</summary>
public sealed class TenantsApi(TenancyClient client)
{
    /// <summary>The page size asked for; the server caps it.</summary>
    public const int PageSize = 500;

    public Task<Tenant> GetAsync(string id, CancellationToken ct = default) =>
        client.SendAsync<Tenant>(Routes.GetTenant, Routes.GetTenant.Path(id), null, ct);

    public Task<Tenant> CreateAsync(TenantCreate tenant, CancellationToken ct = default) =>
        client.SendAsync<Tenant>(Routes.CreateTenant, Routes.CreateTenant.Path(), tenant, ct);

    /// <summary>The tenant's subtree (the tenant first, then level by level), following the server's cursors.</summary>
    public IAsyncEnumerable<Tenant> SubtreeAsync(string rootId, int pageSize = PageSize, CancellationToken ct = default) =>
        PagesAsync(TenancyClient.Query(("subtree_root_id", rootId), ("limit", pageSize)), ct);

    /// <summary>The tenant's children, following the server's cursors.</summary>
    public IAsyncEnumerable<Tenant> ChildrenAsync(string parentId, int pageSize = PageSize, CancellationToken ct = default) =>
        PagesAsync(TenancyClient.Query(("parent_id", parentId), ("limit", pageSize)), ct);

    /// <summary>GET /api/2/tenants page after page: the first query, then ?after=cursor until the server gives none.</summary>
    private async IAsyncEnumerable<Tenant> PagesAsync(string firstQuery, [EnumeratorCancellation] CancellationToken ct)
    {
        var query = firstQuery;
        while (true)
        {
            var page = await client.SendAsync<TenantPage>(Routes.ListTenants, Routes.ListTenants.Path() + query, null, ct);
            foreach (var tenant in page.Items)
            {
                yield return tenant;
            }

            var after = page.Paging.Cursors?.After;
            if (after is null || page.Items.Count == 0)
            {
                yield break;
            }

            query = TenancyClient.Query(("after", after));
        }
    }

    /// <summary>
    /// Applies a change quoting the tenant's current version. When another writer got there first (409), it
    /// reads the tenant again and applies the change to the fresh version, up to <see cref="TenancyClientOptions.ConflictAttempts"/> times.
    /// </summary>
    public async Task<Tenant> UpdateAsync(string id, TenantChange change, CancellationToken ct = default)
    {
        ArgumentNullException.ThrowIfNull(change);
        var version = change.Version ?? (await GetAsync(id, ct)).Version;
        for (var attempt = 1; ; attempt++)
        {
            try
            {
                return await client.SendAsync<Tenant>(Routes.UpdateTenant, Routes.UpdateTenant.Path(id), change with { Version = version }, ct);
            }
            catch (TenancyApiException e) when (e.Status == HttpStatusCode.Conflict && attempt < client.Options.ConflictAttempts)
            {
                version = e.CurrentVersion ?? (await GetAsync(id, ct)).Version;
            }
        }
    }

    public Task<Tenant> SuspendAsync(string id, CancellationToken ct = default) => UpdateAsync(id, new TenantChange { Enabled = false }, ct);

    public Task<Tenant> ReactivateAsync(string id, CancellationToken ct = default) => UpdateAsync(id, new TenantChange { Enabled = true }, ct);

    public Task<Tenant> MoveAsync(string id, string parentId, CancellationToken ct = default) =>
        UpdateAsync(id, new TenantChange { ParentId = parentId }, ct);

    /// <summary>DELETE quoting a version (the tenant must be disabled).</summary>
    public async Task DeleteAsync(string id, long version, CancellationToken ct = default)
    {
        using var response = await client.SendRawAsync(
            Routes.DeleteTenant, Routes.DeleteTenant.Path(id) + TenancyClient.Query(("version", version)), null, ct);
        await TenancyClient.EnsureAsync(response, ct);
    }

    /// <summary>
    /// Terminates a tenant with its subtree: disables it, deletes it quoting the fresh version, and follows the
    /// deletion to its end. A concurrent writer (a rename, even a re-enable) only makes it read again and retry.
    /// </summary>
    public async Task TerminateAsync(string id, IProgress<TerminateStep>? progress = null, CancellationToken ct = default)
    {
        Tenant? tenant = null;
        for (var attempt = 1; ; attempt++)
        {
            try
            {
                tenant ??= await GetAsync(id, ct);
                if (tenant.DeletedAt is not null)
                {
                    break;
                }

                if (tenant.Enabled)
                {
                    progress?.Report(TerminateStep.Disable);
                    tenant = await client.SendAsync<Tenant>(
                        Routes.UpdateTenant, Routes.UpdateTenant.Path(id), new TenantChange { Enabled = false, Version = tenant.Version }, ct);
                }

                progress?.Report(TerminateStep.Delete);
                try
                {
                    await DeleteAsync(id, tenant.Version, ct);
                }
                catch (TenancyApiException e) when (TenancyClient.IsNotFound(e))
                {
                    // Seen a moment ago, gone now: a retried DELETE whose first attempt succeeded.
                }

                break;
            }
            catch (TenancyApiException e) when (attempt < client.Options.ConflictAttempts && e.Status == HttpStatusCode.Conflict)
            {
                // Another writer changed the tenant: go on at once with the version the conflict names (no
                // read in between, so a busy writer cannot keep winning the race), or read it again.
                tenant = e.CurrentVersion is { } current && tenant is not null ? tenant with { Version = current } : null;
            }
            catch (TenancyApiException e) when (attempt < client.Options.ConflictAttempts && e.Code == 1006)
            {
                // Another writer enabled it again: read it, disable it again.
                tenant = null;
            }
            catch (TenancyApiException e) when (attempt > 1 && TenancyClient.IsNotFound(e))
            {
                // Gone between two attempts, which is the goal.
                break;
            }
        }

        progress?.Report(TerminateStep.Follow);
        await FollowDeletionAsync(id, ct);
        progress?.Report(TerminateStep.Done);
    }

    /// <summary>
    /// Waits until a deletion has ended: the tenant answers 404, or (where deletion is soft) it shows
    /// deleted_at and no external operation is still running on it.
    /// </summary>
    public async Task FollowDeletionAsync(string id, CancellationToken ct = default)
    {
        while (true)
        {
            try
            {
                var tenant = await GetAsync(id, ct);
                if (tenant.DeletedAt is not null && tenant.ExternalOperationStatus is null)
                {
                    return;
                }
            }
            catch (TenancyApiException e) when (TenancyClient.IsNotFound(e))
            {
                return;
            }

            await Task.Delay(client.Options.PollInterval, client.Options.TimeProvider, ct);
        }
    }

    /// <summary>Brings back a deleted tenant (soft delete).</summary>
    public async Task<Tenant> RestoreAsync(string id, CancellationToken ct = default)
    {
        // The restore answers 204; the tenant is then readable again, as it was (still disabled).
        using (var response = await client.SendRawAsync(Routes.RestoreTenant, Routes.RestoreTenant.Path(id), null, ct))
        {
            await TenancyClient.EnsureAsync(response, ct);
        }

        return await GetAsync(id, ct);
    }

    /// <summary>What a change would do (?dry_run=true), or null when the server offers no dry run (its document lacks it).</summary>
    public async Task<DryRun?> DryRunUpdateAsync(string id, TenantChange change, CancellationToken ct = default)
    {
        ArgumentNullException.ThrowIfNull(change);
        if (!await client.SupportsAsync(Routes.DryRunUpdateTenant, ct))
        {
            return null;
        }

        var version = change.Version ?? (await GetAsync(id, ct)).Version;
        var answer = await client.SendAsync<System.Text.Json.JsonElement>(
            Routes.DryRunUpdateTenant, Routes.DryRunUpdateTenant.Path(id) + TenancyClient.Query(("dry_run", true)), change with { Version = version }, ct);
        return DryRuns.Read(answer);
    }

    /// <summary>What a delete would remove (?dry_run=true), or null when the server offers no dry run.</summary>
    public async Task<DryRun?> DryRunDeleteAsync(string id, CancellationToken ct = default)
    {
        // Asked only when the document lists dry_run: a server without it would take the DELETE for real.
        if (!await client.SupportsAsync(Routes.DryRunDeleteTenant, ct))
        {
            return null;
        }

        var version = (await GetAsync(id, ct)).Version;
        using var response = await client.SendRawAsync(
            Routes.DryRunDeleteTenant, Routes.DryRunDeleteTenant.Path(id) + TenancyClient.Query(("version", version), ("dry_run", true)), null, ct);
        return DryRuns.Read(await TenancyClient.ReadAsync<System.Text.Json.JsonElement>(response, ct));
    }
}
