using Tenancy.Server.Usage;
using Tenancy.Server.Users;

namespace Tenancy.Server.Deletions;

/// <summary>
/// SQL for soft deletion and deletions (operations). Every write is a conditional statement; a deletion's
/// rows change in one short transaction with its audit record.
/// </summary>
public sealed class DeletionStore(Database db)
{
    private const string Columns =
        "id, tenant_id, tenant_path, parent_id, state, created_at, created_by, restore_until, acknowledge_by, finished_at, " +
        "tenants_total, users_total, clients_total, tenants_purged, users_purged, clients_purged";

    /// <summary>
    /// Marks a tenant deleted by the deletion @id. Its code is set aside (free for a new tenant meanwhile; a restore takes
    /// it back, or answers 409 when it was taken), as are its users' logins.
    /// </summary>
    private const string MarkSets = "deleted_at = @now, deletion_id = @id, deleted_code = code, code = NULL";

    private const string ServiceColumns = "deletion_id, application_id, acknowledged_at, acknowledged_by";

    /// <summary>
    /// Marks <paramref name="tenant"/> (at <paramref name="expectedVersion"/>, any when null) and every live tenant of its
    /// subtree deleted by the deletion <paramref name="plan"/>, and records the deletion with its services. The conditions
    /// of <paramref name="mode"/> are part of the first statement, so a concurrent change makes it match nothing; then
    /// nothing is written and the answer is false.
    /// </summary>
    public async Task<bool> MarkAsync(
        Tenant tenant, long? expectedVersion, DeleteMode mode, DeletionPlan plan, AuditEntry audit, CancellationToken ct = default)
    {
        var condition = mode switch
        {
            DeleteMode.RequireDisabled => " AND NOT enabled",
            _ => " AND NOT EXISTS (SELECT 1 FROM tenants c WHERE c.parent_seq = @seq AND c.deleted_at IS NULL)",
        };
        var args = new
        {
            seq = tenant.Seq, expectedVersion, path = tenant.Path, upper = TreePath.UpperBound(tenant.Path),
            id = plan.Id, now = plan.Now,
        };
        await using var c = await db.OpenWriteAsync(ct);
        await using var tx = await Database.BeginWriteAsync(c, ct);
        var n = await c.ExecuteAsync(new CommandDefinition(
            $"UPDATE tenants SET {MarkSets} WHERE seq = @seq AND deleted_at IS NULL" +
            (expectedVersion is null ? "" : " AND version = @expectedVersion") + condition, args, tx, cancellationToken: ct));
        if (n == 0)
        {
            return false;
        }

        var descendants = await c.ExecuteAsync(new CommandDefinition(
            $"UPDATE tenants SET {MarkSets} WHERE path > @path AND path < @upper AND deleted_at IS NULL",
            args, tx, cancellationToken: ct));

        // The subtree's usage leaves the live totals of its ancestors (its own rows keep it, for a restore).
        await c.ExecuteAsync(new CommandDefinition(
            UsageRollups.AddSql(db.Provider, UsageRollups.SubtreeOf("t.parent_seq", -1)), args, tx, cancellationToken: ct));
        await c.ExecuteAsync(new CommandDefinition(
            $"UPDATE users SET {UserStore.SetLoginAside} WHERE deleted_login_key IS NULL " +
            "AND tenant_seq IN (SELECT seq FROM tenants WHERE deletion_id = @id)", args, tx, cancellationToken: ct));
        var users = await c.ExecuteScalarAsync<long>(new CommandDefinition(
            "SELECT COUNT(*) FROM users u JOIN tenants t ON t.seq = u.tenant_seq WHERE t.deletion_id = @id", args, tx, cancellationToken: ct));
        var clients = await c.ExecuteScalarAsync<long>(new CommandDefinition(
            "SELECT COUNT(*) FROM api_clients a JOIN tenants t ON t.seq = a.tenant_seq WHERE t.deletion_id = @id", args, tx, cancellationToken: ct));
        await c.ExecuteAsync(new CommandDefinition(
            $"INSERT INTO deletions ({Columns}) VALUES (@id, @tenantId, @tenantPath, @parentId, @state, @now, @createdBy, " +
            "@restoreUntil, @acknowledgeBy, NULL, @tenants, @users, @clients, 0, 0, 0)",
            new
            {
                id = plan.Id, tenantId = tenant.Id, tenantPath = tenant.Path, parentId = tenant.ParentId, state = DeletionStates.Pending,
                now = plan.Now, createdBy = $"{audit.Actor.ActorType}:{audit.Actor.ActorId}", restoreUntil = plan.RestoreUntil,
                acknowledgeBy = plan.AcknowledgeBy, tenants = descendants + 1L, users, clients,
            }, tx, cancellationToken: ct));
        await c.ExecuteAsync(new CommandDefinition(
            "INSERT INTO deletion_services (deletion_id, application_id) VALUES (@deletionId, @applicationId)",
            plan.Services.Select(s => new { deletionId = plan.Id, applicationId = s }), tx, cancellationToken: ct));
        var after = new Dictionary<string, object?> { ["deletion_id"] = plan.Id, ["deleted_descendants"] = descendants };
        await AuditLog.WriteAsync(c, tx, audit with { After = after }, plan.Now, ct);
        await tx.CommitAsync(ct);
        return true;
    }

