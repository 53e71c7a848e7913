using System.Globalization;

namespace Tenancy.Server.Http;

/// <summary>Query string values of the /api/2 lists: each bad value is a 400 naming its parameter.</summary>
public static class QueryValues
{
    /// <summary>A positive integer, at most <paramref name="max"/> (larger values are lowered to it); <paramref name="absent"/> when not given.</summary>
    public static Result<int> Limit(string? value, int absent, int max, string field = "limit") =>
        value is null ? absent
        : int.TryParse(value, NumberStyles.None, CultureInfo.InvariantCulture, out var n) && n >= 1 ? Math.Min(n, max)
        : new Invalid(field, $"{field} must be a positive integer.");

    /// <summary>true or false (any case); null when not given.</summary>
    public static Result<bool?> Flag(string? value, string field) =>
        value is null ? Result<bool?>.Ok(null)
        : bool.TryParse(value, out var b) ? Result<bool?>.Ok(b)
        : new Invalid(field, $"{field} must be true or false.");

    /// <summary>A comma-separated list of at most <paramref name="max"/> UUIDs, normalized.</summary>
    public static Result<IReadOnlyList<string>> Uuids(string value, string field, int max = 100)
    {
        var ids = value.Split(',', StringSplitOptions.TrimEntries);
        if (ids.Length > max)
        {
            return new Invalid(field, $"{field} may list at most {max} ids.");
        }

        var normalized = ids.Select(Ids.Normalize).ToList();
        return normalized.Any(i => i is null)
            ? new Invalid(field, $"{field} must be a comma-separated list of UUIDs.")
            : Result<IReadOnlyList<string>>.Ok([.. normalized.Select(i => i!)]);
    }

    /// <summary>An RFC 3339 timestamp, as unix microseconds (UTC).</summary>
    public static Result<long?> Timestamp(string? value, string field) =>
        value is null ? Result<long?>.Ok(null)
        : DateTimeOffset.TryParse(value, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out var at)
            ? Result<long?>.Ok(Timestamps.ToMicros(at))
            : new Invalid(field, $"{field} must be an RFC 3339 timestamp, e.g. 2016-02-28T16:41:41.090Z.");
}
