using Microsoft.Extensions.Caching.Memory;
using Microsoft.IdentityModel.JsonWebTokens;
using Microsoft.IdentityModel.Tokens;

namespace Tenancy.Server.Auth;

/// <summary>
/// Validates each distinct token string once. What validation establishes about a token (signature,
/// issuer key, audience, type, lifetime) cannot change while the token lives, so the result is kept
/// until the token expires. Whether its holder may still act (enabled, not revoked, no suspended tenant
/// on its path) is not cached: that is checked on every request after this.
/// </summary>
public sealed class CachingTokenHandler : JsonWebTokenHandler, IDisposable
{
    /// <summary>At most this many tokens are remembered; beyond it, validation simply runs again.</summary>
    public const int Capacity = 100_000;

    private readonly MemoryCache _cache = new(new MemoryCacheOptions { SizeLimit = Capacity });

    public override async Task<TokenValidationResult> ValidateTokenAsync(string token, TokenValidationParameters validationParameters)
    {
        if (_cache.TryGetValue(token, out TokenValidationResult? cached) && cached is not null)
        {
            // Each request gets its own identity, so nothing one request does to it reaches another.
            return new TokenValidationResult
            {
                IsValid = true,
                SecurityToken = cached.SecurityToken,
                ClaimsIdentity = cached.ClaimsIdentity.Clone(),
                Issuer = cached.Issuer,
                TokenType = cached.TokenType,
            };
        }

        var result = await base.ValidateTokenAsync(token, validationParameters);
        if (result.IsValid && result.SecurityToken is JsonWebToken jwt && jwt.ValidTo > DateTime.UtcNow)
        {
            _cache.Set(token, result, new MemoryCacheEntryOptions
            {
                AbsoluteExpiration = new DateTimeOffset(jwt.ValidTo, TimeSpan.Zero),
                Size = 1,
            });
        }

        return result;
    }

    public void Dispose() => _cache.Dispose();
}
