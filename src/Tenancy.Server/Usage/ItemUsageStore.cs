namespace Tenancy.Server.Usage;

/// <summary>
/// SQL for the /api/2 views of the usage store: values per tenant and offering item, over the same rows
/// the /api/v2.1 views read (<see cref="UsageStore"/>). Values are in the item's stored unit; a tenant's
/// value of an item is the sum over its subscriptions and what was reported for it without one.
/// A subtree is a range on the materialized path of live tenants; nothing here walks the tree.
/// </summary>
public sealed class ItemUsageStore(Database db)
{
    /// <summary>An offering item's current value for a tenant, and for the tenant's whole subtree.</summary>
    public sealed class Totals
    {
        public string ApplicationId { get; init; } = "";
        public string OfferingItem { get; init; } = "";
        public double Value { get; init; }
        public double AbsoluteValue { get; init; }
    }

    /// <summary>An offering item's value for one tenant.</summary>
    public sealed class TenantValue
    {
        public string TenantId { get; init; } = "";
        public string ApplicationId { get; init; } = "";
        public string OfferingItem { get; init; } = "";
        public double Value { get; init; }
    }

    /// <summary>
    /// Per offering item with a current value anywhere in the tenant's subtree: the tenant's own value and
    /// the subtree's sum (the tenant and every live descendant), in one statement over the path range.
    /// </summary>
    public async Task<IReadOnlyList<Totals>> TotalsAsync(Tenant tenant, CancellationToken ct = default)
    {
        await using var c = await db.OpenAsync(ct);
        var rows = await c.QueryAsync<Totals>(new CommandDefinition(
            "SELECT u.application_id, u.offering_item, SUM(CASE WHEN t.id = @id THEN u.value ELSE 0.0 END) AS value, " +
            "SUM(u.value) AS absolute_value FROM tenants t JOIN usage_current u ON u.tenant_id = t.id " +
            "WHERE t.path >= @path AND t.path < @upper AND t.deleted_at IS NULL GROUP BY u.application_id, u.offering_item",
            new { id = tenant.Id, path = tenant.Path, upper = TreePath.UpperBound(tenant.Path) }, cancellationToken: ct));
        return rows.AsList();
    }

    /// <summary>
    /// For period reads (reports): per live tenant of the subtree at <paramref name="path"/> and offering
    /// item, the value in force at <paramref name="at"/>: the newest sample at or before it, summed over the
    /// tenant's subscriptions and its per-tenant value. Ordered by tenant, application and item.
    /// </summary>
    public async Task<IReadOnlyList<TenantValue>> ValuesAtAsync(string path, long at, CancellationToken ct = default)
    {
        await using var c = await db.OpenAsync(ct);
        var rows = await c.QueryAsync<TenantValue>(new CommandDefinition(
            "SELECT x.tenant_id, x.application_id, x.offering_item, SUM(x.value) AS value FROM (" +
            "SELECT h.tenant_id, h.application_id, h.offering_item, h.value, ROW_NUMBER() OVER (" +
            "PARTITION BY h.tenant_id, h.application_id, h.offering_item, h.subscription ORDER BY h.sampled_at DESC) AS n " +
            "FROM tenants t JOIN usage_samples h ON h.tenant_id = t.id " +
            "WHERE t.path >= @path AND t.path < @upper AND h.sampled_at <= @at) x " +
            "WHERE x.n = 1 GROUP BY x.tenant_id, x.application_id, x.offering_item " +
            "ORDER BY x.tenant_id, x.application_id, x.offering_item",
            new { path, upper = TreePath.UpperBound(path), at }, cancellationToken: ct));
        return rows.AsList();
    }

    /// <summary>For period reads (reports): every sample of the live subtree at <paramref name="path"/> in [from, to), oldest first.</summary>
    public async Task<IReadOnlyList<StoredSample>> SamplesAsync(string path, long from, long to, CancellationToken ct = default)
    {
        await using var c = await db.OpenAsync(ct);
        var rows = await c.QueryAsync<(string TenantId, string ApplicationId, string OfferingItem, string Subscription, long SampledAt, double Value)>(
            new CommandDefinition(
                "SELECT h.tenant_id, h.application_id, h.offering_item, h.subscription, h.sampled_at, h.value " +
                "FROM tenants t JOIN usage_samples h ON h.tenant_id = t.id " +
                "WHERE t.path >= @path AND t.path < @upper AND h.sampled_at >= @from AND h.sampled_at < @to " +
                "ORDER BY h.sampled_at, h.tenant_id, h.application_id, h.offering_item, h.subscription",
                new { path, upper = TreePath.UpperBound(path), from, to }, cancellationToken: ct));
        return [.. rows.Select(r => new StoredSample(r.TenantId, r.ApplicationId, r.OfferingItem, r.Subscription, r.SampledAt, r.Value))];
    }
}
