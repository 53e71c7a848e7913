using System.Text.Json;
namespace Tenancy.Server.Webhooks;

/// <summary>A webhook as its deliverer sees it: with the current paths of its subtree root and of its owner.</summary>
public sealed class ClaimedWebhook
{
    public required string Id { get; init; }
    public required string TenantId { get; init; }
    public required string Url { get; init; }
    public required string Types { get; init; }
    public required string Secret { get; init; }
    public long Cursor { get; init; }
    public long OwnerSeq { get; init; }
    public required string RootPath { get; init; }
    public required string OwnerPath { get; init; }

    public IReadOnlyList<string> TypeList => JsonSerializer.Deserialize<string[]>(Types) ?? [];
}

/// <summary>The next delivery of a webhook, with its event.</summary>
public sealed class DueDelivery
{
    public long Id { get; init; }
    public int Attempts { get; init; }
    public long NextAttemptAt { get; init; }
    public long? FirstAttemptAt { get; init; }
    public long EventSeq { get; init; }
    public required string EventId { get; init; }
    public required string Type { get; init; }
    public string? TenantId { get; init; }
    public long At { get; init; }
    public required string Data { get; init; }
}

/// <summary>
/// SQL for the delivery worker. An instance works on a webhook only while it holds the webhook's lease
/// (one conditional UPDATE claims it; of several instances exactly one wins), so each event is turned into
/// one delivery and each delivery is sent by one instance at a time, in order.
/// </summary>
public sealed class DeliveryStore(Database db)
{
    public const string Pending = "pending";
    public const string Delivered = "delivered";
    public const string Failed = "failed";

    /// <summary>Enabled webhooks nobody holds that have events to fan out or a delivery due.</summary>
    public async Task<IReadOnlyList<string>> CandidatesAsync(long now, int limit, CancellationToken ct = default)
    {
        await using var c = await db.OpenAsync(ct);
        var rows = await c.QueryAsync<string>(new CommandDefinition(
            "SELECT w.id FROM webhooks w WHERE w.enabled AND (w.lease_until IS NULL OR w.lease_until < @now) " +
            "AND (w.cursor < (SELECT COALESCE(MAX(id), 0) FROM events) OR EXISTS (SELECT 1 FROM webhook_deliveries d " +
            $"WHERE d.webhook_id = w.id AND d.status = '{Pending}' AND d.next_attempt_at <= @now)) ORDER BY w.lease_until, w.id LIMIT @limit",
            new { now, limit }, cancellationToken: ct));
        return rows.AsList();
    }

    /// <summary>Takes the webhook's lease for <paramref name="owner"/> until <paramref name="until"/>; null when another holds it.</summary>
    public async Task<ClaimedWebhook?> ClaimAsync(string id, string owner, long now, long until, CancellationToken ct = default)
    {
        await using var c = await db.OpenWriteAsync(ct);
        if (await c.ExecuteAsync(new CommandDefinition(
            "UPDATE webhooks SET lease_owner = @owner, lease_until = @until WHERE id = @id AND enabled AND (lease_until IS NULL OR lease_until < @now)",
            new { id, owner, now, until }, cancellationToken: ct)) == 0)
        {
            return null;
        }

        return await c.QuerySingleOrDefaultAsync<ClaimedWebhook>(new CommandDefinition(
            "SELECT w.id, w.tenant_id, w.url, w.types, w.secret, w.cursor, w.owner_seq, COALESCE(r.path, w.root_path) AS root_path, " +
            "COALESCE(o.path, r.path, w.root_path) AS owner_path FROM webhooks w LEFT JOIN tenants r ON r.seq = w.tenant_seq " +
            "LEFT JOIN tenants o ON o.seq = w.owner_seq WHERE w.id = @id AND w.lease_owner = @owner",
            new { id, owner }, cancellationToken: ct));
    }

    /// <summary>Extends the lease; false when it was lost (it ran out and another instance took the webhook).</summary>
    public async Task<bool> RenewAsync(string id, string owner, long until, CancellationToken ct = default)
    {
        await using var c = await db.OpenWriteAsync(ct);
        return await c.ExecuteAsync(new CommandDefinition(
            "UPDATE webhooks SET lease_until = @until WHERE id = @id AND lease_owner = @owner AND enabled",
            new { id, owner, until }, cancellationToken: ct)) == 1;
    }

    public async Task ReleaseAsync(string id, string owner, CancellationToken ct = default)
    {
        await using var c = await db.OpenWriteAsync(ct);
        await c.ExecuteAsync(new CommandDefinition(
            "UPDATE webhooks SET lease_owner = NULL, lease_until = NULL WHERE id = @id AND lease_owner = @owner",
            new { id, owner }, cancellationToken: ct));
    }

