using static Tenancy.Tests.Access.CaseContext;
using static Tenancy.Tests.Catalog.SampleCatalog;

namespace Tenancy.Tests.Access;

/// <summary>The offering item and edition rows of the matrix (/api/2).</summary>
public static class OfferingItemCases
{
    private static readonly string[] PerWorkloadItems = ["pw_base_workstations", "pw_base_servers", "pw_base_vms", "pw_base_storage"];

    public static IEnumerable<MatrixCase> All() =>
    [
        new("GET /api/2/tenants/{id}/offering_items", Res.OfferingItem, Op.Read, Dialect.Acronis, HttpStatusCode.OK,
            c => c.Api.GetAsync($"/api/2/tenants/{c.Id}/offering_items"))
        {
            Check = static (_, body, _) => Task.FromResult(Problem(Status(body, "tenants") == 1, $"the platform item is not on: {body}")),
        },
        new("GET /api/2/tenants/{id}/offering_items/available_for_child", Res.OfferingItem, Op.Read, Dialect.Acronis, HttpStatusCode.OK,
            c => c.Api.GetAsync($"/api/2/tenants/{c.Id}/offering_items/available_for_child?edition=*"))
        {
            Check = static (_, body, _) => Task.FromResult(Problem(Status(body, "tenants") == 1, $"the platform item is missing: {body}")),
        },
        new("GET /api/2/tenants/{id}/edition", Res.OfferingItem, Op.Read, Dialect.Acronis, HttpStatusCode.OK,
            c => c.Api.GetAsync($"/api/2/tenants/{c.Id}/edition?application_id={Backup}&target_edition={PerWorkload}"))
        {
            Rule = static (m, p, t) => RootIsBusiness(m, p, t, Op.Read),
            Prepare = static (w, t) => TurnOnAboveAsync(w, t, PerWorkloadItems),
            Check = static (_, body, _) => Task.FromResult(Problem(body.TryGetProperty("warnings", out _), $"no warnings: {body}")),
        },
        // local_storage is turned on above the target beforehand and never off in the matrix: the parent has it.
        new("PUT /api/2/tenants/{id}/offering_items", Res.OfferingItem, Op.Change, Dialect.Acronis, HttpStatusCode.OK, async c =>
        {
            c.Before = await OwnStatusAsync(c, "local_storage");
            return await c.Api.PutJsonAsync($"/api/2/tenants/{c.Id}/offering_items",
                new { offering_items = new[] { new { application_id = Backup, name = "local_storage", status = 1 } } });
        })
        {
            Rule = static (m, p, t) => RootIsBusiness(m, p, t, Op.Change),
            Prepare = static (w, t) => TurnOnAboveAsync(w, t, "local_storage"),
            Check = static async (c, _, _) => Problem(await OwnStatusAsync(c, "local_storage") == 1, "200, yet not on"),
            Unchanged = static async c => Problem(await OwnStatusAsync(c, "local_storage") == c.Before, "refused, yet changed"),
        },
        // The per-workload items are on above the target; the switch turns them on for it (and then changes nothing).
        new("PUT /api/2/tenants/{id}/edition", Res.OfferingItem, Op.Change, Dialect.Acronis, HttpStatusCode.OK, async c =>
        {
            c.Before = await OwnStatusAsync(c, "pw_base_vms");
            return await c.Api.PutJsonAsync($"/api/2/tenants/{c.Id}/edition", new { application_id = Backup, target_edition = PerWorkload });
        })
        {
            Rule = static (m, p, t) => RootIsBusiness(m, p, t, Op.Change),
            Prepare = static (w, t) => TurnOnAboveAsync(w, t, PerWorkloadItems),
            Check = static async (c, _, _) => Problem(await OwnStatusAsync(c, "pw_base_vms") == 1, "200, yet not switched"),
            Unchanged = static async c => Problem(await OwnStatusAsync(c, "pw_base_vms") == c.Before, "refused, yet switched"),
        },
    ];

    /// <summary>The reach rules; where they allow, nothing of the root's items can be set (it has them all).</summary>
    private static Outcome RootIsBusiness(MatrixModel m, Principal p, string t, Op op)
    {
        var outcome = ReachRules.Expect(m, p, t, Res.OfferingItem, op, Dialect.Acronis);
        return outcome is Outcome.Allowed && m[t].Parent is null ? Outcome.Business : outcome;
    }

    /// <summary>Turns the items on along the tenant's path below the root, the target excluded (each by its parent's admin, never barred).</summary>
    private static async Task<Victim> TurnOnAboveAsync(MatrixWorld world, string target, params string[] items)
    {
        var body = new { offering_items = items.Select(name => new { application_id = Backup, name, status = 1 }).ToArray() };
        foreach (var node in world.Model.Chain(target).Reverse().Skip(1).SkipLast(1))
        {
            using var response = await world.KeeperOf(node).PutJsonAsync($"/api/2/tenants/{world.Ids[node]}/offering_items", body);
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        }

        return new Victim(world.Ids[target]);
    }

    /// <summary>The item's status for the target as the observer reads it (effective: on above, on for it).</summary>
    private static async Task<long> OwnStatusAsync(CaseContext c, string item) =>
        await c.ObserveAsync($"/api/2/tenants/{c.Id}/offering_items") is { } list ? Status(list, item) : -1;

    private static int Status(JsonElement list, string item) =>
        list.GetProperty("items").EnumerateArray().Where(i => i.Str("name") == item).Select(i => i.GetProperty("status").GetInt32()).FirstOrDefault(-1);
}
