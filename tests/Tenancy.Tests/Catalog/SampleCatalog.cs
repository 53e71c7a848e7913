namespace Tenancy.Tests.Catalog;

/// <summary>The ids of the sample catalog's applications (src/Tenancy.Server/Catalog/catalog.json).</summary>
public static class SampleCatalog
{
    public const string Platform = "6e1a2c8e-0d3b-4c55-9c1e-2f3a4b5c6d01";

    /// <summary>Cyber Protection: the application id the vendor's example scripts use by default.</summary>
    public const string Backup = "6e6d758d-8e74-3ae3-ac84-50eb0dff12eb";
    public const string ObjectStorage = "cc29685d-a9ca-3e87-a83d-069f18b588f0";

    /// <summary>The /api/v2.1 service levels as offering items (extreme, premium, standard, object).</summary>
    public const string ServiceLevels = "5b2e7f1a-9c3d-4e6b-8a0f-1d2c3b4a5e69";

    /// <summary>The editions of Cyber Protection (the scripts' default "edition" and "switch_edition").</summary>
    public const string PerGigabyte = "pck_per_gigabyte";
    public const string PerWorkload = "pck_per_workload";

    public static string Binding(string application, string tenant) => $"/api/2/applications/{application}/bindings/tenants/{tenant}";
}
