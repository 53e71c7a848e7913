using Microsoft.AspNetCore.Http.HttpResults;
namespace Tenancy.Server.Usage;

/// <summary>Subscriptions of tenants and their committed capacity per service level (/api/2).</summary>
public static class SubscriptionEndpoints
{
    public static RouteGroupBuilder MapSubscriptions(this IEndpointRouteBuilder app)
    {
        var group = app.MapGroup("/api/2").WithTags("Billing").RequireAuthorization().SpeaksAcronis();
        group.MapPost("/tenants/{tenantId}/subscriptions", Create).RequireAuthorization(Policies.Create).WithSummary("Add a subscription (number such as A-S00003875) to a tenant");
        group.MapGet("/tenants/{tenantId}/subscriptions", List).WithSummary("List a tenant's subscriptions with their current usage");
        group.MapGet("/subscriptions/{number}", Get).WithSummary("Fetch a subscription with its current usage per service level");
        group.MapPost("/subscriptions/{number}/commitments", Commit).RequireAuthorization(Policies.Create)
            .WithSummary("Set the committed capacity of a service level from effective_from (default now); the history is kept");
        group.MapGet("/subscriptions/{number}/commitments", Commitments).WithSummary("The commitment history of a subscription");
        return group;
    }

    private static async Task<Results<Created<SubscriptionJson>, JsonHttpResult<AcronisErrorBody>>> Create(
        string tenantId, SubscriptionCreateRequest body, Caller caller, UsageService billing, CancellationToken ct)
    {
        var result = await billing.CreateSubscriptionAsync(caller, tenantId, body.Number!, ct);
        return result.IsOk
            ? TypedResults.Created($"/api/2/subscriptions/{result.Value.Number}", SubscriptionJson.From(result.Value, []))
            : AcronisErrors.ToResult(result.Error);
    }

    private static async Task<Results<Ok<ItemsJson<SubscriptionJson>>, JsonHttpResult<AcronisErrorBody>>> List(
        string tenantId, Caller caller, UsageService billing, CancellationToken ct)
    {
        var result = await billing.SubscriptionsAsync(caller, tenantId, ct);
        if (!result.IsOk)
        {
            return AcronisErrors.ToResult(result.Error);
        }

        var maps = await billing.UsageMapsAsync([.. result.Value.Select(s => s.TenantId).Distinct()], ct);
        return TypedResults.Ok(new ItemsJson<SubscriptionJson>([.. result.Value.Select(s =>
            SubscriptionJson.From(s, maps.TryGetValue(s.TenantId, out var map) ? map[s.Number] : []))]));
    }

    private static async Task<Results<Ok<SubscriptionJson>, JsonHttpResult<AcronisErrorBody>>> Get(
        string number, Caller caller, UsageService billing, CancellationToken ct)
    {
        var result = await billing.GetSubscriptionAsync(caller, number, ct);
        if (!result.IsOk)
        {
            return AcronisErrors.ToResult(result.Error);
        }

        var usage = await billing.SubscriptionUsageAsync(result.Value, ct);
        return TypedResults.Ok(SubscriptionJson.From(result.Value, usage.Value));
    }

    private static async Task<Results<Created<CommitmentJson>, JsonHttpResult<AcronisErrorBody>>> Commit(
        string number, CommitmentRequest body, Caller caller, UsageService billing, CancellationToken ct)
    {
        long? effectiveFrom = body.EffectiveFrom is null ? null : UsageTime.Parse(body.EffectiveFrom, "effective_from").Value;
        var result = await billing.CommitAsync(caller, number, body.ServiceLevel!, body.Committed!.Value, effectiveFrom, ct);
        return result.IsOk
            ? TypedResults.Created($"/api/2/subscriptions/{number}/commitments", CommitmentJson.From(result.Value))
            : AcronisErrors.ToResult(result.Error);
    }

    private static async Task<Results<Ok<ItemsJson<CommitmentJson>>, JsonHttpResult<AcronisErrorBody>>> Commitments(
        string number, Caller caller, UsageService billing, CancellationToken ct)
    {
        var result = await billing.CommitmentsAsync(caller, number, ct);
        return result.IsOk
            ? TypedResults.Ok(new ItemsJson<CommitmentJson>([.. result.Value.Select(CommitmentJson.From)]))
            : AcronisErrors.ToResult(result.Error);
    }
}
