namespace Tenancy.Server.Reports;

/// <summary>
/// Usage reports: their configuration and their stored files. A report belongs to the tenant it reports
/// on; every operation asks the access policy for that tenant (create, read, change, delete). The files
/// are produced by <see cref="ReportWorker"/>. No HTTP here.
/// </summary>
public sealed class ReportService(TenantService tenants, ReportStore store, ReportSignal signal, TimeProvider clock)
{
    public async Task<Result<Report>> CreateAsync(Caller caller, ReportPostRequest body, CancellationToken ct = default)
    {
        var p = body.Parameters!;
        var formats = p.Formats is { Count: > 0 } f ? f.Distinct(StringComparer.Ordinal).ToList() : [ReportValues.CsvV2];
        var today = ReportPeriod.Today(clock);
        var problem = Check(p.Kind!, p.Level!)
            ?? OneOf("schedule.type", body.Schedule!.Type!, ReportValues.Schedules)
            ?? (body.ResultAction is null or ReportValues.Save ? null
                : new Invalid("result_action", "result_action must be save: reports are stored for download (GET /api/2/reports/{id}/stored), not sent."))
            ?? formats.Select(x => OneOf("parameters.formats", x, ReportValues.Formats)).FirstOrDefault(e => e is not null)
            ?? Recipients(body.Recipients)
            ?? (body.GenerationDate is null || ReportPeriod.Parse(body.GenerationDate) is not null ? null
                : new Invalid("generation_date", "generation_date must be a date (YYYY-MM-DD)."));
        if (problem is not null)
        {
            return problem;
        }

        var monthly = body.Schedule!.Type == ReportValues.Monthly;
        // A one-time usage_current report is stamped with the month so far; a monthly one with no period (each run has its own).
        ReportPeriod? period = monthly ? null : new ReportPeriod(ReportPeriod.MonthOf(today), today);
        if (!monthly && p.Kind == ReportValues.UsageSummary)
        {
            var asked = PeriodOf(p.Period, today);
            if (!asked.IsOk)
            {
                return asked.Error;
            }

            period = asked.Value;
        }

        var placed = await tenants.AuthorizeAsync(caller, p.TenantId!, Operation.Create, Resource.Report, ct);
        if (!placed.IsOk)
        {
            return placed.Error;
        }

        var now = clock.NowMicros();
        var nextRun = monthly ? ReportPeriod.Micros(NextMonth(today)) : (long?)null;
        var report = new Report
        {
            Id = Ids.New(), TenantId = placed.Value.Tenant.Id, Version = 1, Kind = p.Kind!, Level = p.Level!,
            Formats = string.Join(',', formats), PeriodStart = period is null ? null : ReportPeriod.Format(period.Start),
            PeriodEnd = period is null ? null : ReportPeriod.Format(period.End), HideZeroUsage = p.HideZeroUsage ?? false,
            ShowSkus = p.ShowSkus ?? false, ScheduleType = body.Schedule.Type!, Enabled = !monthly || (body.Schedule.Enabled ?? true),
            ResultAction = ReportValues.Save, Recipients = string.Join(',', body.Recipients?.Select(r => Ids.Normalize(r)!) ?? []),
            GenerationDate = ReportPeriod.Format(monthly ? NextMonth(today) : today), CreatedAt = now,
        };
        report = monthly && report.Enabled ? WithNextRun(report, nextRun) : report;
        var pending = period is null ? [] : Pending(report, period, now);
        var audit = new AuditEntry(caller, "report.create", "report", report.Id, placed.Value.Tenant.Path, null, Fields(report));
        await store.InsertAsync(report, pending, audit, now, ct);
        signal.Wake();
        return report;
    }

    public async Task<Result<Report>> GetAsync(Caller caller, string id, CancellationToken ct = default) =>
        await FindAsync(caller, id, Operation.Read, ct);

    public async Task<Result<IReadOnlyList<string>>> IdsOfAsync(Caller caller, string tenantId, CancellationToken ct = default)
    {
        var placed = await tenants.AuthorizeAsync(caller, tenantId, Operation.Read, Resource.Report, ct);
        return placed.IsOk ? Result<IReadOnlyList<string>>.Ok(await store.IdsOfAsync(placed.Value.Tenant.Id, ct)) : placed.Error;
    }

