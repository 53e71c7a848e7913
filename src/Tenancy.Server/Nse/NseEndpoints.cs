using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Mvc;
using Tenancy.Server.Lifecycle;
using Tenancy.Server.Usage;

namespace Tenancy.Server.Nse;

/// <summary>
/// The /api/v2.1 head (NetApp Service Engine "Tenants"): the same tenants as /api/2 in the NSE wire
/// format. Bearer tokens, or HTTP Basic with an API client's id and secret.
/// </summary>
public static class NseEndpoints
{
    public static RouteGroupBuilder MapNse(this IEndpointRouteBuilder app)
    {
        var group = app.MapGroup("/api/v2.1").WithTags("v2.1").RequireAuthorization().SpeaksNse().WithETags();
        group.MapGet("/tenants", List).WithSummary("List the tenants in reach, sorted (sort_by, order_by) and paged (offset, limit)");
        group.MapGet("/tenants/{tenantId}", Get).WithSummary("Fetch a tenant with its usage per subscription");
        group.MapPost("/tenants", Create).RequireAuthorization(Policies.Create).WithSummary("Create a tenant under the caller's tenant (or parent_id)");
        group.MapPut("/tenants/{tenantId}", Update).RequireAuthorization(Policies.Change).WithSummary("Modify name, Zuora details and description; code must be sent and cannot change");
        group.MapDelete("/tenants/{tenantId}", Delete).RequireAuthorization(Policies.Delete).WithSummary("Delete a tenant that has no sub-tenants");
        group.MapGet("/servicelevels", ServiceLevels).WithSummary("The catalogue of service levels");
        return group;
    }

    private static async Task<Results<Ok<NseEnvelope<NseTenantPage>>, JsonHttpResult<NseErrorBody>>> List(
        [AsParameters] NseListQuery q, Caller caller, NseTenantStore store, TenantService tenants, UsageService usage,
        CancellationToken ct)
    {
        var parsed = q.Parse();
        if (!parsed.IsOk)
        {
            return NseErrors.ToResult(parsed.Error);
        }

        var r = parsed.Value;
        var (page, total) = await store.PageAsync(caller, r.SortBy, r.OrderBy == "asc", r.Offset, r.Limit, ct);
        // Tenants behind an ancestral_access barrier are listed as existing, without their details.
        var views = await tenants.ViewsAsync(page, caller, ct);
        var records = await RecordsAsync([.. views.Where(v => v.Detailed).Select(v => v.Tenant)], usage, ct);
        var byId = records.ToDictionary(r => r.Id);
        records = [.. views.Select(v => v.Detailed ? byId[v.Tenant.Id] : NseTenantJson.Existing(v.Tenant))];
        return TypedResults.Ok(NseReply.Ok(NseReply.Returned(records.Count),
            new NseTenantPage(records.Count, total, r.SortBy, r.OrderBy, r.Offset, r.Limit, records)));
    }

    private static async Task<Results<Ok<NseEnvelope<NseRecords<NseTenantJson>>>, JsonHttpResult<NseErrorBody>>> Get(
        string tenantId, Caller caller, TenantService tenants, UsageService usage, CancellationToken ct)
    {
        var result = await tenants.GetAsync(caller, tenantId, ct);
        return result.IsOk
            ? NseReply.Records(await RecordsAsync([result.Value.Tenant], usage, ct))
            : NseErrors.ToResult(result.Error);
    }

    private static async Task<Results<Created<NseEnvelope<NseRecords<NseTenantJson>>>, JsonHttpResult<NseErrorBody>>> Create(
        NseTenantCreateRequest body, Caller caller, TenantService tenants, CancellationToken ct)
    {
        var parent = await tenants.GetAsync(caller, body.ParentId ?? caller.HomeTenantId, ct);
        if (!parent.IsOk)
        {
            return NseErrors.ToResult(parent.Error is Invalid ? new Invalid("parent_id", "parent_id must be a UUID.") : parent.Error);
        }

        // A customer where the parent can hold one; below a customer, tenants are its units.
        var kind = TenantKinds.CanHold(parent.Value.Tenant.Kind, TenantKinds.Customer) ? TenantKinds.Customer : TenantKinds.Unit;
        var result = await tenants.CreateAsync(caller, body.ToNewTenant() with { Kind = kind, ParentId = parent.Value.Tenant.Id }, ct);
        if (!result.IsOk)
        {
            return NseErrors.ToResult(result.Error);
        }

        var record = NseTenantJson.From(result.Value.Tenant, null);
        return TypedResults.Created($"/api/v2.1/tenants/{record.Id}",
            NseReply.Ok(NseReply.Created, new NseRecords<NseTenantJson>(1, [record]), 201));
    }

