using Tenancy.Server.Catalog;

namespace Tenancy.Server.Reports;

/// <summary>
/// One tenant's usage of one thing sold: the usage name (and the offering item of the catalog, when the
/// store knows it) and its value.
/// </summary>
public sealed record UsageRecord(string TenantId, string UsageName, string? OfferingItem, double Value);

/// <summary>
/// The one place reports read usage from: the one usage store (usage_current, usage_samples), per tenant and
/// offering item of the catalog, summed over the tenant's subscriptions. Values are in the store's units
/// (the /api/v2.1 service levels in TiB, as their usage map shows them).
/// </summary>
public sealed class UsageSource(Database db, ServiceCatalog catalog)
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
            var current = await c.QueryAsync<Row>(new CommandDefinition(
                "SELECT u.tenant_id, u.application_id, u.offering_item, SUM(u.value) AS value " +
                "FROM tenants t JOIN usage_current u ON u.tenant_id = t.id " +
                "WHERE t.path >= @path AND t.path < @upper AND t.deleted_at IS NULL GROUP BY u.tenant_id, u.application_id, u.offering_item",
                new { path = scope.Path, upper = TreePath.UpperBound(scope.Path) }, cancellationToken: ct));
            return [.. current.Select(Record)];
        }

        var idPath = await TenantArchive.IdPathAsync(db, c, scope, ct);
        var rows = await c.QueryAsync<Row>(new CommandDefinition(
            "WITH scope AS (SELECT id FROM tenants WHERE path >= @path AND path < @upper " +
            "UNION ALL SELECT id FROM tenant_archive WHERE id_path >= @idPath AND id_path < @idUpper), " +
            "peaks AS (SELECT h.tenant_id, h.application_id, h.offering_item, MAX(h.value) AS peak " +
            "FROM scope sc JOIN usage_samples h ON h.tenant_id = sc.id " +
            "WHERE h.sampled_at >= @from AND h.sampled_at < @to GROUP BY h.tenant_id, h.application_id, h.offering_item, h.subscription) " +
            "SELECT tenant_id, application_id, offering_item, SUM(peak) AS value FROM peaks GROUP BY tenant_id, application_id, offering_item",
            new
            {
                path = scope.Path, upper = TreePath.UpperBound(scope.Path), idPath, idUpper = TreePath.UpperBound(idPath),
                from = period.FromMicros, to = period.ToMicros,
            },
            cancellationToken: ct));
        return [.. rows.Select(Record)];
    }

    /// <summary>The usage name is the catalog's (an item retired from the catalog keeps its own name).</summary>
    private UsageRecord Record(Row r)
    {
        var item = catalog.Find(r.ApplicationId)?.OfferingItems.FirstOrDefault(i => i.Name == r.OfferingItem);
        return new UsageRecord(r.TenantId, item?.UsageName ?? r.OfferingItem, r.OfferingItem, r.Value);
    }

    /// <summary>Settable properties, not a constructor: SQLite types an aggregate of no rows as a blob.</summary>
    private sealed class Row
    {
        public string TenantId { get; init; } = "";
        public string ApplicationId { get; init; } = "";
        public string OfferingItem { get; init; } = "";
        public double Value { get; init; }
    }
}