    /// <summary>Changes a scheduled report (the original API refuses to change a one-time report).</summary>
    public async Task<Result<Report>> UpdateAsync(Caller caller, string id, ReportPutRequest body, CancellationToken ct = default)
    {
        var found = await FindAsync(caller, id, Operation.Change, ct);
        if (!found.IsOk)
        {
            return found.Error;
        }

        var before = found.Value;
        if (before.ScheduleType != ReportValues.Monthly)
        {
            return new RuleViolation(Rule.Business, $"Report {before.Id} runs once; only scheduled (monthly) reports can be changed.");
        }

        var p = body.Parameters;
        if ((Check(p?.Kind ?? before.Kind, p?.Level ?? before.Level) ?? Recipients(body.Recipients)) is { } problem)
        {
            return problem;
        }

        var enabled = body.Schedule?.Enabled ?? before.Enabled;
        var nextRun = enabled ? before.NextRunAt ?? ReportPeriod.Micros(NextMonth(ReportPeriod.Today(clock))) : (long?)null;
        var after = WithNextRun(new Report
        {
            Id = before.Id, TenantId = before.TenantId, Version = before.Version + 1, Kind = p?.Kind ?? before.Kind,
            Level = p?.Level ?? before.Level, Formats = before.Formats, HideZeroUsage = p?.HideZeroUsage ?? before.HideZeroUsage,
            ShowSkus = p?.ShowSkus ?? before.ShowSkus, ScheduleType = before.ScheduleType, Enabled = enabled,
            ResultAction = before.ResultAction, GenerationDate = before.GenerationDate, CreatedAt = before.CreatedAt,
            Recipients = body.Recipients is null ? before.Recipients : string.Join(',', body.Recipients.Select(r => Ids.Normalize(r)!)),
        }, nextRun);
        var (was, now) = (Fields(before), Fields(after));
        if (was.All(kv => Equals(kv.Value, now[kv.Key])))
        {
            return before; // nothing changes: no new version, no audit record
        }

        var tenant = await tenants.PlaceAsync(before.TenantId, ct);
        var audit = new AuditEntry(caller, "report.update", "report", before.Id, tenant?.Tenant.Path ?? "",
            Changed(was, now, from: was), Changed(was, now, from: now));
        if (await store.UpdateAsync(after, before.Version, audit, clock.NowMicros(), ct))
        {
            return await store.GetAsync(before.Id, ct) is { } stored ? stored : new NotFound($"The report {before.Id} was not found.");
        }

        return await store.GetAsync(before.Id, ct) is { } current
            ? new VersionConflict(current.Version)
            : new NotFound($"The report {before.Id} was not found.");
    }

    public async Task<Error?> DeleteAsync(Caller caller, string id, long version, CancellationToken ct = default)
    {
        var found = await FindAsync(caller, id, Operation.Delete, ct);
        if (!found.IsOk)
        {
            return found.Error;
        }

        var report = found.Value;
        var tenant = await tenants.PlaceAsync(report.TenantId, ct);
        var audit = new AuditEntry(caller, "report.delete", "report", report.Id, tenant?.Tenant.Path ?? "", Fields(report), null);
        if (await store.DeleteAsync(report.Id, version, audit, clock.NowMicros(), ct))
        {
            return null;
        }

        return await store.GetAsync(report.Id, ct) is { } current
            ? new VersionConflict(current.Version)
            : new NotFound($"The report {report.Id} was not found.");
    }

    public async Task<Result<IReadOnlyList<StoredReport>>> StoredAsync(Caller caller, string id, CancellationToken ct = default)
    {
        var found = await FindAsync(caller, id, Operation.Read, ct);
        return found.IsOk ? Result<IReadOnlyList<StoredReport>>.Ok(await store.StoredAsync(found.Value.Id, ct)) : found.Error;
    }

    /// <summary>A produced file and its format.</summary>
    public async Task<Result<(string Format, byte[] Content)>> FileAsync(Caller caller, string id, string storedId, CancellationToken ct = default)
    {
        var found = await FindAsync(caller, id, Operation.Read, ct);
        if (!found.IsOk)
        {
            return found.Error;
        }

        var (file, content) = Ids.Normalize(storedId) is { } sid ? await store.FileAsync(found.Value.Id, sid, ct) : (null, null);
        return file is null ? new NotFound($"The stored report {storedId} was not found.")
            : file.Status != ReportValues.Saved || content is null
                ? new RuleViolation(Rule.Business, $"The stored report {file.Id} is {file.Status}, not saved; poll GET /api/2/reports/{id}/stored until it is.")
            : (file.Format, content);
    }

