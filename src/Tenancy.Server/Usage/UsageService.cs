using System.Text.RegularExpressions;

namespace Tenancy.Server.Usage;

/// <summary>
/// Billing rules: subscriptions and commitments of tenants, usage ingestion and what is derived from
/// it. Reach is the tenant tree's: a caller sees the subscriptions of its own subtree. No HTTP here.
/// </summary>
public sealed partial class UsageService(TenantService tenants, BillingStore billing, UsageStore usage, TimeProvider clock)
{
    public const int MaxBatch = 1000;

    /// <summary>Samples may be stamped a little ahead of this server's clock, not more.</summary>
    public static readonly TimeSpan ClockSkew = TimeSpan.FromMinutes(5);

    [GeneratedRegex("^[A-Za-z0-9][A-Za-z0-9_-]{0,63}$")]
    private static partial Regex NumberPattern();

    public Task<IReadOnlyList<ServiceLevel>> ServiceLevelsAsync(CancellationToken ct = default) => billing.ServiceLevelsAsync(ct);

    public async Task<Result<Subscription>> CreateSubscriptionAsync(Caller caller, string tenantId, string number, CancellationToken ct = default)
    {
        if (!NumberPattern().IsMatch(number))
        {
            return new Invalid("number", "number must be 1 to 64 letters, digits, '-' or '_' (for example A-S00003875).");
        }

        var tenant = await tenants.AuthorizeAsync(caller, tenantId, Operation.Create, Resource.Subscription, ct);
        if (!tenant.IsOk)
        {
            return tenant.Error;
        }

        var subscription = new Subscription { Number = number, TenantId = tenant.Value.Tenant.Id, CreatedAt = clock.NowMicros() };
        var audit = new AuditEntry(caller, "subscription.create", "subscription", number, tenant.Value.Tenant.Path, null,
            new Dictionary<string, object?> { ["number"] = number, ["tenant_id"] = subscription.TenantId });
        return await billing.InsertSubscriptionAsync(subscription, audit, ct)
            ? subscription
            : new Duplicate("number", $"The subscription number '{number}' is already in use.");
    }

    public async Task<Result<IReadOnlyList<Subscription>>> SubscriptionsAsync(Caller caller, string tenantId, CancellationToken ct = default)
    {
        var tenant = await tenants.AuthorizeAsync(caller, tenantId, Operation.Read, Resource.Subscription, ct);
        return tenant.IsOk ? Result<IReadOnlyList<Subscription>>.Ok(await billing.SubscriptionsOfAsync(tenant.Value.Tenant.Id, ct)) : tenant.Error;
    }

    /// <summary>A subscription of a live tenant within reach (a deleted tenant's subscriptions are gone from the API).</summary>
    public async Task<Result<Subscription>> GetSubscriptionAsync(Caller caller, string number, CancellationToken ct = default)
    {
        var found = await FindSubscriptionAsync(caller, number, Operation.Read, ct);
        return found.IsOk ? found.Value.Subscription : found.Error;
    }

    private async Task<Result<(Subscription Subscription, Tenant Tenant)>> FindSubscriptionAsync(
        Caller caller, string number, Operation operation, CancellationToken ct)
    {
        var subscription = await billing.GetSubscriptionAsync(number, ct);
        if (subscription is null)
        {
            return new NotFound($"The subscription {number} was not found.");
        }

        var tenant = await tenants.AuthorizeAsync(caller, subscription.TenantId, operation, Resource.Subscription, ct);
        return tenant.IsOk ? (subscription, tenant.Value.Tenant)
            : tenant.Error is NotFound ? new NotFound($"The subscription {number} was not found.")
            : tenant.Error;
    }

    public async Task<Result<IReadOnlyList<UsageLine>>> SubscriptionUsageAsync(Subscription subscription, CancellationToken ct = default)
    {
        var maps = await usage.CurrentAsync([subscription.TenantId], ct);
        return Result<IReadOnlyList<UsageLine>>.Ok(maps.TryGetValue(subscription.TenantId, out var map) ? map[subscription.Number] : []);
    }

    public async Task<Result<Commitment>> CommitAsync(
        Caller caller, string number, string serviceLevel, double committed, long? effectiveFrom, CancellationToken ct = default)
    {
        var now = clock.NowMicros();
        if (await UnknownLevelAsync(serviceLevel, ct) is { } unknown)
        {
            return unknown;
        }

        if (!double.IsFinite(committed) || committed < 0)
        {
            return new Invalid("committed", "committed must be a non-negative number.");
        }

        if (effectiveFrom > now)
        {
            return new Invalid("effective_from", "effective_from must not be in the future.");
        }

        var found = await FindSubscriptionAsync(caller, number, Operation.Create, ct);
        if (!found.IsOk)
        {
            return found.Error;
        }

        var commitment = new Commitment
        {
            Subscription = found.Value.Subscription.Number, ServiceLevel = serviceLevel, EffectiveFrom = effectiveFrom ?? now,
            Committed = committed, RecordedAt = now,
        };
        var audit = new AuditEntry(caller, "commitment.create", "subscription", commitment.Subscription, found.Value.Tenant.Path, null,
            new Dictionary<string, object?>
            {
                ["service_level"] = serviceLevel,
                ["committed"] = committed,
                ["effective_from"] = Timestamps.Format(commitment.EffectiveFrom),
            });
        return await billing.AddCommitmentAsync(commitment, audit, ct)
            ? commitment
            : new Duplicate("effective_from", $"A commitment for {serviceLevel} from that time already exists.");
    }

