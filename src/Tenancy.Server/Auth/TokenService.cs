using System.Security.Claims;
using Microsoft.Extensions.Options;
using Microsoft.IdentityModel.JsonWebTokens;
using Microsoft.IdentityModel.Tokens;

namespace Tenancy.Server.Auth;

public sealed record IssuedToken(string AccessToken, string IdToken, long ExpiresOn, long ExpiresIn);

/// <summary>
/// Who a token is for. <see cref="ClientId"/> is the client of the token: the holder itself for client
/// credentials, the client that authenticated a password grant (or none) for a user. A token from token
/// exchange is narrowed to <see cref="ScopeTenantId"/>'s subtree and expires no later than <see cref="NotAfter"/>.
/// </summary>
public sealed record TokenHolder(
    PrincipalKind Kind, string Id, string TenantId, string Role, long Generation, string? ClientId,
    string? ScopeTenantId = null, DateTime? NotAfter = null);

/// <summary>Issues access and id tokens (JWT, RS256) for API clients and users.</summary>
public sealed class TokenService(SigningKeys keys, IOptions<TokenOptions> options, TimeProvider clock)
{
    private readonly JsonWebTokenHandler _handler = new() { SetDefaultTimesOnTokenCreation = false };

    public async Task<IssuedToken> IssueAsync(TokenHolder holder, string issuer, CancellationToken ct = default)
    {
        var credentials = await keys.CurrentAsync(ct);
        var now = clock.GetUtcNow().UtcDateTime;
        var expires = now + options.Value.TokenLifetime;
        if (holder.NotAfter is { } notAfter && notAfter < expires)
        {
            expires = notAfter;
        }

        var claims = new Dictionary<string, object>
        {
            ["tenant_id"] = holder.TenantId,
            ["role"] = holder.Role,
            ["scope"] = Roles.Scope(holder.Role),
            [TokenSubject.GenerationClaim] = holder.Generation,
        };
        if (holder.ClientId is not null)
        {
            claims[TokenSubject.ClientIdClaim] = holder.ClientId;
        }

        if (holder.ScopeTenantId is { } scoped)
        {
            claims[TokenSubject.ScopeTenantClaim] = scoped;
            claims["scope"] = $"{Roles.Scope(holder.Role)} {TokenExchange.ScopePrefix}{scoped}";
        }

        if (holder.Kind == PrincipalKind.User)
        {
            claims[TokenSubject.UserIdClaim] = holder.Id;
        }

        var access = _handler.CreateToken(new SecurityTokenDescriptor
        {
            Issuer = issuer,
            Audience = TokenOptions.Audience,
            Subject = new ClaimsIdentity([new Claim("sub", holder.Id), new Claim("jti", Guid.NewGuid().ToString("N"))]),
            Claims = claims,
            IssuedAt = now,
            NotBefore = now,
            Expires = expires,
            TokenType = "at+jwt",
            SigningCredentials = credentials,
        });
        var id = _handler.CreateToken(new SecurityTokenDescriptor
        {
            Issuer = issuer,
            // OpenID Connect: the id token is for the client; a user who logged in without one gets this service.
            Audience = holder.ClientId ?? TokenOptions.Audience,
            Subject = new ClaimsIdentity([new Claim("sub", holder.Id)]),
            Claims = claims,
            IssuedAt = now,
            NotBefore = now,
            Expires = expires,
            SigningCredentials = credentials,
        });
        var expiresOn = new DateTimeOffset(expires).ToUnixTimeSeconds();
        return new IssuedToken(access, id, expiresOn, (long)(expires - now).TotalSeconds);
    }
}
