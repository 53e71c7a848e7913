using Microsoft.AspNetCore.Http.HttpResults;
using Tenancy.Server.Users;
using Tenancy.Server.Idempotency;

namespace Tenancy.Server.Sessions;

/// <summary>One-time tokens, the session they open, and logout (/api/2/idp).</summary>
public static class SessionEndpoints
{
    public const string LoginPath = "/api/2/idp/ott/login";

    private const string LoggedOut = "<body onload=\"window.location.replace('/')\">\r\n<h5>Please wait...</h5>\r\n</body>\r\n";

    public static RouteGroupBuilder MapSessions(this IEndpointRouteBuilder app)
    {
        var group = app.MapGroup("/api/2/idp").WithTags("Identity").SpeaksAcronis();
        group.MapPost("/ott", Issue).RequireAuthorization(Policies.Impersonate).KeepsAnswer(AnswerKept.Nothing)
            .WithSummary("A one-time token to log in as a user within the caller's reach (impersonation, audited); it works once, within minutes");
        group.MapPost("/ott/login", Login).AllowAnonymous().KeepsAnswer(AnswerKept.Nothing)
            .WithSummary("Exchange a one-time token for a session cookie acting as its user; unsafe requests in the session send X-CSRF-Token as answered here");
        group.MapGet("/logout", Logout).AllowAnonymous()
            .WithSummary("End the session of the cookie (it is revoked on the server) and clear the cookie");
        return group;
    }

    private static async Task<Results<Ok<OttJson>, JsonHttpResult<AcronisErrorBody>>> Issue(
        OttRequest body, Caller caller, Impersonation impersonation, HttpContext context, CancellationToken ct)
    {
        context.Response.Headers.CacheControl = "no-store";
        var result = await impersonation.IssueAsync(caller, body, ct);
        return result.IsOk ? TypedResults.Ok(new OttJson(result.Value)) : AcronisErrors.ToResult(result.Error);
    }

    private static async Task<Results<Ok<UserJson>, JsonHttpResult<AcronisErrorBody>>> Login(
        OttLoginRequest body, Impersonation impersonation, HttpContext context, CancellationToken ct)
    {
        context.Response.Headers.CacheControl = "no-store";
        var result = await impersonation.LoginAsync(
            body.Ott!, context.Connection.RemoteIpAddress?.ToString(), context.TraceIdentifier, ct);
        if (!result.IsOk)
        {
            return AcronisErrors.ToResult(result.Error);
        }

        var session = result.Value;
        context.Response.Cookies.Append(SessionAuthenticationHandler.CookieName, session.Id, new CookieOptions
        {
            HttpOnly = true,
            SameSite = SameSiteMode.Strict,
            Secure = context.Request.IsHttps,
            Path = SessionAuthenticationHandler.CookiePath,
            Expires = session.ExpiresAt,
        });
        context.Response.Headers[SessionCsrf.Header] = session.Csrf;
        return TypedResults.Ok(UserJson.From(session.User));
    }

    private static async Task<ContentHttpResult> Logout(HttpContext context, Impersonation impersonation, CancellationToken ct)
    {
        if (CallerIdentity.Of(context.User) is { } caller && context.User.Identity?.AuthenticationType == SessionAuthenticationHandler.SchemeName
            && context.Request.Cookies[SessionAuthenticationHandler.CookieName] is { } id)
        {
            await impersonation.LogoutAsync(caller.In(context), id, ct);
        }

        context.Response.Cookies.Delete(SessionAuthenticationHandler.CookieName, new CookieOptions
        {
            HttpOnly = true, SameSite = SameSiteMode.Strict, Secure = context.Request.IsHttps, Path = SessionAuthenticationHandler.CookiePath,
        });
        return TypedResults.Content(LoggedOut, "text/html");
    }
}
