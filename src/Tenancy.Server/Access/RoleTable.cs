namespace Tenancy.Server.Access;

/// <summary>
/// A role of the catalogue: who can hold it, on which kinds of tenant it can be granted (empty: any), and
/// what it allows on each kind of resource within the reach of the tenant it is held on.
/// </summary>
public sealed record RoleDefinition(
    string Id, string Holders, IReadOnlyList<string> Kinds, string Summary, IReadOnlyDictionary<Resource, Operation[]> Allows);

/// <summary>
/// The role catalogue, as one table an operator can read. API clients hold admin or viewer on their own
/// tenant. Users hold catalogue roles on tenants (their access policies): the admin role of a tenant's
/// kind manages that tenant's subtree (a company's or unit's admin only reads what its partner sells it:
/// subscriptions, usage, applications, pricing), readonly_admin only reads it, backup_user manages nothing (it reads
/// its own user object, see <see cref="AccessPolicy"/>). A user's role field maps onto this table: admin
/// is the admin role of its own tenant's kind, viewer is readonly_admin.
/// </summary>
public static class RoleTable
{
    private static readonly Operation[] Everything = Enum.GetValues<Operation>();
    private static readonly Operation[] Reading = [Operation.See, Operation.Read];
    private static readonly string[] AnyKind = [];

    /// <summary>
    /// A company's own administrators manage its tenants, API clients, users and their roles, read the
    /// audit trail and the change feed and manage webhooks; subscriptions, usage, applications and pricing are what its partner sells it: they read them.
    /// </summary>
    private static readonly Dictionary<Resource, Operation[]> CompanyLevel = new()
    {
        [Resource.Tenant] = Everything,
        [Resource.Client] = Everything,
        [Resource.User] = Everything,
        [Resource.Audit] = Everything,
        [Resource.Report] = Everything,
        [Resource.Event] = Everything,
        [Resource.Subscription] = Reading,
        [Resource.Usage] = Reading,
        [Resource.Application] = Reading,
        [Resource.Pricing] = Reading,
        [Resource.OfferingItem] = Reading,
        [Resource.Deletion] = Reading,
    };

    public static readonly IReadOnlyList<RoleDefinition> Catalogue =
    [
        //  id                   holders        granted on                                       what it is
        new(Roles.Admin,         "API clients", AnyKind,                                          "manages everything in reach", OnEvery(Everything)),
        new(Roles.Viewer,        "API clients", AnyKind,                                          "reads everything in reach", OnEvery(Reading)),
        new(Roles.RootAdmin,     "users",       [TenantKinds.Root],                               "manages everything in reach", OnEvery(Everything)),
        new(Roles.PartnerAdmin,  "users",       [TenantKinds.Partner, TenantKinds.Folder],        "manages everything in reach", OnEvery(Everything)),
        new(Roles.CompanyAdmin,  "users",       [TenantKinds.Customer],                           "manages its company; reads billing, applications, pricing", CompanyLevel),
        new(Roles.UnitAdmin,     "users",       [TenantKinds.Unit],                               "manages its unit; reads billing, applications, pricing", CompanyLevel),
        new(Roles.ReadonlyAdmin, "users",       AnyKind,                                          "reads everything in reach", OnEvery(Reading)),
        new(Roles.BackupUser,    "users",       [TenantKinds.Customer, TenantKinds.Unit],         "manages nothing; reads its own user object", OnEvery([])),
    ];

    private static readonly Dictionary<string, RoleDefinition> ById = Catalogue.ToDictionary(r => r.Id, StringComparer.Ordinal);

    public static RoleDefinition? Find(string role) => ById.GetValueOrDefault(role);

    /// <summary>Whether the role allows <paramref name="operation"/> on <paramref name="resource"/>.</summary>
    public static bool Allows(string role, Operation operation, Resource resource) =>
        Find(role)?.Allows.TryGetValue(resource, out var operations) == true && operations.Contains(operation);

    /// <summary>Whether the role allows <paramref name="operation"/> on some kind of resource (the endpoints' policies).</summary>
    public static bool Allows(string role, Operation operation) =>
        Enum.GetValues<Resource>().Any(resource => Allows(role, operation, resource));

    /// <summary>True for operations that change state (refused to a role that may only read).</summary>
    public static bool Writes(Operation operation) => operation is not (Operation.See or Operation.Read);

    /// <summary>Nobody grants more than it holds: everything <paramref name="granted"/> allows, <paramref name="granter"/> allows too.</summary>
    public static bool Covers(string granter, string granted) =>
        Find(granted) is { } role && role.Allows.All(a => a.Value.All(operation => Allows(granter, operation, a.Key)));

    /// <summary>Whether a user can hold <paramref name="role"/> on a tenant of <paramref name="kind"/>.</summary>
    public static bool GrantableOn(string role, string kind) =>
        Find(role) is { Holders: "users" } r && (r.Kinds.Count == 0 || r.Kinds.Contains(kind));

    /// <summary>The roles users can hold, in catalogue order.</summary>
    public static IEnumerable<string> UserRoles => Catalogue.Where(r => r.Holders == "users").Select(r => r.Id);

    /// <summary>The admin role of a tenant kind: what a user's role field "admin" means on its own tenant.</summary>
    public static string AdminOf(string kind) => kind switch
    {
        TenantKinds.Root => Roles.RootAdmin,
        TenantKinds.Customer => Roles.CompanyAdmin,
        TenantKinds.Unit => Roles.UnitAdmin,
        _ => Roles.PartnerAdmin,
    };

    /// <summary>A user's role field from the roles it holds on its own tenant: admin, viewer, or none.</summary>
    public static string FieldOf(IEnumerable<string> ownTenantRoles, string kind)
    {
        var roles = ownTenantRoles.ToList();
        return roles.Contains(AdminOf(kind)) ? Roles.Admin : roles.Contains(Roles.ReadonlyAdmin) ? Roles.Viewer : Roles.None;
    }

    /// <summary>The catalogue role a role field stands for on a tenant of <paramref name="kind"/>.</summary>
    public static string OfField(string field, string kind) => field == Roles.Admin ? AdminOf(kind) : Roles.ReadonlyAdmin;

    private static Dictionary<Resource, Operation[]> OnEvery(Operation[] operations) =>
        Enum.GetValues<Resource>().ToDictionary(r => r, _ => operations);
}
