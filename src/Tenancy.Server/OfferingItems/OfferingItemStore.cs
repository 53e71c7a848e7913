namespace Tenancy.Server.OfferingItems;

/// <summary>A change to one item of one tenant; written only if its quota is still at <paramref name="ExpectedVersion"/>.</summary>
public sealed record ItemWrite(
    string ApplicationId, string Name, string? Edition, long Status, long? QuotaValue, long? QuotaOverage, long QuotaVersion, long ExpectedVersion);

/// <summary>
/// SQL for tenants' offering items. Reads take the rows and application bindings of the tenants on a path
/// (at most depth rows per item, by primary key); the effective state is computed from them
/// (<see cref="OfferingItemTree"/>). Writes of one request go in one transaction with their audit record.
/// </summary>
public sealed class OfferingItemStore(Database db)
{
    /// <summary>The rows and application bindings of the given tenants.</summary>
    public async Task<(Dictionary<(long, string, string), ItemRow> Rows, HashSet<(long, string)> Bindings)> OfAsync(
        IReadOnlyCollection<long> seqs, CancellationToken ct = default)
    {
        await using var c = await db.OpenAsync(ct);
        await using var grid = await c.QueryMultipleAsync(new CommandDefinition(
            "SELECT tenant_seq, application_id, name, edition, status, quota_value, quota_overage, quota_version, updated_at " +
            $"FROM offering_items WHERE {db.In("tenant_seq", "seqs")}; " +
            $"SELECT tenant_seq, application_id FROM application_bindings WHERE {db.In("tenant_seq", "seqs")}",
            new { seqs = db.List(seqs) }, cancellationToken: ct));
        var rows = (await grid.ReadAsync<ItemRow>()).ToDictionary(r => (r.TenantSeq, r.ApplicationId, r.Name));
        var bindings = (await grid.ReadAsync<(long, string)>()).ToHashSet();
        return (rows, bindings);
    }

    /// <summary>
    /// Writes the items and turns on the applications of those turned on (<paramref name="bind"/>), with the
    /// audit record, in one transaction. False, and nothing written, when an item's quota has changed since it
    /// was read (its version is no longer the expected one).
    /// </summary>
    public async Task<bool> WriteAsync(
        long tenantSeq, IReadOnlyList<ItemWrite> writes, IReadOnlyCollection<string> bind, long now, AuditEntry audit, CancellationToken ct = default)
    {
        await using var c = await db.OpenWriteAsync(ct);
        await using var tx = await Database.BeginWriteAsync(c, ct);
        foreach (var w in writes)
        {
            var written = await c.ExecuteAsync(new CommandDefinition(
                "INSERT INTO offering_items (tenant_seq, application_id, name, edition, status, quota_value, quota_overage, quota_version, updated_at) " +
                "VALUES (@tenantSeq, @ApplicationId, @Name, @Edition, @Status, @QuotaValue, @QuotaOverage, @QuotaVersion, @now) " +
                "ON CONFLICT (tenant_seq, application_id, name) DO UPDATE SET edition = excluded.edition, status = excluded.status, " +
                "quota_value = excluded.quota_value, quota_overage = excluded.quota_overage, quota_version = excluded.quota_version, " +
                "updated_at = excluded.updated_at WHERE offering_items.quota_version = @ExpectedVersion",
                new { tenantSeq, w.ApplicationId, w.Name, w.Edition, w.Status, w.QuotaValue, w.QuotaOverage, w.QuotaVersion, w.ExpectedVersion, now },
                tx, cancellationToken: ct));
            if (written == 0)
            {
                await tx.RollbackAsync(ct);
                return false;
            }
        }

        foreach (var applicationId in bind)
        {
            await c.ExecuteAsync(new CommandDefinition(
                "INSERT INTO application_bindings (tenant_seq, application_id, created_at) VALUES (@tenantSeq, @applicationId, @now) " +
                "ON CONFLICT (tenant_seq, application_id) DO NOTHING",
                new { tenantSeq, applicationId, now }, tx, cancellationToken: ct));
        }

        await AuditLog.WriteAsync(c, tx, audit, now, ct);
        await tx.CommitAsync(ct);
        return true;
    }

    /// <summary>
    /// Tenants of the subtree at <paramref name="rootPath"/> the caller may read, level by level in path order,
    /// from (<paramref name="level"/>, <paramref name="fromPath"/>) on (keyset paging on ix_tenants_level_path).
    /// </summary>
    public async Task<IReadOnlyList<Tenant>> SubtreeAsync(
        Caller caller, string rootPath, int level, string fromPath, int limit, CancellationToken ct = default)
    {
        var args = new DynamicParameters(AccessPolicy.Parameters(caller));
        args.AddDynamicParams(new { rootPath, upper = TreePath.UpperBound(rootPath), level, fromPath, limit });
        await using var c = await db.OpenAsync(ct);
        var rows = await c.QueryAsync<Tenant>(new CommandDefinition(
            $"SELECT {TenantStore.Columns} FROM tenants t WHERE t.path >= @rootPath AND t.path < @upper AND {AccessPolicy.Where(caller, Operation.Read, Resource.OfferingItem, "t.path")} " +
            "AND (t.level > @level OR (t.level = @level AND t.path >= @fromPath)) ORDER BY t.level, t.path LIMIT @limit",
            args, cancellationToken: ct));
        return rows.AsList();
    }
}
