using System.Globalization;
using System.Security.Claims;

namespace Tenancy.Server.Auth;

/// <summary>
/// What a verified token says about its holder. <see cref="Generation"/> is null for credentials that
/// are not tokens (HTTP Basic), which have no age to compare.
/// </summary>
public sealed record TokenSubject(PrincipalKind Kind, string Id, long? Generation, string? Jti)
{
    public const string UserIdClaim = "user_id";
    public const string ClientIdClaim = "client_id";
    public const string GenerationClaim = "gen";

    /// <summary>The tenant a token from token exchange is narrowed to (its subtree).</summary>
    public const string ScopeTenantClaim = "scope_tenant_id";

    /// <summary>For a scoped token: the tenant whose subtree it is narrowed to.</summary>
    public string? ScopeTenantId { get; init; }

    /// <summary>The holder named by a token's claims: a user token carries user_id, a client token client_id.</summary>
    public static TokenSubject? From(ClaimsPrincipal? principal)
    {
        if (principal is null)
        {
            return null;
        }

        // Tokens issued before generations existed count as generation 0.
        var generation = long.TryParse(principal.FindFirst(GenerationClaim)?.Value, NumberStyles.None, CultureInfo.InvariantCulture, out var g) ? g : 0;
        var jti = principal.FindFirst("jti")?.Value;
        var subject = principal.FindFirst(UserIdClaim)?.Value is { } userId ? new TokenSubject(PrincipalKind.User, userId, generation, jti)
            : principal.FindFirst(ClientIdClaim)?.Value is { } clientId ? new TokenSubject(PrincipalKind.Client, clientId, generation, jti)
            : null;
        return subject is null ? null : subject with { ScopeTenantId = principal.FindFirst(ScopeTenantClaim)?.Value };
    }
}
