using System.Security.Claims;
using Microsoft.Extensions.Options;
using Microsoft.IdentityModel.JsonWebTokens;
using Microsoft.IdentityModel.Tokens;
using Tenancy.Server.Clients;

namespace Tenancy.Server.Auth;

public sealed record IssuedToken(string AccessToken, string IdToken, long ExpiresOn, long ExpiresIn);

/// <summary>Issues access and id tokens (JWT, RS256) for API clients.</summary>
public sealed class TokenService(SigningKeys keys, IOptions<TokenOptions> options, TimeProvider clock)
{
    private readonly JsonWebTokenHandler _handler = new() { SetDefaultTimesOnTokenCreation = false };

    public async Task<IssuedToken> IssueAsync(ApiClient client, string issuer, CancellationToken ct = default)
    {
        var credentials = await keys.CurrentAsync(ct);
        var now = clock.GetUtcNow().UtcDateTime;
        var expires = now + options.Value.TokenLifetime;
        var claims = new Dictionary<string, object>
        {
            ["client_id"] = client.Id,
            ["tenant_id"] = client.TenantId,
        };

        var access = _handler.CreateToken(new SecurityTokenDescriptor
        {
            Issuer = issuer,
            Audience = TokenOptions.Audience,
            Subject = new ClaimsIdentity([new Claim("sub", client.Id), new Claim("jti", Guid.NewGuid().ToString("N"))]),
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
            Audience = client.Id,
            Subject = new ClaimsIdentity([new Claim("sub", client.Id)]),
            Claims = claims,
            IssuedAt = now,
            NotBefore = now,
            Expires = expires,
            SigningCredentials = credentials,
        });
        var expiresOn = new DateTimeOffset(expires).ToUnixTimeSeconds();
        return new IssuedToken(access, id, expiresOn, (long)options.Value.TokenLifetime.TotalSeconds);
    }
}
