using Microsoft.Extensions.Options;
using Tenancy.Server.Storage.Caching;
using Tenancy.Server.Users;

namespace Tenancy.Server.Deletions;

/// <summary>
/// The purge, in the background, on one instance at a time (the holder of the purge lease, renewed between
/// batches; an instance that died loses it when it runs out). Each round: users deleted on their own whose window
/// ended are purged; pending deletions whose window ended start purging; a purging deletion whose services have all
/// acknowledged (or whose deadline passed) is purged for good, in batches of short transactions, then ends done
/// (or failed when some service never acknowledged). The work is the rows of the store, so it survives restarts.
/// </summary>
public sealed class DeletionWorker(
    DeletionStore store, TenantStore tenants, UserStore users, TimeProvider clock, IOptions<DeletionOptions> options,
    CacheGenerations cache, ILogger<DeletionWorker> log) : BackgroundService
{
    /// <summary>This instance's name on the lease.</summary>
    public string Instance { get; } = $"{Environment.MachineName}/{Environment.ProcessId}/{Guid.NewGuid():N}";

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        if (!options.Value.Worker)
        {
            return;
        }

        while (!stoppingToken.IsCancellationRequested)
        {
            try
            {
                await RunOnceAsync(clock.NowMicros(), stoppingToken);
            }
            catch (Exception e) when (e is not OperationCanceledException && Database.IsUnavailable(e))
            {
                // The store may be away for a while (a restart, a failover); the work stays in the rows and is taken up on the next round.
                log.LogWarning("Purging deletions: the store is unavailable ({Reason}); retrying in {Interval}", e.Message, options.Value.PollInterval);
            }
            catch (Exception e) when (e is not OperationCanceledException)
            {
                log.LogError(e, "The purge failed; retrying in {Interval}", options.Value.PollInterval);
            }

            try
            {
                await Task.Delay(options.Value.PollInterval, clock, stoppingToken);
            }
            catch (OperationCanceledException)
            {
                return;
            }
        }
    }

    /// <summary>One round of the purge as of <paramref name="now"/> (unix microseconds); false when another instance holds the lease.</summary>
    public async Task<bool> RunOnceAsync(long now, CancellationToken ct)
    {
        var o = options.Value;
        if (!await LeaseAsync(now, ct))
        {
            return false;
        }

        while (await users.PurgeAsync(now - (long)o.RetentionPeriod.TotalMicroseconds, o.BatchSize, ct) > 0 && await LeaseAsync(now, ct))
        {
        }

        foreach (var due in await store.DueAsync(now, ct))
        {
            await store.MoveAsync(due, DeletionStates.Pending, DeletionStates.Purging, now, Audit(due, DeletionStates.Purging), ct);
        }

        foreach (var deletion in await store.PurgingAsync(ct))
        {
            if (deletion.AllAcknowledged || now >= deletion.AcknowledgeBy)
            {
                await PurgeAsync(deletion, now, ct);
            }
        }

        return true;
    }

    private async Task PurgeAsync(Deletion deletion, long now, CancellationToken ct)
    {
        // The deleted tenant as it is now (its rows move with a moved ancestor); nothing to remove when it is gone
        // already (purged with an ancestor deleted later).
        var root = (await tenants.GetWithPathAsync(deletion.TenantId, withDeleted: true, ct)).Tenant;
        var batch = new PurgedBatch(0, 0, 0);
        do
        {
            if (root?.DeletionId != deletion.Id)
            {
                break;
            }

            if (!await LeaseAsync(now, ct))
            {
                return;
            }

            batch = await tenants.PurgeBatchAsync(root.Path, options.Value.BatchSize, now, ct);
            // Purged rows were already deleted (so not cached as live); the bump keeps that an explicit guarantee.
            cache.Bump();
            await store.AddProgressAsync(deletion.Id, batch, ct);
        }
        while (batch.Tenants > 0);

        var state = deletion.AllAcknowledged ? DeletionStates.Done : DeletionStates.Failed;
        await store.MoveAsync(deletion, DeletionStates.Purging, state, now, Audit(deletion, state), ct);
        log.LogInformation("Deletion {Deletion} of tenant {Tenant} purged: {State}", deletion.Id, deletion.TenantId, state);
    }

    private Task<bool> LeaseAsync(long now, CancellationToken ct) =>
        store.TakeLeaseAsync(Instance, now, now + (long)options.Value.Lease.TotalMicroseconds, ct);

    /// <summary>The purge's own records: the actor is the purge, on behalf of whoever deleted.</summary>
    private static AuditEntry Audit(Deletion d, string state) =>
        new(new Caller("purge", PrincipalKind.Client, d.ParentId, 0, d.TenantPath), "deletion." + state, "deletion", d.Id, d.TenantPath,
            null, new Dictionary<string, object?> { ["tenant_id"] = d.TenantId, ["state"] = state });
}
