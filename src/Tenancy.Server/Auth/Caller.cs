using Tenancy.Server.Tenants;

namespace Tenancy.Server.Auth;

/// <summary>
/// The authenticated principal of a request: an API client or a user, the tenant it belongs to and its
/// role there. Its reach is that tenant and the tenant's whole subtree; a viewer may only read it.
/// </summary>
public sealed record Caller(
    string Id, PrincipalKind Kind, string TenantId, long TenantSeq, string TenantPath, string Role = Roles.Admin)
{
    public bool IsViewer => Role == Roles.Viewer;

    public bool Reaches(Tenant tenant) => TreePath.IsWithin(tenant.Path, TenantPath);

    public bool Is(Tenant tenant) => tenant.Seq == TenantSeq;

    /// <summary>Minimal-API binding: the authentication handler puts the caller on the request.</summary>
    public static ValueTask<Caller?> BindAsync(HttpContext context) =>
        ValueTask.FromResult(context.Items[typeof(Caller)] as Caller);
}
