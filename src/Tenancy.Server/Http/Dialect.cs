using Tenancy.Server.Auth;
using Tenancy.Server.Errors;

namespace Tenancy.Server.Http;

/// <summary>Which wire dialect a request speaks, for errors raised outside a handler (auth, routing, faults).</summary>
public static class Dialect
{
    public static bool IsNse(HttpContext context) =>
        context.Request.Path.StartsWithSegments("/api/v2.1", StringComparison.OrdinalIgnoreCase);

    /// <summary>A POST to the token endpoint: errors take the OAuth shape there.</summary>
    public static bool IsToken(HttpContext context) =>
        HttpMethods.IsPost(context.Request.Method)
        && (context.Request.Path.Value ?? "").TrimEnd('/').Equals(TokenEndpoints.Path, StringComparison.OrdinalIgnoreCase);

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
