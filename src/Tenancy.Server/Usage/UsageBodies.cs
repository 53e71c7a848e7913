using System.Globalization;
using System.Text.Json;
using Tenancy.Server.Errors;
using Tenancy.Server.Http;
using Tenancy.Server.Tenants;

namespace Tenancy.Server.Usage;

/// <summary>Reads numbers, times and usage items from request bodies and query strings.</summary>
public static class UsageBodies
{
    /// <summary>A number, as a JSON number or a numeric string (clients are loose with types); null when absent.</summary>
    public static Result<double?> Number(JsonElement obj, string name)
    {
        if (!obj.TryGetProperty(name, out var v))
        {
            return Result<double?>.Ok(null);
        }

        double? n = v.ValueKind switch
        {
            JsonValueKind.Number when v.TryGetDouble(out var d) => d,
            JsonValueKind.String when double.TryParse(v.GetString(), NumberStyles.Float, CultureInfo.InvariantCulture, out var d) => d,
            _ => null,
        };
        return n is { } value && double.IsFinite(value) && value >= 0
            ? Result<double?>.Ok(value)
            : new Invalid(name, $"{name} must be a non-negative number.");
    }

    /// <summary>An RFC 3339 time as unix microseconds; a time without an offset is taken as UTC.</summary>
    public static Result<long> Time(string? value, string field)
    {
        if (string.IsNullOrEmpty(value))
        {
            return new Invalid(field, $"{field} is required (an RFC 3339 time such as 2025-06-01T00:00:00Z).");
        }

        return DateTimeOffset.TryParse(value, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out var t)
            ? Timestamps.ToMicros(t)
            : new Invalid(field, $"{field} must be an RFC 3339 time such as 2025-06-01T00:00:00Z.");
    }

    /// <summary>One item of a usage batch: tenant_id, subscription, service_level, consumed, timestamp.</summary>
    public static Result<Sample> Item(JsonElement item)
    {
        if (item.ValueKind != JsonValueKind.Object)
        {
            return new Invalid("item", "Each item must be a JSON object.");
        }

        var f = new JsonFields(item);
        var tenantId = f.RequiredString("tenant_id");
        var subscription = f.RequiredString("subscription");
        var level = f.RequiredString("service_level");
        var timestamp = f.RequiredString("timestamp");
        if (f.Error is not null)
        {
            return f.Error;
        }

        var consumed = Number(item, "consumed");
        if (!consumed.IsOk || consumed.Value is null)
        {
            return consumed.Error ?? new Invalid("consumed", "consumed is required.");
        }

        var at = Time(timestamp.Value, "timestamp");
        return at.IsOk
            ? new Sample(Ids.Normalize(tenantId.Value) ?? tenantId.Value, subscription.Value, level.Value, consumed.Value.Value, at.Value)
            : at.Error;
    }
}
