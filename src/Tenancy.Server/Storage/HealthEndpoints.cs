using Microsoft.AspNetCore.Http.HttpResults;
namespace Tenancy.Server.Storage;

public static class HealthEndpoints
{
    public sealed record HealthJson(string Status, string Provider);

    /// <summary>GET /healthz: 200 when the store answers, 503 otherwise (for load balancers).</summary>
    public static IEndpointRouteBuilder MapHealth(this IEndpointRouteBuilder app)
    {
        app.MapGet("/healthz", Check).WithTags("Operations").AllowAnonymous()
            .WithSummary("Liveness and store reachability, for load balancer health checks");
        return app;
    }

    private static async Task<Results<Ok<HealthJson>, JsonHttpResult<HealthJson>>> Check(Database db, CancellationToken ct)
    {
        var provider = db.Provider.ToString().ToLowerInvariant();
        try
        {
            await using var c = await db.OpenAsync(ct);
            await c.ExecuteScalarAsync<int>(new CommandDefinition("SELECT 1", cancellationToken: ct));
            return TypedResults.Ok(new HealthJson("ok", provider));
        }
        catch (Exception e) when (Database.IsUnavailable(e))
        {
            return TypedResults.Json(new HealthJson("unavailable", provider), statusCode: StatusCodes.Status503ServiceUnavailable);
        }
    }
}
