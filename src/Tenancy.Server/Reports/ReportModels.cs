namespace Tenancy.Server.Reports;

/// <summary>The values the Account Management API defines for reports, and the subset Tenancy produces.</summary>
public static class ReportValues
{
    public const string UsageCurrent = "usage_current";
    public const string UsageSummary = "usage_summary";
    public const string CsvV2 = "csv_v2_0";
    public const string JsonV2 = "json_v2_0";
    public const string Once = "once";
    public const string Monthly = "monthly";
    public const string Save = "save";

    public const string InProgress = "in_progress";
    public const string Saved = "saved";
    public const string Failed = "failed";

    public static readonly IReadOnlyList<string> AllKinds = ["usage_daily", UsageSummary, UsageCurrent, "usage_breakdown"];
    public static readonly IReadOnlyList<string> Kinds = [UsageCurrent, UsageSummary];

    /// <summary>Levels of detail: which tenants get rows (see docs/reports.md).</summary>
    public static readonly IReadOnlyList<string> Levels = ["itself", "direct_partners", "all_partners", "all_customers", "accounts"];

    public static readonly IReadOnlyList<string> AllFormats = ["csv", "html", "json_v1", CsvV2, JsonV2];
    public static readonly IReadOnlyList<string> Formats = [CsvV2, JsonV2];

    public static readonly IReadOnlyList<string> Schedules = [Once, Monthly];
}

/// <summary>A report's configuration as stored.</summary>
public sealed class Report
{
    public string Id { get; init; } = "";
    public string TenantId { get; init; } = "";
    public long Version { get; init; }
    public string Kind { get; init; } = "";
    public string Level { get; init; } = "";

    /// <summary>Comma-separated, in the order asked.</summary>
    public string Formats { get; init; } = "";
    public string? PeriodStart { get; init; }
    public string? PeriodEnd { get; init; }
    public bool HideZeroUsage { get; init; }
    public bool ShowSkus { get; init; }
    public string ScheduleType { get; init; } = "";
    public bool Enabled { get; init; }
    public string ResultAction { get; init; } = ReportValues.Save;

    /// <summary>Comma-separated user ids.</summary>
    public string Recipients { get; init; } = "";
    public string GenerationDate { get; init; } = "";

    /// <summary>Unix microseconds of the next run of an enabled monthly report; null otherwise.</summary>
    public long? NextRunAt { get; init; }
    public long CreatedAt { get; init; }

    public IReadOnlyList<string> FormatList => Split(Formats);

    public IReadOnlyList<string> RecipientList => Split(Recipients);

    private static string[] Split(string value) => value.Length == 0 ? [] : value.Split(',');
}

/// <summary>One produced (or pending) file of a report: one run, one format.</summary>
public sealed class StoredReport
{
    public string Id { get; init; } = "";
    public string ReportId { get; init; } = "";
    public string Format { get; init; } = "";
    public string PeriodStart { get; init; } = "";
    public string PeriodEnd { get; init; } = "";
    public long CreatedAt { get; init; }
    public string Status { get; init; } = "";
    public long? Size { get; init; }
}

/// <summary>A report's period: whole UTC days, both ends included.</summary>
public sealed record ReportPeriod(DateOnly Start, DateOnly End)
{
    public const string DateFormat = "yyyy-MM-dd";

    public long FromMicros => Micros(Start);

    /// <summary>The end of the last day (exclusive).</summary>
    public long ToMicros => Micros(End.AddDays(1));

    public static string Format(DateOnly day) => day.ToString(DateFormat, System.Globalization.CultureInfo.InvariantCulture);

    public static DateOnly? Parse(string? value) =>
        DateOnly.TryParseExact(value, DateFormat, System.Globalization.CultureInfo.InvariantCulture,
            System.Globalization.DateTimeStyles.None, out var day) ? day : null;

    public static DateOnly Today(TimeProvider clock) => DateOnly.FromDateTime(clock.GetUtcNow().UtcDateTime);

    /// <summary>The first day of the month of <paramref name="day"/>.</summary>
    public static DateOnly MonthOf(DateOnly day) => new(day.Year, day.Month, 1);

    public static long Micros(DateOnly day) => Timestamps.ToMicros(new DateTimeOffset(day.ToDateTime(TimeOnly.MinValue), TimeSpan.Zero));
}
