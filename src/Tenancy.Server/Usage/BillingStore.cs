namespace Tenancy.Server.Usage;

/// <summary>SQL for the service level catalogue, subscriptions and commitments.</summary>
public sealed class BillingStore(Database db)
{
    public async Task<IReadOnlyList<ServiceLevel>> ServiceLevelsAsync(CancellationToken ct = default)
    {
        await using var c = await db.OpenAsync(ct);
        var rows = await c.QueryAsync<ServiceLevel>(new CommandDefinition(
            "SELECT name, position, description FROM service_levels ORDER BY position", cancellationToken: ct));
        return rows.AsList();
    }

    /// <summary>Adds a subscription; false when the number is already taken.</summary>
    public async Task<bool> InsertSubscriptionAsync(Subscription s, AuditEntry audit, CancellationToken ct = default)
    {
        await using var c = await db.OpenWriteAsync(ct);
        await using var tx = await Database.BeginWriteAsync(c, ct);
        if (await c.ExecuteAsync(new CommandDefinition(
            "INSERT INTO subscriptions (number, tenant_id, created_at) VALUES (@Number, @TenantId, @CreatedAt) " +
            "ON CONFLICT (number) DO NOTHING", s, tx, cancellationToken: ct)) != 1)
        {
            return false;
        }

        await AuditLog.WriteAsync(c, tx, audit, s.CreatedAt, ct);
        await tx.CommitAsync(ct);
        return true;
    }

    public async Task<Subscription?> GetSubscriptionAsync(string number, CancellationToken ct = default)
    {
        await using var c = await db.OpenAsync(ct);
        return await c.QuerySingleOrDefaultAsync<Subscription>(new CommandDefinition(
            "SELECT number, tenant_id, created_at FROM subscriptions WHERE number = @number",
            new { number }, cancellationToken: ct));
    }

    public async Task<IReadOnlyList<Subscription>> SubscriptionsOfAsync(string tenantId, CancellationToken ct = default)
    {
        await using var c = await db.OpenAsync(ct);
        var rows = await c.QueryAsync<Subscription>(new CommandDefinition(
            "SELECT number, tenant_id, created_at FROM subscriptions WHERE tenant_id = @tenantId ORDER BY number",
            new { tenantId }, cancellationToken: ct));
        return rows.AsList();
    }

    /// <summary>
    /// Appends a commitment and, when it is the newest of its subscription and service level, makes it
    /// the one in force. False when one with the same effective_from exists.
    /// </summary>
    public async Task<bool> AddCommitmentAsync(Commitment commitment, AuditEntry audit, CancellationToken ct = default)
    {
        await using var c = await db.OpenWriteAsync(ct);
        await using var tx = await Database.BeginWriteAsync(c, ct);
        var n = await c.ExecuteAsync(new CommandDefinition(
            "INSERT INTO commitments (subscription, service_level, effective_from, committed, recorded_at) " +
            "VALUES (@Subscription, @ServiceLevel, @EffectiveFrom, @Committed, @RecordedAt) " +
            "ON CONFLICT (subscription, service_level, effective_from) DO NOTHING",
            commitment, tx, cancellationToken: ct));
        if (n == 0)
        {
            return false;
        }

        // The commitment in force changes (and with it the roll-ups) only when this one is the newest.
        var tenantId = await c.ExecuteScalarAsync<string>(new CommandDefinition(
            "SELECT tenant_id FROM subscriptions WHERE number = @Subscription", commitment, tx, cancellationToken: ct));
        var key = new CurrentRows.Key(tenantId!, commitment.ServiceLevel, commitment.Subscription);
        var old = await CurrentRows.LockAsync(db, c, tx, key, ct);
        if (old is null && await CurrentRows.InsertAsync(c, tx, key, 0, null, commitment.Committed, commitment.EffectiveFrom, ct))
        {
            await UsageRollups.AddAsync(db, c, tx, [new RollupDelta(key.TenantId, key.Item, 0, commitment.Committed, 0, 1)], ct);
        }
        else if ((old ?? await CurrentRows.LockAsync(db, c, tx, key, ct)) is { } current
            && (current.CommittedFrom is null || commitment.EffectiveFrom > current.CommittedFrom))
        {
            await c.ExecuteAsync(new CommandDefinition(
                $"UPDATE usage_current SET committed = @Committed, committed_from = @EffectiveFrom WHERE {CurrentRows.Match}",
                new { commitment.Committed, commitment.EffectiveFrom, key.TenantId, app = ServiceLevelItems.ApplicationId, key.Item, key.Subscription },
                tx, cancellationToken: ct));
            var burst = UsageRollups.Burst(current.Value, commitment.Committed) - UsageRollups.Burst(current.Value, current.Committed);
            await UsageRollups.AddAsync(db, c, tx, [new RollupDelta(key.TenantId, key.Item, 0, commitment.Committed - current.Committed, burst, 0)], ct);
        }

        await AuditLog.WriteAsync(c, tx, audit, commitment.RecordedAt, ct);
        await tx.CommitAsync(ct);
        return true;
    }

    public async Task<IReadOnlyList<Commitment>> CommitmentsAsync(string number, CancellationToken ct = default)
    {
        await using var c = await db.OpenAsync(ct);
        var rows = await c.QueryAsync<Commitment>(new CommandDefinition(
            "SELECT c.subscription, c.service_level, c.effective_from, c.committed, c.recorded_at FROM commitments c " +
            "JOIN service_levels l ON l.name = c.service_level " +
            "WHERE c.subscription = @number ORDER BY l.position, c.effective_from",
            new { number }, cancellationToken: ct));
        return rows.AsList();
    }
}
