namespace Tenancy.Server.Lifecycle;

/// <summary>What a dry run answers: the operation, the error the real request would answer (null: it would succeed), and its reach.</summary>
public sealed record DryRunReport(string Operation, Error? Refusal, Impact Impact);

/// <summary>
/// Dry runs of suspend, reactivate, update, move and delete. Each runs the real operation of
/// <see cref="TenantService"/> with its dry-run flag: the same access checks and the same rules, on the
/// rows as they are, stopping before the write. An error of reach or input (400, 401, 403, 404) is
/// answered as the real request would answer it; any other refusal (a version conflict, a rule of the
/// tree) is reported in the answer, with what the operation would touch.
/// </summary>
public sealed class DryRuns(TenantService tenants, TenantStore store, ImpactStore impact)
{
    public async Task<Result<DryRunReport>> ChangeAsync(Caller caller, TenantCommand command, CancellationToken ct = default)
    {
        var result = await tenants.ChangeAsync(caller, command with { DryRun = true }, ct);
        var (operation, scope) = command switch
        {
            SuspendTenant => ("suspend", ImpactScope.LosesAccess),
            ReactivateTenant => ("reactivate", ImpactScope.RegainsAccess),
            MoveTenant => ("move", ImpactScope.Subtree),
            UpdateTenant { Changes.Enabled: { IsSet: true } enabled } => ("update", enabled.Value ? ImpactScope.RegainsAccess : ImpactScope.LosesAccess),
            _ => ("update", ImpactScope.Tenant),
        };
        return await ReportAsync(command.TenantId, operation, scope, result.IsOk ? null : result.Error, ct);
    }

    public async Task<Result<DryRunReport>> TerminateAsync(Caller caller, string id, long expectedVersion, CancellationToken ct = default)
    {
        var result = await tenants.TerminateAsync(caller, id, expectedVersion, dryRun: true, ct);
        return await ReportAsync(id, "delete", ImpactScope.Subtree, result.IsOk ? null : result.Error, ct);
    }

    public async Task<Result<DryRunReport>> DeleteLeafAsync(Caller caller, string id, long? expectedVersion, CancellationToken ct = default)
    {
        var result = await tenants.DeleteLeafAsync(caller, id, expectedVersion, dryRun: true, ct);
        return await ReportAsync(id, "delete", ImpactScope.Subtree, result.IsOk ? null : result.Error, ct);
    }

    private async Task<Result<DryRunReport>> ReportAsync(string id, string operation, ImpactScope scope, Error? error, CancellationToken ct)
    {
        if (error is Invalid or NotFound or Forbidden or Unauthenticated)
        {
            return error;
        }

        // Past the access checks: the target exists and the caller may act on it.
        var target = await store.GetAsync(Ids.Normalize(id)!, ct);
        return target is null
            ? new NotFound($"The tenant {id} was not found.")
            : new DryRunReport(operation, error, await impact.CountAsync(target, scope, ct));
    }
}