    /// <summary>
    /// Turns the events after the webhook's cursor (at most <paramref name="batch"/>) into pending deliveries
    /// for those in its subtree, of its types, that its owner's reach is not barred from; advances the cursor
    /// in the same transaction. Returns how many deliveries were made.
    /// </summary>
    public async Task<int> FanOutAsync(ClaimedWebhook w, string owner, long now, int batch, CancellationToken ct = default)
    {
        await using var c = await db.OpenWriteAsync(ct);
        await using var tx = await Database.BeginWriteAsync(c, ct);
        var upper = await c.ExecuteScalarAsync<long?>(new CommandDefinition(
            "SELECT MAX(id) FROM (SELECT id FROM events WHERE id > @cursor ORDER BY id LIMIT @batch) x",
            new { cursor = w.Cursor, batch }, tx, cancellationToken: ct));
        if (upper is null)
        {
            return 0;
        }

        var types = w.TypeList;
        var args = new DynamicParameters(new
        {
            id = w.Id, owner, now, cursor = w.Cursor, upper, root = w.RootPath, rootUpper = TreePath.UpperBound(w.RootPath),
            reach_path = w.OwnerPath, reach_upper = TreePath.UpperBound(w.OwnerPath), reach_seq = w.OwnerSeq, types = db.List(types),
        });
        var made = await c.ExecuteAsync(new CommandDefinition(
            $"INSERT INTO webhook_deliveries (webhook_id, event_seq, status, attempts, created_at, next_attempt_at) " +
            $"SELECT @id, e.id, '{Pending}', 0, @now, @now FROM events e WHERE e.id > @cursor AND e.id <= @upper " +
            $"AND e.tenant_path >= @root AND e.tenant_path < @rootUpper AND {AccessPolicy.Unbarred("e.tenant_path")}" +
            (types.Count > 0 ? $" AND {db.In("e.type", "types")}" : "") + " ORDER BY e.id",
            args, tx, cancellationToken: ct));
        if (await c.ExecuteAsync(new CommandDefinition(
            "UPDATE webhooks SET cursor = @upper, root_path = @root WHERE id = @id AND lease_owner = @owner AND cursor = @cursor",
            args, tx, cancellationToken: ct)) == 0)
        {
            await tx.RollbackAsync(ct);
            return 0;
        }

        await tx.CommitAsync(ct);
        return made;
    }

    /// <summary>The webhook's oldest pending delivery (due or not), with its event.</summary>
    public async Task<DueDelivery?> HeadAsync(string webhookId, CancellationToken ct = default)
    {
        await using var c = await db.OpenAsync(ct);
        return await c.QueryFirstOrDefaultAsync<DueDelivery>(new CommandDefinition(
            "SELECT d.id, d.attempts, d.next_attempt_at, d.first_attempt_at, e.id AS event_seq, e.event_id, e.type, e.tenant_id, e.at, e.data " +
            $"FROM webhook_deliveries d JOIN events e ON e.id = d.event_seq WHERE d.webhook_id = @webhookId AND d.status = '{Pending}' " +
            "ORDER BY d.id LIMIT 1", new { webhookId }, cancellationToken: ct));
    }

    /// <summary>Records an attempt: delivered, or pending again at <paramref name="retryAt"/>.</summary>
    public async Task AttemptedAsync(long id, bool delivered, int? status, string? error, long now, long retryAt, CancellationToken ct = default)
    {
        await using var c = await db.OpenWriteAsync(ct);
        await c.ExecuteAsync(new CommandDefinition(
            "UPDATE webhook_deliveries SET status = @state, attempts = attempts + 1, first_attempt_at = COALESCE(first_attempt_at, @now), " +
            "last_attempt_at = @now, response_status = @status, last_error = @error, next_attempt_at = @retryAt, " +
            $"delivered_at = CASE WHEN @delivered THEN @now ELSE NULL END WHERE id = @id AND status = '{Pending}'",
            new { id, state = delivered ? Delivered : Pending, delivered, status, error, now, retryAt }, cancellationToken: ct));
    }

    /// <summary>
    /// Gives up on a delivery that failed for too long: it is marked failed and the webhook disabled (its other
    /// deliveries stay pending until it is enabled again), with an audit record and so a notice event.
    /// </summary>
    public async Task GiveUpAsync(string webhookId, string owner, long deliveryId, int? status, string error, string reason,
        AuditEntry audit, long now, CancellationToken ct = default)
    {
        await using var c = await db.OpenWriteAsync(ct);
        await using var tx = await Database.BeginWriteAsync(c, ct);
        await c.ExecuteAsync(new CommandDefinition(
            $"UPDATE webhook_deliveries SET status = '{Failed}', attempts = attempts + 1, last_attempt_at = @now, response_status = @status, " +
            $"last_error = @error WHERE id = @deliveryId AND status = '{Pending}'",
            new { deliveryId, status, error, now }, tx, cancellationToken: ct));
        if (await c.ExecuteAsync(new CommandDefinition(
            "UPDATE webhooks SET enabled = FALSE, disabled_reason = @reason, version = version + 1, lease_owner = NULL, lease_until = NULL " +
            "WHERE id = @webhookId AND lease_owner = @owner",
            new { webhookId, owner, reason }, tx, cancellationToken: ct)) == 0)
        {
            await tx.RollbackAsync(ct);
            return;
        }

        await AuditLog.WriteAsync(c, tx, audit, now, ct);
        await tx.CommitAsync(ct);
    }
}
