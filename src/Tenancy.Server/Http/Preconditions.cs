using System.Globalization;
using Microsoft.AspNetCore.Http.HttpResults;


namespace Tenancy.Server.Http;

/// <summary>A request body that quotes the version it was read at; If-Match may quote it instead (see <see cref="Preconditions"/>).</summary>
public interface IQuotesVersion<out TSelf>
{
    long? Version { get; }

    TSelf WithVersion(long version);
}

/// <summary>A response object that has a version: its ETag. Implemented explicitly, so it adds nothing to the JSON.</summary>
public interface IHasETag
{
    long? ETagVersion { get; }
}

/// <summary>
/// ETag, If-Match and If-None-Match, in one place. An object's ETag is its version, strong and quoted
/// ("7"). A write may quote the version in its body or query, in If-Match, or in both when they agree;
/// when If-Match quoted it, a version conflict answers 412 instead of 409. A GET whose If-None-Match
/// names the current ETag answers 304. <see cref="WithETags"/> puts the filter on a route group; the
/// bodies and queries ask <see cref="Quoted"/> for the version.
/// </summary>
public static class Preconditions
{
    private static readonly object IfMatchKey = new();

    public static string ETag(long version) => $"\"{version.ToString(CultureInfo.InvariantCulture)}\"";

    /// <summary>
    /// The version a write quotes: <paramref name="stated"/> (body or query) and If-Match together. Null when
    /// neither quotes one; 400 when If-Match is not a quoted version or disagrees with <paramref name="stated"/>.
    /// </summary>
    public static Result<long?> Quoted(HttpContext context, long? stated)
    {
        var header = context.Request.Headers.IfMatch.ToString().Trim();
        if (header.Length == 0 || header == "*")
        {
            return stated;
        }

        if (header.Length < 3 || header[0] != '"' || header[^1] != '"'
            || !long.TryParse(header.AsSpan(1, header.Length - 2), NumberStyles.None, CultureInfo.InvariantCulture, out var quoted))
        {
            return new Invalid("If-Match", "If-Match must be one quoted version, as the ETag header gives it (for example \"3\").");
        }

        if (stated is { } s && s != quoted)
        {
            return new Invalid("If-Match", $"If-Match quotes version {quoted} but the request quotes version {s}; send one, or the same in both.");
        }

        context.Items[IfMatchKey] = quoted;
        return quoted;
    }

    /// <summary>Answers ETag on versioned objects, 304 to a matching If-None-Match, and 412 to a failed If-Match.</summary>
    public static RouteGroupBuilder WithETags(this RouteGroupBuilder group) => group.AddEndpointFilter(FilterAsync);

    private static async ValueTask<object?> FilterAsync(EndpointFilterInvocationContext invocation, EndpointFilterDelegate next)
    {
        var result = await next(invocation);
        var http = invocation.HttpContext;
        var inner = result is INestedHttpResult nested ? nested.Result : result as IResult;
        if (http.Items.ContainsKey(IfMatchKey) && CurrentVersionOfConflict(inner) is { } current)
        {
            return Dialect.Error(http, new PreconditionFailed(current));
        }

        if (inner is not IValueHttpResult { Value: IHasETag { ETagVersion: { } version } }
            || inner is IStatusCodeHttpResult { StatusCode: not (200 or 201) })
        {
            return result;
        }

        var etag = ETag(version);
        http.Response.Headers.ETag = etag;
        var noneMatch = http.Request.Headers.IfNoneMatch.ToString();
        if (HttpMethods.IsGet(http.Request.Method) && noneMatch.Length > 0
            && (noneMatch.Trim() == "*" || noneMatch.Split(',').Any(t => StripWeak(t.Trim()) == etag)))
        {
            return TypedResults.StatusCode(StatusCodes.Status304NotModified);
        }

        return result;
    }

    /// <summary>If-None-Match compares weakly: W/"3" matches "3".</summary>
    private static string StripWeak(string tag) => tag.StartsWith("W/", StringComparison.Ordinal) ? tag[2..] : tag;

    /// <summary>The current version a version-conflict answer (409) of either dialect carries.</summary>
    private static long? CurrentVersionOfConflict(IResult? result) => result switch
    {
        JsonHttpResult<AcronisErrorBody> { Value.Cause: VersionConflict v } => v.CurrentVersion,
        JsonHttpResult<NseErrorBody> { Value.Cause: VersionConflict v } => v.CurrentVersion,
        _ => null,
    };
}
