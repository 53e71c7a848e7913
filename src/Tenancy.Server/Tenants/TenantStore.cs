namespace Tenancy.Server.Tenants;

/// <summary>A tenant whose flags restrict its subtree (see TenantStore.RestrictionsAsync).</summary>
public sealed class Restriction
{
    public long Seq { get; init; }
    public required string Id { get; init; }
    public long? ParentSeq { get; init; }
    public bool Enabled { get; init; }
    public bool AncestralAccess { get; init; }
}

/// <summary>A tenant with the restricting tenants on its path and whether it has children.</summary>
public sealed record TenantWithPath(Tenant Tenant, IReadOnlyDictionary<long, Restriction> Restrictions, bool HasChildren);

public enum DeleteMode
{
    /// <summary>The /api/2 termination: only a disabled tenant, taking its subtree with it.</summary>
    RequireDisabled,

    /// <summary>The /api/v2.1 delete: only a tenant without sub-tenants.</summary>
    LeafOnly,
}

/// <summary>SQL for the tenant tree. Every subtree query is a range scan on the materialized path.</summary>
public sealed partial class TenantStore(Database db)
{
    internal const string Columns =
        "seq, id, parent_seq, parent_id, path, level, kind, name, enabled, version, created_at, updated_at, " +
        "customer_type, customer_id, internal_tag, language, owner_id, ancestral_access, update_lock_enabled, " +
        "update_lock_owner, brand_id, brand_uuid, default_idp_id, mfa_status, pricing_mode, contact, code, " +
        "zuora_account_name, zuora_account_number, description, deleted_at, deletion_id, deleted_code";

    /// <summary>A live (not deleted) tenant row; a deleted one is read only where allow_deleted asks for it.</summary>
    internal const string Live = "deleted_at IS NULL";

    /// <summary>The columns a partial update may set, by their wire/core name.</summary>
    public static readonly IReadOnlySet<string> UpdatableColumns = new HashSet<string>(StringComparer.Ordinal)
    {
        "name", "kind", "enabled", "customer_type", "customer_id", "internal_tag", "language", "owner_id",
        "ancestral_access", "update_lock_enabled", "update_lock_owner", "brand_id", "default_idp_id", "contact",
        "zuora_account_name", "zuora_account_number", "description", "code",
    };

    // The statements of the hot paths, named so QueryPlanTests can show they are index lookups or range scans.

    internal const string ByIdSql = $"SELECT {Columns} FROM tenants WHERE id = @id AND {Live}";

    /// <summary>A tenant by id, deleted or not (allow_deleted, restore).</summary>
    internal const string AnyByIdSql = $"SELECT {Columns} FROM tenants WHERE id = @id";

    internal const string ChildrenSql =
        $"SELECT {Columns} FROM tenants WHERE parent_seq = @parentSeq AND seq > @afterSeq AND (deleted_at IS NULL OR @withDeleted) ORDER BY seq LIMIT @limit";

    /// <summary>
    /// One lower bound only (<c>path &gt; @lower</c>): given two (the subtree root and the cursor), SQLite seeks
    /// the index with the first and filters the second row by row, so the last page of a level stepped
    /// over every earlier key of that level in the subtree.
    /// </summary>
    internal const string SubtreeLevelSql =
        $"SELECT {Columns} FROM tenants WHERE level = @level AND path > @lower " +
        "AND path < @upper AND (deleted_at IS NULL OR @withDeleted) ORDER BY path LIMIT @limit";

    internal string RestrictionsSql =>
        $"SELECT {Suspension.RestrictionColumns} FROM tenants WHERE {db.In("seq", "seqs")} AND {Suspension.RestrictsSql}";

    /// <summary>
    /// Of the keys bound to @seqs, those with a live child: one index probe per key that stops at the first
    /// child found (a DISTINCT over the children would read every child of a folder with thousands).
    /// </summary>
    internal string WithChildrenSql => db.Provider == StorageProvider.Postgres
        ? $"SELECT k.value FROM unnest(@seqs) AS k(value) WHERE EXISTS (SELECT 1 FROM tenants c WHERE c.parent_seq = k.value AND c.{Live})"
        : $"SELECT json_each.value FROM json_each(@seqs) WHERE EXISTS (SELECT 1 FROM tenants c WHERE c.parent_seq = json_each.value AND c.{Live})";

