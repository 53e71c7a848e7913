using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Mvc;
using Microsoft.Extensions.Options;
using Tenancy.Server.Lifecycle;

namespace Tenancy.Server.Tenants;

/// <summary>The /api/2 tenants head: translates the Account Management API v2 wire format to the core.</summary>
public static class TenantEndpoints
{
    public static RouteGroupBuilder MapTenants(this IEndpointRouteBuilder app)
    {
        var group = app.MapGroup("/api/2/tenants").WithTags("Tenants").RequireAuthorization().SpeaksAcronis().WithETags();
        group.MapGet("/", List).WithSummary("List tenants by uuids, parent_id or subtree_root_id, with cursor paging");
        group.MapPost("/", Create).RequireAuthorization(Policies.Create).WithSummary("Create a tenant");
        group.MapGet("/{tenantId}", Get).WithSummary("Fetch a tenant");
        group.MapPut("/{tenantId}", Update).RequireAuthorization(Policies.Change).WithSummary("Update a tenant (partial); suspend with enabled=false, reactivate with enabled=true");
        group.MapDelete("/{tenantId}", Delete).RequireAuthorization(Policies.Delete)
            .WithSummary("Terminate a disabled tenant with its whole subtree: deleted at once, restorable until the purge (GET /tenants/{id}/deletion)");
        group.MapGet("/{tenantId}/children", Children).WithSummary("List the ids (or objects) of a tenant's children");
        return group;
    }

    public sealed record ListQuery(
        [property: FromQuery(Name = "uuids")] string? Uuids,
        [property: FromQuery(Name = "parent_id")] string? ParentId,
        [property: FromQuery(Name = "subtree_root_id")] string? SubtreeRootId,
        [property: FromQuery(Name = "limit")] string? Limit,
        [property: FromQuery(Name = "after")] string? After,
        [property: FromQuery(Name = "lod")] string? Lod,
        [property: FromQuery(Name = "allow_deleted")] string? AllowDeleted);

    public sealed record ChildrenQuery(
        [property: FromQuery(Name = "limit")] string? Limit,
        [property: FromQuery(Name = "after")] string? After,
        [property: FromQuery(Name = "include_details")] string? IncludeDetails);

    public sealed record TenantBatchJson(string Timestamp, IReadOnlyList<object> Items, PagingJson Paging);

    public sealed record PagingJson(CursorsJson Cursors);

    public sealed record CursorsJson([property: System.Text.Json.Serialization.JsonIgnore(Condition = System.Text.Json.Serialization.JsonIgnoreCondition.WhenWritingNull)] string? After);

    private static async Task<Results<Ok<TenantJson>, JsonHttpResult<AcronisErrorBody>>> Get(
        string tenantId, [FromQuery(Name = "allow_deleted")] string? allowDeleted, Caller caller, TenantService tenants, CancellationToken ct)
    {
        var withDeleted = QueryValues.Flag(allowDeleted, "allow_deleted");
        if (!withDeleted.IsOk)
        {
            return AcronisErrors.ToResult(withDeleted.Error);
        }

        var result = await tenants.GetAsync(caller, tenantId, withDeleted.Value == true, ct);
        return result.IsOk ? TypedResults.Ok(TenantJson.From(result.Value)) : AcronisErrors.ToResult(result.Error);
    }

    private static async Task<Results<Created<TenantJson>, JsonHttpResult<AcronisErrorBody>>> Create(
        TenantCreateRequest body, Caller caller, TenantService tenants, CancellationToken ct)
    {
        var result = await tenants.CreateAsync(caller, body.ToNewTenant(), ct);
        return result.IsOk
            ? TypedResults.Created($"/api/2/tenants/{result.Value.Tenant.Id}", TenantJson.From(result.Value))
            : AcronisErrors.ToResult(result.Error);
    }

    private static async Task<Results<Ok<TenantJson>, Ok<DryRunJson>, JsonHttpResult<AcronisErrorBody>>> Update(
        string tenantId, TenantUpdateRequest body, [FromQuery(Name = "dry_run")] string? dryRun, Caller caller,
        TenantService tenants, DryRuns dryRuns, CancellationToken ct)
    {
        var preview = DryRunQuery.Parse(dryRun);
        if (!preview.IsOk)
        {
            return AcronisErrors.ToResult(preview.Error);
        }

        var command = TenantCommand.From(tenantId, body.Version!.Value, body.ToChanges());
        if (preview.Value)
        {
            var report = await dryRuns.ChangeAsync(caller, command, ct);
            return report.IsOk ? TypedResults.Ok(DryRunJson.Acronis(report.Value)) : AcronisErrors.ToResult(report.Error);
        }

        var result = await tenants.ChangeAsync(caller, command, ct);
        return result.IsOk ? TypedResults.Ok(TenantJson.From(result.Value)) : AcronisErrors.ToResult(result.Error);
    }

