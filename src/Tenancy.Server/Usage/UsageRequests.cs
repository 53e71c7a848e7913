using System.Globalization;
using System.Text.Json;

namespace Tenancy.Server.Usage;

/// <summary>POST /api/2/tenants/{id}/subscriptions.</summary>
[RequestExample("""{"number": "A-S00003875"}""")]
public sealed record SubscriptionCreateRequest : JsonRequest<SubscriptionCreateRequest>
{
    public string? Number { get; init; }

    protected override Invalid? Validate() => Required(Number, "number");
}

/// <summary>POST /api/2/subscriptions/{number}/commitments.</summary>
[RequestExample("""{"service_level": "standard", "committed": 1024, "effective_from": "2026-01-01T00:00:00Z"}""")]
public sealed record CommitmentRequest : JsonRequest<CommitmentRequest>
{
    public string? ServiceLevel { get; init; }
    public double? Committed { get; init; }

    /// <summary>An RFC 3339 time; now when absent.</summary>
    public string? EffectiveFrom { get; init; }

    protected override Invalid? Validate() =>
        Required(ServiceLevel, "service_level") ?? Required(Committed, "committed")
        ?? (EffectiveFrom is null ? null : UsageTime.Parse(EffectiveFrom, "effective_from").Error as Invalid);
}

/// <summary>POST /api/2/usage: a batch of samples; each item is read on its own, so one bad item refuses only itself.</summary>
[RequestExample("""
    {"items": [{"tenant_id": "7a2c3e4f-1b2d-4c5e-8f90-a1b2c3d4e5f6", "subscription": "A-S00003875",
                "service_level": "standard", "consumed": 512.5, "timestamp": "2026-01-15T10:00:00Z"}]}
    """)]
public sealed record UsageBatchRequest : JsonRequest<UsageBatchRequest>
{
    public IReadOnlyList<JsonElement>? Items { get; init; }

    protected override Invalid? Validate() => CheckBatch(Items, "usage samples");

    /// <summary>A batch (of either dialect) is an array of at most <see cref="UsageService.MaxBatch"/> items.</summary>
    public static Invalid? CheckBatch(IReadOnlyList<JsonElement>? items, string what) =>
        items is null ? new Invalid("items", $"items is required: an array of {what}.")
        : items.Count > UsageService.MaxBatch ? new Invalid("items", $"A batch may hold at most {UsageService.MaxBatch} items.")
        : null;

    /// <summary>The samples of the batch, in order, each a sample or the problem with it.</summary>
    public IReadOnlyList<Result<Sample>> Samples() => [.. Items!.Select(UsageItemRequest.Read)];
}

/// <summary>One item of a usage batch: tenant_id, subscription, service_level, consumed, timestamp.</summary>
public sealed record UsageItemRequest
{
    public string? TenantId { get; init; }
    public string? Subscription { get; init; }
    public string? ServiceLevel { get; init; }
    public double? Consumed { get; init; }
    public string? Timestamp { get; init; }

    public static Result<Sample> Read(JsonElement item)
    {
        if (item.ValueKind != JsonValueKind.Object)
        {
            return new Invalid("item", "Each item must be a JSON object.");
        }

        var bound = RequestJson.Bind<UsageItemRequest>(item);
        return bound.IsOk ? bound.Value.ToSample() : bound.Error;
    }

    private Result<Sample> ToSample()
    {
        var missing = new (object? Value, string Field)[]
        {
            (TenantId, "tenant_id"), (Subscription, "subscription"), (ServiceLevel, "service_level"), (Timestamp, "timestamp"), (Consumed, "consumed"),
        }.FirstOrDefault(f => f.Value is null).Field;
        if (missing is not null)
        {
            return new Invalid(missing, $"{missing} is required.");
        }

        var at = UsageTime.Parse(Timestamp, "timestamp");
        return at.IsOk ? new Sample(Ids.Normalize(TenantId!) ?? TenantId!, Subscription!, ServiceLevel!, Consumed!.Value, at.Value) : at.Error;
    }
}

/// <summary>Times of usage bodies and query strings.</summary>
public static class UsageTime
{
    /// <summary>An RFC 3339 time as unix microseconds; a time without an offset is taken as UTC.</summary>
    public static Result<long> Parse(string? value, string field)
    {
        if (string.IsNullOrEmpty(value))
        {
            return new Invalid(field, $"{field} is required (an RFC 3339 time such as 2025-06-01T00:00:00Z).");
        }

        return DateTimeOffset.TryParse(value, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out var t)
            ? Timestamps.ToMicros(t)
            : new Invalid(field, $"{field} must be an RFC 3339 time such as 2025-06-01T00:00:00Z.");
    }
}
