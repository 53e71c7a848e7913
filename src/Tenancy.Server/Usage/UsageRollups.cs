using System.Data.Common;
using System.Text;

namespace Tenancy.Server.Usage;

/// <summary>A change of one tenant's own usage of a service level, to be added to its subtree totals and its ancestors'.</summary>
public sealed record RollupDelta(string TenantId, string ServiceLevel, double Consumed, double Committed, double Burst, long Rows);

/// <summary>
/// The maintained roll-ups (table usage_rollup, docs/usage.md "Maintained roll-ups"): per tenant and
/// service level, the totals of its subtree's current usage: consumed, committed, burst (summed per
/// subscription) and how many usage_current rows they sum (a level is in the answer when that is above 0).
/// A tenant's totals count the tenants of its subtree in the same state as itself: live tenants count
/// live ones; a deleted tenant keeps what its deletion marked, so a restore adds back exactly that.
/// Every write that moves them adds its change in its own transaction, in one statement that walks up
/// the parent chain and takes the rows root first (path order), so two writers cannot deadlock.
/// </summary>
public static class UsageRollups
{
    /// <summary>The burst of one usage_current row.</summary>
    public static double Burst(double consumed, double committed) => Math.Max(0, consumed - committed);

    /// <summary>
    /// Adds the totals produced by <paramref name="sources"/> (a SELECT of tenant seq, service_level, consumed,
    /// committed, burst, usage_rows) to each source tenant and its ancestors in the same state.
    /// </summary>
    public static string AddSql(StorageProvider provider, string sources) =>
        $"WITH RECURSIVE src (seq, service_level, consumed, committed, burst, usage_rows) AS ({sources}), " +
        "up (seq, parent_seq, deletion_id, service_level, consumed, committed, burst, usage_rows) AS (" +
        "SELECT t.seq, t.parent_seq, t.deletion_id, s.service_level, s.consumed, s.committed, s.burst, s.usage_rows " +
        "FROM src s JOIN tenants t ON t.seq = s.seq " +
        "UNION ALL SELECT p.seq, p.parent_seq, p.deletion_id, up.service_level, up.consumed, up.committed, up.burst, up.usage_rows " +
        $"FROM up JOIN tenants p ON p.seq = up.parent_seq WHERE p.deletion_id {SameAs(provider)} up.deletion_id) " +
        "INSERT INTO usage_rollup (tenant_seq, service_level, consumed, committed, burst, usage_rows) " +
        "SELECT up.seq, up.service_level, SUM(up.consumed), SUM(up.committed), SUM(up.burst), CAST(SUM(up.usage_rows) AS BIGINT) " +
        "FROM up JOIN tenants t ON t.seq = up.seq WHERE 1 = 1 GROUP BY up.seq, t.path, up.service_level " +
        "HAVING SUM(up.consumed) <> 0 OR SUM(up.committed) <> 0 OR SUM(up.burst) <> 0 OR SUM(up.usage_rows) <> 0 " +
        "ORDER BY t.path, up.service_level " +
        "ON CONFLICT (tenant_seq, service_level) DO UPDATE SET consumed = usage_rollup.consumed + excluded.consumed, " +
        "committed = usage_rollup.committed + excluded.committed, burst = usage_rollup.burst + excluded.burst, " +
        "usage_rows = usage_rollup.usage_rows + excluded.usage_rows";

    /// <summary>
    /// Sources for <see cref="AddSql"/>: the totals of the tenant t chosen by <paramref name="tenant"/> (a condition on t,
    /// by default t.seq = @seq), signed by <paramref name="sign"/>, as a change of the tenant <paramref name="at"/> (an
    /// expression, e.g. t.parent_seq).
    /// </summary>
    public static string SubtreeOf(string at, int sign, string tenant = "t.seq = @seq") =>
        $"SELECT {at}, r.service_level, {sign} * r.consumed, {sign} * r.committed, {sign} * r.burst, {sign} * r.usage_rows " +
        $"FROM usage_rollup r JOIN tenants t ON t.seq = r.tenant_seq WHERE {tenant} AND {at} IS NOT NULL";

