namespace Tenancy.Server.Http;

/// <summary>Which wire dialect a request speaks, for errors raised outside a handler (auth, routing, faults).</summary>
public static class Dialect
{
    public static bool IsNse(HttpContext context) =>
        context.Request.Path.StartsWithSegments("/api/v2.1", StringComparison.OrdinalIgnoreCase);

    /// <summary>The OAuth endpoints (RFC 6749 token, RFC 7662 introspection, RFC 7009 revocation).</summary>
    public static readonly string[] OAuthPaths = [TokenEndpoints.Path, "/api/2/idp/introspect_token", "/api/2/idp/revoke_token"];

    /// <summary>A POST to an OAuth endpoint: errors take the OAuth shape there.</summary>
    public static bool IsToken(HttpContext context) =>
        HttpMethods.IsPost(context.Request.Method)
        && OAuthPaths.Contains((context.Request.Path.Value ?? "").TrimEnd('/'), StringComparer.OrdinalIgnoreCase);

    public static IResult Error(HttpContext context, Error error)
    {
        if (IsToken(context))
        {
            context.Response.Headers.CacheControl = "no-store";
            return OAuthErrors.ToResult(error);
        }

        return IsNse(context) ? NseErrors.ToResult(error) : AcronisErrors.ToResult(error);
    }

    public static Task WriteAsync(HttpContext context, Error error) => Error(context, error).ExecuteAsync(context);
}
