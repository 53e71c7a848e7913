namespace Tenancy.Server.Tenants;

/// <summary>
/// The writes of the tenant tree: each a conditional statement (plus, for inserts and moves, the path
/// bookkeeping) and its audit record, in one transaction.
/// </summary>
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

        await using var c = await db.OpenAsync(ct);
        await using var tx = await Database.BeginWriteAsync(c, ct);
        if (db.Provider == StorageProvider.Postgres)
        {
            // Both rows locked in key order, so two moves cannot deadlock; their paths are read after that.
            await c.ExecuteAsync(new CommandDefinition(
                "SELECT seq FROM tenants WHERE seq = ANY(@seqs) ORDER BY seq FOR UPDATE",
                new { seqs = new[] { current.Seq, newParent.Seq } }, tx, cancellationToken: ct));
        }

        var rows = (await c.QueryAsync<(long Seq, string Path, int Level, long Version)>(new CommandDefinition(
            "SELECT seq, path, level, version FROM tenants WHERE seq IN (@seq, @parentSeq)", args, tx, cancellationToken: ct))).ToList();
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
        await AuditLog.WriteAsync(c, tx, audit with { TargetPath = newPath }, now, ct);
        await tx.CommitAsync(ct);
        return MoveResult.Moved;
    }

    /// <summary>
    /// Deletes a tenant at <paramref name="expectedVersion"/> (any version when null) with its whole subtree, in one transaction;
    /// API clients and everything else keyed to those tenants go with them (foreign keys cascade).
    /// The conditions of <paramref name="mode"/> are part of the statement, so a concurrent change
    /// makes it match nothing instead of deleting too much. The billing identity of every deleted
    /// tenant goes to the archive in the same transaction (rolled back with it when nothing matched).
    /// </summary>
    public async Task<bool> DeleteAsync(
        Tenant tenant, long? expectedVersion, DeleteMode mode, long deletedAt, AuditEntry? audit = null, CancellationToken ct = default)
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
        var match = "FROM tenants WHERE seq = @seq" + (expectedVersion is null ? "" : " AND version = @expectedVersion") + condition;
        if (db.Provider == StorageProvider.Postgres
            && await c.ExecuteScalarAsync<long?>(new CommandDefinition($"SELECT seq {match} FOR UPDATE", args, tx, cancellationToken: ct)) is null)
        {
            // The row is checked and locked before the subtree is archived (which takes a while on a large
            // subtree): a writer committing meanwhile would otherwise fail the delete at its very end, every
            // time a steady writer is at work. SQLite's write transaction holds the whole store already.
            return false;
        }

        await TenantArchive.WriteAsync(db, c, tx, tenant, deletedAt, ct);
        var n = await c.ExecuteAsync(new CommandDefinition("DELETE " + match, args, tx, cancellationToken: ct));
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
