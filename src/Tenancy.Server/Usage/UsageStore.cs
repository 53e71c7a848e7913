namespace Tenancy.Server.Usage;

/// <summary>
/// SQL for usage: ingestion (both dialects), and the /api/v2.1 views of it: the usage maps of tenants
/// (service levels within subscriptions), subtree roll-ups and period reports. The /api/2 views of the same
/// rows are in <see cref="ItemUsageStore"/>.
/// </summary>
public sealed class UsageStore(Database db)
{
    /// <summary>A subscription of a live tenant, with where that tenant sits in the tree.</summary>
    public sealed class Owner
    {
        public string Number { get; init; } = "";
        public string TenantId { get; init; } = "";
        public string TenantPath { get; init; } = "";
    }

    private sealed class CurrentRow
    {
        public string TenantId { get; init; } = "";
        public string Subscription { get; init; } = "";
        public string? ServiceLevel { get; init; }
        public double Consumed { get; init; }
        public double Committed { get; init; }
    }

    /// <summary>Of the given subscription numbers, those whose tenant is live.</summary>
    public async Task<Dictionary<string, Owner>> OwnersAsync(IReadOnlyCollection<string> numbers, CancellationToken ct = default)
    {
        await using var c = await db.OpenAsync(ct);
        var rows = await c.QueryAsync<Owner>(new CommandDefinition(
            "SELECT s.number, s.tenant_id, t.path AS tenant_path FROM subscriptions s JOIN tenants t ON t.id = s.tenant_id " +
            $"WHERE {db.In("s.number", "numbers")}", new { numbers = db.List(numbers) }, cancellationToken: ct));
        return rows.ToDictionary(r => r.Number, StringComparer.Ordinal);
    }

    /// <summary>
    /// Records samples of both dialects in one transaction. A sample whose key (tenant, offering item,
    /// subscription, time) is already stored is skipped, so a re-sent batch changes nothing; with
    /// <paramref name="onlyIfChanged"/> (values reported without a time) a sample equal to the current value
    /// is skipped too. A stored sample becomes the current value only when it is newer than the current one.
    /// </summary>
    public async Task<(int Applied, int Duplicates)> IngestAsync(
        IReadOnlyList<StoredSample> samples, long now, bool onlyIfChanged = false, CancellationToken ct = default)
    {
        var applied = 0;
        var deltas = new List<RollupDelta>();
        await using var c = await db.OpenWriteAsync(ct);
        await using var tx = await Database.BeginWriteAsync(c, ct);
        foreach (var s in samples)
        {
            var args = new { s.TenantId, s.ApplicationId, s.OfferingItem, s.Subscription, s.SampledAt, s.Value, now };
            if (await c.ExecuteAsync(new CommandDefinition(
                "INSERT INTO usage_samples (tenant_id, application_id, offering_item, subscription, sampled_at, value, received_at) " +
                "SELECT @TenantId, @ApplicationId, @OfferingItem, @Subscription, @SampledAt, @Value, @now " +
                (onlyIfChanged ? $"WHERE NOT EXISTS (SELECT 1 FROM usage_current u WHERE {CurrentKey} AND u.value = @Value) " : "WHERE 1 = 1 ") +
                "ON CONFLICT (tenant_id, application_id, offering_item, subscription, sampled_at) DO NOTHING",
                args, tx, cancellationToken: ct)) == 0)
            {
                continue;
            }

            applied++;
            if (s.ApplicationId != ServiceLevelItems.ApplicationId || s.Subscription == StoredSample.NoSubscription)
            {
                await c.ExecuteAsync(new CommandDefinition(
                    "INSERT INTO usage_current (tenant_id, application_id, offering_item, subscription, value, value_at, committed, committed_from) " +
                    "VALUES (@TenantId, @ApplicationId, @OfferingItem, @Subscription, @Value, @SampledAt, 0, NULL) " +
                    "ON CONFLICT (tenant_id, application_id, offering_item, subscription) DO UPDATE " +
                    "SET value = excluded.value, value_at = excluded.value_at " +
                    "WHERE usage_current.value_at IS NULL OR excluded.value_at > usage_current.value_at",
                    args, tx, cancellationToken: ct));
                continue;
            }

            // A service level within a subscription counts in the roll-ups: its change is worked out from the row as it was.
            var key = new CurrentRows.Key(s.TenantId, s.OfferingItem, s.Subscription);
            var old = await CurrentRows.LockAsync(db, c, tx, key, ct);
            if (old is null && await CurrentRows.InsertAsync(c, tx, key, s.Value, s.SampledAt, 0, null, ct))
            {
                deltas.Add(new RollupDelta(s.TenantId, s.OfferingItem, s.Value, 0, UsageRollups.Burst(s.Value, 0), 1));
                continue;
            }

            old ??= await CurrentRows.LockAsync(db, c, tx, key, ct) ?? throw new InvalidOperationException("usage_current row vanished");
            if (old.ValueAt is null || s.SampledAt > old.ValueAt)
            {
                await c.ExecuteAsync(new CommandDefinition(
                    $"UPDATE usage_current SET value = @Value, value_at = @SampledAt WHERE {CurrentRows.Match}",
                    new { s.Value, s.SampledAt, key.TenantId, app = ServiceLevelItems.ApplicationId, key.Item, key.Subscription }, tx, cancellationToken: ct));
                deltas.Add(new RollupDelta(s.TenantId, s.OfferingItem, s.Value - old.Value, 0,
                    UsageRollups.Burst(s.Value, old.Committed) - UsageRollups.Burst(old.Value, old.Committed), 0));
            }
        }

        await UsageRollups.AddAsync(db, c, tx, deltas, ct);
        await tx.CommitAsync(ct);
        return (applied, samples.Count - applied);
    }

