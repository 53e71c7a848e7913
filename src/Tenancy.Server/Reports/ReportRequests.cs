namespace Tenancy.Server.Reports;

/// <summary>POST /api/2/reports (the Account Management API's reportPost).</summary>
[RequestExample("""
    {"parameters": {"kind": "usage_current", "tenant_id": "2a91a14d-ffd3-4ac1-9b4d-3990162c5acc", "level": "accounts",
     "formats": ["csv_v2_0"]}, "schedule": {"type": "once"}, "result_action": "save"}
    """)]
public sealed record ReportPostRequest : JsonRequest<ReportPostRequest>
{
    public IReadOnlyList<string>? Recipients { get; init; }
    public string? ResultAction { get; init; }
    public ReportParametersBody? Parameters { get; init; }
    public ReportScheduleBody? Schedule { get; init; }
    public string? GenerationDate { get; init; }

    protected override Invalid? Validate() =>
        Required(Parameters, "parameters") ?? Required(Schedule, "schedule")
        ?? Required(Parameters!.TenantId, "parameters.tenant_id") ?? Required(Parameters.Kind, "parameters.kind")
        ?? Required(Parameters.Level, "parameters.level") ?? Required(Schedule!.Type, "schedule.type");
}

public sealed record ReportParametersBody
{
    public string? TenantId { get; init; }
    public string? Level { get; init; }
    public string? Kind { get; init; }
    public IReadOnlyList<string>? Formats { get; init; }
    public ReportPeriodBody? Period { get; init; }
    public bool? HideZeroUsage { get; init; }
    public bool? ShowSkus { get; init; }
}

public sealed record ReportPeriodBody(string? Start, string? End);

public sealed record ReportScheduleBody
{
    public string? Type { get; init; }
    public bool? Enabled { get; init; }
}

/// <summary>PUT /api/2/reports/{id} (reportPut): only what a scheduled report may change.</summary>
[RequestExample("""{"parameters": {"level": "direct_partners", "hide_zero_usage": true}, "schedule": {"enabled": false}}""")]
public sealed record ReportPutRequest : JsonRequest<ReportPutRequest>
{
    public IReadOnlyList<string>? Recipients { get; init; }
    public ReportParametersBody? Parameters { get; init; }
    public ReportScheduleBody? Schedule { get; init; }
}

/// <summary>The Account Management API's report.</summary>
public sealed record ReportJson(
    string Id, long Version, string ResultAction, IReadOnlyList<string> Recipients, ReportParametersJson Parameters,
    ReportScheduleJson Schedule, string GenerationDate)
{
    public static ReportJson From(Report r) => new(
        r.Id, r.Version, r.ResultAction, r.RecipientList,
        new ReportParametersJson(r.TenantId, r.Level, r.FormatList, r.Kind,
            PeriodOf(r), r.HideZeroUsage, r.ShowSkus),
        new ReportScheduleJson(r.ScheduleType, r.Enabled), r.GenerationDate);

    /// <summary>The period asked for; for a monthly report, the month its next run covers.</summary>
    private static ReportPeriodJson PeriodOf(Report r)
    {
        if (r.PeriodStart is not null && r.PeriodEnd is not null)
        {
            return new ReportPeriodJson(r.PeriodStart, r.PeriodEnd);
        }

        var next = ReportPeriod.Parse(r.GenerationDate) ?? DateOnly.MinValue.AddMonths(1);
        return new ReportPeriodJson(ReportPeriod.Format(next.AddMonths(-1)), ReportPeriod.Format(next.AddDays(-1)));
    }
}

public sealed record ReportParametersJson(
    string TenantId, string Level, IReadOnlyList<string> Formats, string Kind, ReportPeriodJson Period, bool HideZeroUsage, bool ShowSkus);

public sealed record ReportPeriodJson(string Start, string End);

public sealed record ReportScheduleJson(string Type, bool Enabled);

/// <summary>storedReportParams: the files of a report.</summary>
public sealed record StoredReportsJson(IReadOnlyList<StoredReportJson> Items);

public sealed record StoredReportJson(
    string Id, string ReportFormat, string CreatedAt,
    [property: System.Text.Json.Serialization.JsonIgnore(Condition = System.Text.Json.Serialization.JsonIgnoreCondition.WhenWritingNull)] long? Size,
    string Status)
{
    public static StoredReportJson From(StoredReport s) => new(s.Id, s.Format, Timestamps.Format(s.CreatedAt), s.Size, s.Status);
}

/// <summary>uuidList.</summary>
public sealed record ReportIdsJson(IReadOnlyList<string> Items);
