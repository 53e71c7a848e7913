using Tenancy.Server.Clients;
using Tenancy.Server.Errors;
using Tenancy.Server.Tenants;

namespace Tenancy.Server.Auth;

/// <summary>
/// Decides, on every request, whether a token's client may still act: the client exists and is
/// enabled, and no tenant on the path of its tenant is disabled. Suspension is therefore seen on the
/// very next request, without touching the descendants.
/// </summary>
public sealed class CallerResolver(ClientStore clients, TenantStore tenants)
{
    public async Task<Result<Caller>> ResolveAsync(string clientId, CancellationToken ct = default)
    {
        var principal = await clients.PrincipalAsync(clientId, ct);
        if (principal is null)
        {
            return new Unauthenticated("The API client of this token no longer exists.");
        }

        if (principal.Status != "enabled")
        {
            return new Unauthenticated("The API client of this token is disabled.");
        }

        var restrictions = await tenants.RestrictionsAsync(TreePath.Seqs(principal.TenantPath), ct);
        if (restrictions.Values.FirstOrDefault(r => !r.Enabled) is { } disabled)
        {
            return new Unauthenticated($"Access is suspended: tenant {disabled.Id} is disabled.");
        }

        return new Caller(clientId, principal.TenantId, principal.TenantSeq, principal.TenantPath);
    }
}
