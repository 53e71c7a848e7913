using System.Globalization;

namespace Tenancy.Server.Http;

/// <summary>The "?version=N" of a DELETE: the version the caller last saw, required.</summary>
public static class VersionQuery
{
    public static Result<long> Parse(string? version) =>
        version is null ? new Invalid("version", "The version query parameter is required.")
        : long.TryParse(version, NumberStyles.None, CultureInfo.InvariantCulture, out var v) ? v
        : new Invalid("version", "version must be a non-negative integer.");
}