    /// <summary>
    /// A tenant with the restricting tenants on its path (see <see cref="RestrictionsAsync"/>) and whether
    /// it has children: three statements sent as one batch, so one round trip.
    /// </summary>
    public Task<(Tenant? Tenant, Dictionary<long, Restriction> Restrictions, bool HasChildren)> GetWithPathAsync(
        string id, CancellationToken ct = default) => GetWithPathAsync(id, withDeleted: false, ct);

    /// <summary>The same; a deleted tenant too with <paramref name="withDeleted"/>.</summary>
    public async Task<(Tenant? Tenant, Dictionary<long, Restriction> Restrictions, bool HasChildren)> GetWithPathAsync(
        string id, bool withDeleted, CancellationToken ct)
    {
        await using var c = await db.OpenAsync(ct);
        await using var grid = await c.QueryMultipleAsync(new CommandDefinition(
            withDeleted ? GetWithPathSql.Replace(ByIdSql, AnyByIdSql, StringComparison.Ordinal) : GetWithPathSql, new { id }, cancellationToken: ct));
        var tenant = await grid.ReadSingleOrDefaultAsync<Tenant>();
        var restrictions = (await grid.ReadAsync<Restriction>()).ToDictionary(r => r.Seq);
        var children = await grid.ReadSingleAsync<long>();
        return (tenant, restrictions, children > 0);
    }

    /// <summary>The same for a live tenant, as one value (what the hot-path cache keeps); null when there is none.</summary>
    public async Task<TenantWithPath?> LiveWithPathAsync(string id, CancellationToken ct) =>
        await GetWithPathAsync(id, withDeleted: false, ct) is ({ } tenant, var restrictions, var hasChildren)
            ? new TenantWithPath(tenant, restrictions, hasChildren)
            : null;

    internal string GetWithPathSql => $"{ByIdSql}; {PathRestrictionsSql(db)}; {HasChildrenSql}";

    /// <summary>Whether the tenant @id has at least one child, as a count of 0 or 1.</summary>
    internal const string HasChildrenSql =
        $"SELECT COUNT(*) FROM (SELECT 1 FROM tenants WHERE parent_seq = (SELECT seq FROM tenants WHERE id = @id) AND {Live} LIMIT 1) x";

    /// <summary>The restricting tenants on the path of the tenant @id, by primary key.</summary>
    internal static string PathRestrictionsSql(Database db) =>
        $"SELECT {Suspension.RestrictionColumns} FROM tenants " +
        $"WHERE {db.OnPath("seq", "(SELECT path FROM tenants WHERE id = @id)")} AND {Suspension.RestrictsSql}";

    public async Task<Tenant?> GetAsync(string id, CancellationToken ct = default)
    {
        await using var c = await db.OpenAsync(ct);
        return await c.QuerySingleOrDefaultAsync<Tenant>(
            new CommandDefinition(ByIdSql, new { id }, cancellationToken: ct));
    }

    public async Task<Tenant?> GetRootAsync(CancellationToken ct = default)
    {
        await using var c = await db.OpenAsync(ct);
        return await c.QuerySingleOrDefaultAsync<Tenant>(
            new CommandDefinition($"SELECT {Columns} FROM tenants WHERE parent_seq IS NULL", cancellationToken: ct));
    }

    /// <summary>
    /// Of the given tenants (typically the keys on one or more paths), the ones that restrict what lies
    /// below them: disabled, or closed to the ancestors above their parent. One key lookup per tenant.
    /// </summary>
    public async Task<Dictionary<long, Restriction>> RestrictionsAsync(IReadOnlyCollection<long> seqs, CancellationToken ct = default)
    {
        if (seqs.Count == 0)
        {
            return [];
        }

        await using var c = await db.OpenAsync(ct);
        var rows = await c.QueryAsync<Restriction>(new CommandDefinition(
            RestrictionsSql, new { seqs = db.List(seqs) }, cancellationToken: ct));
        return rows.ToDictionary(r => r.Seq);
    }

