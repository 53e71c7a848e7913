namespace Tenancy.Server.Pricing;

/// <summary>
/// A tenant's pricing mode: trial or production. A tenant starts in trial; switching to production sets
/// production_start_date; production never goes back to trial (as in the original API). Every write quotes
/// the settings' version. No HTTP here; every operation asks the access policy first.
/// </summary>
public sealed class PricingService(TenantService tenants, PricingStore store, TimeProvider clock)
{
    public const string Trial = "trial";
    public const string Production = "production";

    public static readonly IReadOnlyList<string> Currencies = ["AUD", "BRL", "CAD", "EUR", "CNY", "GBP", "JPY", "KZT", "NZD", "RUB", "USD", "ZAR"];

    public async Task<Result<PricingSettings>> GetAsync(Caller caller, string tenantId, CancellationToken ct = default)
    {
        var placed = await tenants.AuthorizeAsync(caller, tenantId, Operation.Read, Resource.Pricing, ct);
        return !placed.IsOk ? placed.Error
            : await store.GetAsync(placed.Value.Tenant.Seq, ct) is { } settings ? settings
            : new NotFound($"The tenant {placed.Value.Tenant.Id} was not found.");
    }

    /// <summary>Sets the mode and/or currency quoting the version; a change that changes nothing bumps nothing.</summary>
    public async Task<Result<PricingSettings>> ChangeAsync(
        Caller caller, string tenantId, long version, string? mode, Optional<string?> currency, CancellationToken ct = default)
    {
        if (mode is not null and not (Trial or Production))
        {
            return new Invalid("mode", $"mode must be {Trial} or {Production}.");
        }

        if (currency is { IsSet: true, Value: { } code } && !Currencies.Contains(code))
        {
            return new Invalid("currency", $"currency must be null or one of {string.Join(", ", Currencies)}.");
        }

        var placed = await tenants.AuthorizeAsync(caller, tenantId, Operation.Change, Resource.Pricing, ct);
        if (!placed.IsOk)
        {
            return placed.Error;
        }

        var tenant = placed.Value.Tenant;
        var before = await store.GetAsync(tenant.Seq, ct);
        if (before is null)
        {
            return new NotFound($"The tenant {tenant.Id} was not found.");
        }

        if (before.Version != version)
        {
            return new VersionConflict(before.Version);
        }

        var newMode = mode ?? before.Mode;
        if (before.Mode == Production && newMode == Trial)
        {
            return new RuleViolation(Rule.Business, $"Tenant {tenant.Id} is in production pricing mode; it cannot be switched back to trial.");
        }

        var newCurrency = currency.Or(before.Currency);
        if (newMode == before.Mode && newCurrency == before.Currency)
        {
            return before;
        }

        var audit = new AuditEntry(caller, "pricing.update", "tenant", tenant.Id, tenant.Path,
            new Dictionary<string, object?> { ["mode"] = before.Mode, ["currency"] = before.Currency },
            new Dictionary<string, object?> { ["mode"] = newMode, ["currency"] = newCurrency });
        if (await store.UpdateAsync(tenant.Seq, version, newMode, newCurrency, clock.NowMicros(), audit, ct))
        {
            return await store.GetAsync(tenant.Seq, ct) is { } after ? after : new NotFound($"The tenant {tenant.Id} was not found.");
        }

        // Nothing matched: decided on the row as it is now.
        var current = await store.GetAsync(tenant.Seq, ct);
        return current is null ? new NotFound($"The tenant {tenant.Id} was not found.")
            : current.Version != version ? new VersionConflict(current.Version)
            : new RuleViolation(Rule.Business, $"Tenant {tenant.Id} is in production pricing mode; it cannot be switched back to trial.");
    }
}
