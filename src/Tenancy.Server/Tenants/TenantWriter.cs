using System.Text.Json;

namespace Tenancy.Server.Tenants;

/// <summary>
/// One condition a guarded write needs, as SQL on the tenant row aliased <c>t</c>, and the error to answer
/// when it is the first that refused the write.
/// </summary>
public sealed record Guard(string Sql, Func<WriteOutcome, Error> Refusal);

/// <summary>
/// A change of a tenant's own columns: what to set, the conditions (access, version, lifecycle rules, in the
/// order their refusals take precedence) and how the audit trail names it.
/// </summary>
public sealed record TenantWrite(
    Caller Caller, string TenantId, IReadOnlyDictionary<string, object?> Columns, IReadOnlyList<Guard> Guards,
    IReadOnlyDictionary<string, object?> Parameters, string Operation, long Now)
{
    /// <summary>Evaluate the guards on the row as it is and write nothing (a dry run).</summary>
    public bool DryRun { get; init; }
}

/// <summary>
/// What a guarded write did, read back right after it: whether it wrote, the row as it is now with
/// what is derived from its path, and which guards the row passes now (to explain a refusal).
/// </summary>
public sealed record WriteOutcome(
    bool Written, Tenant? Tenant, Dictionary<long, Restriction> Restrictions, bool HasChildren, IReadOnlyList<bool> Passed)
{
    public TenantView View => new(Tenant!, HasChildren, Suspension.NearestDisabled(Tenant!, Restrictions));
}

