namespace Tenancy.Server.Auth;

/// <summary>
/// The access model: every user and API client holds one role on its own tenant and that tenant's
/// subtree. An admin manages the subtree; a viewer only reads it. Tokens carry the role as an OAuth
/// scope named as in the original API.
/// </summary>
public static class Roles
{
    public const string Admin = "admin";
    public const string Viewer = "viewer";

    public const string AdminScope = "urn:acronis.com::account-server::tenant_admin";
    public const string ViewerScope = "urn:acronis.com::account-server::tenant_viewer";

    public static readonly IReadOnlyList<string> All = [Admin, Viewer];

    public static bool IsValid(string? role) => role is Admin or Viewer;

    public static string Scope(string role) => role == Admin ? AdminScope : ViewerScope;

    /// <summary>Whether a holder of <paramref name="granter"/> may hand out <paramref name="granted"/>: never more than it has.</summary>
    public static bool CanGrant(string granter, string granted) => granter == Admin || granted == Viewer;
}

/// <summary>Who holds a token: an API client (client credentials) or a user (password grant).</summary>
public enum PrincipalKind
{
    Client,
    User,
}