    private const string CurrentKey =
        "u.tenant_id = @TenantId AND u.application_id = @ApplicationId AND u.offering_item = @OfferingItem AND u.subscription = @Subscription";

    /// <summary>The usage map of each given tenant; a tenant without subscriptions has none.</summary>
    public async Task<Dictionary<string, UsageMap>> CurrentAsync(IReadOnlyCollection<string> tenantIds, CancellationToken ct = default)
    {
        var maps = new Dictionary<string, UsageMap>(StringComparer.Ordinal);
        if (tenantIds.Count == 0)
        {
            return maps;
        }

        await using var c = await db.OpenAsync(ct);
        var rows = await c.QueryAsync<CurrentRow>(new CommandDefinition(
            "SELECT s.tenant_id, s.number AS subscription, l.name AS service_level, " +
            "COALESCE(u.value, 0.0) AS consumed, COALESCE(u.committed, 0.0) AS committed " +
            "FROM subscriptions s LEFT JOIN usage_current u ON u.tenant_id = s.tenant_id AND u.subscription = s.number " +
            "AND u.application_id = @app LEFT JOIN service_levels l ON l.name = u.offering_item " +
            $"WHERE {db.In("s.tenant_id", "tenantIds")} ORDER BY s.tenant_id, s.number, l.position",
            new { tenantIds = db.List(tenantIds), app = ServiceLevelItems.ApplicationId }, cancellationToken: ct));
        foreach (var subscription in rows.GroupBy(r => (r.TenantId, r.Subscription)))
        {
            if (!maps.TryGetValue(subscription.Key.TenantId, out var map))
            {
                maps[subscription.Key.TenantId] = map = [];
            }

            map[subscription.Key.Subscription] = [.. subscription
                .Where(r => r.ServiceLevel is not null)
                .Select(r => UsageLine.Of(r.ServiceLevel!, r.Consumed, r.Committed))];
        }

        return maps;
    }

    internal const string RollupSql =
        "SELECT l.name AS service_level, SUM(u.value) AS consumed, SUM(u.committed) AS committed, " +
        "SUM(CASE WHEN u.value > u.committed THEN u.value - u.committed ELSE 0.0 END) AS burst " +
        "FROM tenants t JOIN usage_current u ON u.tenant_id = t.id AND u.application_id = @app AND u.subscription <> '' " +
        "JOIN service_levels l ON l.name = u.offering_item " +
        "WHERE t.path >= @path AND t.path < @upper AND t.deleted_at IS NULL GROUP BY l.name, l.position ORDER BY l.position";

