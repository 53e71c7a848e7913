using Microsoft.AspNetCore.Server.Kestrel.Core;

namespace Tenancy.Server.Http;

/// <summary>
/// Size limits on what a request may carry. Kestrel refuses an over-long request line (414) or header
/// block (431) before any of Tenancy runs; a query string that fits the line but is longer than any
/// API call needs is refused here, in the dialect's envelope. Bodies are capped by <see cref="RequestJson"/>,
/// string fields by the rules of each resource (e.g. TenantRules).
/// </summary>
public static class RequestLimits
{
    public const int MaxRequestLineBytes = 8 * 1024;
    public const int MaxHeaderBytes = 16 * 1024;
    public const int MaxHeaderCount = 64;

    /// <summary>Enough for a list of 100 UUIDs (the largest query any endpoint takes).</summary>
    public const int MaxQueryLength = 6 * 1024;

    public static void ConfigureKestrel(KestrelServerOptions o)
    {
        o.AddServerHeader = false;
        o.Limits.MaxRequestLineSize = MaxRequestLineBytes;
        o.Limits.MaxRequestHeadersTotalSize = MaxHeaderBytes;
        o.Limits.MaxRequestHeaderCount = MaxHeaderCount;
        // JSON bodies are capped at 1 MiB by RequestJson, with an answer in the dialect's envelope. Kestrel's own
        // cap is higher so that it can still read and discard a refused body and the client gets that answer
        // instead of a reset connection.
        o.Limits.MaxRequestBodySize = 8 * RequestJson.MaxBytes;
    }

    public static IApplicationBuilder UseRequestLimits(this IApplicationBuilder app) => app.Use((context, next) =>
        context.Request.QueryString.Value?.Length > MaxQueryLength
            ? Dialect.WriteAsync(context, new UriTooLong($"The query string must not exceed {MaxQueryLength} characters."))
            : next(context));
}
