using System.Security.Claims;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Authentication.JwtBearer;
using Microsoft.IdentityModel.Tokens;

namespace Tenancy.Server.Auth;

public static class AuthSetup
{
    public const string Scheme = "Tenancy";

    /// <summary>
    /// Bearer tokens are verified with the store's keys, then the holder and its tenant path are checked
    /// against the store on every request, so suspension, deletion and disabling apply at once.
    /// </summary>
    public static IServiceCollection AddTenancyAuth(this IServiceCollection services, IConfiguration configuration)
    {
        services.Configure<TokenOptions>(configuration.GetSection(TokenOptions.Section));
        services.AddSingleton<SigningKeys>();
        services.AddSingleton<TokenService>();
        services.AddSingleton<CallerResolver>();
        services.AddSingleton<ClientAuthenticator>();
        services.AddSingleton<RevokedTokens>();
        services.AddSingleton<PasswordGrant>();

        // Bearer everywhere; on /api/v2.1 also HTTP Basic with an API client's id and secret.
        services.AddAuthentication(Scheme)
            .AddPolicyScheme(Scheme, "Bearer, or Basic on /api/v2.1", o => o.ForwardDefaultSelector = ctx =>
                Dialect.IsNse(ctx) && BasicAuthenticationHandler.IsBasic(ctx.Request.Headers.Authorization)
                    ? BasicAuthenticationHandler.SchemeName
                    : JwtBearerDefaults.AuthenticationScheme)
            .AddJwtBearer()
            .AddScheme<AuthenticationSchemeOptions, BasicAuthenticationHandler>(BasicAuthenticationHandler.SchemeName, null);
        services.AddSingleton<CachingTokenHandler>();
        services.AddOptions<JwtBearerOptions>(JwtBearerDefaults.AuthenticationScheme).Configure<SigningKeys, CachingTokenHandler>((o, keys, handler) =>
        {
            o.MapInboundClaims = false;
            o.TokenHandlers.Clear();
            o.TokenHandlers.Add(handler);
            o.TokenValidationParameters = new TokenValidationParameters
            {
                // The signature already binds a token to this installation's keys; the issuer follows the
                // host a request came to, which differs behind proxies.
                ValidateIssuer = false,
                ValidAudience = TokenOptions.Audience,
                ValidTypes = ["at+jwt"],
                ValidAlgorithms = [SecurityAlgorithms.RsaSha256],
                IssuerSigningKeyResolver = (_, _, kid, _) => keys.Resolve(kid),
                ClockSkew = TimeSpan.FromSeconds(30),
            };
            o.Events = new JwtBearerEvents
            {
                OnTokenValidated = async ctx =>
                {
                    if (TokenSubject.From(ctx.Principal) is not { } subject)
                    {
                        ctx.Fail("The token names no client or user.");
                        return;
                    }

                    var resolver = ctx.HttpContext.RequestServices.GetRequiredService<CallerResolver>();
                    var caller = await resolver.ResolveAsync(subject, ctx.HttpContext.RequestAborted);
                    if (caller.IsOk)
                    {
                        ctx.Principal = new ClaimsPrincipal(new CallerIdentity(caller.Value.In(ctx.HttpContext), (ClaimsIdentity)ctx.Principal!.Identity!));
                    }
                    else
                    {
                        ctx.Fail(caller.Error.Message);
                    }
                },
                OnChallenge = async ctx =>
                {
                    ctx.HandleResponse();
                    var message = ctx.AuthenticateFailure switch
                    {
                        null => "A bearer token is required: Authorization: Bearer <access_token>.",
                        SecurityTokenExpiredException => "The token has expired.",
                        // Raised by OnTokenValidated with a message meant for the caller.
                        AuthenticationFailureException e => e.Message,
                        _ => "The token is not valid.",
                    };
                    ctx.Response.Headers.WWWAuthenticate = "Bearer";
                    await Dialect.WriteAsync(ctx.HttpContext, new Unauthenticated(message));
                },
            };
        });
        services.AddTenancyAuthorization();
        return services;
    }
}
