using Microsoft.AspNetCore.Http.HttpResults;
using Tenancy.Server.Auth;
using Tenancy.Server.Errors;
using Tenancy.Server.Http;

namespace Tenancy.Server.Usage;

/// <summary>Subscriptions of tenants and their committed capacity per service level (/api/2).</summary>
public static class SubscriptionEndpoints
{
    public static RouteGroupBuilder MapSubscriptions(this IEndpointRouteBuilder app)
    {
        var group = app.MapGroup("/api/2").WithTags("Billing").RequireAuthorization();
        group.MapPost("/tenants/{tenantId}/subscriptions", Create).RequireAuthorization(Policies.Create).WithSummary("Add a subscription (number such as A-S00003875) to a tenant");
        group.MapGet("/tenants/{tenantId}/subscriptions", List).WithSummary("List a tenant's subscriptions with their current usage");
        group.MapGet("/subscriptions/{number}", Get).WithSummary("Fetch a subscription with its current usage per service level");
        group.MapPost("/subscriptions/{number}/commitments", Commit).RequireAuthorization(Policies.Create)
            .WithSummary("Set the committed capacity of a service level from effective_from (default now); the history is kept");
        group.MapGet("/subscriptions/{number}/commitments", Commitments).WithSummary("The commitment history of a subscription");
        return group;
    }

    private static async Task<Results<Created<SubscriptionJson>, JsonHttpResult<AcronisErrorBody>>> Create(
        string tenantId, HttpRequest request, Caller caller, UsageService billing, CancellationToken ct)
    {
        var body = await JsonBody.ReadObjectAsync(request, ct);
        if (!body.IsOk)
        {
            return AcronisErrors.ToResult(body.Error);
        }

        var f = new JsonFields(body.Value);
        var number = f.RequiredString("number");
        if (f.Error is not null)
        {
            return AcronisErrors.ToResult(f.Error);
        }

        var result = await billing.CreateSubscriptionAsync(caller, tenantId, number.Value, ct);
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
        string number, HttpRequest request, Caller caller, UsageService billing, CancellationToken ct)
    {
        var body = await JsonBody.ReadObjectAsync(request, ct);
        if (!body.IsOk)
        {
            return AcronisErrors.ToResult(body.Error);
        }

        var f = new JsonFields(body.Value);
        var level = f.RequiredString("service_level");
        var from = f.String("effective_from", nullable: false);
        if (f.Error is not null)
        {
            return AcronisErrors.ToResult(f.Error);
        }

        var committed = UsageBodies.Number(body.Value, "committed");
        if (!committed.IsOk || committed.Value is null)
        {
            return AcronisErrors.ToResult(committed.Error ?? new Invalid("committed", "committed is required."));
        }

        long? effectiveFrom = null;
        if (from.IsSet)
        {
            var time = UsageBodies.Time(from.Value, "effective_from");
            if (!time.IsOk)
            {
                return AcronisErrors.ToResult(time.Error);
            }

            effectiveFrom = time.Value;
        }

        var result = await billing.CommitAsync(caller, number, level.Value, committed.Value.Value, effectiveFrom, ct);
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
