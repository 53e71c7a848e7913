using System.Security.Claims;
using System.Text.Encodings.Web;
using Microsoft.AspNetCore.Authentication;
using Microsoft.Extensions.Options;

namespace Tenancy.Server.Auth;

/// <summary>
/// HTTP Basic (RFC 7617), besides bearer tokens: on /api/v2.1 with an API client's id and secret, on
/// /api/2 with a user's login and password (as the vendor's scripts send them). A user's password is
/// checked exactly as the password grant checks it (<see cref="PasswordGrant.VerifyUserAsync"/>), and
/// every such request counts against the login's rate limit shared with that grant. The principal and its
/// tenant path are checked on every request, as for tokens. The token endpoints read Basic themselves.
/// </summary>
public sealed class BasicAuthenticationHandler(
    IOptionsMonitor<AuthenticationSchemeOptions> options, ILoggerFactory logger, UrlEncoder encoder,
    ClientAuthenticator authenticator, PasswordGrant passwordGrant)
    : AuthenticationHandler<AuthenticationSchemeOptions>(options, logger, encoder)
{
    public const string SchemeName = "Basic";

    public static bool IsBasic(string? header) =>
        header is not null && header.StartsWith(SchemeName + " ", StringComparison.OrdinalIgnoreCase);

    /// <summary>Basic credentials this handler reads: a client's on /api/v2.1 or a user's on /api/2 (not its /idp endpoints).</summary>
    public static bool Applies(HttpContext context) =>
        IsBasic(context.Request.Headers.Authorization) && (Dialect.IsNse(context) || IsUserBasic(context));

    /// <summary>A user's login and password in Basic on /api/2 (outside /api/2/idp, whose endpoints read Basic as a client's).</summary>
    public static bool IsUserBasic(HttpContext context) =>
        IsBasic(context.Request.Headers.Authorization)
        && context.Request.Path.StartsWithSegments("/api/2", StringComparison.OrdinalIgnoreCase)
        && !context.Request.Path.StartsWithSegments("/api/2/idp", StringComparison.OrdinalIgnoreCase);

    protected override async Task<AuthenticateResult> HandleAuthenticateAsync()
    {
        string header = Request.Headers.Authorization.ToString();
        if (!Applies(Context))
        {
            return AuthenticateResult.NoResult();
        }

        var user = IsUserBasic(Context);
        if (ClientAuthenticator.ParseBasic(header) is not { } credentials)
        {
            return AuthenticateResult.Fail(user
                ? "The Basic credentials are not base64 of 'login:password'."
                : "The Basic credentials are not base64 of 'client_id:client_secret'.");
        }

        Result<Caller> result;
        if (user)
        {
            var verified = await passwordGrant.VerifyUserAsync(credentials.Id, credentials.Secret, Context.RequestAborted);
            result = verified.IsOk ? verified.Value.Caller : verified.Error;
        }
        else
        {
            var client = await authenticator.AuthenticateAsync(credentials.Id, credentials.Secret, Context.RequestAborted);
            result = client.IsOk ? client.Value.Caller : client.Error;
        }

        if (!result.IsOk)
        {
            return AuthenticateResult.Fail(result.Error.Message);
        }

        var caller = result.Value.In(Context);
        var claim = caller.Kind == PrincipalKind.User ? TokenSubject.UserIdClaim : TokenSubject.ClientIdClaim;
        var identity = new CallerIdentity(caller, new ClaimsIdentity(
            [new Claim(claim, caller.Id), new Claim("tenant_id", caller.TenantId)], SchemeName));
        return AuthenticateResult.Success(new AuthenticationTicket(new ClaimsPrincipal(identity), SchemeName));
    }

    protected override async Task HandleChallengeAsync(AuthenticationProperties properties)
    {
        var outcome = await HandleAuthenticateOnceSafeAsync();
        Response.Headers.WWWAuthenticate = "Basic realm=\"tenancy\"";
        await Dialect.WriteAsync(Context, new Unauthenticated(
            outcome.Failure?.Message ?? "Credentials are required: a bearer token or HTTP Basic."));
    }
}