    /// <summary>Adds the changes of one transaction's usage writes, in one statement.</summary>
    public static async Task AddAsync(Database db, DbConnection c, DbTransaction tx, IEnumerable<RollupDelta> deltas, CancellationToken ct)
    {
        var merged = deltas
            .GroupBy(d => (d.TenantId, d.ServiceLevel))
            .Select(g => new RollupDelta(g.Key.TenantId, g.Key.ServiceLevel, g.Sum(d => d.Consumed), g.Sum(d => d.Committed),
                g.Sum(d => d.Burst), g.Sum(d => d.Rows)))
            .Where(d => d.Consumed != 0 || d.Committed != 0 || d.Burst != 0 || d.Rows != 0)
            .ToList();
        if (merged.Count == 0)
        {
            return;
        }

        var values = new StringBuilder();
        var args = new DynamicParameters();
        for (var i = 0; i < merged.Count; i++)
        {
            values.Append(i == 0 ? "" : ", ").Append($"(@t{i}, @l{i}, @c{i}, @m{i}, @b{i}, @n{i})");
            args.Add($"t{i}", merged[i].TenantId);
            args.Add($"l{i}", merged[i].ServiceLevel);
            args.Add($"c{i}", merged[i].Consumed);
            args.Add($"m{i}", merged[i].Committed);
            args.Add($"b{i}", merged[i].Burst);
            args.Add($"n{i}", merged[i].Rows);
        }

        var sources = "SELECT t.seq, d.service_level, d.consumed, d.committed, d.burst, d.usage_rows " +
            $"FROM (SELECT column1 AS tenant_id, column2 AS service_level, column3 AS consumed, column4 AS committed, " +
            $"column5 AS burst, column6 AS usage_rows FROM (VALUES {values}) AS v) d JOIN tenants t ON t.id = d.tenant_id";
        await c.ExecuteAsync(new CommandDefinition(AddSql(db.Provider, sources), args, tx, cancellationToken: ct));
    }

    /// <summary>The stored totals of one tenant's subtree, per service level, in the catalogue's order.</summary>
    public static async Task<IReadOnlyList<UsageLine>> ReadAsync(Database db, long tenantSeq, CancellationToken ct)
    {
        await using var c = await db.OpenAsync(ct);
        var rows = await c.QueryAsync<(string ServiceLevel, double Consumed, double Committed, double Burst)>(new CommandDefinition(
            "SELECT l.name AS service_level, r.consumed, r.committed, r.burst FROM usage_rollup r " +
            "JOIN service_levels l ON l.name = r.service_level WHERE r.tenant_seq = @tenantSeq AND r.usage_rows > 0 ORDER BY l.position",
            new { tenantSeq }, cancellationToken: ct));
        return [.. rows.Select(r => new UsageLine(r.ServiceLevel, Clean(r.Consumed), Clean(r.Committed), Clean(r.Burst)))];
    }

    /// <summary>Rounded like every sum; a total that came back to zero through additions may be -0 or 1e-15.</summary>
    private static double Clean(double value) => UsageLine.Round(value) + 0.0;

    /// <summary>
    /// Fills usage_rollup from usage_current and the tree in one statement (migration 0018 and the bench seeder run the same):
    /// each row is added to its tenant and to every ancestor in the same state.
    /// </summary>
    public static string RebuildSql(StorageProvider provider) =>
        "WITH RECURSIVE up (seq, parent_seq, deletion_id, service_level, consumed, committed, burst) AS (" +
        "SELECT t.seq, t.parent_seq, t.deletion_id, u.offering_item, u.value, u.committed, " +
        "CASE WHEN u.value > u.committed THEN u.value - u.committed ELSE 0.0 END " +
        $"FROM usage_current u JOIN tenants t ON t.id = u.tenant_id WHERE u.application_id = '{ServiceLevelItems.ApplicationId}' AND u.subscription <> '' " +
        "UNION ALL SELECT p.seq, p.parent_seq, p.deletion_id, up.service_level, up.consumed, up.committed, up.burst " +
        $"FROM up JOIN tenants p ON p.seq = up.parent_seq WHERE p.deletion_id {SameAs(provider)} up.deletion_id) " +
        "INSERT INTO usage_rollup (tenant_seq, service_level, consumed, committed, burst, usage_rows) " +
        "SELECT seq, service_level, SUM(consumed), SUM(committed), SUM(burst), COUNT(*) FROM up GROUP BY seq, service_level";

    private static string SameAs(StorageProvider provider) => provider == StorageProvider.Postgres ? "IS NOT DISTINCT FROM" : "IS";
}