    /// <summary>The files of one run: one per format, pending.</summary>
    public static IReadOnlyList<StoredReport> Pending(Report report, ReportPeriod period, long now) =>
    [
        .. report.FormatList.Select(format => new StoredReport
        {
            Id = Ids.New(), ReportId = report.Id, Format = format, PeriodStart = ReportPeriod.Format(period.Start),
            PeriodEnd = ReportPeriod.Format(period.End), CreatedAt = now, Status = ReportValues.InProgress,
        }),
    ];

    /// <summary>The first day of the month after <paramref name="day"/>: when a monthly report runs, for the month before.</summary>
    public static DateOnly NextMonth(DateOnly day) => ReportPeriod.MonthOf(day).AddMonths(1);

    private async Task<Result<Report>> FindAsync(Caller caller, string id, Operation operation, CancellationToken ct) =>
        await tenants.FindOwnedAsync(caller, operation, Resource.Report, id, (rid, c) => store.GetAsync(rid, c), r => r.TenantId, ct);

    private static Report WithNextRun(Report r, long? nextRun) => new()
    {
        Id = r.Id, TenantId = r.TenantId, Version = r.Version, Kind = r.Kind, Level = r.Level, Formats = r.Formats,
        PeriodStart = r.PeriodStart, PeriodEnd = r.PeriodEnd, HideZeroUsage = r.HideZeroUsage, ShowSkus = r.ShowSkus,
        ScheduleType = r.ScheduleType, Enabled = r.Enabled, ResultAction = r.ResultAction, Recipients = r.Recipients,
        GenerationDate = nextRun is { } at ? Timestamps.Format(at)[..10] : r.GenerationDate, NextRunAt = nextRun, CreatedAt = r.CreatedAt,
    };

    private static Invalid? Check(string kind, string level) =>
        (ReportValues.AllKinds.Contains(kind) && !ReportValues.Kinds.Contains(kind)
            ? new Invalid("parameters.kind", $"Reports of kind {kind} are not produced here; kind must be {string.Join(" or ", ReportValues.Kinds)}.")
            : OneOf("parameters.kind", kind, ReportValues.Kinds))
        ?? OneOf("parameters.level", level, ReportValues.Levels);

    private static Invalid? OneOf(string field, string value, IReadOnlyList<string> allowed) =>
        allowed.Contains(value) ? null : new Invalid(field, $"{field} must be one of {string.Join(", ", allowed)} (got '{value}').");

    private static Invalid? Recipients(IReadOnlyList<string>? recipients) =>
        recipients is null || recipients.All(r => Ids.Normalize(r) is not null) ? null
            : new Invalid("recipients", "recipients must be user ids (UUIDs).");

    private static Result<ReportPeriod> PeriodOf(ReportPeriodBody? body, DateOnly today)
    {
        if (body is null)
        {
            return new ReportPeriod(ReportPeriod.MonthOf(today), today); // the month so far
        }

        var (start, end) = (ReportPeriod.Parse(body.Start), ReportPeriod.Parse(body.End));
        return start is null ? new Invalid("parameters.period.start", "parameters.period.start must be a date (YYYY-MM-DD).")
            : end is null ? new Invalid("parameters.period.end", "parameters.period.end must be a date (YYYY-MM-DD).")
            : end < start ? new Invalid("parameters.period.end", "parameters.period.end must not be before parameters.period.start.")
            : new ReportPeriod(start.Value, end.Value);
    }

    private static Dictionary<string, object?> Fields(Report r) => new()
    {
        ["tenant_id"] = r.TenantId, ["kind"] = r.Kind, ["level"] = r.Level, ["formats"] = r.Formats,
        ["hide_zero_usage"] = r.HideZeroUsage, ["show_skus"] = r.ShowSkus, ["schedule"] = r.ScheduleType,
        ["enabled"] = r.Enabled, ["recipients"] = r.Recipients,
    };

    private static Dictionary<string, object?> Changed(Dictionary<string, object?> was, Dictionary<string, object?> now, Dictionary<string, object?> from) =>
        was.Keys.Where(k => !Equals(was[k], now[k])).ToDictionary(k => k, k => from[k]);
}
