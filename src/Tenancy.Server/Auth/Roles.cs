namespace Tenancy.Server.Auth;

/// <summary>
/// The names of roles. API clients hold admin or viewer on their own tenant and its subtree. Users hold
/// roles of the catalogue (<see cref="RoleTable"/>) on tenants; their role field (admin, viewer, or none)
/// says what they hold on their own tenant. Tokens carry the role field as an OAuth scope named as in the
/// original API.
/// </summary>
public static class Roles
{
    public const string Admin = "admin";
    public const string Viewer = "viewer";

    /// <summary>A user's role field when it holds neither the admin role nor readonly_admin on its own tenant.</summary>
    public const string None = "none";

    public const string RootAdmin = "root_admin";
    public const string PartnerAdmin = "partner_admin";
    public const string CompanyAdmin = "company_admin";
    public const string UnitAdmin = "unit_admin";
    public const string ReadonlyAdmin = "readonly_admin";
    public const string BackupUser = "backup_user";

    public const string AdminScope = "urn:acronis.com::account-server::tenant_admin";
    public const string ViewerScope = "urn:acronis.com::account-server::tenant_viewer";

    /// <summary>The values a client sends as an API client's or a user's role field.</summary>
    public static readonly IReadOnlyList<string> All = [Admin, Viewer];

    public static bool IsValid(string? role) => role is Admin or Viewer;

    public static string Scope(string role) => role == Admin ? AdminScope : ViewerScope;
}

/// <summary>Who holds a token: an API client (client credentials) or a user (password grant).</summary>
public enum PrincipalKind
{
    Client,
    User,
}
