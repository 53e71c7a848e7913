using System.Data.Common;
using Dapper;
using Tenancy.Server.Audit;
using Tenancy.Server.Storage;

namespace Tenancy.Server.Tenants;

/// <summary>SQL for the tenant tree. Every subtree query is a range scan on the materialized path.</summary>
/// <summary>A tenant whose flags restrict its subtree (see TenantStore.RestrictionsAsync).</summary>
public sealed class Restriction
{
    public long Seq { get; init; }
    public required string Id { get; init; }
    public long? ParentSeq { get; init; }
    public bool Enabled { get; init; }
    public bool AncestralAccess { get; init; }
}

public enum DeleteMode
{
    /// <summary>The /api/2 termination: only a disabled tenant, taking its subtree with it.</summary>
    RequireDisabled,

    /// <summary>The /api/v2.1 delete: only a tenant without sub-tenants.</summary>
    LeafOnly,
}

public sealed class TenantStore(Database db)
{
    internal const string Columns =
        "seq, id, parent_seq, parent_id, path, level, kind, name, enabled, version, created_at, updated_at, " +
        "customer_type, customer_id, internal_tag, language, owner_id, ancestral_access, update_lock_enabled, " +
        "update_lock_owner, brand_id, brand_uuid, default_idp_id, mfa_status, pricing_mode, contact, code, " +
        "zuora_account_name, zuora_account_number, description";

    /// <summary>The columns a partial update may set, by their wire/core name.</summary>
    public static readonly IReadOnlySet<string> UpdatableColumns = new HashSet<string>(StringComparer.Ordinal)
    {
        "name", "kind", "enabled", "customer_type", "customer_id", "internal_tag", "language", "owner_id",
        "ancestral_access", "update_lock_enabled", "update_lock_owner", "brand_id", "default_idp_id", "contact",
        "zuora_account_name", "zuora_account_number", "description", "code",
    };

    // The statements of the hot paths, named so QueryPlanTests can show they are index lookups or range scans.
    internal const string ByIdSql = $"SELECT {Columns} FROM tenants WHERE id = @id";

    internal const string ChildrenSql =
        $"SELECT {Columns} FROM tenants WHERE parent_seq = @parentSeq AND seq > @afterSeq ORDER BY seq LIMIT @limit";

    internal const string SubtreeLevelSql =
        $"SELECT {Columns} FROM tenants WHERE level = @level AND path >= @rootPath AND path > @afterPath " +
        "AND path < @upper ORDER BY path LIMIT @limit";

    internal string RestrictionsSql =>
        $"SELECT seq, id, parent_seq, enabled, ancestral_access FROM tenants WHERE {db.In("seq", "seqs")} " +
        "AND (NOT enabled OR NOT ancestral_access)";

    internal string WithChildrenSql => $"SELECT DISTINCT parent_seq FROM tenants WHERE {db.In("parent_seq", "seqs")}";

    /// <summary>The current value of an updatable column (the "before" of an audit record).</summary>
    internal static object? Value(Tenant t, string column) => column switch
    {
        "name" => t.Name,
        "kind" => t.Kind,
        "enabled" => t.Enabled,
        "customer_type" => t.CustomerType,
        "customer_id" => t.CustomerId,
        "internal_tag" => t.InternalTag,
        "language" => t.Language,
        "owner_id" => t.OwnerId,
        "ancestral_access" => t.AncestralAccess,
        "update_lock_enabled" => t.UpdateLockEnabled,
        "update_lock_owner" => t.UpdateLockOwner,
        "brand_id" => t.BrandId,
        "default_idp_id" => t.DefaultIdpId,
        "contact" => t.Contact,
        "zuora_account_name" => t.ZuoraAccountName,
        "zuora_account_number" => t.ZuoraAccountNumber,
        "description" => t.Description,
        "code" => t.Code,
        _ => throw new ArgumentOutOfRangeException(nameof(column), column, "not an updatable column"),
    };