    /// <summary>
    /// Cancels a pending deletion whose window is still open and brings back exactly the tenants it marked, unless the
    /// deleted tenant's parent is itself deleted now. False when nothing matched (the caller tells why from a read).
    /// </summary>
    public Task<bool> RestoreAsync(Deletion deletion, long now, AuditEntry audit, CancellationToken ct = default) =>
        db.ExecuteAuditedAsync(
        [
            ("UPDATE deletions SET state = @cancelled, finished_at = @now WHERE id = @id AND state = @pending AND restore_until > @now " +
                "AND NOT EXISTS (SELECT 1 FROM tenants p WHERE p.id = @parentId AND p.deleted_at IS NOT NULL)",
                new { id = deletion.Id, now, parentId = deletion.ParentId, cancelled = DeletionStates.Cancelled, pending = DeletionStates.Pending }),
            ($"UPDATE users SET {UserStore.TakeLoginBack} WHERE deleted_at IS NULL AND deleted_login_key IS NOT NULL " +
                "AND tenant_seq IN (SELECT seq FROM tenants WHERE deletion_id = @id)", new { id = deletion.Id }),
            ("UPDATE tenants SET deleted_at = NULL, deletion_id = NULL, code = deleted_code, deleted_code = NULL WHERE deletion_id = @id",
                new { id = deletion.Id }),
            (UsageRollups.AddSql(db.Provider, UsageRollups.SubtreeOf("t.parent_seq", 1, "t.id = @tenantId")),
                new { tenantId = deletion.TenantId }),
        ], audit, now, ct);

    /// <summary>Records a service's acknowledgement of a deletion that is purging; false when not purging or already acknowledged.</summary>
    public Task<bool> AcknowledgeAsync(string id, string applicationId, string by, long now, AuditEntry audit, CancellationToken ct = default) =>
        db.ExecuteAuditedAsync(
            "UPDATE deletion_services SET acknowledged_at = @now, acknowledged_by = @by WHERE deletion_id = @id AND application_id = @applicationId " +
            "AND acknowledged_at IS NULL AND EXISTS (SELECT 1 FROM deletions d WHERE d.id = @id AND d.state = @purging)",
            new { id, applicationId, by, now, purging = DeletionStates.Purging }, audit, now, ct);

    public async Task<Deletion?> GetAsync(string id, CancellationToken ct = default) =>
        (await ReadAsync($"SELECT {Columns} FROM deletions WHERE id = @id", new { id }, ct)).SingleOrDefault();

    /// <summary>The latest deletion of a tenant (the tenant deleted, not one of its ancestors).</summary>
    public async Task<Deletion?> LatestOfTenantAsync(string tenantId, CancellationToken ct = default) =>
        (await ReadAsync($"SELECT {Columns} FROM deletions WHERE tenant_id = @tenantId ORDER BY created_at DESC, id LIMIT 1",
            new { tenantId }, ct)).SingleOrDefault();

    /// <summary>Up to <paramref name="limit"/> deletions in a state, oldest first, within the caller's reach (a SQL condition on d.tenant_path).</summary>
    /// <summary>
    /// Deletions in a state within reach, oldest first, after the deletion <paramref name="after"/> when given
    /// (keyset on created_at, id: a page never repeats or skips one).
    /// </summary>
    public Task<IReadOnlyList<Deletion>> ListAsync(
        string state, string? after, string reach, Dictionary<string, object?> parameters, int limit, CancellationToken ct = default)
    {
        var args = new DynamicParameters(parameters);
        args.AddDynamicParams(new { state, limit, after });
        var keyset = after is null ? "" : " AND (created_at, id) > (SELECT created_at, id FROM deletions WHERE id = @after)";
        return ReadAsync($"SELECT {Columns} FROM deletions d WHERE state = @state{keyset} AND {reach} ORDER BY created_at, id LIMIT @limit", args, ct);
    }

