namespace Tenancy.Server.Usage;

/// <summary>A service level of the catalogue (extreme, premium, standard, object).</summary>
public sealed class ServiceLevel
{
    public string Name { get; init; } = "";
    public long Position { get; init; }
    public string Description { get; init; } = "";
}

public sealed class Subscription
{
    public string Number { get; init; } = "";
    public string TenantId { get; init; } = "";
    public long CreatedAt { get; init; }
}

/// <summary>One row of a subscription's commitment history.</summary>
public sealed class Commitment
{
    public string Subscription { get; init; } = "";
    public string ServiceLevel { get; init; } = "";
    public long EffectiveFrom { get; init; }
    public double Committed { get; init; }
    public long RecordedAt { get; init; }
}

/// <summary>Consumed, committed and burst (what is consumed above the commitment, never negative).</summary>
public sealed record UsageLine(string ServiceLevel, double Consumed, double Committed, double Burst)
{
    public static UsageLine Of(string serviceLevel, double consumed, double committed) =>
        new(serviceLevel, Round(consumed), Round(committed), Round(Math.Max(0, consumed - committed)));

    /// <summary>Sums of doubles carry binary noise (12.33 - 10 = 2.3300000000000001); six decimals are plenty.</summary>
    public static double Round(double value) => Math.Round(value, 6, MidpointRounding.AwayFromZero);
}

/// <summary>Per subscription number, its lines; null for a tenant without subscriptions.</summary>
public sealed class UsageMap : Dictionary<string, IReadOnlyList<UsageLine>>
{
    public UsageMap()
        : base(StringComparer.Ordinal)
    {
    }
}

/// <summary>A consumed value as a service reports it through the v2.1 billing API (a service level within a subscription).</summary>
public sealed record Sample(string TenantId, string Subscription, string ServiceLevel, double Consumed, long SampledAt)
{
    /// <summary>The same fact as a row of the one usage store: the service level's offering item, within the subscription.</summary>
    public StoredSample ToStored() => new(TenantId, ServiceLevelItems.ApplicationId, ServiceLevel, Subscription, SampledAt, Consumed);
}

/// <summary>
/// A row of the usage store: the value of an offering item for a tenant at a time, in the item's stored
/// unit; <paramref name="Subscription"/> is the billing grouping ('' for values reported per tenant).
/// </summary>
public sealed record StoredSample(string TenantId, string ApplicationId, string OfferingItem, string Subscription, long SampledAt, double Value)
{
    public const string NoSubscription = "";
}

/// <summary>A refused item of a usage batch: its position, the field at fault and why.</summary>
public sealed record ItemError(int Index, string Field, string Message);

public sealed record IngestOutcome(int Received, int Applied, int Duplicates, IReadOnlyList<ItemError> Errors)
{
    public int Rejected => Errors.Count;
}

/// <summary>One line of a usage report: a tenant's subscription and service level over a period.</summary>
public sealed class ReportRow
{
    public string TenantId { get; init; } = "";
    public string TenantName { get; init; } = "";
    public string? TenantCode { get; init; }
    public string? ZuoraAccountName { get; init; }
    public string? ZuoraAccountNumber { get; init; }
    public long? DeletedAt { get; init; }
    public string Subscription { get; init; } = "";
    public string ServiceLevel { get; init; } = "";
    public double AverageConsumed { get; init; }
    public double PeakConsumed { get; init; }
    public double Committed { get; init; }
    public long Samples { get; init; }

    public double Burst => UsageLine.Round(Math.Max(0, PeakConsumed - Committed));
}
