using Microsoft.AspNetCore.Http.HttpResults;

namespace Tenancy.Server.Catalog;

/// <summary>An application of the catalog: the Account Management API's fields, with its editions and offering items.</summary>
public sealed record ApplicationJson(
    string Id, string Name, string Type, string ApiBaseUrl, IReadOnlyList<string> Usages,
    IReadOnlyList<EditionJson> Editions, IReadOnlyList<OfferingItemJson> OfferingItems)
{
    public static ApplicationJson From(Application a) => new(a.Id, a.Name, a.Type, a.ApiBaseUrl, a.Usages,
        [.. a.Editions.Select(e => new EditionJson(e.Name, e.Title))],
        [.. a.OfferingItems.Select(i => new OfferingItemJson(a.Id, i.Name, i.UsageName, i.Type, i.MeasurementUnit, i.Edition, i.InfraId))]);
}

public sealed record EditionJson(string Name, string Title);

public sealed record OfferingItemJson(
    string ApplicationId, string Name, string UsageName, string Type, string MeasurementUnit, string? Edition, string? InfraId);

public sealed record ApplicationsJson(IReadOnlyList<ApplicationJson> Items);

/// <summary>A list of ids (the Account Management API's uuidList).</summary>
public sealed record IdsJson(IReadOnlyList<string> Items);

/// <summary>The catalog's applications and which of them tenants have on (/api/2).</summary>
public static class ApplicationEndpoints
{
    public static RouteGroupBuilder MapApplications(this IEndpointRouteBuilder app)
    {
        var group = app.MapGroup("/api/2").WithTags("Applications").RequireAuthorization().SpeaksAcronis();
        group.MapGet("/applications", List).WithSummary("The applications of the catalog, with their editions and offering items");
        group.MapGet("/applications/{applicationId}", Get).WithSummary("One application of the catalog");
        group.MapGet("/tenants/{tenantId}/applications", OfTenant)
            .WithSummary("The ids of the applications the tenant has on (off for a tenant when off for any tenant above it)");
        group.MapPost("/applications/{applicationId}/bindings/tenants/{tenantId}", TurnOn).RequireAuthorization(Policies.Change)
            .WithSummary("Turn an application on for a tenant (its parent must have it on)");
        group.MapDelete("/applications/{applicationId}/bindings/tenants/{tenantId}", TurnOff).RequireAuthorization(Policies.Change)
            .WithSummary("Turn an application off for a tenant and, at once, for its whole subtree");
        return group;
    }

    private static async Task<Results<Ok<ApplicationsJson>, JsonHttpResult<AcronisErrorBody>>> List(
        Caller caller, ApplicationService applications, CancellationToken ct)
    {
        var result = await applications.ListAsync(caller, ct);
        return result.IsOk
            ? TypedResults.Ok(new ApplicationsJson([.. result.Value.Select(ApplicationJson.From)]))
            : AcronisErrors.ToResult(result.Error);
    }

    private static async Task<Results<Ok<ApplicationJson>, JsonHttpResult<AcronisErrorBody>>> Get(
        string applicationId, Caller caller, ApplicationService applications, CancellationToken ct)
    {
        var result = await applications.GetAsync(caller, applicationId, ct);
        return result.IsOk ? TypedResults.Ok(ApplicationJson.From(result.Value)) : AcronisErrors.ToResult(result.Error);
    }

    private static async Task<Results<Ok<IdsJson>, JsonHttpResult<AcronisErrorBody>>> OfTenant(
        string tenantId, Caller caller, ApplicationService applications, CancellationToken ct)
    {
        var result = await applications.OfTenantAsync(caller, tenantId, ct);
        return result.IsOk ? TypedResults.Ok(new IdsJson([.. result.Value.Select(a => a.Id)])) : AcronisErrors.ToResult(result.Error);
    }

    private static async Task<Results<NoContent, JsonHttpResult<AcronisErrorBody>>> TurnOn(
        string applicationId, string tenantId, Caller caller, ApplicationService applications, CancellationToken ct)
    {
        var result = await applications.TurnOnAsync(caller, applicationId, tenantId, ct);
        return result.IsOk ? TypedResults.NoContent() : AcronisErrors.ToResult(result.Error);
    }

    private static async Task<Results<NoContent, JsonHttpResult<AcronisErrorBody>>> TurnOff(
        string applicationId, string tenantId, Caller caller, ApplicationService applications, CancellationToken ct)
    {
        var result = await applications.TurnOffAsync(caller, applicationId, tenantId, ct);
        return result.IsOk ? TypedResults.NoContent() : AcronisErrors.ToResult(result.Error);
    }
}
