using System.Security.Claims;
using System.Text.Encodings.Web;
using Microsoft.AspNetCore.Authentication;
using Microsoft.Extensions.Options;

namespace Tenancy.Server.Sessions;

/// <summary>
/// The session cookie of /api/2 (set by POST /api/2/idp/ott/login), accepted like a bearer token: the
/// session is looked up by its id's hash and its user checked as a token's holder, on every request.
/// Used only when the request has no Authorization header.
/// </summary>
public sealed class SessionAuthenticationHandler(
    IOptionsMonitor<AuthenticationSchemeOptions> options, ILoggerFactory logger, UrlEncoder encoder, Impersonation sessions)
    : AuthenticationHandler<AuthenticationSchemeOptions>(options, logger, encoder)
{
    public const string SchemeName = "Session";
    public const string CookieName = "tenancy_session";
    public const string CookiePath = "/api/2";

    /// <summary>The claim that carries the hash of the session's CSRF value to <see cref="SessionCsrf"/>.</summary>
    public const string CsrfClaim = "csrf_hash";

    /// <summary>A request that presents a session: the cookie, on /api/2, and no Authorization header.</summary>
    public static bool Applies(HttpContext context) =>
        context.Request.Headers.Authorization.Count == 0
        && context.Request.Path.StartsWithSegments(CookiePath, StringComparison.OrdinalIgnoreCase)
        && context.Request.Cookies.ContainsKey(CookieName);

    protected override async Task<AuthenticateResult> HandleAuthenticateAsync()
    {
        if (Request.Cookies[CookieName] is not { Length: > 0 } id)
        {
            return AuthenticateResult.NoResult();
        }

        var result = await sessions.ResolveAsync(id, Context.RequestAborted);
        if (!result.IsOk)
        {
            return AuthenticateResult.Fail(result.Error.Message);
        }

        var (caller, csrfHash) = result.Value;
        var identity = new CallerIdentity(caller.In(Context), new ClaimsIdentity(
            [new Claim(TokenSubject.UserIdClaim, caller.Id), new Claim("tenant_id", caller.TenantId), new Claim(CsrfClaim, csrfHash)],
            SchemeName));
        return AuthenticateResult.Success(new AuthenticationTicket(new ClaimsPrincipal(identity), SchemeName));
    }

    protected override async Task HandleChallengeAsync(AuthenticationProperties properties)
    {
        var outcome = await HandleAuthenticateOnceSafeAsync();
        await Dialect.WriteAsync(Context, new Unauthenticated(outcome.Failure?.Message ?? "The session has ended; log in again."));
    }
}

/// <summary>
/// Cross-site request forgery: a request made with the session cookie that may change something (POST,
/// PUT, PATCH, DELETE) must send the header X-CSRF-Token with the value the login answered in that header.
/// A page of another site can make a browser send the cookie, but cannot read the value nor set the header
/// on a cross-site request without CORS, which this service does not grant. Refused with 403 otherwise.
/// Bearer and Basic requests are not concerned: a browser never adds those on its own.
/// </summary>
public static class SessionCsrf
{
    public const string Header = "X-CSRF-Token";

    public static IApplicationBuilder UseSessionCsrf(this IApplicationBuilder app) => app.Use(async (context, next) =>
    {
        var request = context.Request;
        // A new login needs no value from an earlier session (its one-time token is the secret).
        if (context.User.Identity?.AuthenticationType == SessionAuthenticationHandler.SchemeName
            && !request.Path.Equals(SessionEndpoints.LoginPath, StringComparison.OrdinalIgnoreCase)
            && !(HttpMethods.IsGet(request.Method) || HttpMethods.IsHead(request.Method) || HttpMethods.IsOptions(request.Method))
            && context.User.FindFirst(SessionAuthenticationHandler.CsrfClaim)?.Value is { } expected
            && (request.Headers[Header].ToString() is not { Length: > 0 } sent
                || !System.Security.Cryptography.CryptographicOperations.FixedTimeEquals(
                    System.Text.Encoding.ASCII.GetBytes(SessionStore.Hash(sent)), System.Text.Encoding.ASCII.GetBytes(expected))))
        {
            await Dialect.WriteAsync(context, new Forbidden(
                $"A {request.Method} in a session must send the {Header} header with the value the login answered in it."));
            return;
        }

        await next(context);
    });
}
