using System.Text.Json;
namespace Tenancy.Server.Webhooks;

/// <summary>Webhooks through the access policy (resource Event, on the webhook's subtree root).</summary>
public sealed class WebhookService(WebhookStore store, TenantService tenants, UrlGuard guard, WebhookSecrets secrets, TimeProvider clock)
{
    public const int MaxPageSize = 1000;

    /// <summary>Creates a webhook on a subtree within the caller's reach; the answer carries the secret, once.</summary>
    public async Task<Result<(Webhook Webhook, string Secret)>> CreateAsync(Caller caller, WebhookPostRequest body, CancellationToken ct)
    {
        if (body.SubtreeRootId is not null && Ids.Normalize(body.SubtreeRootId) is null)
        {
            return new Invalid("subtree_root_id", "subtree_root_id must be a UUID.");
        }

        var root = await tenants.AuthorizeAsync(caller, body.SubtreeRootId ?? caller.HomeTenantId, Operation.Create, Resource.Event, ct);
        if (!root.IsOk)
        {
            return root.Error;
        }

        if (await guard.CheckAsync(body.Url!, ct) is { } refusal)
        {
            return new Invalid("url", refusal);
        }

        var secret = WebhookSecrets.New();
        var now = clock.NowMicros();
        var tenant = root.Value.Tenant;
        var webhook = new Webhook
        {
            Id = Guid.NewGuid().ToString(), OwnerSeq = caller.TenantSeq, TenantId = tenant.Id, TenantSeq = tenant.Seq, RootPath = tenant.Path,
            Url = body.Url!, Types = JsonSerializer.Serialize(body.EventTypes ?? []), Secret = secrets.Protect(secret),
            Enabled = body.Enabled ?? true, Version = 1, CreatedAt = now,
        };
        var audit = new AuditEntry(caller, "webhook.create", "webhook", webhook.Id, tenant.Path, null, Fields(webhook));
        await store.InsertAsync(webhook, audit, now, ct);
        return (await store.GetAsync(webhook.Id, ct) ?? webhook, secret);
    }

    public Task<Result<Webhook>> GetAsync(Caller caller, string id, CancellationToken ct) => FindAsync(caller, Operation.Read, id, ct);

    public async Task<Result<(IReadOnlyList<Webhook> Items, string? After)>> ListAsync(Caller caller, string? after, string? limitText, CancellationToken ct)
    {
        var limit = 100;
        if (limitText is not null && (!int.TryParse(limitText, System.Globalization.CultureInfo.InvariantCulture, out limit) || limit < 1))
        {
            return new Invalid("limit", "limit must be a positive integer.");
        }

        limit = Math.Min(limit, MaxPageSize);
        var rows = await store.ListAsync(caller, after, limit + 1, ct);
        var page = rows.Take(limit).ToList();
        return (page, rows.Count > limit ? page[^1].Id : null);
    }

    public async Task<Result<Webhook>> ChangeAsync(Caller caller, string id, WebhookPutRequest body, CancellationToken ct)
    {
        var found = await FindAsync(caller, Operation.Change, id, ct);
        if (!found.IsOk)
        {
            return found.Error;
        }

        var before = found.Value;
        if (body.Url is not null && body.Url != before.Url && await guard.CheckAsync(body.Url, ct) is { } refusal)
        {
            return new Invalid("url", refusal);
        }

        var url = body.Url ?? before.Url;
        var types = body.EventTypes is null ? before.Types : JsonSerializer.Serialize(body.EventTypes);
        var enabled = body.Enabled ?? before.Enabled;
        var after = new Webhook
        {
            Id = before.Id, TenantId = before.TenantId, RootPath = before.RootPath, Url = url, Types = types, Secret = before.Secret,
            Enabled = enabled, CreatedAt = before.CreatedAt,
        };
        var audit = new AuditEntry(caller, "webhook.update", "webhook", id, await PathAsync(before, ct), Fields(before), Fields(after));
        if (!await store.UpdateAsync(before.Id, body.Version!.Value, url, types, enabled, audit, clock.NowMicros(), ct))
        {
            return await store.GetAsync(before.Id, ct) is { } current ? new VersionConflict(current.Version) : NotFound(id);
        }

        return await store.GetAsync(before.Id, ct) is { } changed ? changed : NotFound(id);
    }

