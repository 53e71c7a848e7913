using System.Text.Json.Serialization;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.Extensions.Diagnostics.HealthChecks;

namespace Tenancy.Server.Storage;

/// <summary>
/// Health endpoints for load balancers and orchestrators, on ASP.NET Core health checks (see docs/deployment.md):
/// <list type="bullet">
/// <item>GET /healthz/live: liveness, the process serves requests (no check; restart the process when it fails).</item>
/// <item>GET /healthz/ready: readiness, the store is reachable and writable (<see cref="StoreHealthCheck"/>);
/// 503 while it is not (send no traffic, do not restart).</item>
/// <item>GET /healthz: the readiness answer, as before (200 "ok" / 503 "unavailable").</item>
/// </list>
/// </summary>
public static class HealthEndpoints
{
    /// <summary>The tag of the checks that decide readiness.</summary>
    public const string Ready = "ready";

    public sealed record HealthJson(
        string Status, string Provider, [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] string? Detail = null);

    public static IServiceCollection AddTenancyHealth(this IServiceCollection services)
    {
        services.AddHealthChecks().AddCheck<StoreHealthCheck>("store", tags: [Ready], timeout: TimeSpan.FromSeconds(5));
        return services;
    }

    public static IEndpointRouteBuilder MapHealth(this IEndpointRouteBuilder app)
    {
        app.MapGet("/healthz/live", Live).WithTags("Operations").AllowAnonymous()
            .WithSummary("Liveness: the process serves requests (200 always; no store access)");
        app.MapGet("/healthz/ready", CheckReady).WithTags("Operations").AllowAnonymous()
            .WithSummary("Readiness: 200 when the store is reachable and writable, 503 with Retry-After when it is not");
        app.MapGet("/healthz", CheckReady).WithTags("Operations").AllowAnonymous()
            .WithSummary("Readiness, as /healthz/ready (for load balancer health checks)");
        return app;
    }

    private static Ok<HealthJson> Live(Database db) => TypedResults.Ok(new HealthJson("ok", Name(db)));

    private static async Task<Results<Ok<HealthJson>, JsonHttpResult<HealthJson>>> CheckReady(
        HealthCheckService health, Database db, HttpContext context, CancellationToken ct)
    {
        var report = await health.CheckHealthAsync(c => c.Tags.Contains(Ready), ct);
        if (report.Status == HealthStatus.Healthy)
        {
            return TypedResults.Ok(new HealthJson("ok", Name(db)));
        }

        context.Response.Headers.RetryAfter = "1";
        var detail = string.Join("; ", report.Entries.Values.Where(e => e.Status != HealthStatus.Healthy).Select(e => e.Description));
        return TypedResults.Json(new HealthJson("unavailable", Name(db), detail), statusCode: StatusCodes.Status503ServiceUnavailable);
    }

    private static string Name(Database db) => db.Provider.ToString().ToLowerInvariant();
}
