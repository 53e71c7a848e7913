using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Mvc;
using Tenancy.Server.Catalog;
using Tenancy.Server.Users;

namespace Tenancy.Server.Deletions;

/// <summary>
/// Soft deletion on /api/2: the deletion (termination operation) of a tenant, restores within the window, and the
/// services' acknowledgements (see docs/lifecycle.md). DELETE itself stays on the tenants and users heads.
/// </summary>
public static class DeletionEndpoints
{
    public static RouteGroupBuilder MapDeletions(this IEndpointRouteBuilder app)
    {
        var group = app.MapGroup("/api/2").WithTags("Deletions").RequireAuthorization().SpeaksAcronis();
        group.MapGet("/tenants/{tenantId}/deletion", OfTenant)
            .WithSummary("The latest deletion of a tenant: state, deadlines, progress and the services that must acknowledge");
        group.MapGet("/deletions/{deletionId}", Get).WithSummary("A deletion (termination operation)");
        group.MapGet("/deletions", List).WithSummary("Deletions in a state (default purging) within reach, oldest first: what services must purge");
        group.MapPost("/deletions/{deletionId}/acknowledgements/{applicationId}", Acknowledge).RequireAuthorization(Policies.Change)
            .WithSummary("A service acknowledges, with its own API client (data.application_id), that it purged its data of the deleted subtree");
        group.MapPost("/tenants/{tenantId}/restore", RestoreTenant).RequireAuthorization(Policies.Delete)
            .WithSummary("Restore a deleted tenant with its subtree within the restore window (it stays disabled)");
        group.MapPost("/users/{userId}/restore", RestoreUser).RequireAuthorization(Policies.Delete)
            .WithSummary("Restore a deleted user within the restore window (it stays disabled)");
        return group;
    }

    public sealed record ListQuery(
        [property: FromQuery(Name = "state")] string? State,
        [property: FromQuery(Name = "limit")] string? Limit,
        [property: FromQuery(Name = "after")] string? After);

    private static async Task<Results<Ok<DeletionJson>, JsonHttpResult<AcronisErrorBody>>> OfTenant(
        string tenantId, Caller caller, DeletionService deletions, ServiceCatalog catalog, CancellationToken ct) =>
        Answer(await deletions.OfTenantAsync(caller, tenantId, ct), catalog);

    private static async Task<Results<Ok<DeletionJson>, JsonHttpResult<AcronisErrorBody>>> Get(
        string deletionId, Caller caller, DeletionService deletions, ServiceCatalog catalog, CancellationToken ct) =>
        Answer(await deletions.GetAsync(caller, deletionId, ct), catalog);

    private static async Task<Results<Ok<DeletionListJson>, JsonHttpResult<AcronisErrorBody>>> List(
        [AsParameters] ListQuery q, Caller caller, DeletionService deletions, ServiceCatalog catalog, CancellationToken ct)
    {
        var limit = QueryValues.Limit(q.Limit, DeletionService.MaxPageSize, DeletionService.MaxPageSize);
        if (!limit.IsOk)
        {
            return AcronisErrors.ToResult(limit.Error);
        }

        var result = await deletions.ListAsync(caller, q.State ?? DeletionStates.Purging, q.After, limit.Value, ct);
        return result.IsOk
            ? TypedResults.Ok(new DeletionListJson([.. result.Value.Items.Select(d => DeletionJson.From(d, catalog))],
                new TenantEndpoints.PagingJson(new TenantEndpoints.CursorsJson(result.Value.After))))
            : AcronisErrors.ToResult(result.Error);
    }

    private static async Task<Results<Ok<DeletionJson>, JsonHttpResult<AcronisErrorBody>>> Acknowledge(
        string deletionId, string applicationId, Caller caller, DeletionService deletions, ServiceCatalog catalog, CancellationToken ct) =>
        Answer(await deletions.AcknowledgeAsync(caller, deletionId, applicationId, ct), catalog);

    private static async Task<Results<NoContent, JsonHttpResult<AcronisErrorBody>>> RestoreTenant(
        string tenantId, Caller caller, DeletionService deletions, CancellationToken ct)
    {
        var result = await deletions.RestoreAsync(caller, tenantId, ct);
        return result.IsOk ? TypedResults.NoContent() : AcronisErrors.ToResult(result.Error);
    }

    private static async Task<Results<NoContent, JsonHttpResult<AcronisErrorBody>>> RestoreUser(
        string userId, Caller caller, UserService users, CancellationToken ct)
    {
        var result = await users.RestoreAsync(caller, userId, ct);
        return result.IsOk ? TypedResults.NoContent() : AcronisErrors.ToResult(result.Error);
    }

    private static Results<Ok<DeletionJson>, JsonHttpResult<AcronisErrorBody>> Answer(Result<Deletion> result, ServiceCatalog catalog) =>
        result.IsOk ? TypedResults.Ok(DeletionJson.From(result.Value, catalog)) : AcronisErrors.ToResult(result.Error);
}
