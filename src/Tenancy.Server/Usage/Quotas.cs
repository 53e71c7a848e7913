using Tenancy.Server.OfferingItems;

namespace Tenancy.Server.Usage;

/// <summary>An offering item of the catalog: its application and its name there.</summary>
public readonly record struct ItemKey(string ApplicationId, string OfferingItem);

/// <summary>Where usages read the quotas of tenants' offering items from: the one seam to the quota settings.</summary>
public interface IQuotaSource
{
    /// <summary>The quotas set for the tenant's offering items; an item missing from the answer has none (unlimited).</summary>
    Task<IReadOnlyDictionary<ItemKey, Quota>> QuotasAsync(string tenantId, CancellationToken ct = default);
}

/// <summary>The effective quotas of the tenant's offering items (the tightest of its own and its ancestors').</summary>
public sealed class OfferingItemQuotas(OfferingItemService items) : IQuotaSource
{
    public async Task<IReadOnlyDictionary<ItemKey, Quota>> QuotasAsync(string tenantId, CancellationToken ct = default)
    {
        var states = await items.QuotasAsync([tenantId], ct);
        return states.TryGetValue(tenantId, out var of)
            ? of.ToDictionary(s => new ItemKey(s.Application.Id, s.Item.Name), s => s.Quota)
            : new Dictionary<ItemKey, Quota>();
    }
}
