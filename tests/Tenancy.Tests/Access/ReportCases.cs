using static Tenancy.Tests.Access.CaseContext;

namespace Tenancy.Tests.Access;

/// <summary>The usage report rows of the matrix (/api/2/reports): a report belongs to the tenant it reports on.</summary>
public static class ReportCases
{
    public static IEnumerable<MatrixCase> All() =>
    [
        new("POST /api/2/reports", Res.Report, Op.Create, Dialect.Acronis, HttpStatusCode.OK, async c =>
        {
            c.Before = await CountAsync(c);
            return await c.Api.PostJsonAsync("/api/2/reports", Body(c.Id, "once"));
        })
        {
            Check = static (c, body, _) => Task.FromResult(Problem(body.GetProperty("parameters").Str("tenant_id") == c.Id, $"wrong report: {body}")),
            Unchanged = static async c => Problem(await CountAsync(c) == c.Before, "refused, yet created"),
        },
        new("GET /api/2/reports/{id}", Res.Report, Op.Read, Dialect.Acronis, HttpStatusCode.OK, c => c.Api.GetAsync($"/api/2/reports/{c.Victim.Id}"))
        {
            Prepare = VictimAsync,
            Check = static (c, body, _) => Task.FromResult(Problem(body.Str("id") == c.Victim.Id, $"wrong report: {body}")),
        },
        new("GET /api/2/reports/{id}/stored", Res.Report, Op.Read, Dialect.Acronis, HttpStatusCode.OK, c => c.Api.GetAsync($"/api/2/reports/{c.Victim.Id}/stored"))
        {
            Prepare = VictimAsync,
            Check = static (_, body, _) => Task.FromResult(Problem(body.GetProperty("items").ValueKind == JsonValueKind.Array, $"no files list: {body}")),
        },
        new("GET /api/2/tenants/{id}/reports", Res.Report, Op.List, Dialect.Acronis, HttpStatusCode.OK, c => c.Api.GetAsync($"/api/2/tenants/{c.Id}/reports"))
        {
            Prepare = VictimAsync,
            Check = static (c, body, _) => Task.FromResult(Problem(
                body.GetProperty("items").EnumerateArray().Any(i => i.GetString() == c.Victim.Id), $"its report is not listed: {body}")),
        },
        new("PUT /api/2/reports/{id}", Res.Report, Op.Change, Dialect.Acronis, HttpStatusCode.OK,
            c => c.Api.PutJsonAsync($"/api/2/reports/{c.Victim.Id}", new { parameters = new { hide_zero_usage = true } }))
        {
            Prepare = VictimAsync,
            Check = static (c, body, _) => Task.FromResult(Problem(
                body.GetProperty("parameters").Bool("hide_zero_usage") && body.Long("version") == c.Victim.Version + 1, $"not changed: {body}")),
            Unchanged = static async c => Problem(await c.VersionAsync($"/api/2/reports/{c.Victim.Id}") == c.Victim.Version, "refused, yet changed"),
        },
        new("DELETE /api/2/reports/{id}", Res.Report, Op.Delete, Dialect.Acronis, HttpStatusCode.NoContent,
            c => c.Api.DeleteAsync($"/api/2/reports/{c.Victim.Id}?version={c.Victim.Version}"))
        {
            Prepare = VictimAsync,
            Check = static async (c, _, _) => Problem(await c.ObserveAsync($"/api/2/reports/{c.Victim.Id}", HttpStatusCode.NotFound) is not null, "204, yet still there"),
            Unchanged = static async c => Problem(await c.ObserveAsync($"/api/2/reports/{c.Victim.Id}") is not null, "refused, yet gone"),
        },
    ];

    private static object Body(string tenantId, string schedule) => new
    {
        parameters = new { kind = "usage_current", tenant_id = tenantId, level = "accounts", formats = new[] { "csv_v2_0" } },
        schedule = new { type = schedule },
        result_action = "save",
    };

    /// <summary>A monthly report of the target (it can be changed), made by the admin of the target's parent.</summary>
    private static async Task<Victim> VictimAsync(MatrixWorld world, string target)
    {
        var report = await world.KeeperOf(target).PostJsonAsync("/api/2/reports", Body(world.Ids[target], "monthly")).ExpectAsync(HttpStatusCode.OK);
        return new Victim(report.Str("id"), report.Long("version"));
    }

    private static async Task<long> CountAsync(CaseContext c) =>
        await c.ObserveAsync($"/api/2/tenants/{c.Id}/reports") is { } list ? list.GetProperty("items").GetArrayLength() : -1;
}
