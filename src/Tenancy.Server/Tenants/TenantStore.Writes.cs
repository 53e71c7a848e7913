using Tenancy.Server.Usage;

namespace Tenancy.Server.Tenants;

/// <summary>
/// The writes of the tenant tree: each a conditional statement (plus, for inserts and moves, the path
/// bookkeeping) and its audit record, in one transaction.
/// </summary>
/// <summary>What one batch of a purge removed.</summary>
public sealed record PurgedBatch(long Tenants, long Users, long Clients);

/// <summary>What a move did.</summary>
public enum MoveResult
{
    Moved,

    /// <summary>The tenant is gone, its version moved on, or the new parent is gone.</summary>
    Conflict,

    /// <summary>The new parent now lies in the tenant's own subtree (it was moved there concurrently).</summary>
    Cycle,
}

public sealed partial class TenantStore
{
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
    /// Inserts a tenant under <paramref name="parent"/> (null for the root). The path needs the new
    /// row's key, so the insert and the path update share one transaction.
    /// </summary>
    public async Task<Tenant> InsertAsync(Tenant draft, Tenant? parent, AuditEntry? audit = null, CancellationToken ct = default)
    {
        await using var c = await db.OpenWriteAsync(ct);
        await using var tx = await Database.BeginWriteAsync(c, ct);
        var seq = await c.ExecuteScalarAsync<long>(new CommandDefinition(
            $"INSERT INTO tenants ({Columns[5..]}) VALUES (" +
            "@Id, @ParentSeq, @ParentId, '', @Level, @Kind, @Name, @Enabled, @Version, @CreatedAt, @UpdatedAt, " +
            "@CustomerType, @CustomerId, @InternalTag, @Language, @OwnerId, @AncestralAccess, @UpdateLockEnabled, " +
            "@UpdateLockOwner, @BrandId, @BrandUuid, @DefaultIdpId, @MfaStatus, @PricingMode, @Contact, @Code, " +
            "@ZuoraAccountName, @ZuoraAccountNumber, @Description, @DeletedAt, @DeletionId, @DeletedCode) RETURNING seq",
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
    /// Moves a tenant with its subtree under <paramref name="newParent"/> and sets <paramref name="changes"/>, if it
    /// still has <paramref name="expectedVersion"/>. The paths are read inside the transaction, after both rows
    /// are locked (PostgreSQL) or the write lock is taken (SQLite), so a concurrent move of an ancestor or of the
    /// new parent is seen: the move then follows the current paths, or is refused if it would make a cycle.
    /// </summary>
    public async Task<MoveResult> MoveAsync(
        Tenant current, long expectedVersion, IReadOnlyDictionary<string, object?> changes, Tenant newParent,
        long now, AuditEntry audit, CancellationToken ct = default)
    {
        var sets = new List<string> { "version = version + 1", "updated_at = @now", "parent_seq = @parentSeq", "parent_id = @parentId",
            "path = @newPath", "level = @newLevel" };
        var args = new DynamicParameters(new { seq = current.Seq, expectedVersion, now, parentSeq = newParent.Seq, parentId = newParent.Id });
        foreach (var (column, value) in changes)
        {
            if (!UpdatableColumns.Contains(column))
            {
                throw new ArgumentException($"Column {column} is not updatable.", nameof(changes));
            }

            sets.Add($"{column} = @c_{column}");
            args.Add($"c_{column}", value);
        }

        await using var c = await db.OpenWriteAsync(ct);
        await using var tx = await Database.BeginWriteAsync(c, ct);
        if (db.Provider == StorageProvider.Postgres)
        {
            // Both rows locked in key order, so two moves cannot deadlock; their paths are read after that.
            await c.ExecuteAsync(new CommandDefinition(
                "SELECT seq FROM tenants WHERE seq = ANY(@seqs) ORDER BY seq FOR UPDATE",
                new { seqs = new[] { current.Seq, newParent.Seq } }, tx, cancellationToken: ct));
        }

        var rows = (await c.QueryAsync<(long Seq, string Path, int Level, long Version)>(new CommandDefinition(
            "SELECT seq, path, level, version FROM tenants WHERE seq IN (@seq, @parentSeq) AND deleted_at IS NULL", args, tx, cancellationToken: ct))).ToList();
        if (rows.FirstOrDefault(r => r.Seq == current.Seq) is not { Path: not null } tenant || tenant.Version != expectedVersion
            || rows.FirstOrDefault(r => r.Seq == newParent.Seq) is not { Path: not null } parent)
        {
            return MoveResult.Conflict;
        }

        if (TreePath.IsWithin(parent.Path, tenant.Path))
        {
            return MoveResult.Cycle;
        }

        var newPath = TreePath.Child(parent.Path, current.Seq);
        args.Add("newPath", newPath);
        args.Add("newLevel", parent.Level + 1);
        await c.ExecuteAsync(new CommandDefinition(
            $"UPDATE tenants SET {string.Join(", ", sets)} WHERE seq = @seq", args, tx, cancellationToken: ct));
        await c.ExecuteAsync(new CommandDefinition(
            "UPDATE tenants SET path = @newPath || substr(path, @cut), level = level + @delta WHERE path > @oldPath AND path < @upper",
            new { newPath, cut = tenant.Path.Length + 1, delta = parent.Level + 1 - tenant.Level, oldPath = tenant.Path, upper = TreePath.UpperBound(tenant.Path) },
            tx, cancellationToken: ct));

        // The subtree's usage totals leave the old parent's chain and join the new one's (their common ancestors net to nothing).
        await c.ExecuteAsync(new CommandDefinition(
            UsageRollups.AddSql(db.Provider, $"{UsageRollups.SubtreeOf("@oldParent", -1)} UNION ALL {UsageRollups.SubtreeOf("@parentSeq", 1)}"),
            new { seq = current.Seq, oldParent = current.ParentSeq, parentSeq = newParent.Seq }, tx, cancellationToken: ct));
        await AuditLog.WriteAsync(c, tx, audit with { TargetPath = newPath }, now, ct);
        await tx.CommitAsync(ct);
        return MoveResult.Moved;
    }

    /// <summary>
    /// Purges for good up to <paramref name="limit"/> tenants of the subtree under <paramref name="rootPath"/>, deepest
    /// first (so a batch never holds a tenant without the rest of its subtree), in one short transaction: their billing
    /// identity goes to the archive, then the rows go, and with them (foreign keys cascade) their API clients, users
    /// and everything else keyed to them. Only for a subtree under a deleted tenant (the purge of a deletion).
    /// </summary>
    public async Task<PurgedBatch> PurgeBatchAsync(string rootPath, int limit, long now, CancellationToken ct = default)
    {
        await using var c = await db.OpenWriteAsync(ct);
        await using var tx = await Database.BeginWriteAsync(c, ct);
        var rows = (await c.QueryAsync<Tenant>(new CommandDefinition(
            $"SELECT {Columns} FROM tenants WHERE path >= @rootPath AND path < @upper ORDER BY level DESC, path LIMIT @limit",
            new { rootPath, upper = TreePath.UpperBound(rootPath), limit }, tx, cancellationToken: ct))).AsList();
        if (rows.Count == 0)
        {
            return new PurgedBatch(0, 0, 0);
        }

        var seqs = new { seqs = db.List(rows.Select(r => r.Seq).ToList()) };
        await TenantArchive.WriteRowsAsync(db, c, tx, rows, now, ct);
        var users = await c.ExecuteScalarAsync<long>(new CommandDefinition(
            $"SELECT COUNT(*) FROM users WHERE {db.In("tenant_seq", "seqs")}", seqs, tx, cancellationToken: ct));
        var clients = await c.ExecuteScalarAsync<long>(new CommandDefinition(
            $"SELECT COUNT(*) FROM api_clients WHERE {db.In("tenant_seq", "seqs")}", seqs, tx, cancellationToken: ct));
        await c.ExecuteAsync(new CommandDefinition(
            $"DELETE FROM tenants WHERE {db.In("seq", "seqs")}", seqs, tx, cancellationToken: ct));
        await tx.CommitAsync(ct);
        return new PurgedBatch(rows.Count, users, clients);
    }

    private static Tenant Clone(Tenant t, long seq, string path, string parentId) => new()
    {
        Seq = seq, Id = t.Id, ParentSeq = t.ParentSeq, ParentId = parentId, Path = path, Level = t.Level,
        Kind = t.Kind, Name = t.Name, Enabled = t.Enabled, Version = t.Version, CreatedAt = t.CreatedAt,
        UpdatedAt = t.UpdatedAt, CustomerType = t.CustomerType, CustomerId = t.CustomerId,
        InternalTag = t.InternalTag, Language = t.Language, OwnerId = t.OwnerId, AncestralAccess = t.AncestralAccess,
        UpdateLockEnabled = t.UpdateLockEnabled, UpdateLockOwner = t.UpdateLockOwner, BrandId = t.BrandId,
        BrandUuid = t.BrandUuid, DefaultIdpId = t.DefaultIdpId, MfaStatus = t.MfaStatus, PricingMode = t.PricingMode,
        Contact = t.Contact, Code = t.Code, ZuoraAccountName = t.ZuoraAccountName,
        ZuoraAccountNumber = t.ZuoraAccountNumber, Description = t.Description, DeletedAt = t.DeletedAt, DeletionId = t.DeletionId, DeletedCode = t.DeletedCode,
    };
}
