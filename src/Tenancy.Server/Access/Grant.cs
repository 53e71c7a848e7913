namespace Tenancy.Server.Access;

/// <summary>
/// A role a principal holds on a tenant, and so on that tenant's subtree. An API client holds one, on its
/// own tenant; a user holds its access policies.
/// </summary>
public sealed record Grant(string TenantId, long TenantSeq, string TenantPath, string Role)
{
    /// <summary>How many tenants the grant's tenant path holds (the root: 1).</summary>
    public int Depth => TenantPath.Count(c => c == '/') - 1;
}
