namespace Tenancy.Server.Usage;

/// <summary>Wire records of Tenancy's own billing API (/api/2, snake_case).</summary>
public sealed record ItemsJson<T>(IReadOnlyList<T> Items);

public sealed record SubscriptionJson(string Number, string TenantId, string CreatedAt, IReadOnlyList<UsageLine>? Usage)
{
    public static SubscriptionJson From(Subscription s, IReadOnlyList<UsageLine>? usage = null) =>
        new(s.Number, s.TenantId, Timestamps.Format(s.CreatedAt), usage);
}

public sealed record CommitmentJson(string Subscription, string ServiceLevel, double Committed, string EffectiveFrom, string RecordedAt)
{
    public static CommitmentJson From(Commitment c) =>
        new(c.Subscription, c.ServiceLevel, c.Committed, Timestamps.Format(c.EffectiveFrom), Timestamps.Format(c.RecordedAt));
}

public sealed record IngestJson(int Received, int Applied, int Duplicates, int Rejected, IReadOnlyList<ItemError> Errors)
{
    public static IngestJson From(IngestOutcome o) => new(o.Received, o.Applied, o.Duplicates, o.Rejected, o.Errors);
}

/// <summary>The usage map's keys are subscription numbers and are written as they are (no naming policy on keys).</summary>
public sealed record TenantUsageJson(string TenantId, IReadOnlyDictionary<string, IReadOnlyList<UsageLine>>? Usage);

public sealed record RollupJson(string TenantId, IReadOnlyList<UsageLine> ServiceLevels);

public sealed record ReportJson(string TenantId, string From, string To, IReadOnlyList<ReportRowJson> Items);

public sealed record ReportRowJson(
    string TenantId, string TenantName, string? TenantCode, string? ZuoraAccountName, string? ZuoraAccountNumber,
    string? DeletedAt, string Subscription, string ServiceLevel, double AverageConsumed, double PeakConsumed,
    double Committed, double Burst, long Samples)
{
    public static ReportRowJson From(ReportRow r) => new(
        r.TenantId, r.TenantName, r.TenantCode, r.ZuoraAccountName, r.ZuoraAccountNumber,
        r.DeletedAt is { } d ? Timestamps.Format(d) : null, r.Subscription, r.ServiceLevel,
        UsageLine.Round(r.AverageConsumed), UsageLine.Round(r.PeakConsumed), UsageLine.Round(r.Committed), r.Burst, r.Samples);
}
