namespace Tenancy.Server.Webhooks;

/// <summary>POST /api/2/webhooks.</summary>
[RequestExample("""{"url": "https://hooks.example.com/tenancy", "subtree_root_id": "3f1b8b4e-9d5a-4c1e-8f3a-2b6c7d8e9f01", "event_types": ["tenancy.tenant.suspended"]}""")]
public sealed record WebhookPostRequest : JsonRequest<WebhookPostRequest>
{
    public string? Url { get; init; }
    public string? SubtreeRootId { get; init; }
    public IReadOnlyList<string>? EventTypes { get; init; }
    public bool? Enabled { get; init; }

    protected override Invalid? Validate() => Required(Url, "url") ?? WebhookRules.Types(EventTypes);
}

/// <summary>PUT /api/2/webhooks/{id}: what is given changes; the version is required.</summary>
[RequestExample("""{"enabled": true, "version": 2}""")]
public sealed record WebhookPutRequest : JsonRequest<WebhookPutRequest>
{
    public long? Version { get; init; }
    public string? Url { get; init; }
    public IReadOnlyList<string>? EventTypes { get; init; }
    public bool? Enabled { get; init; }

    protected override Invalid? Validate() =>
        (Version is null ? new Invalid("version", "version is required: quote the webhook's current version.") : null) ?? WebhookRules.Types(EventTypes);
}

public static class WebhookRules
{
    public static Invalid? Types(IReadOnlyList<string>? types) =>
        types is null ? null
        : types.Count > 100 ? new Invalid("event_types", "event_types holds at most 100 types.")
        : types.Any(t => t is null || !Events.EventTypes.IsWellFormed(t))
            ? new Invalid("event_types", "event_types must be a list of event types such as tenancy.tenant.suspended.")
            : null;
}

/// <param name="EventTypes">The types delivered; empty: every type.</param>
/// <param name="Secret">The signing secret (Standard Webhooks, "whsec_..."): only in the answer to the creation.</param>
public sealed record WebhookJson(
    string Id, string Url, string SubtreeRootId, IReadOnlyList<string> EventTypes, bool Enabled, string? DisabledReason, long Version,
    string CreatedAt,
    [property: System.Text.Json.Serialization.JsonIgnore(Condition = System.Text.Json.Serialization.JsonIgnoreCondition.WhenWritingNull)] string? Secret = null)
{
    public static WebhookJson From(Webhook w, string? secret = null) =>
        new(w.Id, w.Url, w.TenantId, w.TypeList, w.Enabled, w.DisabledReason, w.Version, Timestamps.Format(w.CreatedAt), secret);
}

public sealed record WebhookPageJson(IReadOnlyList<WebhookJson> Items, TenantEndpoints.PagingJson Paging);

/// <param name="Status">pending (to be sent or retried), delivered or failed (given up).</param>
public sealed record DeliveryJson(
    long Id, string EventId, string EventType, long EventSequence, string Status, int Attempts, string CreatedAt, string? NextAttemptAt,
    string? LastAttemptAt, int? ResponseStatus, string? LastError, string? DeliveredAt)
{
    public static DeliveryJson From(Delivery d) => new(
        d.Id, d.EventId, d.EventType, d.EventSeq, d.Status, d.Attempts, Timestamps.Format(d.CreatedAt),
        d.Status == DeliveryStore.Pending ? Timestamps.Format(d.NextAttemptAt) : null,
        d.LastAttemptAt is { } l ? Timestamps.Format(l) : null, d.ResponseStatus, d.LastError, d.DeliveredAt is { } a ? Timestamps.Format(a) : null);
}

public sealed record DeliveryPageJson(IReadOnlyList<DeliveryJson> Items, TenantEndpoints.PagingJson Paging);
