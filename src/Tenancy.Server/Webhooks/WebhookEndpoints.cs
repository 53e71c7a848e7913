using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Mvc;

namespace Tenancy.Server.Webhooks;

/// <summary>Webhooks (/api/2/webhooks): subscriptions that deliver the change feed of a subtree, signed, to a URL.</summary>
public static class WebhookEndpoints
{
    public static RouteGroupBuilder MapWebhooks(this IEndpointRouteBuilder app)
    {
        var group = app.MapGroup("/api/2/webhooks").WithTags("Webhooks").RequireAuthorization().SpeaksAcronis();
        group.MapPost("", Create).RequireAuthorization(Policies.Create)
            .WithSummary("Create a webhook: url, subtree_root_id (default: the caller's tenant), event_types (default: all); answers the secret once");
        group.MapGet("", List).WithSummary("The webhooks on subtrees within the caller's reach");
        group.MapGet("/{webhookId}", Get).WithSummary("A webhook (without its secret)");
        group.MapPut("/{webhookId}", Put).RequireAuthorization(Policies.Change)
            .WithSummary("Change a webhook's url, event_types or enabled, quoting the version (enabling resumes a disabled webhook's deliveries)");
        group.MapDelete("/{webhookId}", Delete).RequireAuthorization(Policies.Delete).WithSummary("Delete a webhook and its delivery log, quoting the version");
        group.MapGet("/{webhookId}/deliveries", Deliveries).WithSummary("The webhook's delivery log, newest first");
        group.MapPost("/{webhookId}/deliveries/{deliveryId}/redeliver", Redeliver).RequireAuthorization(Policies.Change)
            .WithSummary("Send a delivery's event again (after the webhook's pending deliveries)");
        return group;
    }

    private static async Task<Results<Created<WebhookJson>, JsonHttpResult<AcronisErrorBody>>> Create(
        WebhookPostRequest body, Caller caller, WebhookService webhooks, CancellationToken ct)
    {
        var result = await webhooks.CreateAsync(caller, body, ct);
        return result.IsOk
            ? TypedResults.Created($"/api/2/webhooks/{result.Value.Webhook.Id}", WebhookJson.From(result.Value.Webhook, result.Value.Secret))
            : AcronisErrors.ToResult(result.Error);
    }

    private static async Task<Results<Ok<WebhookPageJson>, JsonHttpResult<AcronisErrorBody>>> List(
        string? after, string? limit, Caller caller, WebhookService webhooks, CancellationToken ct)
    {
        var result = await webhooks.ListAsync(caller, after, limit, ct);
        return result.IsOk
            ? TypedResults.Ok(new WebhookPageJson([.. result.Value.Items.Select(w => WebhookJson.From(w))],
                new TenantEndpoints.PagingJson(new TenantEndpoints.CursorsJson(result.Value.After))))
            : AcronisErrors.ToResult(result.Error);
    }

    private static async Task<Results<Ok<WebhookJson>, JsonHttpResult<AcronisErrorBody>>> Get(
        string webhookId, Caller caller, WebhookService webhooks, CancellationToken ct)
    {
        var result = await webhooks.GetAsync(caller, webhookId, ct);
        return result.IsOk ? TypedResults.Ok(WebhookJson.From(result.Value)) : AcronisErrors.ToResult(result.Error);
    }

    private static async Task<Results<Ok<WebhookJson>, JsonHttpResult<AcronisErrorBody>>> Put(
        string webhookId, WebhookPutRequest body, Caller caller, WebhookService webhooks, CancellationToken ct)
    {
        var result = await webhooks.ChangeAsync(caller, webhookId, body, ct);
        return result.IsOk ? TypedResults.Ok(WebhookJson.From(result.Value)) : AcronisErrors.ToResult(result.Error);
    }

    private static async Task<Results<NoContent, JsonHttpResult<AcronisErrorBody>>> Delete(
        string webhookId, [FromQuery] string? version, Caller caller, WebhookService webhooks, CancellationToken ct)
    {
        var result = await webhooks.DeleteAsync(caller, webhookId, version, ct);
        return result.IsOk ? TypedResults.NoContent() : AcronisErrors.ToResult(result.Error);
    }

    private static async Task<Results<Ok<DeliveryPageJson>, JsonHttpResult<AcronisErrorBody>>> Deliveries(
        string webhookId, string? after, string? limit, Caller caller, WebhookService webhooks, CancellationToken ct)
    {
        var result = await webhooks.DeliveriesAsync(caller, webhookId, after, limit, ct);
        return result.IsOk
            ? TypedResults.Ok(new DeliveryPageJson([.. result.Value.Items.Select(DeliveryJson.From)],
                new TenantEndpoints.PagingJson(new TenantEndpoints.CursorsJson(result.Value.After))))
            : AcronisErrors.ToResult(result.Error);
    }

    private static async Task<Results<Accepted<DeliveryJson>, JsonHttpResult<AcronisErrorBody>>> Redeliver(
        string webhookId, string deliveryId, Caller caller, WebhookService webhooks, CancellationToken ct)
    {
        var result = await webhooks.RedeliverAsync(caller, webhookId, deliveryId, ct);
        return result.IsOk ? TypedResults.Accepted($"/api/2/webhooks/{webhookId}/deliveries", DeliveryJson.From(result.Value)) : AcronisErrors.ToResult(result.Error);
    }
}
