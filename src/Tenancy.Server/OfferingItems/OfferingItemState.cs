using Tenancy.Server.Catalog;

namespace Tenancy.Server.OfferingItems;

/// <summary>A tenant's own settings of one offering item, as stored (migration 0007).</summary>
/// <param name="QuotaVersion">Unix milliseconds of the quota's last change; 0 while the quota is unset.</param>
public sealed record ItemRow(
    long TenantSeq, string ApplicationId, string Name, string? Edition, long Status,
    long? QuotaValue, long? QuotaOverage, long QuotaVersion, long UpdatedAt);

/// <summary>
/// A quota: <paramref name="Value"/> null is unlimited; <paramref name="Overage"/> is what may be used above it
/// (null: nothing). The version is the tenant's own quota's (0 while unset).
/// </summary>
public sealed record Quota(long? Value, long? Overage, long Version)
{
    public static readonly Quota Unlimited = new(null, null, 0);

    /// <summary>Over quota: the usage lies above quota plus overage (never for an unlimited quota).</summary>
    public bool IsExceededBy(long usage) => Value is { } value && usage > value + (Overage ?? 0);
}

/// <summary>
/// One offering item of the catalog as it is for one tenant.
/// </summary>
/// <param name="On">Effectively on: on for the tenant and every tenant above it, with its application on along the way.</param>
/// <param name="ParentOn">Effectively on for the parent (true for the root): the tenant may turn it on.</param>
/// <param name="Quota">The effective limit: the tightest of the tenant's own and those of the tenants above it.</param>
/// <param name="ParentQuota">The parent's effective limit: the tenant's own quota may not exceed it.</param>
/// <param name="Own">The tenant's own row; null when it never set the item.</param>
public sealed record ItemState(
    Application Application, OfferingItem Item, bool On, bool ParentOn, Quota Quota, Quota ParentQuota, ItemRow? Own)
{
    /// <summary>The tenant's own status: its row's, or on for a platform item it never set.</summary>
    public bool OwnOn(ServiceCatalog catalog) => Own is { } row ? row.Status == 1 : Application == catalog.Platform;

    public long OwnVersion => Own?.QuotaVersion ?? 0;
}

/// <summary>
/// The rules of offering items down the tree, on facts in memory (no SQL, no HTTP):
/// <list type="bullet">
/// <item>The root has every item of the catalog on, without limit.</item>
/// <item>Below it, an item is on for a tenant when the tenant and every tenant above it (below the root) have it
///   on and have its application on. A platform item counts as on until a tenant turns it off. So turning an
///   item or its application off for a tenant turns it off for its whole subtree at once, writing nothing below.</item>
/// <item>A tenant's effective quota is the tightest of its own and those above it (null is unlimited).</item>
/// </list>
/// </summary>
public static class OfferingItemTree
{
    /// <summary>Every item of the catalog for the tenant at the end of <paramref name="path"/> (internal keys, root first).</summary>
    public static IReadOnlyList<ItemState> Effective(
        ServiceCatalog catalog, long[] path, IReadOnlyDictionary<(long, string, string), ItemRow> rows, IReadOnlySet<(long, string)> bindings)
    {
        var result = new List<ItemState>();
        foreach (var application in catalog.Applications)
        {
            var platform = application == catalog.Platform;
            foreach (var item in application.OfferingItems)
            {
                var (on, parentOn) = (true, true);
                long? value = null, overage = null, parentValue = null, parentOverage = null;
                ItemRow? own = null;
                for (var i = 1; i < path.Length; i++)
                {
                    (parentOn, parentValue, parentOverage) = (on, value, overage);
                    own = rows.GetValueOrDefault((path[i], application.Id, item.Name));
                    var itemOn = own is null ? platform : own.Status == 1;
                    on = on && itemOn && (platform || bindings.Contains((path[i], application.Id)));
                    value = Tightest(value, own?.QuotaValue);
                    overage = Tightest(overage, own?.QuotaOverage);
                }

                var version = own?.QuotaVersion ?? 0;
                result.Add(new ItemState(application, item, on, parentOn,
                    new Quota(value, overage, version), new Quota(parentValue, parentOverage, 0), own));
            }
        }

        return result;
    }

    /// <summary>True when the item belongs to the edition: "*" or none asked, an item of every edition, or the same name.</summary>
    public static bool InEdition(OfferingItem item, string? edition) =>
        edition is null or "*" || item.Edition is null || item.Edition == edition;

    /// <summary>True for an item that carries a quota (features are on or off, nothing more).</summary>
    public static bool HasQuota(OfferingItem item) => item.Type != "feature";

    private static long? Tightest(long? a, long? b) => a is null ? b : b is null ? a : Math.Min(a.Value, b.Value);
}
