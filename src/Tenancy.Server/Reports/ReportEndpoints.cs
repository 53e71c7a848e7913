using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Mvc;

namespace Tenancy.Server.Reports;

/// <summary>Usage reports (/api/2/reports): configurations, their stored files and downloads.</summary>
public static class ReportEndpoints
{
    public static RouteGroupBuilder MapReports(this IEndpointRouteBuilder app)
    {
        var group = app.MapGroup("/api/2").WithTags("Reports").RequireAuthorization().SpeaksAcronis();
        group.MapPost("/reports", Create).RequireAuthorization(Policies.Create)
            .WithSummary("Create a usage report (kind usage_current or usage_summary; formats csv_v2_0, json_v2_0; once or monthly)");
        group.MapGet("/reports/{reportId}", Get).WithSummary("A report's configuration");
        group.MapPut("/reports/{reportId}", Put).RequireAuthorization(Policies.Change)
            .WithSummary("Change a scheduled report: level, kind, hide_zero_usage, show_skus, recipients, schedule.enabled");
        group.MapDelete("/reports/{reportId}", Delete).RequireAuthorization(Policies.Delete)
            .WithSummary("Delete a report and its stored files, quoting the version");
        group.MapGet("/reports/{reportId}/stored", Stored).WithSummary("The report's files: format, status (in_progress, saved, failed), size");
        group.MapGet("/reports/{reportId}/stored/{storedId}", Download).WithSummary("Download a saved file (text/csv or application/json)");
        group.MapGet("/tenants/{tenantId}/reports", OfTenant).WithSummary("The ids of a tenant's reports");
        return group;
    }

    private static async Task<Results<Ok<ReportJson>, JsonHttpResult<AcronisErrorBody>>> Create(
        ReportPostRequest body, Caller caller, ReportService reports, CancellationToken ct)
    {
        var result = await reports.CreateAsync(caller, body, ct);
        return result.IsOk ? TypedResults.Ok(ReportJson.From(result.Value)) : AcronisErrors.ToResult(result.Error);
    }

    private static async Task<Results<Ok<ReportJson>, JsonHttpResult<AcronisErrorBody>>> Get(
        string reportId, Caller caller, ReportService reports, CancellationToken ct)
    {
        var result = await reports.GetAsync(caller, reportId, ct);
        return result.IsOk ? TypedResults.Ok(ReportJson.From(result.Value)) : AcronisErrors.ToResult(result.Error);
    }

    private static async Task<Results<Ok<ReportJson>, JsonHttpResult<AcronisErrorBody>>> Put(
        string reportId, ReportPutRequest body, Caller caller, ReportService reports, CancellationToken ct)
    {
        var result = await reports.UpdateAsync(caller, reportId, body, ct);
        return result.IsOk ? TypedResults.Ok(ReportJson.From(result.Value)) : AcronisErrors.ToResult(result.Error);
    }

    private static async Task<Results<NoContent, JsonHttpResult<AcronisErrorBody>>> Delete(
        string reportId, [FromQuery] string? version, Caller caller, ReportService reports, CancellationToken ct)
    {
        var v = VersionQuery.Parse(version);
        if (!v.IsOk)
        {
            return AcronisErrors.ToResult(v.Error);
        }

        return await reports.DeleteAsync(caller, reportId, v.Value, ct) is { } error ? AcronisErrors.ToResult(error) : TypedResults.NoContent();
    }

    private static async Task<Results<Ok<StoredReportsJson>, JsonHttpResult<AcronisErrorBody>>> Stored(
        string reportId, Caller caller, ReportService reports, CancellationToken ct)
    {
        var result = await reports.StoredAsync(caller, reportId, ct);
        return result.IsOk
            ? TypedResults.Ok(new StoredReportsJson([.. result.Value.Select(StoredReportJson.From)]))
            : AcronisErrors.ToResult(result.Error);
    }

    private static async Task<Results<FileContentHttpResult, JsonHttpResult<AcronisErrorBody>>> Download(
        string reportId, string storedId, Caller caller, ReportService reports, CancellationToken ct)
    {
        var result = await reports.FileAsync(caller, reportId, storedId, ct);
        return result.IsOk
            ? TypedResults.File(result.Value.Content, ReportFiles.ContentType(result.Value.Format),
                $"report-{Ids.Normalize(reportId)}-{Ids.Normalize(storedId)}.{ReportFiles.Extension(result.Value.Format)}")
            : AcronisErrors.ToResult(result.Error);
    }

    private static async Task<Results<Ok<ReportIdsJson>, JsonHttpResult<AcronisErrorBody>>> OfTenant(
        string tenantId, Caller caller, ReportService reports, CancellationToken ct)
    {
        var result = await reports.IdsOfAsync(caller, tenantId, ct);
        return result.IsOk ? TypedResults.Ok(new ReportIdsJson(result.Value)) : AcronisErrors.ToResult(result.Error);
    }
}