    /// <summary>Of the given tenants, the ones that have at least one child.</summary>
    public async Task<HashSet<long>> WithChildrenAsync(IReadOnlyCollection<long> seqs, CancellationToken ct = default)
    {
        if (seqs.Count == 0)
        {
            return [];
        }

        await using var c = await db.OpenAsync(ct);
        var rows = await c.QueryAsync<long>(new CommandDefinition(
            WithChildrenSql, new { seqs = db.List(seqs) }, cancellationToken: ct));
        return [.. rows];
    }

    public async Task<IReadOnlyList<string>> ChildKindsAsync(long seq, CancellationToken ct = default)
    {
        await using var c = await db.OpenAsync(ct);
        var rows = await c.QueryAsync<string>(new CommandDefinition(
            $"SELECT DISTINCT kind FROM tenants WHERE parent_seq = @seq AND {Live}", new { seq }, cancellationToken: ct));
        return rows.AsList();
    }

    public Task<IReadOnlyList<Tenant>> ByIdsAsync(IReadOnlyCollection<string> ids, CancellationToken ct = default) => ByIdsAsync(ids, false, ct);

    public async Task<IReadOnlyList<Tenant>> ByIdsAsync(IReadOnlyCollection<string> ids, bool withDeleted, CancellationToken ct)
    {
        await using var c = await db.OpenAsync(ct);
        var rows = await c.QueryAsync<Tenant>(new CommandDefinition(
            $"SELECT {Columns} FROM tenants WHERE {db.In("id", "ids")} AND (deleted_at IS NULL OR @withDeleted) ORDER BY seq",
            new { ids = db.List(ids), withDeleted }, cancellationToken: ct));
        return rows.AsList();
    }

    public Task<IReadOnlyList<Tenant>> ChildrenAsync(long parentSeq, long afterSeq, int limit, CancellationToken ct = default) =>
        ChildrenAsync(parentSeq, afterSeq, limit, false, ct);

    public async Task<IReadOnlyList<Tenant>> ChildrenAsync(long parentSeq, long afterSeq, int limit, bool withDeleted, CancellationToken ct)
    {
        await using var c = await db.OpenAsync(ct);
        var rows = await c.QueryAsync<Tenant>(new CommandDefinition(
            ChildrenSql,
            new { parentSeq, afterSeq, limit, withDeleted }, cancellationToken: ct));
        return rows.AsList();
    }

    /// <summary>
    /// One level of a subtree, in path order, after a path (keyset paging). The range is
    /// [rootPath, upper) and after afterPath: without the root's bound, tenants of earlier sibling subtrees
    /// on that level would leak in through a cursor's path. Both bounds are one: paths are digits and
    /// slashes, so "/1/7" (the root's path without its last slash) lies just below every path of the subtree.
    /// </summary>
    public async Task<IReadOnlyList<Tenant>> SubtreeLevelAsync(
        string rootPath, int level, string afterPath, int limit, bool withDeleted = false, CancellationToken ct = default)
    {
        await using var c = await db.OpenAsync(ct);
        var rows = await c.QueryAsync<Tenant>(new CommandDefinition(
            SubtreeLevelSql,
            new { level, lower = LowerBound(rootPath, afterPath), upper = TreePath.UpperBound(rootPath), limit, withDeleted }, cancellationToken: ct));
        return rows.AsList();
    }

    internal static string LowerBound(string rootPath, string afterPath)
    {
        var belowRoot = rootPath[..^1];
        return string.CompareOrdinal(afterPath, belowRoot) > 0 ? afterPath : belowRoot;
    }

    public async Task<bool> ExistsAsync(string id, CancellationToken ct = default)
    {
        await using var c = await db.OpenAsync(ct);
        return await c.ExecuteScalarAsync<long?>(new CommandDefinition(
            $"SELECT seq FROM tenants WHERE id = @id AND {Live}", new { id }, cancellationToken: ct)) is not null;
    }
}
