namespace Tenancy.Server.Usage;

/// <summary>
/// How the /api/v2.1 service levels sit in the one usage store: each is the offering item of the same
/// name (extreme, premium, standard, object) of the storage application below, which the catalog file
/// lists; a v2.1 sample is a value of that item for the subscription's tenant, within the subscription.
/// </summary>
public static class ServiceLevelItems
{
    /// <summary>The storage application of the service levels (catalog.json; migration 0008 moved the older samples to it).</summary>
    public const string ApplicationId = "5b2e7f1a-9c3d-4e6b-8a0f-1d2c3b4a5e69";

    /// <summary>
    /// v2.1 capacities (consumed, committed) are TiB and the store keeps these items in TiB; /api/2 shows
    /// them in bytes, the catalog's measurement unit. A power of two, so converting never loses a byte.
    /// </summary>
    public const double BytesPerTiB = 1L << 40;

    /// <summary>How many /api/2 units make one stored unit of an item of <paramref name="applicationId"/>.</summary>
    public static double ApiUnitsPerStored(string applicationId) => applicationId == ApplicationId ? BytesPerTiB : 1;
}
