using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.Extensions.Options;
using Tenancy.Server.Clients;
using Tenancy.Server.Idempotency;
using Tenancy.Server.Storage.Caching;

namespace Tenancy.Server.Auth;

/// <summary>OAuth2 token endpoint (client credentials, password), OpenID discovery and the JWKS.</summary>
public static partial class TokenEndpoints
{
    public sealed record TokenJson(string AccessToken, string TokenType, long ExpiresOn, long ExpiresIn, string IdToken);

    /// <summary>RFC 6749 5.2 error response.</summary>
    public sealed record OAuthErrorJson(string Error, string ErrorDescription);

    public const string Path = "/api/2/idp/token";

    private static readonly string[] ResponseTypes = ["token"];
    private static readonly string[] SubjectTypes = ["public"];
    private static readonly string[] Algorithms = ["RS256"];
    private static readonly string[] GrantTypes = ["client_credentials", "password", TokenExchange.GrantType];

    public static IEndpointRouteBuilder MapIdp(this IEndpointRouteBuilder app)
    {
        var group = app.MapGroup("/api/2/idp").WithTags("Identity").AllowAnonymous();
        // Issuing writes only last access, a password rehash and signing keys, which no cached read depends on.
        group.MapPost("/token", Token).DisableAntiforgery().KeepsAnswer(AnswerKept.Nothing).WithMetadata(LeavesCacheAlone.Instance)
            .WithSummary("Issue an access token: grant_type=client_credentials (client_secret_basic or client_secret_post), " +
                "grant_type=password (username, password; client authentication optional) for a user, " +
                "or grant_type=urn:ietf:params:oauth:grant-type:jwt-bearer (assertion: an access token, scope=urn:acronis.com:tenant-id:{id}) " +
                "for the same holder narrowed to that tenant's subtree");
        group.MapTokenLifecycle();
        group.MapGet("/keys", Keys).WithSummary("The public keys that verify tokens (JWKS)");
        app.MapGet("/.well-known/openid-configuration", Discovery).WithTags("Identity").AllowAnonymous()
            .WithSummary("OpenID Connect discovery document");
        app.MapGet("/api/2/.well-known/openid-configuration", Discovery).WithTags("Identity").AllowAnonymous()
            .ExcludeFromDescription();
        return app;
    }

    private static async Task<Results<Ok<TokenJson>, JsonHttpResult<OAuthErrorJson>>> Token(
        HttpContext context, ClientAuthenticator authenticator, TokenService tokens, ClientStore clients,
        PasswordGrant passwordGrant, TokenExchange exchange, IOptions<TokenOptions> options, TimeProvider clock, CancellationToken ct)
    {
        context.Response.Headers.CacheControl = "no-store";
        var request = context.Request;
        if (await FormBody.ReadAsync(request, ct) is not { } form)
        {
            return OAuthError(400, "invalid_request", "The request must be a well-formed application/x-www-form-urlencoded form.");
        }

        var grantType = form["grant_type"].ToString();
        if (string.IsNullOrEmpty(grantType))
        {
            return OAuthError(400, "invalid_request", "grant_type is required.");
        }

        var basic = ClientAuthenticator.ParseBasic(request.Headers.Authorization);
        var (id, secret) = basic ?? (form["client_id"].ToString(), form["client_secret"].ToString());
        var issuer = options.Value.Issuer is { Length: > 0 } configured ? configured : $"{request.Scheme}://{request.Host}";
        if (grantType == "password")
        {
            var outcome = await passwordGrant.IssueAsync(
                form["username"].ToString(), form["password"].ToString(), id, secret, issuer, ct);
            return outcome.IsOk
                ? TypedResults.Ok(new TokenJson(outcome.Value.AccessToken, "bearer", outcome.Value.ExpiresOn, outcome.Value.ExpiresIn, outcome.Value.IdToken))
                : outcome.Error is Invalid invalid ? OAuthError(400, "invalid_request", invalid.Message)
                : Unauthorized(context, basic is not null, outcome.Error.Message, PasswordGrant.ErrorCode(outcome.Error));
        }

        if (grantType == TokenExchange.GrantType)
        {
            var exchanged = await exchange.ExchangeAsync(form["assertion"].ToString(), form["scope"].ToString(), issuer, ct);
            if (!exchanged.IsOk)
            {
                var (status, code) = TokenExchange.ErrorOf(exchanged.Error);
                return OAuthError(status, code, exchanged.Error.Message);
            }

            return TypedResults.Ok(new TokenJson(exchanged.Value.AccessToken, "bearer", exchanged.Value.ExpiresOn, exchanged.Value.ExpiresIn, exchanged.Value.IdToken));
        }

        if (grantType != "client_credentials")
        {
            return OAuthError(400, "unsupported_grant_type",
                $"grant_type '{grantType}' is not supported; use client_credentials, password or {TokenExchange.GrantType}.");
        }

        if (string.IsNullOrEmpty(id) || string.IsNullOrEmpty(secret))
        {
            return Unauthorized(context, basic is not null, "Client credentials are required (HTTP Basic or client_id and client_secret).");
        }

        var result = await authenticator.AuthenticateAsync(id, secret, ct);
        if (!result.IsOk)
        {
            return Unauthorized(context, basic is not null, result.Error.Message);
        }

        var client = result.Value.Client;
        var issued = await tokens.IssueAsync(
            new TokenHolder(PrincipalKind.Client, client.Id, client.TenantId, client.Role, client.TokenGeneration, client.Id), issuer, ct);
        await clients.TouchAsync(client.Id, clock.GetUtcNow().ToUnixTimeMilliseconds() * 1000,
            context.Connection.RemoteIpAddress?.ToString(), ct);
        return TypedResults.Ok(new TokenJson(issued.AccessToken, "bearer", issued.ExpiresOn, issued.ExpiresIn, issued.IdToken));
    }

    private static async Task<Ok<object>> Keys(SigningKeys keys, CancellationToken ct) =>
        TypedResults.Ok(await keys.JwksAsync(ct));

    private static Ok<object> Discovery(HttpRequest request, IOptions<TokenOptions> options)
    {
        var origin = $"{request.Scheme}://{request.Host}";
        var issuer = options.Value.Issuer is { Length: > 0 } configured ? configured : origin;
        return TypedResults.Ok<object>(new Dictionary<string, object>
        {
            ["issuer"] = issuer,
            ["authorization_endpoint"] = $"{origin}/api/2/idp/authorize",
            ["token_endpoint"] = $"{origin}/api/2/idp/token",
            ["jwks_uri"] = $"{origin}/api/2/idp/keys",
            ["response_types_supported"] = ResponseTypes,
            ["subject_types_supported"] = SubjectTypes,
            ["id_token_signing_alg_values_supported"] = Algorithms,
            ["grant_types_supported"] = GrantTypes,
            ["token_endpoint_auth_methods_supported"] = ClientService.AuthMethods,
        });
    }

    private static JsonHttpResult<OAuthErrorJson> Unauthorized(
        HttpContext context, bool basic, string description, string error = "invalid_client")
    {
        if (basic)
        {
            context.Response.Headers.WWWAuthenticate = "Basic realm=\"tenancy\"";
        }

        return OAuthError(401, error, description);
    }

    internal static JsonHttpResult<OAuthErrorJson> OAuthError(int status, string error, string description) =>
        TypedResults.Json(new OAuthErrorJson(error, description), statusCode: status);
}
