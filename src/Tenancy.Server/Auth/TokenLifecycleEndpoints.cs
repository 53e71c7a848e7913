using System.Globalization;
using System.Security.Claims;
using Microsoft.AspNetCore.Authentication.JwtBearer;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.Extensions.Options;
using Microsoft.IdentityModel.JsonWebTokens;
using static Tenancy.Server.Auth.TokenEndpoints;
using Tenancy.Server.Idempotency;

namespace Tenancy.Server.Auth;

/// <summary>Token introspection (RFC 7662) and revocation (RFC 7009) for services and scripts.</summary>
public static class TokenLifecycleEndpoints
{
    private static readonly Dictionary<string, object?> Inactive = new() { ["active"] = false };

    public static RouteGroupBuilder MapTokenLifecycle(this RouteGroupBuilder idp)
    {
        idp.MapPost("/introspect_token", Introspect).DisableAntiforgery().KeepsAnswer(AnswerKept.Nothing)
            .WithSummary("Introspect a token (RFC 7662; form field token): active only while its holder and tenant path may act. For API clients (Basic or bearer)");
        idp.MapPost("/revoke_token", Revoke).DisableAntiforgery().KeepsAnswer(AnswerKept.Nothing)
            .WithSummary("Revoke an access token (RFC 7009; form field token); always 200. Own tokens, or, for an admin, tokens of holders in its subtree");
        return idp;
    }

    private static async Task<Results<Ok<Dictionary<string, object?>>, JsonHttpResult<OAuthErrorJson>>> Introspect(
        HttpContext context, ClientAuthenticator authenticator, CallerResolver resolver, TenantService tenants,
        IOptionsMonitor<JwtBearerOptions> jwt, CancellationToken ct)
    {
        context.Response.Headers.CacheControl = "no-store";
        var asked = await ReadAsync(context, authenticator, ct);
        if (asked is not { Refusal: null, Requester: { } requester, Token: var token })
        {
            return asked.Refusal!;
        }

        if (requester.Kind != PrincipalKind.Client)
        {
            return OAuthError(401, "invalid_client", "Token introspection is for API clients; authenticate with a client's Basic credentials or token.");
        }

        var claims = await ValidateAsync(token, jwt);
        if (claims is null || TokenSubject.From(new ClaimsPrincipal(claims)) is not { } subject)
        {
            return TypedResults.Ok(Inactive);
        }

        // Active means: the token would be accepted on a request right now. A holder outside the
        // requester's subtree is reported inactive, so tokens cannot be probed across tenants.
        var holder = await resolver.ResolveAsync(subject, ct);
        if (!holder.IsOk || await tenants.DecideAsync(requester, Operation.Read, HolderResource(subject), subject.Id, holder.Value.TenantId, ct) is not null)
        {
            return TypedResults.Ok(Inactive);
        }

        var answer = new Dictionary<string, object?>
        {
            ["active"] = true,
            ["sub"] = subject.Id,
            ["client_id"] = claims.FindFirst(TokenSubject.ClientIdClaim)?.Value,
            ["tenant_id"] = holder.Value.TenantId,
            ["scope"] = Roles.Scope(holder.Value.Role),
            ["token_type"] = "Bearer",
            ["exp"] = Seconds(claims, "exp"),
            ["iat"] = Seconds(claims, "iat"),
        };
        return TypedResults.Ok(answer);
    }

    private static async Task<Results<Ok, JsonHttpResult<OAuthErrorJson>>> Revoke(
        HttpContext context, ClientAuthenticator authenticator, TenantService tenants, RevokedTokens revoked,
        IOptionsMonitor<JwtBearerOptions> jwt, CancellationToken ct)
    {
        var asked = await ReadAsync(context, authenticator, ct);
        if (asked is not { Refusal: null, Requester: { } requester, Token: var token })
        {
            return asked.Refusal!;
        }

        var claims = await ValidateAsync(token, jwt);
        // RFC 7009 2.2: an invalid, expired or unknown token is answered 200 like any other.
        if (claims is null || TokenSubject.From(new ClaimsPrincipal(claims)) is not { } subject
            || subject.Jti is null || Seconds(claims, "exp") is not { } exp)
        {
            return TypedResults.Ok();
        }

        var own = subject.Id == requester.Id;
        var holder = claims.FindFirst("tenant_id")?.Value is { } tenantId ? await tenants.PlaceAsync(tenantId, ct) : null;
        var holderTenant = holder?.Tenant;
        var inReach = holder is not null
            && AccessPolicy.Decide(requester, Operation.ResetCredential, HolderResource(subject), subject.Id, holder) is null;
        if (own || inReach)
        {
            // The record names the token's holder and its id, never the token itself.
            var audit = new AuditEntry(requester, "token.revoke", subject.Kind == PrincipalKind.User ? "user" : "client", subject.Id,
                holderTenant?.Path ?? requester.TenantPath, null, new Dictionary<string, object?> { ["jti"] = subject.Jti });
            await revoked.RevokeAsync(subject.Jti, exp, audit, ct);
        }

        return TypedResults.Ok();
    }

    /// <summary>Who asks (HTTP Basic with a client's secret, or a bearer token) and the token asked about.</summary>
    private sealed record Asked(Caller? Requester, string Token, JsonHttpResult<OAuthErrorJson>? Refusal);

    private static async Task<Asked> ReadAsync(
        HttpContext context, ClientAuthenticator authenticator, CancellationToken ct)
    {
        Caller? requester = CallerIdentity.Of(context.User);
        if (ClientAuthenticator.ParseBasic(context.Request.Headers.Authorization) is { } basic)
        {
            var result = await authenticator.AuthenticateAsync(basic.Id, basic.Secret, ct);
            requester = result.IsOk ? result.Value.Caller.In(context) : null;
        }

        if (requester is null)
        {
            context.Response.Headers.WWWAuthenticate = "Basic realm=\"tenancy\", Bearer";
            return new Asked(null, "", OAuthError(401, "invalid_client", "Authenticate with an API client's Basic credentials or a bearer token."));
        }

        if (await FormBody.ReadAsync(context.Request, ct) is not { } form)
        {
            return new Asked(null, "", OAuthError(400, "invalid_request", "The request must be a well-formed application/x-www-form-urlencoded form."));
        }

        var token = form["token"].ToString();
        return new Asked(requester, token, token.Length == 0 ? OAuthError(400, "invalid_request", "token is required.") : null);
    }

    /// <summary>The claims of a token this installation signed and that has not expired; null otherwise.</summary>
    private static async Task<ClaimsIdentity?> ValidateAsync(string token, IOptionsMonitor<JwtBearerOptions> jwt)
    {
        var parameters = jwt.Get(JwtBearerDefaults.AuthenticationScheme).TokenValidationParameters;
        var result = await new JsonWebTokenHandler().ValidateTokenAsync(token, parameters);
        return result.IsValid ? result.ClaimsIdentity : null;
    }

    private static long? Seconds(ClaimsIdentity claims, string name) =>
        long.TryParse(claims.FindFirst(name)?.Value, NumberStyles.None, CultureInfo.InvariantCulture, out var s) ? s : null;

    private static Resource HolderResource(TokenSubject subject) => subject.Kind == PrincipalKind.User ? Resource.User : Resource.Client;
}