    public async Task<Result<Done>> DeleteAsync(Caller caller, string id, string? versionText, CancellationToken ct)
    {
        if (!long.TryParse(versionText, System.Globalization.CultureInfo.InvariantCulture, out var version))
        {
            return new Invalid("version", "version is required: quote the webhook's current version (?version=).");
        }

        var found = await FindAsync(caller, Operation.Delete, id, ct);
        if (!found.IsOk)
        {
            return found.Error;
        }

        var audit = new AuditEntry(caller, "webhook.delete", "webhook", found.Value.Id, await PathAsync(found.Value, ct), Fields(found.Value), null);
        if (!await store.DeleteAsync(found.Value.Id, version, audit, clock.NowMicros(), ct))
        {
            return await store.GetAsync(found.Value.Id, ct) is { } current ? new VersionConflict(current.Version) : NotFound(id);
        }

        return Done.Value;
    }

    public async Task<Result<(IReadOnlyList<Delivery> Items, string? After)>> DeliveriesAsync(
        Caller caller, string id, string? after, string? limitText, CancellationToken ct)
    {
        var limit = 100;
        long? before = null;
        if (limitText is not null && (!int.TryParse(limitText, System.Globalization.CultureInfo.InvariantCulture, out limit) || limit < 1))
        {
            return new Invalid("limit", "limit must be a positive integer.");
        }

        if (after is not null)
        {
            if (!long.TryParse(after, System.Globalization.CultureInfo.InvariantCulture, out var cursor))
            {
                return new Invalid("after", "after is not a cursor returned by this API.");
            }

            before = cursor;
        }

        var found = await FindAsync(caller, Operation.Read, id, ct);
        if (!found.IsOk)
        {
            return found.Error;
        }

        limit = Math.Min(limit, MaxPageSize);
        var rows = await store.DeliveriesAsync(found.Value.Id, before, limit + 1, ct);
        var page = rows.Take(limit).ToList();
        return (page, rows.Count > limit ? page[^1].Id.ToString(System.Globalization.CultureInfo.InvariantCulture) : null);
    }

    /// <summary>Sends a delivery's event again (after the webhook's pending deliveries); the new delivery.</summary>
    public async Task<Result<Delivery>> RedeliverAsync(Caller caller, string id, string deliveryId, CancellationToken ct)
    {
        if (!long.TryParse(deliveryId, System.Globalization.CultureInfo.InvariantCulture, out var delivery))
        {
            return new Invalid("delivery_id", "delivery_id must be the id of a delivery of this webhook.");
        }

        var found = await FindAsync(caller, Operation.Change, id, ct);
        if (!found.IsOk)
        {
            return found.Error;
        }

        var webhook = found.Value;
        var audit = new AuditEntry(caller, "webhook.redeliver", "webhook", webhook.Id, await PathAsync(webhook, ct), null,
            new Dictionary<string, object?> { ["delivery_id"] = delivery });
        if (!await store.RedeliverAsync(webhook.Id, delivery, audit, clock.NowMicros(), ct))
        {
            return new NotFound($"The delivery {delivery} of webhook {webhook.Id} was not found.");
        }

        return await store.NewestDeliveryAsync(webhook.Id, ct) is { } queued ? queued : new NotFound($"The webhook {webhook.Id} was not found.");
    }

    private Task<Result<Webhook>> FindAsync(Caller caller, Operation operation, string id, CancellationToken ct) =>
        tenants.FindOwnedAsync(caller, operation, Resource.Event, id, store.GetAsync, w => w.TenantId, ct);

    /// <summary>The current path of the webhook's subtree root (the audit record's reach).</summary>
    private async Task<string> PathAsync(Webhook w, CancellationToken ct) => (await tenants.PlaceAsync(w.TenantId, ct))?.Tenant.Path ?? w.RootPath;

    private static NotFound NotFound(string id) => new($"The webhook {id} was not found.");

    /// <summary>What the audit record shows of a webhook (never its secret).</summary>
    private static Dictionary<string, object?> Fields(Webhook w) => new()
    {
        ["url"] = w.Url, ["subtree_root_id"] = w.TenantId, ["event_types"] = w.TypeList, ["enabled"] = w.Enabled,
    };
}
