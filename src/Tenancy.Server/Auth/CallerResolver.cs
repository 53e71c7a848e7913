using Tenancy.Server.Clients;
using Tenancy.Server.Storage.Caching;
using Tenancy.Server.Users;

namespace Tenancy.Server.Auth;

/// <summary>
/// Decides, on every request, whether a token's holder (API client or user) may still act: it exists
/// and is enabled, the token is not revoked nor older than the holder's last secret reset, password
/// change or disable, and no tenant on the path of its tenant is disabled. Suspension is therefore
/// seen on the very next request, without touching the descendants. The role and a user's grants are
/// read here too, so a change to them applies to existing tokens at once. A scoped token's tenant is read
/// too (its path, which a move changes). Both reads go through the <see cref="HotCache"/>, which answers exactly
/// as the store would (see docs/deployment.md, "Caching").
/// </summary>
public sealed class CallerResolver(ClientStore clients, UserStore users, TenantStore tenants, HotCache cache)
{
    /// <summary>An API client presented with its secret (HTTP Basic): no token age to check.</summary>
    public Task<Result<Caller>> ResolveClientAsync(string clientId, CancellationToken ct = default) =>
        ResolveAsync(new TokenSubject(PrincipalKind.Client, clientId, null, null), ct);

    public async Task<Result<Caller>> ResolveAsync(TokenSubject subject, CancellationToken ct = default)
    {
        var what = subject.Kind == PrincipalKind.User ? "user" : "API client";
        var principal = await cache.PrincipalAsync(subject.Kind, subject.Id, subject.Jti, () => subject.Kind == PrincipalKind.User
            ? users.PrincipalAsync(subject.Id, subject.Jti, ct)
            : clients.PrincipalAsync(subject.Id, subject.Jti, ct));
        if (principal is null)
        {
            return new Unauthenticated($"The {what} of this token no longer exists.");
        }

        if (!principal.Enabled)
        {
            return new Unauthenticated($"The {what} of this token is disabled.");
        }

        if (principal.Revoked)
        {
            return new Unauthenticated("The token has been revoked.");
        }

        if (subject.Generation < principal.TokenGeneration)
        {
            return new Unauthenticated(
                $"The token predates a change to the {what}'s credentials or state; request a new token.");
        }

        if (principal.DisabledBy is { } disabled)
        {
            return new Unauthenticated($"Access is suspended: tenant {disabled} is disabled.");
        }

        var caller = new Caller(subject.Id, subject.Kind, principal.TenantId, principal.TenantSeq, principal.TenantPath, principal.Role);
        if (principal.Grants is { } grants)
        {
            caller = caller with { Grants = OwnTenantFirst(caller, grants) };
        }

        if (subject.ScopeTenantId is null)
        {
            return caller;
        }

        // A scoped token: the scoped tenant's path is read now, so a move of that tenant is followed.
        var scoped = await cache.TenantAsync(subject.ScopeTenantId, () => tenants.LiveWithPathAsync(subject.ScopeTenantId, ct));
        return scoped?.Tenant is { } scope
            ? caller with { ScopePath = scope.Path, ScopeTenantId = scope.Id }
            : new Unauthenticated($"The tenant {subject.ScopeTenantId} this token is scoped to no longer exists.");
    }

    /// <summary>A user's grants with those on its own tenant first (a placeholder without a role when it holds none there).</summary>
    private static List<Grant> OwnTenantFirst(Caller caller, IReadOnlyList<Grant> grants)
    {
        var own = grants.Where(g => g.TenantSeq == caller.TenantSeq).ToList();
        return
        [
            .. own.Count > 0 ? own : [new Grant(caller.TenantId, caller.TenantSeq, caller.TenantPath, Roles.None)],
            .. grants.Where(g => g.TenantSeq != caller.TenantSeq),
        ];
    }
}
