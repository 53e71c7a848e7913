using System.Security.Claims;
using Microsoft.AspNetCore.Authentication.JwtBearer;
using Microsoft.Extensions.Options;
using Microsoft.IdentityModel.JsonWebTokens;

namespace Tenancy.Server.Auth;

/// <summary>
/// Token exchange with a JWT bearer assertion (RFC 7523): a valid access token of this service and
/// scope=urn:acronis.com:tenant-id:{id} give a token of the same holder narrowed to that tenant's subtree,
/// expiring no later than the assertion. The tenant must be one the access policy lets the holder read
/// (so no barrier is crossed); the new token only subtracts: its holder stays a principal of its own
/// tenant, and every decision on it also requires the target to lie within the scoped subtree.
/// </summary>
public sealed class TokenExchange(
    IOptionsMonitor<JwtBearerOptions> jwt, CallerResolver resolver, TenantService tenants, TokenService tokens)
{
    public const string GrantType = "urn:ietf:params:oauth:grant-type:jwt-bearer";
    public const string ScopePrefix = "urn:acronis.com:tenant-id:";

    /// <summary>The HTTP status and OAuth2 error of a refused exchange.</summary>
    public static (int Status, string Code) ErrorOf(Error error) => error switch
    {
        Invalid { Field: "scope" } => (400, "invalid_scope"),
        Invalid => (400, "invalid_request"),
        Forbidden => (403, "invalid_scope"),
        _ => (400, "invalid_grant"),
    };

    public async Task<Result<IssuedToken>> ExchangeAsync(string assertion, string scope, string issuer, CancellationToken ct = default)
    {
        if (assertion.Length == 0)
        {
            return new Invalid("assertion", $"assertion (an access token) is required for grant_type={GrantType}.");
        }

        if (ScopedTenant(scope) is not { } tenantId)
        {
            return new Invalid("scope", $"scope must be one {ScopePrefix}{{tenant id}}.");
        }

        var parameters = jwt.Get(JwtBearerDefaults.AuthenticationScheme).TokenValidationParameters.Clone();
        parameters.ClockSkew = TimeSpan.Zero;
        var validated = await new JsonWebTokenHandler().ValidateTokenAsync(assertion, parameters);
        if (!validated.IsValid || validated.SecurityToken is not JsonWebToken token
            || TokenSubject.From(new ClaimsPrincipal(validated.ClaimsIdentity)) is not { } subject)
        {
            return new Unauthenticated("The assertion is not a valid, unexpired access token of this service.");
        }

        var holder = await resolver.ResolveAsync(subject, ct);
        if (!holder.IsOk)
        {
            return new Unauthenticated(holder.Error.Message);
        }

        var caller = holder.Value;
        if (await tenants.DecideAsync(caller, Operation.Read, Resource.Tenant, tenantId, tenantId, ct) is { } denied)
        {
            return denied is NotFound ? new Invalid("scope", $"The tenant {tenantId} was not found.") : new Forbidden(denied.Message);
        }

        var clientId = validated.ClaimsIdentity.FindFirst(TokenSubject.ClientIdClaim)?.Value;
        return await tokens.IssueAsync(
            new TokenHolder(caller.Kind, caller.Id, caller.TenantId, caller.Role, subject.Generation ?? 0, clientId, tenantId, token.ValidTo),
            issuer, ct);
    }

    /// <summary>The tenant id of a scope "urn:acronis.com:tenant-id:{id}"; null for anything else.</summary>
    private static string? ScopedTenant(string scope)
    {
        var parts = scope.Split(' ', StringSplitOptions.RemoveEmptyEntries);
        return parts is [var only] && only.StartsWith(ScopePrefix, StringComparison.Ordinal)
            ? Ids.Normalize(only[ScopePrefix.Length..])
            : null;
    }
}