    private static async Task<Results<Ok<NseEnvelope<NseRecords<NseTenantJson>>>, Ok<NseEnvelope<DryRunJson>>, JsonHttpResult<NseErrorBody>>> Update(
        string tenantId, NseTenantUpdateRequest body, [FromQuery(Name = "dry_run")] string? dryRun, Caller caller,
        TenantService tenants, DryRuns dryRuns, UsageService usage, CancellationToken ct)
    {
        var preview = DryRunQuery.Parse(dryRun);
        if (!preview.IsOk)
        {
            return NseErrors.ToResult(preview.Error);
        }

        var code = body.Code!;
        var current = await tenants.GetAsync(caller, tenantId, ct);
        if (!current.IsOk)
        {
            return NseErrors.ToResult(current.Error);
        }

        var tenant = current.Value.Tenant;
        if (tenant.Code is not null && tenant.Code != code)
        {
            return NseErrors.ToResult(new Invalid("code", $"code cannot change: this tenant's code is '{tenant.Code}'."));
        }

        // The dialect has no version field: the version read above makes the write conditional all the
        // same, so a concurrent change answers 409 instead of being overwritten.
        var command = TenantCommand.From(tenant.Id, body.Version ?? tenant.Version,
            body.ToChanges() with { Code = tenant.Code is null ? Optional<string?>.Of(code) : default });
        if (preview.Value)
        {
            var report = await dryRuns.ChangeAsync(caller, command, ct);
            return report.IsOk ? TypedResults.Ok(NseReply.Ok(DryRunMessage, DryRunJson.Nse(report.Value))) : NseErrors.ToResult(report.Error);
        }

        var result = await tenants.ChangeAsync(caller, command, ct);
        return result.IsOk
            ? NseReply.Records(await RecordsAsync([result.Value.Tenant], usage, ct))
            : NseErrors.ToResult(result.Error);
    }

    private static async Task<Results<NoContent, Ok<NseEnvelope<DryRunJson>>, JsonHttpResult<NseErrorBody>>> Delete(
        string tenantId, string? version, [FromQuery(Name = "dry_run")] string? dryRun, HttpContext http, Caller caller,
        TenantService tenants, DryRuns dryRuns, CancellationToken ct)
    {
        var q = DryRunQuery.ParseDelete(http, version, dryRun, versionRequired: false);
        if (!q.IsOk)
        {
            return NseErrors.ToResult(q.Error);
        }

        if (q.Value.DryRun)
        {
            var report = await dryRuns.DeleteLeafAsync(caller, tenantId, q.Value.Version, ct);
            return report.IsOk ? TypedResults.Ok(NseReply.Ok(DryRunMessage, DryRunJson.Nse(report.Value))) : NseErrors.ToResult(report.Error);
        }

        var result = await tenants.DeleteLeafAsync(caller, tenantId, q.Value.Version, ct: ct);
        return result.IsOk ? TypedResults.NoContent() : NseErrors.ToResult(result.Error);
    }

    private const string DryRunMessage = "Okay. Dry run: nothing was changed.";

    private static async Task<Ok<NseEnvelope<NseRecords<NseServiceLevelJson>>>> ServiceLevels(UsageService usage, CancellationToken ct) =>
        NseReply.Records<NseServiceLevelJson>([.. (await usage.ServiceLevelsAsync(ct)).Select(l => new NseServiceLevelJson(l.Name, l.Description))]);

    private static async Task<IReadOnlyList<NseTenantJson>> RecordsAsync(IReadOnlyList<Tenant> tenants, UsageService usage, CancellationToken ct)
    {
        var maps = await usage.UsageMapsAsync([.. tenants.Select(t => t.Id)], ct);
        return [.. tenants.Select(t => NseTenantJson.From(t, maps.GetValueOrDefault(t.Id)))];
    }
}
