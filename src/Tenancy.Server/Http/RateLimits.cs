using System.Globalization;
using System.Threading.RateLimiting;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.AspNetCore.RateLimiting;

namespace Tenancy.Server.Http;

/// <summary>One fixed-window limit, applied separately per API client and per source address.</summary>
public sealed class RateLimitRule
{
    /// <summary>Requests one API client may make per window.</summary>
    public int ClientPermits { get; set; }

    /// <summary>Requests one source address may make per window (several clients may share a NAT).</summary>
    public int AddressPermits { get; set; }

    public TimeSpan Window { get; set; } = TimeSpan.FromSeconds(10);

    /// <summary>Requests over the limit that wait for the next window instead of being refused at once.</summary>
    public int QueueLimit { get; set; }
}

/// <summary>
/// Tenancy:RateLimits: the token endpoint (and every request with a user's password in HTTP Basic, which
/// shares the login's budget with the password grant) and writes (POST, PUT, DELETE) of both dialects.
/// </summary>
public sealed class RateLimitOptions
{
    public const string Section = "Tenancy:RateLimits";

    public bool Enabled { get; set; } = true;

    public RateLimitRule Token { get; set; } = new() { ClientPermits = 100, AddressPermits = 1000 };

    public RateLimitRule Writes { get; set; } = new() { ClientPermits = 20_000, AddressPermits = 50_000 };
}

/// <summary>
/// Partitioned fixed-window limiters (ASP.NET Core rate limiting): one partition per client and one per
/// address, chained, so a noisy client or address is refused with 429 and Retry-After in the request's
/// dialect while everyone else goes on. Reads are not limited.
/// </summary>
public static class RateLimits
{
    private const long MaxFormPeek = 64 * 1024;

    public static IServiceCollection AddTenancyRateLimits(this IServiceCollection services, IConfiguration configuration)
    {
        var options = configuration.GetSection(RateLimitOptions.Section).Get<RateLimitOptions>() ?? new RateLimitOptions();
        services.AddRateLimiter(o =>
        {
            o.RejectionStatusCode = StatusCodes.Status429TooManyRequests;
            o.OnRejected = RejectAsync;
            if (options.Enabled)
            {
                o.GlobalLimiter = PartitionedRateLimiter.CreateChained(
                    PartitionedRateLimiter.Create<HttpContext, string>(c => Partition(c, options, byClient: true)),
                    PartitionedRateLimiter.Create<HttpContext, string>(c => Partition(c, options, byClient: false)));
            }
        });
        return services;
    }

    /// <summary>
    /// Runs after authentication (so a write's client is known) and before authorization. The token
    /// endpoint's form is read first, so a client that posts its credentials is limited as itself.
    /// </summary>
    public static IApplicationBuilder UseTenancyRateLimits(this IApplicationBuilder app)
    {
        app.Use(async (context, next) =>
        {
            // Only small forms with a declared length are read ahead: a token request is a few hundred bytes,
            // and the limiter must not be the one that buffers a large body.
            if (Dialect.IsToken(context) && context.Request.HasFormContentType && context.Request.ContentLength is <= MaxFormPeek)
            {
                try
                {
                    await context.Request.ReadFormAsync(context.RequestAborted);
                }
                catch (Exception e) when (e is InvalidDataException or BadHttpRequestException or IOException)
                {
                    // The token endpoint answers a form it cannot read with invalid_request.
                }
            }

            await next(context);
        });
        return app.UseRateLimiter();
    }

    private static bool IsWrite(HttpRequest request) =>
        request.Path.StartsWithSegments("/api")
        && (HttpMethods.IsPost(request.Method) || HttpMethods.IsPut(request.Method)
            || HttpMethods.IsDelete(request.Method) || HttpMethods.IsPatch(request.Method));

    private static RateLimitPartition<string> Partition(HttpContext context, RateLimitOptions options, bool byClient)
    {
        var request = context.Request;
        var rule = Dialect.IsToken(context) || BasicAuthenticationHandler.IsUserBasic(context) ? options.Token
            : IsWrite(request) ? options.Writes : null;
        if (rule is null)
        {
            return RateLimitPartition.GetNoLimiter("");
        }

        var scope = ReferenceEquals(rule, options.Token) ? "token" : "writes";
        string key;
        int permits;
        if (byClient)
        {
            var client = ClientOf(context);
            if (client is null)
            {
                return RateLimitPartition.GetNoLimiter("");
            }

            (key, permits) = ($"{scope}|client|{client}", rule.ClientPermits);
        }
        else
        {
            (key, permits) = ($"{scope}|address|{context.Connection.RemoteIpAddress}", rule.AddressPermits);
        }

        return RateLimitPartition.GetFixedWindowLimiter(key, _ => new FixedWindowRateLimiterOptions
        {
            PermitLimit = Math.Max(1, permits),
            Window = rule.Window,
            QueueLimit = Math.Max(0, rule.QueueLimit),
            QueueProcessingOrder = QueueProcessingOrder.OldestFirst,
            AutoReplenishment = true,
        });
    }

    /// <summary>
    /// The principal a request speaks for: its token's client or user, its Basic credentials', or its
    /// form's client_id (the password grant: its username).
    /// </summary>
    private static string? ClientOf(HttpContext context)
    {
        // A user's password in Basic is a password guess like the grant's: the same budget, by login.
        if (BasicAuthenticationHandler.IsUserBasic(context)
            && ClientAuthenticator.ParseBasic(context.Request.Headers.Authorization) is { } user)
        {
            return LoginPartition(user.Id);
        }

        if (CallerIdentity.Of(context.User) is { } caller)
        {
            return caller.Id;
        }

        if (ClientAuthenticator.ParseBasic(context.Request.Headers.Authorization) is { } basic)
        {
            return basic.Id;
        }

        if (!context.Request.HasFormContentType || context.Features.Get<IFormFeature>()?.Form is not { } form)
        {
            return null;
        }

        // Password guesses against one login share that login's budget, whatever client or address they use.
        return form["client_id"].ToString() is { Length: > 0 } id ? id
            : form["username"].ToString() is { Length: > 0 } login ? LoginPartition(login)
            : null;
    }

    /// <summary>The partition of password guesses against one login, whatever way they come.</summary>
    private static string LoginPartition(string login) => "login:" + login.ToUpperInvariant();

    private static async ValueTask RejectAsync(OnRejectedContext rejected, CancellationToken ct)
    {
        var context = rejected.HttpContext;
        var retryAfter = rejected.Lease.TryGetMetadata(MetadataName.RetryAfter, out var wait) ? wait : TimeSpan.FromSeconds(1);
        var seconds = Math.Max(1, (int)Math.Ceiling(retryAfter.TotalSeconds));
        context.Response.Headers.RetryAfter = seconds.ToString(CultureInfo.InvariantCulture);
        var message = $"Too many requests; retry after {seconds} s.";
        await Dialect.WriteAsync(context, new TooManyRequests(message));
    }
}
