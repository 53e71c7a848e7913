using System.Security.Claims;
using System.Text.Encodings.Web;
using Microsoft.AspNetCore.Authentication;
using Microsoft.Extensions.Options;

namespace Tenancy.Server.Auth;

/// <summary>
/// HTTP Basic (RFC 7617) with an API client's id and secret, which the /api/v2.1 dialect accepts
/// besides bearer tokens. The client and its tenant path are checked on every request, as for tokens.
/// </summary>
public sealed class BasicAuthenticationHandler(
    IOptionsMonitor<AuthenticationSchemeOptions> options, ILoggerFactory logger, UrlEncoder encoder,
    ClientAuthenticator authenticator)
    : AuthenticationHandler<AuthenticationSchemeOptions>(options, logger, encoder)
{
    public const string SchemeName = "Basic";

    public static bool IsBasic(string? header) =>
        header is not null && header.StartsWith(SchemeName + " ", StringComparison.OrdinalIgnoreCase);

    protected override async Task<AuthenticateResult> HandleAuthenticateAsync()
    {
        string header = Request.Headers.Authorization.ToString();
        if (!IsBasic(header))
        {
            return AuthenticateResult.NoResult();
        }

        if (ClientAuthenticator.ParseBasic(header) is not { } credentials)
        {
            return AuthenticateResult.Fail("The Basic credentials are not base64 of 'client_id:client_secret'.");
        }

        var result = await authenticator.AuthenticateAsync(credentials.Id, credentials.Secret, Context.RequestAborted);
        if (!result.IsOk)
        {
            return AuthenticateResult.Fail(result.Error.Message);
        }

        var caller = result.Value.Caller.In(Context);
        var identity = new CallerIdentity(caller, new ClaimsIdentity(
            [new Claim(TokenSubject.ClientIdClaim, caller.Id), new Claim("tenant_id", caller.TenantId)], SchemeName));
        return AuthenticateResult.Success(new AuthenticationTicket(new ClaimsPrincipal(identity), SchemeName));
    }

    protected override async Task HandleChallengeAsync(AuthenticationProperties properties)
    {
        var outcome = await HandleAuthenticateOnceSafeAsync();
        Response.Headers.WWWAuthenticate = "Basic realm=\"tenancy\"";
        await Dialect.WriteAsync(Context, new Unauthenticated(
            outcome.Failure?.Message ?? "Credentials are required: a bearer token or HTTP Basic with an API client."));
    }
}
