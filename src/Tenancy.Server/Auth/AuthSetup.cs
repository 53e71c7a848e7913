using System.Security.Claims;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Authentication.JwtBearer;
using Microsoft.IdentityModel.Tokens;
using Tenancy.Server.Sessions;

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
        services.AddSingleton<TokenExchange>();
        services.Configure<ImpersonationOptions>(configuration.GetSection(ImpersonationOptions.Section));
        services.AddSingleton<SessionStore>();
        services.AddSingleton<Impersonation>();

        // Bearer everywhere; HTTP Basic with an API client's id and secret on /api/v2.1 and with a user's
        // login and password on /api/2; the session cookie of an impersonation on /api/2.
        services.AddAuthentication(Scheme)
            .AddPolicyScheme(Scheme, "Bearer, Basic, or the session cookie", o => o.ForwardDefaultSelector = ctx =>
                BasicAuthenticationHandler.Applies(ctx) ? BasicAuthenticationHandler.SchemeName
                : SessionAuthenticationHandler.Applies(ctx) ? SessionAuthenticationHandler.SchemeName
                : JwtBearerDefaults.AuthenticationScheme)
            .AddJwtBearer()
            .AddScheme<AuthenticationSchemeOptions, BasicAuthenticationHandler>(BasicAuthenticationHandler.SchemeName, null)
            .AddScheme<AuthenticationSchemeOptions, SessionAuthenticationHandler>(SessionAuthenticationHandler.SchemeName, null);
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
                    Result<Caller> caller;
                    try
                    {
                        caller = await resolver.ResolveAsync(subject, ctx.HttpContext.RequestAborted);
                    }
                    catch (Exception e) when (Database.IsUnavailable(e))
                    {
                        // Not a bad token: the store could not say. The challenge answers 503 (below).
                        ctx.Fail(e);
                        return;
                    }
                    catch (OperationCanceledException) when (ctx.HttpContext.RequestAborted.IsCancellationRequested)
                    {
                        // The client went away: nobody is left to answer, and nothing went wrong here.
                        ctx.Fail("The request was aborted by the client.");
                        return;
                    }

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
                    if (ctx.AuthenticateFailure is { } failure && Database.IsUnavailable(failure))
                    {
                        await Faults.UnavailableAsync(ctx.HttpContext, failure);
                        return;
                    }

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
