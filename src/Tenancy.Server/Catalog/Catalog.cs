namespace Tenancy.Server.Catalog;

/// <summary>
/// What the provider sells, as defined in its catalog file: applications, each with its editions and
/// offering items. Loaded once at start (<see cref="CatalogFile"/>) and kept in memory; it never changes
/// while the server runs.
/// </summary>
public sealed class ServiceCatalog
{
    private readonly Dictionary<string, Application> _byId;

    public ServiceCatalog(IReadOnlyList<Application> applications)
    {
        Applications = applications;
        _byId = applications.ToDictionary(a => a.Id, StringComparer.Ordinal);
        Platform = applications.Single(a => a.Type == ApplicationTypes.Platform);
    }

    /// <summary>In the order of the file.</summary>
    public IReadOnlyList<Application> Applications { get; }

    /// <summary>The one application every tenant has on, always.</summary>
    public Application Platform { get; }

    public Application? Find(string id) => _byId.GetValueOrDefault(id);
}

/// <summary>An application (a service) of the catalog.</summary>
/// <param name="Id">Stable UUID, lower case: bindings of tenants refer to it.</param>
public sealed record Application(
    string Id, string Name, string Type, string ApiBaseUrl, IReadOnlyList<Edition> Editions, IReadOnlyList<OfferingItem> OfferingItems)
{
    /// <summary>The distinct usage names of the offering items, as the API lists them.</summary>
    public IReadOnlyList<string> Usages => [.. OfferingItems.Select(i => i.UsageName).Distinct(StringComparer.Ordinal).Order(StringComparer.Ordinal)];
}

/// <summary>An edition of an application (a tier its offering items belong to).</summary>
public sealed record Edition(string Name, string Title);

/// <summary>Something of an application that is sold and measured.</summary>
/// <param name="Edition">The edition the item belongs to; null when it belongs to every edition.</param>
/// <param name="InfraId">For an infra item (a location or a storage): the infrastructure's UUID; otherwise null.</param>
public sealed record OfferingItem(string Name, string UsageName, string Type, string MeasurementUnit, string? Edition, string? InfraId);

public static class ApplicationTypes
{
    public const string Platform = "platform";

    /// <summary>The application types of the Account Management API.</summary>
    public static readonly IReadOnlyList<string> All =
        ["backup", "files_cloud", "monitoring", "storage", Platform, "hci", "physical_data_shipping", "notary"];
}

public static class OfferingItemTypes
{
    public const string Infra = "infra";

    public static readonly IReadOnlyList<string> All = ["count", "feature", Infra];

    public static readonly IReadOnlyList<string> MeasurementUnits = ["bytes", "quantity", "seconds", "n/a"];
}
