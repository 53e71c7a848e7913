namespace Tenancy.Server.Tenants;

/// <summary>Identifiers are UUIDs in canonical lower-case form.</summary>
public static class Ids
{
    public static string New() => Guid.NewGuid().ToString("D");

    /// <summary>Parses a UUID in any case; returns the canonical form or null.</summary>
    public static string? Normalize(string? value) =>
        value is not null && value.Length == 36 && Guid.TryParseExact(value, "D", out var g) ? g.ToString("D") : null;
}
