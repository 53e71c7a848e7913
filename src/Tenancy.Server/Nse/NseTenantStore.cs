namespace Tenancy.Server.Nse;

/// <summary>The /api/v2.1 tenant list: a subtree sorted by one column, paged by offset.</summary>
public sealed class NseTenantStore(Database db)
{
    /// <summary>Sort keys of the wire and their columns; each has an index (created_at, name, code, id).</summary>
    public static readonly IReadOnlyDictionary<string, string> SortColumns = new Dictionary<string, string>(StringComparer.Ordinal)
    {
        ["created"] = "created_at",
        ["name"] = "name",
        ["code"] = "code",
        ["id"] = "id",
    };

    /// <summary>The tenants the access policy lets the caller see (its subtree), a page of them and their count.</summary>
    public async Task<(IReadOnlyList<Tenant> Page, long Total)> PageAsync(
        Caller caller, string sortBy, bool ascending, long offset, int limit, CancellationToken ct = default)
    {
        var direction = ascending ? "ASC" : "DESC";
        // Only code can be null: tenants without one sort as the smallest on both providers.
        var nulls = sortBy == "code" ? (ascending ? " NULLS FIRST" : " NULLS LAST") : "";
        var args = new DynamicParameters(AccessPolicy.Parameters(caller));
        args.AddDynamicParams(new { offset, limit });
        // The root's subtree is the whole table: without the (then vacuous) path range, the count is a
        // plain table count and the ORDER BY walks its column's index instead of sorting the tree.
        // Deleted tenants (restorable until purged) are not listed.
        var scope = AccessPolicy.SeesAll(caller, Resource.Tenant) ? $"WHERE {TenantStore.Live}"
            : $"WHERE {AccessPolicy.SeeWhere(caller, Resource.Tenant, "path")} AND {TenantStore.Live}";
        await using var c = await db.OpenAsync(ct);
        var total = await c.ExecuteScalarAsync<long>(new CommandDefinition(
            $"SELECT COUNT(*) FROM tenants {scope}", args, cancellationToken: ct));
        if (offset >= total)
        {
            return ([], total);
        }

        // The column comes from the closed SortColumns map, never from the request text. The skipped rows
        // are stepped over as keys only (the inner query); whole rows are read for the page alone.
        var order = $"ORDER BY {SortColumns[sortBy]} {direction}{nulls}, seq {direction}";
        var rows = await c.QueryAsync<Tenant>(new CommandDefinition(
            $"SELECT {TenantStore.Columns} FROM tenants WHERE seq IN " +
            $"(SELECT seq FROM tenants {scope} {order} LIMIT @limit OFFSET @offset) {order}",
            args, cancellationToken: ct));
        return (rows.AsList(), total);
    }
}
