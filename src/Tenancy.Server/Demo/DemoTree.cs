namespace Tenancy.Server.Demo;

/// <summary>The demo's tree: three partners, two folders, ten customers, a few units.</summary>
public static class DemoTree
{
    /// <summary>A tenant to make, with the login of its admin user (if any) and, for a customer, its committed capacity.</summary>
    public sealed record Node(string Name, string Kind, string? Admin = null, double Committed = 10, string? Description = null, params Node[] Children);

    private static Node Customer(string name, string? admin, double committed, params Node[] units) =>
        new(name, TenantKinds.Customer, admin, committed, null, units);

    private static Node Unit(string name) => new(name, TenantKinds.Unit);

    public static IReadOnlyList<Node> Partners { get; } =
    [
        new("Northwind Cloud", TenantKinds.Partner, "northwind.admin", Description: "Regional cloud reseller", Children:
        [
            new("Retail", TenantKinds.Folder, Children:
            [
                Customer("Contoso Retail", "contoso.admin", 40, Unit("Stores"), Unit("Head office")),
                Customer("Fabrikam Foods", null, 12),
                Customer("Tailspin Toys", null, 8),
            ]),
            new("Healthcare", TenantKinds.Folder, Children: [Customer("Litware Clinics", "litware.admin", 25, Unit("Radiology"))]),
            Customer("Adventure Works", null, 15),
        ]),
        new("Blue Yonder IT", TenantKinds.Partner, "blueyonder.admin", Description: "Managed service provider", Children:
        [
            Customer("Woodgrove Bank", "woodgrove.admin", 60, Unit("Branches")),
            Customer("Proseware", null, 5),
            Customer("Wide World Importers", null, 20),
        ]),
        new("Lakeshore MSP", TenantKinds.Partner, "lakeshore.admin", Description: "Small business IT", Children:
        [
            Customer("Alpine Ski House", null, 6),
            Customer("Coho Winery", null, 4),
        ]),
    ];
}
