using Microsoft.AspNetCore.Http.HttpResults;

namespace Tenancy.Server.Pricing;

/// <summary>PUT /api/2/tenants/{id}/pricing: mode and/or currency, quoting the version.</summary>
[RequestExample("""{"mode": "production", "version": 1497533157730}""")]
public sealed record PricingRequest : JsonRequest<PricingRequest>
{
    public long? Version { get; init; }
    public string? Mode { get; init; }
    public Optional<string?> Currency { get; init; }

    protected override Invalid? Validate() =>
        Version is null ? new Invalid("version", "version is required: quote the pricing settings' current version.") : null;
}

/// <summary>The Account Management API's tenantPricingSettings.</summary>
/// <param name="Version">Unix milliseconds of the last change (the tenant's creation time until the first).</param>
public sealed record PricingJson(string Mode, string? Currency, long Version, string? ProductionStartDate)
{
    public static PricingJson From(PricingSettings s) =>
        new(s.Mode, s.Currency, s.Version, s.ProductionStartDate is { } at ? Timestamps.Format(at) : null);
}

/// <summary>A tenant's pricing mode (/api/2).</summary>
public static class PricingEndpoints
{
    public static RouteGroupBuilder MapPricing(this IEndpointRouteBuilder app)
    {
        var group = app.MapGroup("/api/2/tenants/{tenantId}/pricing").WithTags("Pricing").RequireAuthorization().SpeaksAcronis();
        group.MapGet("", Get).WithSummary("The tenant's pricing mode (trial or production), currency and version");
        group.MapPut("", Put).RequireAuthorization(Policies.Change)
            .WithSummary("Switch the tenant to production (never back to trial) or set its currency, quoting the version");
        return group;
    }

    private static async Task<Results<Ok<PricingJson>, JsonHttpResult<AcronisErrorBody>>> Get(
        string tenantId, Caller caller, PricingService pricing, CancellationToken ct)
    {
        var result = await pricing.GetAsync(caller, tenantId, ct);
        return result.IsOk ? TypedResults.Ok(PricingJson.From(result.Value)) : AcronisErrors.ToResult(result.Error);
    }

    private static async Task<Results<Ok<PricingJson>, JsonHttpResult<AcronisErrorBody>>> Put(
        string tenantId, PricingRequest body, Caller caller, PricingService pricing, CancellationToken ct)
    {
        var result = await pricing.ChangeAsync(caller, tenantId, body.Version!.Value, body.Mode, body.Currency, ct);
        return result.IsOk ? TypedResults.Ok(PricingJson.From(result.Value)) : AcronisErrors.ToResult(result.Error);
    }
}
