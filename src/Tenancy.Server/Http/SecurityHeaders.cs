namespace Tenancy.Server.Http;

/// <summary>
/// Headers on every response, errors included (they are added when the response starts, after the
/// exception handler has cleared what came before): no MIME sniffing, no framing, no referrer, and
/// nothing under /api stored by caches, since API responses carry tokens, secrets and tenant data.
/// </summary>
public static class SecurityHeaders
{
    /// <summary>API responses are data, never a document: nothing may load from them or frame them.</summary>
    public const string ApiPolicy = "default-src 'none'; frame-ancestors 'none'; base-uri 'none'; form-action 'none'";

    /// <summary>
    /// The /docs reference page (Scalar) runs its bundled script and one inline module that starts it,
    /// takes fonts from fonts.scalar.com and fetches the OpenAPI document and "try it" calls from here.
    /// </summary>
    public const string DocsPolicy = "default-src 'self'; script-src 'self' 'unsafe-inline'; "
        + "style-src 'self' 'unsafe-inline' https://fonts.scalar.com; font-src 'self' data: https://fonts.scalar.com; "
        + "img-src 'self' data: https:; connect-src 'self'; worker-src 'self' blob:; "
        + "frame-ancestors 'none'; base-uri 'self'; form-action 'self'";

    public static IApplicationBuilder UseSecurityHeaders(this IApplicationBuilder app) => app.Use((context, next) =>
    {
        context.Response.OnStarting(() =>
        {
            var headers = context.Response.Headers;
            headers.XContentTypeOptions = "nosniff";
            headers.XFrameOptions = "DENY";
            headers["Referrer-Policy"] = "no-referrer";
            // A page served by Tenancy (the activation page) sets its own, as strict as it can be.
            if (string.IsNullOrEmpty(headers.ContentSecurityPolicy))
            {
                headers.ContentSecurityPolicy = context.Request.Path.StartsWithSegments("/docs") ? DocsPolicy
                    : context.Request.Path.StartsWithSegments(WebConsole.ConsolePages.Path) ? WebConsole.ConsolePages.Policy
                    : ApiPolicy;
            }

            if (!context.Request.Path.StartsWithSegments("/docs") && string.IsNullOrEmpty(headers.CacheControl))
            {
                headers.CacheControl = "no-store";
            }

            return Task.CompletedTask;
        });
        return next(context);
    });
}
