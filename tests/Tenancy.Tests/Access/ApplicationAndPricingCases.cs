using static Tenancy.Tests.Access.CaseContext;
using static Tenancy.Tests.Catalog.SampleCatalog;

namespace Tenancy.Tests.Access;

/// <summary>The application and pricing rows of the matrix (/api/2).</summary>
public static class ApplicationAndPricingCases
{
    public static IEnumerable<MatrixCase> All() =>
    [
        new("GET /api/2/tenants/{id}/applications", Res.Application, Op.Read, Dialect.Acronis, HttpStatusCode.OK,
            c => c.Api.GetAsync($"/api/2/tenants/{c.Id}/applications"))
        {
            Check = static (_, body, _) => Task.FromResult(Problem(Ids(body).Contains(Platform), $"the platform is missing: {body}")),
        },
        // Object storage is turned on above the target beforehand and never off in the matrix: the parent has it.
        new("POST /api/2/applications/{id}/bindings/tenants/{id}", Res.Application, Op.Change, Dialect.Acronis, HttpStatusCode.NoContent, async c =>
        {
            c.Before = await OnAsync(c, ObjectStorage) ? 1 : 0;
            return await c.Api.Http.PostAsync(Binding(ObjectStorage, c.Id), null);
        })
        {
            Prepare = static (w, t) => TurnOnAsync(w, t, ObjectStorage, includingTarget: false),
            Check = static async (c, _, _) => Problem(await OnAsync(c, ObjectStorage), "204, yet not on"),
            Unchanged = static async c => Problem((await OnAsync(c, ObjectStorage) ? 1 : 0) == c.Before, "refused, yet turned on"),
        },
        // Backup is on down to the target; turning it off reaches the subtree, so the case runs alone and turns it back on.
        new("DELETE /api/2/applications/{id}/bindings/tenants/{id}, then on again", Res.Application, Op.Change, Dialect.Acronis, HttpStatusCode.NoContent,
            c => c.Api.DeleteAsync(Binding(Backup, c.Id)))
        {
            RunsAlone = true,
            Rule = static (m, p, t) => ReachRules.Expect(m, p, t, Res.Application, Op.Change, Dialect.Acronis) is Outcome.Allowed && m[t].Parent is null
                ? Outcome.Business // the root has every application on
                : ReachRules.Expect(m, p, t, Res.Application, Op.Change, Dialect.Acronis),
            Prepare = static (w, t) => TurnOnAsync(w, t, Backup, includingTarget: true),
            Check = static async (c, _, _) =>
            {
                if (await OnAsync(c, Backup))
                {
                    return "204, yet still on";
                }

                using var again = await c.Observer.Http.PostAsync(Binding(Backup, c.Id), null);
                return Problem(again.StatusCode == HttpStatusCode.NoContent && await OnAsync(c, Backup), "could not turn it on again");
            },
            Unchanged = static async c => Problem(await OnAsync(c, Backup), "refused, yet turned off"),
        },
        new("GET /api/2/tenants/{id}/pricing", Res.Pricing, Op.Read, Dialect.Acronis, HttpStatusCode.OK, c => c.Api.GetAsync($"/api/2/tenants/{c.Id}/pricing"))
        {
            Check = static (_, body, _) => Task.FromResult(Problem(body.Str("mode") is "trial" or "production" && body.Long("version") > 0, $"wrong settings: {body}")),
        },
        new("PUT /api/2/tenants/{id}/pricing (currency)", Res.Pricing, Op.Change, Dialect.Acronis, HttpStatusCode.OK, async c =>
        {
            var now = await c.ObserveAsync($"/api/2/tenants/{c.Id}/pricing");
            c.Before = now?.Long("version") ?? -1;
            // Another currency than the current one, so that an allowed PUT changes something.
            var currency = now?.GetProperty("currency").GetString() == "EUR" ? "GBP" : "EUR";
            return await c.Api.PutJsonAsync($"/api/2/tenants/{c.Id}/pricing", new { currency, version = c.Before });
        })
        {
            Check = static (c, body, _) => Task.FromResult(Problem(body.Str("currency") is "EUR" or "GBP" && body.Long("version") > c.Before, $"not changed: {body}")),
            Unchanged = static c => c.VersionUnchangedAsync($"/api/2/tenants/{c.Id}/pricing"),
        },
    ];

    /// <summary>Turns the application on along the tenant's path below the root (through the parent's admin of each, never barred).</summary>
    private static async Task<Victim> TurnOnAsync(MatrixWorld world, string target, string application, bool includingTarget)
    {
        var chain = world.Model.Chain(target).Reverse().Skip(1).ToList();
        foreach (var node in includingTarget ? chain : chain.SkipLast(1))
        {
            using var response = await world.KeeperOf(node).Http.PostAsync(Binding(application, world.Ids[node]), null);
            Assert.Equal(HttpStatusCode.NoContent, response.StatusCode);
        }

        return new Victim(world.Ids[target]);
    }

    private static async Task<bool> OnAsync(CaseContext c, string application) =>
        await c.ObserveAsync($"/api/2/tenants/{c.Id}/applications") is { } list && Ids(list).Contains(application);

    private static List<string> Ids(JsonElement list) => [.. list.GetProperty("items").EnumerateArray().Select(i => i.GetString()!)];
}
