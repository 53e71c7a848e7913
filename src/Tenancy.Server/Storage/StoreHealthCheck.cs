using Microsoft.Extensions.Diagnostics.HealthChecks;

namespace Tenancy.Server.Storage;

/// <summary>
/// Readiness: the store answers and would accept a write now. On PostgreSQL the connection's server must
/// be a primary (not in recovery) whose sessions are not read-only, so a standby, or a primary demoted
/// during a failover, is not ready; on SQLite the file must answer. One round trip, no write: cheap
/// enough for a load balancer asking every second. Logs a warning when the store becomes unready and
/// a line when it is ready again, not at every check.
/// </summary>
public sealed class StoreHealthCheck(Database db, ILogger<StoreHealthCheck> log) : IHealthCheck
{
    private int _unready;

    public async Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default)
    {
        var probe = db.Provider == StorageProvider.Postgres
            ? "SELECT NOT pg_is_in_recovery() AND current_setting('transaction_read_only') = 'off'"
            : "SELECT 1 = 1";
        try
        {
            await using var c = await db.OpenAsync(cancellationToken);
            if (!await c.ExecuteScalarAsync<bool>(new CommandDefinition(probe, cancellationToken: cancellationToken)))
            {
                // Connected to a read-only server: make the next open look for the primary again.
                db.ForgetHosts();
                return Unready("The store is read-only (a standby, or a primary being demoted).");
            }

            if (Interlocked.Exchange(ref _unready, 0) == 1)
            {
                log.LogInformation("The store is ready again");
            }

            return HealthCheckResult.Healthy();
        }
        catch (Exception e) when (Database.IsUnavailable(e))
        {
            db.Unavailable(e);
            return Unready($"The store is unavailable: {e.Message}");
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            log.LogError(e, "The store health check failed");
            return HealthCheckResult.Unhealthy("The store health check failed.");
        }
    }

    private HealthCheckResult Unready(string reason)
    {
        if (Interlocked.Exchange(ref _unready, 1) == 0)
        {
            log.LogWarning("The store is not ready: {Reason}", reason);
        }

        return HealthCheckResult.Unhealthy(reason);
    }
}