/// <summary>
/// Conditional single-statement writes of a tenant's columns with their audit record and the read-back of
/// what the API returns (PostgreSQL: one round trip, one transaction; SQLite: the read-back follows the commit,
/// outside the write turn). The statement matches only when every
/// guard holds and some column actually changes, so a change that changes nothing bumps no version and
/// writes no audit record.
/// </summary>
public sealed class TenantWriter(Database db)
{
    private static readonly HashSet<string> Booleans = ["enabled", "ancestral_access", "update_lock_enabled"];

    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web);

    public async Task<WriteOutcome> WriteAsync(TenantWrite w, CancellationToken ct = default)
    {
        foreach (var column in w.Columns.Keys)
        {
            if (!TenantStore.UpdatableColumns.Contains(column))
            {
                throw new ArgumentException($"Column {column} is not updatable.", nameof(w));
            }
        }

        var args = new DynamicParameters(new
        {
            id = w.TenantId,
            now = w.Now,
            actorType = w.Caller.ActorType,
            actorId = w.Caller.ActorId,
            actorTenantId = w.Caller.TenantId,
            operation = w.Operation,
            address = w.Caller.Address,
            requestId = w.Caller.RequestId,
            impersonator = w.Caller.Impersonator,
            after = JsonSerializer.Serialize(w.Columns, Json),
            eventId = Guid.NewGuid().ToString(),
            eventType = Events.EventTypes.Of(w.Operation, "tenant"),
            feedLock = Events.EventLog.FeedLock,
        });
        foreach (var (name, value) in w.Parameters)
        {
            args.Add(name, value);
        }

        foreach (var (column, value) in w.Columns)
        {
            args.Add($"c_{column}", value);
        }

        var condition = string.Join(" AND ", w.Guards.Select(g => $"({g.Sql})").Prepend("t.id = @id AND t.deleted_at IS NULL"));
        var differs = w.Columns.Count == 0 ? "1 = 0" : string.Join(" OR ", w.Columns.Keys.Select(c => Distinct($"t.{c}", $"@c_{c}")));
        var sets = string.Join(", ", w.Columns.Keys.Select(c => $"{c} = @c_{c}"));
        var readBack = $"{TenantStore.ByIdSql}; {TenantStore.PathRestrictionsSql(db)}; {TenantStore.HasChildrenSql}; " +
            $"SELECT {string.Join(", ", w.Guards.Select((g, i) => $"{Flag(g.Sql)} AS g{i}"))} FROM tenants t WHERE t.id = @id";
        var sql = w.DryRun
            // A dry run: the same guards, read back without the write.
            ? $"SELECT seq FROM tenants WHERE 1 = 0; {readBack}"
            : db.Provider == StorageProvider.Postgres
            // One statement: lock the row if every guard holds and something changes, update it, and record
            // it; then the read-back. Npgsql sends the batch in one round trip, in one implicit transaction.
            ? $"WITH old AS (SELECT t.* FROM tenants t WHERE {condition} AND ({differs}) FOR UPDATE), " +
              $"upd AS (UPDATE tenants SET {Sets(sets)}version = tenants.version + 1, updated_at = @now FROM old " +
              "WHERE tenants.seq = old.seq RETURNING tenants.seq), " +
              $"aud AS ({AuditInsert}SELECT {AuditValues("old", w)} FROM old JOIN upd ON upd.seq = old.seq), " +
              // The event (see EventLog): the feed's lock is taken for the row once it is locked and updated.
              $"ev AS ({EventInsert}SELECT {EventValues("old", w)} FROM old JOIN upd ON upd.seq = old.seq, " +
              "LATERAL (SELECT pg_advisory_xact_lock(@feedLock) FROM upd u WHERE u.seq = old.seq) feed) " +
              $"SELECT seq FROM upd; {readBack}"
            // SQLite: see WriteSqliteAsync.
            : null;

        WriteOutcome outcome;
        if (sql is null)
        {
            outcome = await WriteSqliteAsync(w, args, condition, differs, sets, readBack, ct);
        }
        else
        {
            await using var c = w.DryRun ? await db.OpenAsync(ct) : await db.OpenWriteAsync(ct);
            await using var grid = await c.QueryMultipleAsync(new CommandDefinition(sql, args, cancellationToken: ct));
            outcome = await ReadOutcomeAsync(grid, (await grid.ReadAsync<long>()).Any(), w);
        }

        if (outcome.Written)
        {
            Events.EventSignal.Pulse();
        }

        return outcome;
    }

    /// <summary>
    /// SQLite runs one writer at a time (the transaction takes the write lock first): record from the row as it
    /// is, then update it under the same conditions, and commit. The answer is read back after the commit,
    /// with the write turn already given to the next writer, in a read transaction of its own (one snapshot):
    /// it shows the row as committed, and any change committed since, as PostgreSQL's read-back may.
    /// </summary>
    private async Task<WriteOutcome> WriteSqliteAsync(
        TenantWrite w, DynamicParameters args, string condition, string differs, string sets, string readBack, CancellationToken ct)
    {
        var write = $"{AuditInsert}SELECT {AuditValues("t", w)} FROM tenants t WHERE {condition} AND ({differs}); " +
            $"{EventInsert}SELECT {EventValues("t", w)} FROM tenants t WHERE {condition} AND ({differs}); " +
            $"UPDATE tenants AS t SET {Sets(sets)}version = version + 1, updated_at = @now WHERE {condition} AND ({differs}) RETURNING seq";
        await using var c = await db.OpenWriteAsync(ct);
        bool written;
        await using (var tx = await Database.BeginWriteAsync(c, ct))
        {
            written = (await c.QueryAsync<long>(new CommandDefinition(write, args, tx, cancellationToken: ct))).Any();
            await tx.CommitAsync(ct);
        }

        Database.EndWriteTurn(c);
        // Deferred: a read transaction (Microsoft.Data.Sqlite's default would take the write lock).
        await using var read = ((Microsoft.Data.Sqlite.SqliteConnection)c).BeginTransaction(deferred: true);
        await using var grid = await c.QueryMultipleAsync(new CommandDefinition(readBack, args, read, cancellationToken: ct));
        return await ReadOutcomeAsync(grid, written, w);
    }

    /// <summary>The read-back's results (after the write's own, if any): the row, its path's restrictions, children, guard flags.</summary>
    private static async Task<WriteOutcome> ReadOutcomeAsync(SqlMapper.GridReader grid, bool written, TenantWrite w)
    {
        var tenant = await grid.ReadSingleOrDefaultAsync<Tenant>();
        var restrictions = (await grid.ReadAsync<Restriction>()).ToDictionary(r => r.Seq);
        var hasChildren = await grid.ReadSingleAsync<long>() > 0;
        var flags = await grid.ReadSingleOrDefaultAsync() as IDictionary<string, object?>;
        var passed = w.Guards.Select((_, i) => flags is not null && Convert.ToBoolean(flags[$"g{i}"], System.Globalization.CultureInfo.InvariantCulture)).ToList();
        return new WriteOutcome(written, tenant, restrictions, hasChildren, passed);
    }

    private static string Sets(string sets) => sets.Length == 0 ? "" : sets + ", ";

    private const string AuditInsert =
        "INSERT INTO audit_log (at, actor_type, actor_id, actor_tenant_id, operation, target_type, target_id, target_path, " +
        "changes, address, request_id, impersonator) ";

    /// <summary>The audit row's values: the changed columns before (from the row) and after (as sent), never secrets.</summary>
    private string AuditValues(string alias, TenantWrite w)
    {
        var before = string.Join(", ", w.Columns.Keys.Select(c => $"'{c}', {JsonValue($"{alias}.{c}", c)}"));
        var changes = db.Provider == StorageProvider.Postgres
            ? $"json_build_object('before', json_build_object({before}), 'after', CAST(@after AS json))::text"
            : $"json_object('before', json_object({before}), 'after', json(@after))";
        return "@now, @actorType, @actorId, @actorTenantId, @operation, 'tenant', " +
            $"{alias}.id, {alias}.path, {changes}, @address, @requestId, @impersonator";
    }

    private const string EventInsert = "INSERT INTO events (event_id, type, tenant_id, tenant_path, at, data) ";

    /// <summary>The event's values (as <see cref="Events.EventLog"/> writes them for other changes): the tenant's path as ids, before and after.</summary>
    private string EventValues(string alias, TenantWrite w)
    {
        var before = string.Join(", ", w.Columns.Keys.Select(c => $"'{c}', {JsonValue($"{alias}.{c}", c)}"));
        var data = db.Provider == StorageProvider.Postgres
            ? "json_build_object('operation', @operation, " +
              $"'tenant_path', (SELECT json_agg(a.id ORDER BY a.level) FROM tenants a WHERE {db.OnPath("a.seq", $"{alias}.path")}), " +
              $"'target', json_build_object('type', 'tenant', 'id', {alias}.id), 'actor', json_build_object('type', @actorType, 'id', @actorId), " +
              $"'before', json_build_object({before}), 'after', CAST(@after AS json))::text"
            : "json_object('operation', @operation, " +
              $"'tenant_path', (SELECT json_group_array(x.id) FROM (SELECT a.id FROM tenants a WHERE {db.OnPath("a.seq", $"{alias}.path")} ORDER BY a.level) x), " +
              $"'target', json_object('type', 'tenant', 'id', {alias}.id), 'actor', json_object('type', @actorType, 'id', @actorId), " +
              $"'before', json_object({before}), 'after', json(@after))";
        return $"@eventId, @eventType, {alias}.id, {alias}.path, @now, {data}";
    }

    /// <summary>A column as a JSON value: SQLite keeps booleans as integers, so they are spelled out.</summary>
    private string JsonValue(string expression, string column) =>
        db.Provider == StorageProvider.Sqlite && Booleans.Contains(column)
            ? $"json(CASE WHEN {expression} THEN 'true' ELSE 'false' END)"
            : expression;

    /// <summary>A null-safe "differs": IS DISTINCT FROM on PostgreSQL, IS NOT on SQLite.</summary>
    private string Distinct(string a, string b) =>
        db.Provider == StorageProvider.Postgres ? $"{a} IS DISTINCT FROM {b}" : $"{a} IS NOT {b}";

    /// <summary>A condition as a column that reads as a boolean on both providers.</summary>
    private static string Flag(string condition) => $"CASE WHEN {condition} THEN 1 ELSE 0 END";
}