    /// <summary>
    /// A tenant with the restricting tenants on its path (see <see cref="RestrictionsAsync"/>) and whether
    /// it has children: three statements sent as one batch, so one round trip.
    /// </summary>
    public async Task<(Tenant? Tenant, Dictionary<long, Restriction> Restrictions, bool HasChildren)> GetWithPathAsync(
        string id, CancellationToken ct = default)
    {
        await using var c = await db.OpenAsync(ct);
        await using var grid = await c.QueryMultipleAsync(new CommandDefinition(GetWithPathSql, new { id }, cancellationToken: ct));
        var tenant = await grid.ReadSingleOrDefaultAsync<Tenant>();
        var restrictions = (await grid.ReadAsync<Restriction>()).ToDictionary(r => r.Seq);
        var children = await grid.ReadSingleAsync<long>();
        return (tenant, restrictions, children > 0);
    }

    internal string GetWithPathSql =>
        $"{ByIdSql}; {PathRestrictionsSql}; " +
        "SELECT COUNT(*) FROM (SELECT 1 FROM tenants WHERE parent_seq = (SELECT seq FROM tenants WHERE id = @id) LIMIT 1) x";

    /// <summary>The restricting tenants on the path of the tenant @id, by primary key.</summary>
    internal string PathRestrictionsSql =>
        "SELECT seq, id, parent_seq, enabled, ancestral_access FROM tenants " +
        $"WHERE seq IN ({db.PathSeqs("(SELECT path FROM tenants WHERE id = @id)")}) AND (NOT enabled OR NOT ancestral_access)";

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
            "SELECT DISTINCT kind FROM tenants WHERE parent_seq = @seq", new { seq }, cancellationToken: ct));
        return rows.AsList();
    }

    public async Task<IReadOnlyList<Tenant>> ByIdsAsync(IReadOnlyCollection<string> ids, CancellationToken ct = default)
    {
        await using var c = await db.OpenAsync(ct);
        var rows = await c.QueryAsync<Tenant>(new CommandDefinition(
            $"SELECT {Columns} FROM tenants WHERE {db.In("id", "ids")} ORDER BY seq", new { ids = db.List(ids) }, cancellationToken: ct));
        return rows.AsList();
    }

    public async Task<IReadOnlyList<Tenant>> ChildrenAsync(long parentSeq, long afterSeq, int limit, CancellationToken ct = default)
    {
        await using var c = await db.OpenAsync(ct);
        var rows = await c.QueryAsync<Tenant>(new CommandDefinition(
            ChildrenSql,
            new { parentSeq, afterSeq, limit }, cancellationToken: ct));
        return rows.AsList();
    }

    /// <summary>
    /// One level of a subtree, in path order, after a path (keyset paging). The range is
    /// [rootPath, upper): without the lower bound, tenants of earlier sibling subtrees on that level leak in.
    /// </summary>
    public async Task<IReadOnlyList<Tenant>> SubtreeLevelAsync(
        string rootPath, int level, string afterPath, int limit, CancellationToken ct = default)
    {
        await using var c = await db.OpenAsync(ct);
        var rows = await c.QueryAsync<Tenant>(new CommandDefinition(
            SubtreeLevelSql,
            new { level, rootPath, afterPath, upper = TreePath.UpperBound(rootPath), limit }, cancellationToken: ct));
        return rows.AsList();
    }

    /// <summary>
    /// Inserts a tenant under <paramref name="parent"/> (null for the root). The path needs the new
    /// row's key, so the insert and the path update share one transaction.
    /// </summary>
    public async Task<Tenant> InsertAsync(Tenant draft, Tenant? parent, AuditEntry? audit = null, CancellationToken ct = default)
    {
        await using var c = await db.OpenAsync(ct);
        await using var tx = await Database.BeginWriteAsync(c, ct);
        var seq = await c.ExecuteScalarAsync<long>(new CommandDefinition(
            $"INSERT INTO tenants ({Columns[5..]}) VALUES (" +
            "@Id, @ParentSeq, @ParentId, '', @Level, @Kind, @Name, @Enabled, @Version, @CreatedAt, @UpdatedAt, " +
            "@CustomerType, @CustomerId, @InternalTag, @Language, @OwnerId, @AncestralAccess, @UpdateLockEnabled, " +
            "@UpdateLockOwner, @BrandId, @BrandUuid, @DefaultIdpId, @MfaStatus, @PricingMode, @Contact, @Code, " +
            "@ZuoraAccountName, @ZuoraAccountNumber, @Description) RETURNING seq",
            draft, tx, cancellationToken: ct));
        var path = TreePath.Child(parent?.Path ?? "/", seq);
        var parentId = parent?.Id ?? draft.Id;
        await c.ExecuteAsync(new CommandDefinition(
            "UPDATE tenants SET path = @path, parent_id = @parentId WHERE seq = @seq",
            new { path, parentId, seq }, tx, cancellationToken: ct));
        if (audit is not null)
        {
            await AuditLog.WriteAsync(c, tx, audit with { TargetPath = path }, draft.CreatedAt, ct);
        }

        await tx.CommitAsync(ct);
        return Clone(draft, seq, path, parentId);
    }

    /// <summary>
    /// A conditional single-statement update: sets <paramref name="changes"/>, bumps the version, and
    /// only if the row still has <paramref name="expectedVersion"/> and the path it was read with (an
    /// ancestor's move changes the path, not the version). A move also re-roots the subtree's paths in
    /// the same transaction. Returns false when no row matched (stale version or path, or gone).
    /// </summary>
    public async Task<bool> UpdateAsync(
        Tenant current, long expectedVersion, IReadOnlyDictionary<string, object?> changes, Tenant? newParent,
        long now, AuditEntry? audit = null, CancellationToken ct = default)
    {
        var sets = new List<string> { "version = version + 1", "updated_at = @now" };
        var args = new DynamicParameters(new { seq = current.Seq, expectedVersion, now, oldPath = current.Path });
        var condition = "seq = @seq AND version = @expectedVersion AND path = @oldPath";
        foreach (var (column, value) in changes)
        {
            if (!UpdatableColumns.Contains(column))
            {
                throw new ArgumentException($"Column {column} is not updatable.", nameof(changes));
            }

            sets.Add($"{column} = @c_{column}");
            args.Add($"c_{column}", value);
        }

        string? newPath = null;
        if (newParent is not null)
        {
            newPath = TreePath.Child(newParent.Path, current.Seq);
            sets.Add("parent_seq = @parentSeq, parent_id = @parentId, path = @newPath, level = @newLevel");
            args.Add("parentSeq", newParent.Seq);
            args.Add("parentId", newParent.Id);
            args.Add("newPath", newPath);
            args.Add("newLevel", newParent.Level + 1);
            args.Add("parentPath", newParent.Path);

            // The new path is built from the parent's path as read: it must still be that (a concurrent
            // move of the parent, e.g. under this very tenant, would otherwise make a cycle).
            condition += " AND EXISTS (SELECT 1 FROM tenants p WHERE p.seq = @parentSeq AND p.path = @parentPath)";
        }

        await using var c = await db.OpenAsync(ct);
        await using var tx = await Database.BeginWriteAsync(c, ct);
        if (newParent is not null && db.Provider == StorageProvider.Postgres)
        {
            // SQLite runs one writer at a time; PostgreSQL must lock both rows (in key order, so two moves
            // cannot deadlock) before the checks above see a concurrent move of the new parent.
            await c.ExecuteAsync(new CommandDefinition(
                "SELECT seq FROM tenants WHERE seq = ANY(@seqs) ORDER BY seq FOR UPDATE",
                new { seqs = new[] { current.Seq, newParent.Seq } }, tx, cancellationToken: ct));
        }

        var n = await c.ExecuteAsync(new CommandDefinition(
            $"UPDATE tenants SET {string.Join(", ", sets)} WHERE {condition}",
            args, tx, cancellationToken: ct));
        if (n == 0)
        {
            return false;
        }

        if (audit is not null)
        {
            await AuditLog.WriteAsync(c, tx, audit with { TargetPath = newPath ?? current.Path }, now, ct);
        }

        if (newPath is not null)
        {
            await c.ExecuteAsync(new CommandDefinition(
                "UPDATE tenants SET path = @newPath || substr(path, @cut), level = level + @delta " +
                "WHERE path > @oldPath AND path < @upper",
                new
                {
                    newPath,
                    cut = current.Path.Length + 1,
                    delta = newParent!.Level + 1 - current.Level,
                    oldPath = current.Path,
                    upper = TreePath.UpperBound(current.Path),
                },
                tx, cancellationToken: ct));
        }

        await tx.CommitAsync(ct);
        return true;
    }

    /// <summary>
    /// Deletes a tenant at <paramref name="expectedVersion"/> with its whole subtree, in one transaction;
    /// API clients and everything else keyed to those tenants go with them (foreign keys cascade).
    /// The conditions of <paramref name="mode"/> are part of the statement, so a concurrent change
    /// makes it match nothing instead of deleting too much. The billing identity of every deleted
    /// tenant goes to the archive in the same transaction (rolled back with it when nothing matched).
    /// </summary>
    public async Task<bool> DeleteAsync(
        Tenant tenant, long expectedVersion, DeleteMode mode, long deletedAt, AuditEntry? audit = null, CancellationToken ct = default)
    {
        var condition = mode switch
        {
            DeleteMode.RequireDisabled => " AND NOT enabled",
            DeleteMode.LeafOnly => " AND NOT EXISTS (SELECT 1 FROM tenants c WHERE c.parent_seq = @seq)",
            _ => "",
        };
        await using var c = await db.OpenAsync(ct);
        await using var tx = await Database.BeginWriteAsync(c, ct);
        var args = new { seq = tenant.Seq, expectedVersion, path = tenant.Path, upper = TreePath.UpperBound(tenant.Path) };
        await TenantArchive.WriteAsync(db, c, tx, tenant, deletedAt, ct);
        var n = await c.ExecuteAsync(new CommandDefinition(
            "DELETE FROM tenants WHERE seq = @seq AND version = @expectedVersion" + condition,
            args, tx, cancellationToken: ct));
        if (n == 0)
        {
            return false;
        }

        // The foreign key cascade reaches the descendants too; one range delete is cheaper than
        // the engine's row-by-row cascade.
        var descendants = await c.ExecuteAsync(new CommandDefinition(
            "DELETE FROM tenants WHERE path > @path AND path < @upper", args, tx, cancellationToken: ct));
        if (audit is not null)
        {
            var after = new Dictionary<string, object?> { ["deleted_descendants"] = descendants };
            await AuditLog.WriteAsync(c, tx, audit with { After = after }, deletedAt, ct);
        }

        await tx.CommitAsync(ct);
        return true;
    }

    public async Task<bool> ExistsAsync(string id, CancellationToken ct = default)
    {
        await using var c = await db.OpenAsync(ct);
        return await c.ExecuteScalarAsync<long?>(new CommandDefinition(
            "SELECT seq FROM tenants WHERE id = @id", new { id }, cancellationToken: ct)) is not null;
    }

    internal static async Task<Tenant?> GetAsync(DbConnection c, DbTransaction? tx, string id, CancellationToken ct) =>
        await c.QuerySingleOrDefaultAsync<Tenant>(
            new CommandDefinition(ByIdSql, new { id }, tx, cancellationToken: ct));

    private static Tenant Clone(Tenant t, long seq, string path, string parentId) => new()
    {
        Seq = seq, Id = t.Id, ParentSeq = t.ParentSeq, ParentId = parentId, Path = path, Level = t.Level,
        Kind = t.Kind, Name = t.Name, Enabled = t.Enabled, Version = t.Version, CreatedAt = t.CreatedAt,
        UpdatedAt = t.UpdatedAt, CustomerType = t.CustomerType, CustomerId = t.CustomerId,
        InternalTag = t.InternalTag, Language = t.Language, OwnerId = t.OwnerId, AncestralAccess = t.AncestralAccess,
        UpdateLockEnabled = t.UpdateLockEnabled, UpdateLockOwner = t.UpdateLockOwner, BrandId = t.BrandId,
        BrandUuid = t.BrandUuid, DefaultIdpId = t.DefaultIdpId, MfaStatus = t.MfaStatus, PricingMode = t.PricingMode,
        Contact = t.Contact, Code = t.Code, ZuoraAccountName = t.ZuoraAccountName,
        ZuoraAccountNumber = t.ZuoraAccountNumber, Description = t.Description,
    };
}
