namespace Tenancy.Server.Usage;

/// <summary>
/// A tenant's quota on an offering item, as /api/2 shows it: <paramref name="Value"/> null is unlimited;
/// <paramref name="Overage"/> is what may be used above it (null: nothing); <paramref name="Version"/> is 0
/// when both are null.
/// </summary>
public sealed record Quota(long? Value, long? Overage, long Version)
{
    public static readonly Quota Unlimited = new(null, null, 0);

    /// <summary>Over quota: the usage lies above quota plus overage (never for an unlimited quota).</summary>
    public bool IsExceededBy(long usage) => Value is { } value && usage > value + (Overage ?? 0);
}

/// <summary>An offering item of the catalog: its application and its name there.</summary>
public readonly record struct ItemKey(string ApplicationId, string OfferingItem);

/// <summary>Where usages read the quotas of tenants' offering items from: the one seam to the quota settings.</summary>
public interface IQuotaSource
{
    /// <summary>The quotas set for the tenant's offering items; an item missing from the answer has none (unlimited).</summary>
    Task<IReadOnlyDictionary<ItemKey, Quota>> QuotasAsync(string tenantId, CancellationToken ct = default);
}

/// <summary>No quotas anywhere: every offering item is unlimited (until per-tenant offering items with quotas are wired in).</summary>
public sealed class NoQuotas : IQuotaSource
{
    private static readonly IReadOnlyDictionary<ItemKey, Quota> None = new Dictionary<ItemKey, Quota>();

    public Task<IReadOnlyDictionary<ItemKey, Quota>> QuotasAsync(string tenantId, CancellationToken ct = default) => Task.FromResult(None);
}
