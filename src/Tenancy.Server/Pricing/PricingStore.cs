namespace Tenancy.Server.Pricing;

/// <summary>A tenant's pricing settings as stored (on the tenant row).</summary>
/// <param name="Version">Unix milliseconds of the last change; the tenant's creation time until the first.</param>
/// <param name="ProductionStartDate">Unix microseconds of the switch to production; null before it.</param>
public sealed record PricingSettings(string Mode, string? Currency, long Version, long? ProductionStartDate);

/// <summary>SQL for pricing settings: one read, one conditional write.</summary>
public sealed class PricingStore(Database db)
{
    /// <summary>The version as stored or, never changed, the creation time in milliseconds.</summary>
    private const string VersionSql = "COALESCE(pricing_version, created_at / 1000)";

    public async Task<PricingSettings?> GetAsync(long tenantSeq, CancellationToken ct = default)
    {
        await using var c = await db.OpenAsync(ct);
        return await c.QuerySingleOrDefaultAsync<PricingSettings>(new CommandDefinition(
            $"SELECT pricing_mode AS mode, pricing_currency AS currency, {VersionSql} AS version, production_start_date " +
            "FROM tenants WHERE seq = @tenantSeq", new { tenantSeq }, cancellationToken: ct));
    }

    /// <summary>
    /// Writes the settings if the tenant is still at <paramref name="expectedVersion"/> and does not go from
    /// production back to trial; the new version is now in milliseconds, or one more than the old one if the
    /// clock has not moved past it. Audited in the same transaction. False when no row matched.
    /// </summary>
    public Task<bool> UpdateAsync(long tenantSeq, long expectedVersion, string mode, string? currency, long nowMicros,
        AuditEntry audit, CancellationToken ct = default) =>
        db.ExecuteAuditedAsync(
            "UPDATE tenants SET pricing_mode = @mode, pricing_currency = @currency, " +
            "production_start_date = CASE WHEN @mode = 'production' AND pricing_mode <> 'production' THEN @nowMicros ELSE production_start_date END, " +
            $"pricing_version = CASE WHEN @nowMillis > {VersionSql} THEN @nowMillis ELSE {VersionSql} + 1 END " +
            $"WHERE seq = @tenantSeq AND {VersionSql} = @expectedVersion AND NOT (pricing_mode = 'production' AND @mode = 'trial')",
            new { tenantSeq, expectedVersion, mode, currency, nowMicros, nowMillis = nowMicros / 1000 }, audit, nowMicros, ct);
}
