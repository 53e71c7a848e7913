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

    /// <summary>The scope of a caller who sees every tenant: the live ones (deleted tenants, restorable until purged, are not listed).</summary>
    internal const string WholeTree = $"WHERE {TenantStore.Live}";

    /// <summary>The tenants the access policy lets the caller see (its subtree), a page of them and their count.</summary>
    public async Task<(IReadOnlyList<Tenant> Page, long Total)> PageAsync(
        Caller caller, string sortBy, bool ascending, long offset, int limit, CancellationToken ct = default)
    {
        var args = new DynamicParameters(AccessPolicy.Parameters(caller));
        args.AddDynamicParams(new { offset, limit });
        // The root's subtree is the whole table: without the (then vacuous) path range, the count and the
        // ORDER BY walk a live-tenant index of the sort column (migration 0019) instead of sorting the tree.
        var scope = AccessPolicy.SeesAll(caller, Resource.Tenant) ? WholeTree
            : $"WHERE {AccessPolicy.SeeWhere(caller, Resource.Tenant, "path")} AND {TenantStore.Live}";
        await using var c = await db.OpenAsync(ct);
        var total = await c.ExecuteScalarAsync<long>(new CommandDefinition(CountSql(scope), args, cancellationToken: ct));
        if (offset >= total)
        {
            return ([], total);
        }

        var rows = await c.QueryAsync<Tenant>(new CommandDefinition(PageSql(scope, sortBy, ascending), args, cancellationToken: ct));
        return (rows.AsList(), total);
    }

    internal static string CountSql(string scope) => $"SELECT COUNT(*) FROM tenants {scope}";

    /// <summary>
    /// A page (@limit rows from @offset) in the order of <paramref name="sortBy"/>. The column comes from the
    /// closed <see cref="SortColumns"/> map, never from the request text. The skipped rows are stepped over
    /// as keys only (the inner query); whole rows are read for the page alone.
    /// </summary>
    internal static string PageSql(string scope, string sortBy, bool ascending)
    {
        var direction = ascending ? "ASC" : "DESC";
        // Only code can be null: tenants without one sort as the smallest on both providers.
        var nulls = sortBy == "code" ? (ascending ? " NULLS FIRST" : " NULLS LAST") : "";
        var order = $"ORDER BY {SortColumns[sortBy]} {direction}{nulls}, seq {direction}";
        return $"SELECT {TenantStore.Columns} FROM tenants WHERE seq IN " +
            $"(SELECT seq FROM tenants {scope} {order} LIMIT @limit OFFSET @offset) {order}";
    }
}
