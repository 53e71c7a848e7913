using System.Globalization;
using System.Text.Json;
using Tenancy.Server.Errors;

namespace Tenancy.Server.Http;

/// <summary>
/// Typed, lenient access to the fields of a JSON object. Clients of the original APIs are loose with
/// types ("version": "3", "enabled": "false"), so numbers and booleans may come as strings; anything
/// that cannot be read as the field's type is recorded as the first <see cref="Error"/>. Unknown keys
/// are ignored.
/// </summary>
public sealed class JsonFields(JsonElement obj, string prefix = "")
{
    public Invalid? Error { get; private set; }

    public JsonElement Element => obj;

    public bool Has(string name) => obj.TryGetProperty(name, out _);

    /// <summary>A string field; null is kept as null when <paramref name="nullable"/>.</summary>
    public Optional<string?> String(string name, bool nullable = true)
    {
        if (!obj.TryGetProperty(name, out var v))
        {
            return default;
        }

        return v.ValueKind switch
        {
            JsonValueKind.String when HasNul(v.GetString()) => Fail<string?>(name, "must not contain NUL characters"),
            JsonValueKind.String => Optional<string?>.Of(v.GetString()),
            JsonValueKind.Null when nullable => Optional<string?>.Of(null),
            _ => Fail<string?>(name, "must be a string"),
        };
    }

    public Optional<string> RequiredString(string name)
    {
        var s = String(name, nullable: false);
        if (!s.IsSet && Error is null)
        {
            Fail<string>(name, "is required");
        }

        return s.IsSet ? Optional<string>.Of(s.Value!) : default;
    }

    public Optional<bool> Bool(string name)
    {
        if (!obj.TryGetProperty(name, out var v))
        {
            return default;
        }

        return v.ValueKind switch
        {
            JsonValueKind.True => Optional<bool>.Of(true),
            JsonValueKind.False => Optional<bool>.Of(false),
            JsonValueKind.String when bool.TryParse(v.GetString(), out var b) => Optional<bool>.Of(b),
            _ => Fail<bool>(name, "must be true or false"),
        };
    }

    /// <summary>A non-negative integer, as a JSON number or a string of digits.</summary>
    public Optional<long> Integer(string name)
    {
        if (!obj.TryGetProperty(name, out var v))
        {
            return default;
        }

        return ParseInteger(v) is { } n and >= 0 ? Optional<long>.Of(n) : Fail<long>(name, "must be a non-negative integer");
    }

    /// <summary>The "version" every write of an /api/2 object must quote; its absence is an error.</summary>
    public Optional<long> Version(string what)
    {
        var version = Integer("version");
        if (!version.IsSet)
        {
            Error ??= new Invalid("version", $"version is required: quote the {what}'s current version.");
        }

        return version;
    }

    public Optional<long?> NullableInteger(string name)
    {
        if (obj.TryGetProperty(name, out var v) && v.ValueKind == JsonValueKind.Null)
        {
            return Optional<long?>.Of(null);
        }

        var n = Integer(name);
        return n.IsSet ? Optional<long?>.Of(n.Value) : default;
    }

    public Optional<JsonElement> Object(string name)
    {
        if (!obj.TryGetProperty(name, out var v))
        {
            return default;
        }

        return v.ValueKind == JsonValueKind.Object ? Optional<JsonElement>.Of(v) : Fail<JsonElement>(name, "must be an object");
    }

    public Optional<IReadOnlyList<string>> StringArray(string name)
    {
        if (!obj.TryGetProperty(name, out var v))
        {
            return default;
        }

        if (v.ValueKind != JsonValueKind.Array || v.EnumerateArray().Any(e => e.ValueKind != JsonValueKind.String || HasNul(e.GetString())))
        {
            return Fail<IReadOnlyList<string>>(name, "must be an array of strings");
        }

        return Optional<IReadOnlyList<string>>.Of([.. v.EnumerateArray().Select(e => e.GetString()!)]);
    }

    /// <summary>Fields of a nested object, reporting errors under "parent.child" names.</summary>
    public JsonFields Nested(JsonElement value, string name) => new(value, $"{prefix}{name}.");

    /// <summary>Takes over the first error of a nested reader.</summary>
    public void Absorb(JsonFields nested) => Error ??= nested.Error;

    public static long? ParseInteger(JsonElement v) => v.ValueKind switch
    {
        JsonValueKind.Number when v.TryGetInt64(out var n) => n,
        JsonValueKind.String when long.TryParse(v.GetString(), NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var n) => n,
        _ => null,
    };

    /// <summary>U+0000 is valid JSON but no text column can hold it (PostgreSQL refuses it outright).</summary>
    private static bool HasNul(string? value) => value is not null && value.Contains('\0', StringComparison.Ordinal);

    private Optional<T> Fail<T>(string name, string problem)
    {
        Error ??= new Invalid(prefix + name, $"{prefix}{name} {problem}.");
        return default;
    }
}
