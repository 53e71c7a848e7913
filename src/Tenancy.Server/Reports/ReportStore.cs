namespace Tenancy.Server.Reports;

/// <summary>SQL for report configurations and their stored files.</summary>
public sealed class ReportStore(Database db)
{
    private const string Columns =
        "id, tenant_id, version, kind, level, formats, period_start, period_end, hide_zero_usage, show_skus, " +
        "schedule_type, enabled, result_action, recipients, generation_date, next_run_at, created_at";

    private const string StoredColumns = "id, report_id, format, period_start, period_end, created_at, status, size";

    /// <summary>Stores a new report, the files due at once (pending) and the audit record, in one transaction.</summary>
    public async Task InsertAsync(Report report, IReadOnlyList<StoredReport> pending, AuditEntry audit, long now, CancellationToken ct = default)
    {
        await using var c = await db.OpenWriteAsync(ct);
        await using var tx = await Database.BeginWriteAsync(c, ct);
        await c.ExecuteAsync(new CommandDefinition(
            $"INSERT INTO reports ({Columns}) VALUES (@Id, @TenantId, @Version, @Kind, @Level, @Formats, @PeriodStart, @PeriodEnd, " +
            "@HideZeroUsage, @ShowSkus, @ScheduleType, @Enabled, @ResultAction, @Recipients, @GenerationDate, @NextRunAt, @CreatedAt)",
            report, tx, cancellationToken: ct));
        await InsertPendingAsync(c, tx, pending, ct);
        await AuditLog.WriteAsync(c, tx, audit, now, ct);
        await tx.CommitAsync(ct);
    }

    public async Task<Report?> GetAsync(string id, CancellationToken ct = default)
    {
        await using var c = await db.OpenAsync(ct);
        return await c.QuerySingleOrDefaultAsync<Report>(new CommandDefinition(
            $"SELECT {Columns} FROM reports WHERE id = @id", new { id }, cancellationToken: ct));
    }

    public async Task<IReadOnlyList<string>> IdsOfAsync(string tenantId, CancellationToken ct = default)
    {
        await using var c = await db.OpenAsync(ct);
        return (await c.QueryAsync<string>(new CommandDefinition(
            "SELECT id FROM reports WHERE tenant_id = @tenantId ORDER BY created_at, id", new { tenantId }, cancellationToken: ct))).AsList();
    }

    /// <summary>Writes the changed configuration if the report is still at <paramref name="expectedVersion"/>; false otherwise.</summary>
    public Task<bool> UpdateAsync(Report changed, long expectedVersion, AuditEntry audit, long now, CancellationToken ct = default) =>
        db.ExecuteAuditedAsync(
            "UPDATE reports SET version = version + 1, kind = @Kind, level = @Level, hide_zero_usage = @HideZeroUsage, " +
            "show_skus = @ShowSkus, enabled = @Enabled, recipients = @Recipients, generation_date = @GenerationDate, " +
            "next_run_at = @NextRunAt WHERE id = @Id AND version = @expectedVersion",
            new
            {
                changed.Id, changed.Kind, changed.Level, changed.HideZeroUsage, changed.ShowSkus, changed.Enabled,
                changed.Recipients, changed.GenerationDate, changed.NextRunAt, expectedVersion,
            },
            audit, now, ct);

    /// <summary>Deletes the report at <paramref name="version"/> with its files (ON DELETE CASCADE); false when nothing matched.</summary>
    public Task<bool> DeleteAsync(string id, long version, AuditEntry audit, long now, CancellationToken ct = default) =>
        db.ExecuteAuditedAsync("DELETE FROM reports WHERE id = @id AND version = @version", new { id, version }, audit, now, ct);

    /// <summary>The files of a report, newest first.</summary>
    public async Task<IReadOnlyList<StoredReport>> StoredAsync(string reportId, CancellationToken ct = default)
    {
        await using var c = await db.OpenAsync(ct);
        return (await c.QueryAsync<StoredReport>(new CommandDefinition(
            $"SELECT {StoredColumns} FROM stored_reports WHERE report_id = @reportId ORDER BY created_at DESC, format, id",
            new { reportId }, cancellationToken: ct))).AsList();
    }

