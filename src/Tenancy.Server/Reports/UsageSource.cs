namespace Tenancy.Server.Reports;

/// <summary>
/// One tenant's usage of one thing sold: the usage name (and the offering item of the catalog, when the
/// store knows it) and its value.
/// </summary>
public sealed record UsageRecord(string TenantId, string UsageName, string? OfferingItem, double Value);

/// <summary>
/// The one place reports read usage from. Today the store keeps usage per subscription and service level
/// (usage_current, usage_samples); each record is a tenant's total of one service level over its
/// subscriptions, with the service level as the usage name. When the store keeps usage per offering item,
/// only this method changes.
/// </summary>
public sealed class UsageSource(Database db)
{
    /// <summary>
    /// The usage of every tenant of the subtree of <paramref name="scope"/>: the current values when
    /// <paramref name="period"/> is null, otherwise the peak of each subscription's samples in the period
    /// (deleted tenants included, for the time they were live). The caller decides which tenants it shows.
    /// </summary>
    public async Task<IReadOnlyList<UsageRecord>> ReadAsync(Tenant scope, ReportPeriod? period, CancellationToken ct = default)
    {
        await using var c = await db.OpenAsync(ct);
        if (period is null)
        {
            var current = await c.QueryAsync<(string TenantId, string UsageName, double Value)>(new CommandDefinition(
                "SELECT s.tenant_id, u.service_level AS usage_name, SUM(u.consumed) AS value " +
                "FROM tenants t JOIN subscriptions s ON s.tenant_id = t.id JOIN usage_current u ON u.subscription = s.number " +
                "WHERE t.path >= @path AND t.path < @upper GROUP BY s.tenant_id, u.service_level",
                new { path = scope.Path, upper = TreePath.UpperBound(scope.Path) }, cancellationToken: ct));
            return [.. current.Select(r => new UsageRecord(r.TenantId, r.UsageName, null, r.Value))];
        }

        var idPath = await TenantArchive.IdPathAsync(db, c, scope, ct);
        var rows = await c.QueryAsync<(string TenantId, string UsageName, double Value)>(new CommandDefinition(
            "WITH scope AS (SELECT id FROM tenants WHERE path >= @path AND path < @upper " +
            "UNION ALL SELECT id FROM tenant_archive WHERE id_path >= @idPath AND id_path < @idUpper), " +
            "peaks AS (SELECT sc.id AS tenant_id, h.service_level, MAX(h.consumed) AS peak " +
            "FROM scope sc JOIN subscriptions s ON s.tenant_id = sc.id JOIN usage_samples h ON h.subscription = s.number " +
            "WHERE h.sampled_at >= @from AND h.sampled_at < @to GROUP BY sc.id, h.subscription, h.service_level) " +
            "SELECT tenant_id, service_level AS usage_name, SUM(peak) AS value FROM peaks GROUP BY tenant_id, service_level",
            new
            {
                path = scope.Path, upper = TreePath.UpperBound(scope.Path), idPath, idUpper = TreePath.UpperBound(idPath),
                from = period.FromMicros, to = period.ToMicros,
            },
            cancellationToken: ct));
        return [.. rows.Select(r => new UsageRecord(r.TenantId, r.UsageName, null, r.Value))];
    }
}
