using System.Globalization;

namespace Tenancy.Server.Http;

/// <summary>The "?version=N" of a DELETE: the version the caller last saw (or If-Match: see <see cref="Preconditions"/>).</summary>
public static class VersionQuery
{
    /// <summary>The version quoted by the query, If-Match, or both when they agree; required.</summary>
    public static Result<long> Required(HttpContext context, string? version)
    {
        var quoted = Optional(context, version);
        return !quoted.IsOk ? quoted.Error
            : quoted.Value is { } v ? v
            : new Invalid("version", "The version query parameter (or an If-Match header) is required.");
    }

    /// <summary>The version quoted by the query, If-Match, or both when they agree; null when neither does.</summary>
    public static Result<long?> Optional(HttpContext context, string? version)
    {
        if (version is null)
        {
            return Preconditions.Quoted(context, null);
        }

        var parsed = Parse(version);
        return parsed.IsOk ? Preconditions.Quoted(context, parsed.Value) : parsed.Error;
    }

    public static Result<long> Parse(string? version) =>
        version is null ? new Invalid("version", "The version query parameter is required.")
        : long.TryParse(version, NumberStyles.None, CultureInfo.InvariantCulture, out var v) ? v
        : new Invalid("version", "version must be a non-negative integer.");
}