    /// <summary>The states of deletions, by id (for the external_operation_status of deleted tenants).</summary>
    public async Task<Dictionary<string, string>> StatesAsync(IReadOnlyCollection<string> ids, CancellationToken ct = default)
    {
        if (ids.Count == 0)
        {
            return [];
        }

        await using var c = await db.OpenAsync(ct);
        var rows = await c.QueryAsync<(string Id, string State)>(new CommandDefinition(
            $"SELECT id, state FROM deletions WHERE {db.In("id", "ids")}", new { ids = db.List(ids) }, cancellationToken: ct));
        return rows.ToDictionary(r => r.Id, r => r.State);
    }

    /// <summary>Takes (or renews) the purge lease for <paramref name="holder"/>; false while another instance holds it.</summary>
    public async Task<bool> TakeLeaseAsync(string holder, long now, long until, CancellationToken ct = default)
    {
        await using var c = await db.OpenWriteAsync(ct);
        return await c.ExecuteAsync(new CommandDefinition(
            "UPDATE deletion_lease SET holder = @holder, lease_until = @until WHERE name = 'purge' AND (holder = @holder OR lease_until < @now)",
            new { holder, now, until }, cancellationToken: ct)) == 1;
    }

    /// <summary>The pending deletions whose restore window has ended.</summary>
    public Task<IReadOnlyList<Deletion>> DueAsync(long now, CancellationToken ct = default) =>
        ReadAsync($"SELECT {Columns} FROM deletions WHERE state = @pending AND restore_until <= @now ORDER BY restore_until, id LIMIT 100",
            new { now, pending = DeletionStates.Pending }, ct);

    public Task<IReadOnlyList<Deletion>> PurgingAsync(CancellationToken ct = default) =>
        ReadAsync($"SELECT {Columns} FROM deletions WHERE state = @purging ORDER BY restore_until, id LIMIT 100",
            new { purging = DeletionStates.Purging }, ct);

    /// <summary>Moves a deletion from <paramref name="from"/> to <paramref name="to"/> (conditional), with its audit record.</summary>
    public Task<bool> MoveAsync(Deletion deletion, string from, string to, long now, AuditEntry audit, CancellationToken ct = default) =>
        db.ExecuteAuditedAsync(
            "UPDATE deletions SET state = @to, finished_at = CASE WHEN @finished THEN @now ELSE finished_at END WHERE id = @id AND state = @from",
            new { id = deletion.Id, from, to, now, finished = to is DeletionStates.Done or DeletionStates.Failed }, audit, now, ct);

    /// <summary>Adds what a purge batch removed to the deletion's progress.</summary>
    public async Task AddProgressAsync(string id, PurgedBatch batch, CancellationToken ct = default)
    {
        await using var c = await db.OpenWriteAsync(ct);
        await c.ExecuteAsync(new CommandDefinition(
            "UPDATE deletions SET tenants_purged = tenants_purged + @Tenants, users_purged = users_purged + @Users, " +
            "clients_purged = clients_purged + @Clients WHERE id = @id",
            new { id, batch.Tenants, batch.Users, batch.Clients }, cancellationToken: ct));
    }

    private async Task<IReadOnlyList<Deletion>> ReadAsync(string sql, object args, CancellationToken ct)
    {
        await using var c = await db.OpenAsync(ct);
        var deletions = (await c.QueryAsync<Deletion>(new CommandDefinition(sql, args, cancellationToken: ct))).AsList();
        if (deletions.Count == 0)
        {
            return deletions;
        }

        var services = (await c.QueryAsync<DeletionAcknowledgement>(new CommandDefinition(
            $"SELECT {ServiceColumns} FROM deletion_services WHERE {db.In("deletion_id", "ids")} ORDER BY application_id",
            new { ids = db.List(deletions.Select(d => d.Id).ToList()) }, cancellationToken: ct))).ToLookup(s => s.DeletionId);
        foreach (var d in deletions)
        {
            d.Services = [.. services[d.Id]];
        }

        return deletions;
    }
}