    /// <summary>
    /// The current usage of a whole subtree per service level, as maintained in usage_rollup (one row per level).
    /// Burst is summed per subscription and level, so one subscription's spare capacity does not hide another's burst.
    /// </summary>
    public Task<IReadOnlyList<UsageLine>> RollupAsync(Tenant tenant, CancellationToken ct = default) =>
        UsageRollups.ReadAsync(db, tenant.Seq, ct);

    /// <summary>
    /// The same answer as <see cref="RollupAsync"/> recomputed from the rows, in one set-based statement: the
    /// subtree is a range on the materialized path, joined to the current-usage rows. Its cost grows with the
    /// subtree; it is the reference the maintained totals are checked against.
    /// </summary>
    public async Task<IReadOnlyList<UsageLine>> RecomputeRollupAsync(string path, CancellationToken ct = default)
    {
        await using var c = await db.OpenAsync(ct);
        var rows = await c.QueryAsync<(string ServiceLevel, double Consumed, double Committed, double Burst)>(new CommandDefinition(
            RollupSql,
            new { path, upper = TreePath.UpperBound(path), app = ServiceLevelItems.ApplicationId }, cancellationToken: ct));
        return [.. rows.Select(r => new UsageLine(
            r.ServiceLevel, UsageLine.Round(r.Consumed), UsageLine.Round(r.Committed), UsageLine.Round(r.Burst)))];
    }

    /// <summary>
    /// Average and peak consumed over [from, to) per tenant, subscription and service level, for the
    /// live tenants of a subtree and the deleted ones that were in it (by their chain of ids).
    /// Committed is the commitment in force at the end of the period.
    /// </summary>
    public async Task<IReadOnlyList<ReportRow>> ReportAsync(Tenant scope, long from, long to, CancellationToken ct = default)
    {
        await using var c = await db.OpenAsync(ct);
        var idPath = await TenantArchive.IdPathAsync(db, c, scope, ct);
        var rows = await c.QueryAsync<ReportRow>(new CommandDefinition(
            "WITH scope AS (" +
            "SELECT id, name, COALESCE(code, deleted_code) AS code, zuora_account_name, zuora_account_number, deleted_at " +
            "FROM tenants WHERE path >= @path AND path < @upper " +
            "UNION ALL SELECT id, name, code, zuora_account_name, zuora_account_number, deleted_at " +
            "FROM tenant_archive WHERE id_path >= @idPath AND id_path < @idUpper) " +
            "SELECT sc.id AS tenant_id, sc.name AS tenant_name, sc.code AS tenant_code, sc.zuora_account_name, " +
            "sc.zuora_account_number, sc.deleted_at, h.subscription, l.name AS service_level, " +
            "AVG(h.value) AS average_consumed, MAX(h.value) AS peak_consumed, COUNT(*) AS samples, " +
            "COALESCE((SELECT m.committed FROM commitments m WHERE m.subscription = h.subscription " +
            "AND m.service_level = l.name AND m.effective_from < @to ORDER BY m.effective_from DESC LIMIT 1), 0.0) AS committed " +
            "FROM scope sc JOIN usage_samples h ON h.tenant_id = sc.id AND h.application_id = @app AND h.subscription <> '' " +
            "JOIN service_levels l ON l.name = h.offering_item " +
            "WHERE h.sampled_at >= @from AND h.sampled_at < @to " +
            "GROUP BY sc.id, sc.name, sc.code, sc.zuora_account_name, sc.zuora_account_number, sc.deleted_at, " +
            "h.subscription, l.name, l.position ORDER BY sc.name, sc.id, h.subscription, l.position",
            new
            {
                path = scope.Path, upper = TreePath.UpperBound(scope.Path), idPath, idUpper = TreePath.UpperBound(idPath),
                from, to, app = ServiceLevelItems.ApplicationId,
            },
            cancellationToken: ct));
        return rows.AsList();
    }
}