    public async Task<Result<IReadOnlyList<Commitment>>> CommitmentsAsync(Caller caller, string number, CancellationToken ct = default)
    {
        var subscription = await GetSubscriptionAsync(caller, number, ct);
        return subscription.IsOk ? Result<IReadOnlyList<Commitment>>.Ok(await billing.CommitmentsAsync(number, ct)) : subscription.Error;
    }

    /// <summary>
    /// Applies the valid items of a batch and reports each refused one; items that could not even be
    /// read arrive here as errors already.
    /// </summary>
    public async Task<IngestOutcome> IngestAsync(Caller caller, IReadOnlyList<Result<Sample>> items, CancellationToken ct = default)
    {
        var levels = (await billing.ServiceLevelsAsync(ct)).Select(l => l.Name).ToHashSet(StringComparer.Ordinal);
        var numbers = items.Where(i => i.IsOk).Select(i => i.Value.Subscription).Distinct(StringComparer.Ordinal).ToList();
        var owners = numbers.Count == 0 ? [] : await usage.OwnersAsync(numbers, ct);
        var latest = clock.NowMicros() + (long)ClockSkew.TotalMicroseconds;

        // The policy decides once per tenant of the batch (usage goes on while a tenant is suspended).
        var allowed = new HashSet<string>(StringComparer.Ordinal);
        foreach (var tenantId in owners.Values.Select(o => o.TenantId).Distinct(StringComparer.Ordinal))
        {
            if ((await tenants.AuthorizeAsync(caller, tenantId, Operation.Create, Resource.Usage, ct)).IsOk)
            {
                allowed.Add(tenantId);
            }
        }

        var errors = new List<ItemError>();
        var good = new List<Sample>();
        for (var i = 0; i < items.Count; i++)
        {
            var problem = items[i].IsOk ? Check(items[i].Value) : items[i].Error as Invalid ?? new Invalid("item", items[i].Error!.Message);
            if (problem is null)
            {
                good.Add(items[i].Value);
            }
            else
            {
                errors.Add(new ItemError(i, problem.Field, problem.Message));
            }
        }

        var (applied, duplicates) = good.Count == 0 ? (0, 0) : await usage.IngestAsync([.. good.Select(g => g.ToStored())], clock.NowMicros(), ct: ct);
        return new IngestOutcome(items.Count, applied, duplicates, errors);

        Invalid? Check(Sample s) =>
            !levels.Contains(s.ServiceLevel) ? UnknownLevel(s.ServiceLevel)
            : !owners.TryGetValue(s.Subscription, out var owner) || !allowed.Contains(owner.TenantId)
                ? new Invalid("subscription", $"No subscription {s.Subscription} within reach.")
            : owner.TenantId != s.TenantId ? new Invalid("tenant_id", $"Subscription {s.Subscription} does not belong to tenant {s.TenantId}.")
            : !double.IsFinite(s.Consumed) || s.Consumed < 0 ? new Invalid("consumed", "consumed must be a non-negative number.")
            : s.SampledAt > latest ? new Invalid("timestamp", "timestamp must not be in the future.")
            : null;
    }

    /// <summary>The usage maps of tenants the caller has already been allowed to see.</summary>
    public Task<Dictionary<string, UsageMap>> UsageMapsAsync(IReadOnlyCollection<string> tenantIds, CancellationToken ct = default) =>
        usage.CurrentAsync(tenantIds, ct);

    public async Task<Result<UsageMap?>> UsageOfAsync(Caller caller, string tenantId, CancellationToken ct = default)
    {
        var tenant = await tenants.AuthorizeAsync(caller, tenantId, Operation.Read, Resource.Usage, ct);
        if (!tenant.IsOk)
        {
            return tenant.Error;
        }

        var maps = await usage.CurrentAsync([tenant.Value.Tenant.Id], ct);
        return Result<UsageMap?>.Ok(maps.GetValueOrDefault(tenant.Value.Tenant.Id));
    }

    public async Task<Result<IReadOnlyList<UsageLine>>> RollupAsync(Caller caller, string tenantId, CancellationToken ct = default)
    {
        var tenant = await tenants.AuthorizeAsync(caller, tenantId, Operation.Read, Resource.Usage, ct);
        return tenant.IsOk ? Result<IReadOnlyList<UsageLine>>.Ok(await usage.RollupAsync(tenant.Value.Tenant, ct)) : tenant.Error;
    }

    public async Task<Result<IReadOnlyList<ReportRow>>> ReportAsync(
        Caller caller, string tenantId, long from, long to, CancellationToken ct = default)
    {
        if (from >= to)
        {
            return new Invalid("to", "to must be later than from.");
        }

        var tenant = await tenants.AuthorizeAsync(caller, tenantId, Operation.Read, Resource.Usage, ct);
        return tenant.IsOk ? Result<IReadOnlyList<ReportRow>>.Ok(await usage.ReportAsync(tenant.Value.Tenant, from, to, ct)) : tenant.Error;
    }

    private async Task<Invalid?> UnknownLevelAsync(string serviceLevel, CancellationToken ct) =>
        (await billing.ServiceLevelsAsync(ct)).Any(l => l.Name == serviceLevel) ? null : UnknownLevel(serviceLevel);

    private static Invalid UnknownLevel(string serviceLevel) =>
        new("service_level", $"'{serviceLevel}' is not a service level; see GET /api/v2.1/servicelevels.");
}
