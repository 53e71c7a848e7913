using System.Text.Json;
namespace Tenancy.Server.Webhooks;

/// <summary>A webhook as stored (migration 0016); <see cref="Secret"/> is the protected form, <see cref="Types"/> a JSON array.</summary>
public sealed class Webhook
{
    public required string Id { get; init; }
    public long OwnerSeq { get; init; }
    public required string TenantId { get; init; }
    public long TenantSeq { get; init; }
    public required string RootPath { get; init; }
    public required string Url { get; init; }
    public required string Types { get; init; }
    public required string Secret { get; init; }
    public bool Enabled { get; init; }
    public string? DisabledReason { get; init; }
    public long Version { get; init; }
    public long CreatedAt { get; init; }
    public long Cursor { get; init; }

    public IReadOnlyList<string> TypeList => JsonSerializer.Deserialize<string[]>(Types) ?? [];
}

/// <summary>One line of a webhook's delivery log.</summary>
public sealed class Delivery
{
    public long Id { get; init; }
    public required string WebhookId { get; init; }
    public long EventSeq { get; init; }
    public required string EventId { get; init; }
    public required string EventType { get; init; }
    public required string Status { get; init; }
    public int Attempts { get; init; }
    public long CreatedAt { get; init; }
    public long NextAttemptAt { get; init; }
    public long? LastAttemptAt { get; init; }
    public int? ResponseStatus { get; init; }
    public string? LastError { get; init; }
    public long? DeliveredAt { get; init; }
}

/// <summary>SQL for webhooks and their delivery logs (the API's side; the worker's is <see cref="DeliveryStore"/>).</summary>
public sealed class WebhookStore(Database db)
{
    public const string Columns =
        "w.id, w.owner_seq, w.tenant_id, w.tenant_seq, w.root_path, w.url, w.types, w.secret, w.enabled, w.disabled_reason, w.version, w.created_at, w.cursor";

    private const string DeliveryColumns =
        "d.id, d.webhook_id, d.event_seq, e.event_id, e.type AS event_type, d.status, d.attempts, d.created_at, d.next_attempt_at, " +
        "d.last_attempt_at, d.response_status, d.last_error, d.delivered_at";

    /// <summary>Stores a new webhook; it receives the events committed after this one (its cursor is the newest event).</summary>
    public Task<bool> InsertAsync(Webhook w, AuditEntry audit, long now, CancellationToken ct = default) =>
        db.ExecuteAuditedAsync(
            "INSERT INTO webhooks (id, owner_seq, tenant_id, tenant_seq, root_path, url, types, secret, enabled, version, created_at, cursor) " +
            "VALUES (@Id, @OwnerSeq, @TenantId, @TenantSeq, @RootPath, @Url, @Types, @Secret, @Enabled, @Version, @CreatedAt, " +
            "(SELECT COALESCE(MAX(id), 0) FROM events))",
            w, audit, now, ct);

    public async Task<Webhook?> GetAsync(string id, CancellationToken ct = default)
    {
        await using var c = await db.OpenAsync(ct);
        return await c.QuerySingleOrDefaultAsync<Webhook>(new CommandDefinition(
            $"SELECT {Columns} FROM webhooks w WHERE w.id = @id", new { id }, cancellationToken: ct));
    }

    /// <summary>The webhooks on subtrees the caller may read, oldest first, after <paramref name="after"/> (an id).</summary>
    public async Task<IReadOnlyList<Webhook>> ListAsync(Caller caller, string? after, int limit, CancellationToken ct = default)
    {
        var args = new DynamicParameters(AccessPolicy.Parameters(caller));
        args.AddDynamicParams(new { after = after ?? "", limit });
        await using var c = await db.OpenAsync(ct);
        var rows = await c.QueryAsync<Webhook>(new CommandDefinition(
            $"SELECT {Columns} FROM webhooks w JOIN tenants t ON t.seq = w.tenant_seq " +
            $"WHERE {AccessPolicy.Where(caller, Operation.Read, Resource.Event, "t.path")} AND w.id > @after ORDER BY w.id LIMIT @limit",
            args, cancellationToken: ct));
        return rows.AsList();
    }

    /// <summary>Changes url, types and enabled at <paramref name="version"/>; false when the version is not current.</summary>
    public Task<bool> UpdateAsync(string id, long version, string url, string types, bool enabled, AuditEntry audit, long now, CancellationToken ct = default) =>
        db.ExecuteAuditedAsync(
            "UPDATE webhooks SET url = @url, types = @types, enabled = @enabled, " +
            "disabled_reason = CASE WHEN @enabled THEN NULL ELSE disabled_reason END, version = version + 1 WHERE id = @id AND version = @version",
            new { id, version, url, types, enabled }, audit, now, ct);

    public Task<bool> DeleteAsync(string id, long version, AuditEntry audit, long now, CancellationToken ct = default) =>
        db.ExecuteAuditedAsync("DELETE FROM webhooks WHERE id = @id AND version = @version", new { id, version }, audit, now, ct);

    /// <summary>The delivery log, newest first, before <paramref name="before"/> (a delivery id) when given.</summary>
    public async Task<IReadOnlyList<Delivery>> DeliveriesAsync(string webhookId, long? before, int limit, CancellationToken ct = default)
    {
        await using var c = await db.OpenAsync(ct);
        var rows = await c.QueryAsync<Delivery>(new CommandDefinition(
            $"SELECT {DeliveryColumns} FROM webhook_deliveries d JOIN events e ON e.id = d.event_seq " +
            "WHERE d.webhook_id = @webhookId" + (before is null ? "" : " AND d.id < @before") + " ORDER BY d.id DESC LIMIT @limit",
            new { webhookId, before, limit }, cancellationToken: ct));
        return rows.AsList();
    }

    public async Task<Delivery?> DeliveryAsync(string webhookId, long id, CancellationToken ct = default)
    {
        await using var c = await db.OpenAsync(ct);
        return await c.QuerySingleOrDefaultAsync<Delivery>(new CommandDefinition(
            $"SELECT {DeliveryColumns} FROM webhook_deliveries d JOIN events e ON e.id = d.event_seq WHERE d.webhook_id = @webhookId AND d.id = @id",
            new { webhookId, id }, cancellationToken: ct));
    }

    /// <summary>Queues the event of a delivery again, after the webhook's pending deliveries; false when there is no such delivery.</summary>
    public Task<bool> RedeliverAsync(string webhookId, long deliveryId, AuditEntry audit, long now, CancellationToken ct = default) =>
        db.ExecuteAuditedAsync(
            "INSERT INTO webhook_deliveries (webhook_id, event_seq, status, attempts, created_at, next_attempt_at) " +
            "SELECT webhook_id, event_seq, 'pending', 0, @now, @now FROM webhook_deliveries WHERE id = @deliveryId AND webhook_id = @webhookId",
            new { webhookId, deliveryId, now }, audit, now, ct);

    /// <summary>The newest delivery of the webhook (after a redelivery: the one it queued).</summary>
    public async Task<Delivery?> NewestDeliveryAsync(string webhookId, CancellationToken ct = default) =>
        await DeliveriesAsync(webhookId, null, 1, ct) is { Count: > 0 } newest ? newest[0] : null;
}