    private static async Task<Results<NoContent, Ok<DryRunJson>, JsonHttpResult<AcronisErrorBody>>> Delete(
        string tenantId, string? version, [FromQuery(Name = "dry_run")] string? dryRun, HttpContext http, Caller caller,
        TenantService tenants, DryRuns dryRuns, CancellationToken ct)
    {
        var q = DryRunQuery.ParseDelete(http, version, dryRun, versionRequired: true);
        if (!q.IsOk)
        {
            return AcronisErrors.ToResult(q.Error);
        }

        var (v, preview) = (q.Value.Version!.Value, q.Value.DryRun);
        if (preview)
        {
            var report = await dryRuns.TerminateAsync(caller, tenantId, v, ct);
            return report.IsOk ? TypedResults.Ok(DryRunJson.Acronis(report.Value)) : AcronisErrors.ToResult(report.Error);
        }

        var result = await tenants.TerminateAsync(caller, tenantId, v, ct);
        if (!result.IsOk)
        {
            return AcronisErrors.ToResult(result.Error);
        }

        // The deletion (operation) the request started, to follow it.
        http.Response.Headers.Location = $"/api/2/tenants/{Ids.Normalize(tenantId)}/deletion";
        return TypedResults.NoContent();
    }

    private static async Task<Results<Ok<TenantBatchJson>, JsonHttpResult<AcronisErrorBody>>> List(
        [AsParameters] ListQuery q, Caller caller, TenantService tenants, TimeProvider clock, IOptions<Microsoft.AspNetCore.Http.Json.JsonOptions> json, CancellationToken ct)
    {
        var lod = q.Lod ?? "full";
        if (lod is not ("stamps" or "basic" or "full"))
        {
            return AcronisErrors.ToResult(new Invalid("lod", "lod must be one of stamps, basic, full."));
        }

        var query = ParseListQuery(q);
        if (!query.IsOk)
        {
            return AcronisErrors.ToResult(query.Error);
        }

        var page = await tenants.ListAsync(caller, query.Value, ct);
        if (!page.IsOk)
        {
            return AcronisErrors.ToResult(page.Error);
        }

        var options = json.Value.SerializerOptions;
        return TypedResults.Ok(new TenantBatchJson(
            Timestamps.Format(clock.NowMicros()),
            // A tenant behind an ancestral_access barrier is listed as existing, at the stamps level only.
            [.. page.Value.Items.Select(v => TenantJson.From(v).AtLevel(v.Detailed ? lod : "stamps", options))],
            new PagingJson(new CursorsJson(page.Value.After))));
    }

    private static async Task<Results<Ok<TenantBatchJson>, JsonHttpResult<AcronisErrorBody>>> Children(
        string tenantId, [AsParameters] ChildrenQuery q, Caller caller, TenantService tenants, TimeProvider clock,
        IOptions<Microsoft.AspNetCore.Http.Json.JsonOptions> json, CancellationToken ct)
    {
        var limit = ParseLimit(q.Limit);
        if (!limit.IsOk)
        {
            return AcronisErrors.ToResult(limit.Error);
        }

        var details = q.IncludeDetails is not null && bool.TryParse(q.IncludeDetails, out var d) && d;
        var page = await tenants.ListAsync(caller, new TenantQuery { ParentId = tenantId, Limit = limit.Value, After = q.After }, ct);
        if (!page.IsOk)
        {
            return AcronisErrors.ToResult(page.Error);
        }

        IReadOnlyList<object> items = details
            ? [.. page.Value.Items.Select(v => TenantJson.From(v).AtLevel(v.Detailed ? "full" : "stamps", json.Value.SerializerOptions))]
            : [.. page.Value.Items.Select(v => v.Tenant.Id)];
        return TypedResults.Ok(new TenantBatchJson(Timestamps.Format(clock.NowMicros()), items, new PagingJson(new CursorsJson(page.Value.After))));
    }

    private static Result<TenantQuery> ParseListQuery(ListQuery q)
    {
        var limit = ParseLimit(q.Limit);
        var withDeleted = QueryValues.Flag(q.AllowDeleted, "allow_deleted");
        if (!limit.IsOk || !withDeleted.IsOk)
        {
            return limit.IsOk ? withDeleted.Error! : limit.Error!;
        }

        var query = ParseSelectors(q, limit.Value);
        return query.IsOk ? query.Value with { AllowDeleted = withDeleted.Value == true } : query.Error;
    }

    private static Result<TenantQuery> ParseSelectors(ListQuery q, int limit)
    {
        if (q.After is not null)
        {
            return new TenantQuery { After = q.After, Limit = limit };
        }

        var selectors = new[] { q.Uuids, q.ParentId, q.SubtreeRootId }.Count(s => s is not null);
        if (selectors == 0)
        {
            return new Invalid("uuids", "One of uuids, parent_id or subtree_root_id is required.");
        }

        if (selectors > 1)
        {
            return new Invalid("uuids", "uuids, parent_id and subtree_root_id are mutually exclusive.");
        }

        if (q.Uuids is not null)
        {
            var ids = q.Uuids.Split(',', StringSplitOptions.TrimEntries);
            if (ids.Length > 100)
            {
                return new Invalid("uuids", "uuids may list at most 100 ids.");
            }

            var normalized = ids.Select(Ids.Normalize).ToList();
            return normalized.Any(i => i is null)
                ? new Invalid("uuids", "uuids must be a comma-separated list of UUIDs.")
                : new TenantQuery { Ids = [.. normalized.Select(i => i!)], Limit = limit };
        }

        return new TenantQuery { ParentId = q.ParentId, SubtreeRootId = q.SubtreeRootId, Limit = limit };
    }

    private static Result<int> ParseLimit(string? value)
    {
        if (value is null)
        {
            return TenantService.MaxPageSize;
        }

        return int.TryParse(value, System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out var n) && n >= 1
            ? Math.Min(n, TenantService.MaxPageSize)
            : new Invalid("limit", "limit must be a positive integer.");
    }
}