    public async Task<(StoredReport? File, byte[]? Content)> FileAsync(string reportId, string storedId, CancellationToken ct = default)
    {
        await using var c = await db.OpenAsync(ct);
        var row = await c.QuerySingleOrDefaultAsync<(string Id, string Format, string Status, byte[]? Content)>(new CommandDefinition(
            "SELECT id, format, status, content FROM stored_reports WHERE id = @storedId AND report_id = @reportId",
            new { reportId, storedId }, cancellationToken: ct));
        return row.Id is null ? (null, null) : (new StoredReport { Id = row.Id, ReportId = reportId, Format = row.Format, Status = row.Status }, row.Content);
    }

    /// <summary>
    /// Claims the oldest pending file that nobody holds (or whose holder's lease ran out) for
    /// <paramref name="instance"/> until <paramref name="leaseUntil"/>: one conditional UPDATE, so of several
    /// instances exactly one gets each claim. PostgreSQL skips rows another claim is locking.
    /// </summary>
    public async Task<StoredReport?> ClaimAsync(string instance, long now, long leaseUntil, CancellationToken ct = default)
    {
        const string free = "status = 'in_progress' AND (lease_until IS NULL OR lease_until < @now)";
        var skipLocked = db.Provider == StorageProvider.Postgres ? " FOR UPDATE SKIP LOCKED" : "";
        await using var c = await db.OpenWriteAsync(ct);
        return await c.QuerySingleOrDefaultAsync<StoredReport>(new CommandDefinition(
            "UPDATE stored_reports SET claimed_by = @instance, lease_until = @leaseUntil, claims = claims + 1 " +
            $"WHERE id = (SELECT id FROM stored_reports WHERE {free} ORDER BY created_at, id LIMIT 1{skipLocked}) AND {free} " +
            $"RETURNING {StoredColumns}",
            new { instance, now, leaseUntil }, cancellationToken: ct));
    }

    /// <summary>Stores the outcome of a claimed file; false when <paramref name="instance"/> no longer holds the claim.</summary>
    public async Task<bool> CompleteAsync(string storedId, string instance, string status, byte[]? content, long now, CancellationToken ct = default)
    {
        await using var c = await db.OpenWriteAsync(ct);
        return await c.ExecuteAsync(new CommandDefinition(
            "UPDATE stored_reports SET status = @status, content = @content, size = @size, produced_at = @now, lease_until = NULL " +
            "WHERE id = @storedId AND claimed_by = @instance AND status = 'in_progress'",
            new { storedId, instance, status, content, size = content?.LongLength, now }, cancellationToken: ct)) == 1;
    }

    /// <summary>The enabled scheduled reports whose next run is due.</summary>
    public async Task<IReadOnlyList<Report>> DueAsync(long now, CancellationToken ct = default)
    {
        await using var c = await db.OpenAsync(ct);
        return (await c.QueryAsync<Report>(new CommandDefinition(
            $"SELECT {Columns} FROM reports WHERE next_run_at <= @now ORDER BY next_run_at LIMIT 100", new { now }, cancellationToken: ct))).AsList();
    }

    /// <summary>
    /// Takes the due run <paramref name="due"/> of a report: moves its next run to <paramref name="next"/> and adds
    /// its pending files, in one transaction, only if the run is still due (another instance may have taken it).
    /// </summary>
    public async Task<bool> TakeRunAsync(Report report, long due, long next, string generationDate, IReadOnlyList<StoredReport> pending, CancellationToken ct = default)
    {
        await using var c = await db.OpenWriteAsync(ct);
        await using var tx = await Database.BeginWriteAsync(c, ct);
        if (await c.ExecuteAsync(new CommandDefinition(
            "UPDATE reports SET next_run_at = @next, generation_date = @generationDate WHERE id = @id AND next_run_at = @due",
            new { id = report.Id, due, next, generationDate }, tx, cancellationToken: ct)) == 0)
        {
            return false;
        }

        await InsertPendingAsync(c, tx, pending, ct);
        await tx.CommitAsync(ct);
        return true;
    }

    private static Task<int> InsertPendingAsync(System.Data.Common.DbConnection c, System.Data.Common.DbTransaction tx, IReadOnlyList<StoredReport> pending, CancellationToken ct) =>
        c.ExecuteAsync(new CommandDefinition(
            "INSERT INTO stored_reports (id, report_id, format, period_start, period_end, created_at, status) " +
            "VALUES (@Id, @ReportId, @Format, @PeriodStart, @PeriodEnd, @CreatedAt, @Status)",
            pending, tx, cancellationToken: ct));
}
