using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Mvc;
using Tenancy.Server.Storage.Caching;

namespace Tenancy.Server.Usage;

/// <summary>Usage ingestion, current usage, subtree roll-ups and period reports (/api/2/usage).</summary>
public static class UsageEndpoints
{
    public sealed record ReportQuery(
        [property: FromQuery(Name = "from")] string? From,
        [property: FromQuery(Name = "to")] string? To,
        [property: FromQuery(Name = "format")] string? Format);

    public static RouteGroupBuilder MapUsage(this IEndpointRouteBuilder app)
    {
        var group = app.MapGroup("/api/2/usage").WithTags("Usage").RequireAuthorization().SpeaksAcronis();
        // Writes usage only, which no cached read depends on: the hot-path cache stays warm.
        group.MapPost("/", Ingest).RequireAuthorization(Policies.Create).WithMetadata(LeavesCacheAlone.Instance).WithSummary(
            "Push a batch of consumed values; re-sent samples are ignored; 200 with per-item errors for refused items");
        group.MapGet("/tenants/{tenantId}", Current).WithSummary("Current usage of a tenant per subscription and service level");
        group.MapGet("/tenants/{tenantId}/rollup", Rollup).WithSummary("Current usage of a tenant's whole subtree per service level");
        group.MapGet("/tenants/{tenantId}/report", Report).WithSummary(
            "Average and peak usage over [from, to) per tenant, subscription and service level; JSON, or CSV with format=csv or Accept: text/csv");
        return group;
    }

    private static async Task<Results<Ok<IngestJson>, JsonHttpResult<AcronisErrorBody>>> Ingest(
        UsageBatchRequest body, Caller caller, UsageService usage, CancellationToken ct)
    {
        var outcome = await usage.IngestAsync(caller, body.Samples(), ct);
        return TypedResults.Ok(IngestJson.From(outcome));
    }

    private static async Task<Results<Ok<TenantUsageJson>, JsonHttpResult<AcronisErrorBody>>> Current(
        string tenantId, Caller caller, UsageService usage, CancellationToken ct)
    {
        var result = await usage.UsageOfAsync(caller, tenantId, ct);
        return result.IsOk
            ? TypedResults.Ok(new TenantUsageJson(Ids.Normalize(tenantId)!, result.Value))
            : AcronisErrors.ToResult(result.Error);
    }

    private static async Task<Results<Ok<RollupJson>, JsonHttpResult<AcronisErrorBody>>> Rollup(
        string tenantId, Caller caller, UsageService usage, CancellationToken ct)
    {
        var result = await usage.RollupAsync(caller, tenantId, ct);
        return result.IsOk
            ? TypedResults.Ok(new RollupJson(Ids.Normalize(tenantId)!, result.Value))
            : AcronisErrors.ToResult(result.Error);
    }

    private static async Task<Results<Ok<ReportJson>, ContentHttpResult, JsonHttpResult<AcronisErrorBody>>> Report(
        string tenantId, [AsParameters] ReportQuery q, HttpRequest request, Caller caller, UsageService usage, CancellationToken ct)
    {
        var csv = q.Format switch
        {
            null => request.Headers.Accept.ToString().Contains(UsageCsv.ContentType, StringComparison.OrdinalIgnoreCase),
            "csv" => true,
            "json" => false,
            _ => (bool?)null,
        };
        if (csv is null)
        {
            return AcronisErrors.ToResult(new Invalid("format", "format must be json or csv."));
        }

        var from = UsageTime.Parse(q.From, "from");
        var to = UsageTime.Parse(q.To, "to");
        if (!from.IsOk || !to.IsOk)
        {
            return AcronisErrors.ToResult((from.Error ?? to.Error)!);
        }

        var result = await usage.ReportAsync(caller, tenantId, from.Value, to.Value, ct);
        if (!result.IsOk)
        {
            return AcronisErrors.ToResult(result.Error);
        }

        var rows = result.Value.Select(ReportRowJson.From).ToList();
        return csv.Value
            ? TypedResults.Text(UsageCsv.Write(rows), UsageCsv.ContentType)
            : TypedResults.Ok(new ReportJson(Ids.Normalize(tenantId)!, Timestamps.Format(from.Value), Timestamps.Format(to.Value), rows));
    }
}
