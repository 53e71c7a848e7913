using static Tenancy.Tests.Access.CaseContext;

namespace Tenancy.Tests.Access;

/// <summary>The tenant rows of the matrix, in both dialects.</summary>
public static class TenantCases
{
    private static readonly Func<MatrixModel, Principal, string, bool> EnabledTarget = static (m, _, t) => !m.Suspended(t);

    public static IEnumerable<MatrixCase> All() =>
    [
        new("GET /api/2/tenants/{id}", Res.Tenant, Op.Read, Dialect.Acronis, HttpStatusCode.OK, c => c.Api.GetAsync($"/api/2/tenants/{c.Id}"))
        {
            Check = static (c, body, _) => Task.FromResult(Problem(body.Str("id") == c.Id && body.Str("name").StartsWith(c.Target, StringComparison.Ordinal), $"wrong tenant: {body}")),
        },
        new("GET /api/2/tenants/{id}/children", Res.Tenant, Op.List, Dialect.Acronis, HttpStatusCode.OK, c => c.Api.GetAsync($"/api/2/tenants/{c.Id}/children?limit=100"))
        {
            Check = static (c, body, _) => Task.FromResult(Problem(
                MatrixModel.ChildrenOf(c.Target).All(n => Ids(body).Contains(c.World.Ids[n])), $"children missing: {body}")),
        },
        new("GET /api/2/tenants?parent_id=", Res.Tenant, Op.List, Dialect.Acronis, HttpStatusCode.OK, c => c.Api.GetAsync($"/api/2/tenants?parent_id={c.Id}&limit=100"))
        {
            Check = static (c, body, _) => Task.FromResult(ChildrenShown(c, body)),
        },
        new("POST /api/2/tenants (child)", Res.Tenant, Op.Create, Dialect.Acronis, HttpStatusCode.Created, c => c.Api.PostJsonAsync("/api/2/tenants",
            new { name = c.Unique, kind = c.World.ChildKind(c.Target), parent_id = c.Id }))
        {
            Check = static (c, body, _) => Task.FromResult(Problem(body.Str("name") == c.Unique && body.Str("parent_id") == c.Id, $"wrong tenant: {body}")),
            Unchanged = NoChildNamedAsync,
        },
        new("PUT /api/2/tenants/{id} (rename)", Res.Tenant, Op.Change, Dialect.Acronis, HttpStatusCode.OK, async c =>
            await c.Api.PutJsonAsync($"/api/2/tenants/{c.Id}", new { name = Renamed(c), version = c.Before = await c.VersionAsync($"/api/2/tenants/{c.Id}") }))
        {
            Check = static (c, body, _) => Task.FromResult(Problem(body.Str("name") == Renamed(c), $"not renamed: {body}")),
            Unchanged = static c => c.VersionUnchangedAsync($"/api/2/tenants/{c.Id}"),
        },
        new("PUT /api/2/tenants/{id} enabled=false, then true", Res.Tenant, Op.Disable, Dialect.Acronis, HttpStatusCode.OK, async c =>
            await c.Api.PutJsonAsync($"/api/2/tenants/{c.Id}", new { enabled = false, version = c.Before = await c.VersionAsync($"/api/2/tenants/{c.Id}") }))
        {
            AppliesTo = EnabledTarget,
            Check = static async (c, body, _) => !body.Bool("enabled")
                ? await ReenableAsync(c, c.Api.PutJsonAsync($"/api/2/tenants/{c.Id}", new { enabled = true, version = body.Long("version") }))
                : $"not disabled: {body}",
            Unchanged = static c => c.VersionUnchangedAsync($"/api/2/tenants/{c.Id}"),
        },
        new("DELETE /api/2/tenants/{id} (a disabled child)", Res.Tenant, Op.Delete, Dialect.Acronis, HttpStatusCode.NoContent,
            c => c.Api.DeleteAsync($"/api/2/tenants/{c.Victim.Id}?version={c.Victim.Version}"))
        {
            Prepare = static (w, t) => VictimTenantAsync(w, t, disabled: true),
            Check = static async (c, _, _) => Problem(await c.ObserveAsync($"/api/2/tenants/{c.Victim.Id}", HttpStatusCode.NotFound) is not null, "204, yet still there"),
            Unchanged = static async c => Problem(await c.VersionAsync($"/api/2/tenants/{c.Victim.Id}") == c.Victim.Version, "refused, yet changed or gone"),
        },
        new("DELETE /api/2/tenants/{id} (itself, enabled)", Res.Tenant, Op.Delete, Dialect.Acronis, HttpStatusCode.NoContent, async c =>
            await c.Api.DeleteAsync($"/api/2/tenants/{c.Id}?version={c.Before = await c.VersionAsync($"/api/2/tenants/{c.Id}")}"))
        {
            AppliesTo = EnabledTarget,
            Unchanged = static c => c.VersionUnchangedAsync($"/api/2/tenants/{c.Id}"),
        },
        new("GET /api/v2.1/tenants/{id}", Res.Tenant, Op.Read, Dialect.Nse, HttpStatusCode.OK, c => c.Api.GetAsync($"/api/v2.1/tenants/{c.Id}"))
        {
            Check = static (c, body, _) => Task.FromResult(Problem(Records(body).Single().Str("id") == c.Id, $"wrong tenant: {body}")),
        },
        new("GET /api/v2.1/tenants (lists it)", Res.Tenant, Op.Read, Dialect.Nse, HttpStatusCode.OK, c => c.Api.GetAsync("/api/v2.1/tenants?limit=1000"))
        {
            Rule = static (m, p, t) => ListRule(m, p, t),
            Check = static (c, body, outcome) => Task.FromResult(NseListed(c, body, outcome)),
        },
        new("POST /api/v2.1/tenants", Res.Tenant, Op.Create, Dialect.Nse, HttpStatusCode.Created, c => c.Api.PostJsonAsync("/api/v2.1/tenants", new
        {
            code = "m_" + c.Unique, name = c.Unique, zuora_account_name = "Account", zuora_account_number = "A00000001", parent_id = c.Id,
        }))
        {
            Check = static (c, body, _) => Task.FromResult(Problem(Records(body).Single().Str("name") == c.Unique, $"wrong tenant: {body}")),
            Unchanged = NoChildNamedAsync,
        },
        new("PUT /api/v2.1/tenants/{id} (rename)", Res.Tenant, Op.Change, Dialect.Nse, HttpStatusCode.OK, async c =>
        {
            c.Before = await c.VersionAsync($"/api/2/tenants/{c.Id}");
            return await c.Api.PutJsonAsync($"/api/v2.1/tenants/{c.Id}", new { code = c.World.Codes[c.Target], name = Renamed(c) });
        })
        {
            Check = static (c, body, _) => Task.FromResult(Problem(Records(body).Single().Str("name") == Renamed(c), $"not renamed: {body}")),
            Unchanged = static c => c.VersionUnchangedAsync($"/api/2/tenants/{c.Id}"),
        },
        new("PUT /api/v2.1/tenants/{id} enabled=false, then true", Res.Tenant, Op.Disable, Dialect.Nse, HttpStatusCode.OK, async c =>
        {
            c.Before = await c.VersionAsync($"/api/2/tenants/{c.Id}");
            return await c.Api.PutJsonAsync($"/api/v2.1/tenants/{c.Id}", new { code = c.World.Codes[c.Target], enabled = false });
        })
        {
            AppliesTo = EnabledTarget,
            Check = static async (c, _, _) => await c.ObserveAsync($"/api/2/tenants/{c.Id}") is { } seen && !seen.Bool("enabled")
                ? await ReenableAsync(c, c.Api.PutJsonAsync($"/api/v2.1/tenants/{c.Id}", new { code = c.World.Codes[c.Target], enabled = true }))
                : "200, yet the tenant was not suspended",
            Unchanged = static c => c.VersionUnchangedAsync($"/api/2/tenants/{c.Id}"),
        },
        new("DELETE /api/v2.1/tenants/{id} (a child)", Res.Tenant, Op.Delete, Dialect.Nse, HttpStatusCode.NoContent,
            c => c.Api.DeleteAsync($"/api/v2.1/tenants/{c.Victim.Id}"))
        {
            Prepare = static (w, t) => VictimTenantAsync(w, t, disabled: false),
            Check = static async (c, _, _) => Problem(await c.ObserveAsync($"/api/2/tenants/{c.Victim.Id}", HttpStatusCode.NotFound) is not null, "204, yet still there"),
            Unchanged = static async c => Problem(await c.VersionAsync($"/api/2/tenants/{c.Victim.Id}") == c.Victim.Version, "refused, yet changed or gone"),
        },
    ];

    /// <summary>Unscoped lists: full if readable, "exists" behind a barrier, absent outside reach.</summary>
    public static Outcome ListRule(MatrixModel model, Principal principal, string target) =>
        model.Suspended(principal.Tenant) ? Outcome.Unauthorized
        : ReachRules.Listed(model, principal, target) switch
        {
            Visibility.Full => Outcome.Allowed,
            Visibility.Exists => Outcome.ExistsOnly,
            _ => Outcome.Absent,
        };

    /// <summary>A new name that still starts with the model's name.</summary>
    private static string Renamed(CaseContext c) => $"{c.Target} {c.Unique}";

    public static IEnumerable<JsonElement> Items(JsonElement body) => body.GetProperty("items").EnumerateArray();

    private static HashSet<string> Ids(JsonElement body) => [.. Items(body).Select(i => i.ValueKind == JsonValueKind.String ? i.GetString()! : i.Str("id"))];

    private static JsonElement.ArrayEnumerator Records(JsonElement body) => body.GetProperty("result").GetProperty("records").EnumerateArray();

    /// <summary>Every child in the model is listed: with its name if the principal may read it, at the stamps level if barred.</summary>
    private static string? ChildrenShown(CaseContext c, JsonElement body)
    {
        var items = Items(body).ToDictionary(i => i.Str("id"));
        var problems = MatrixModel.ChildrenOf(c.Target).Select(child =>
        {
            var full = ReachRules.Listed(c.World.Model, c.Principal, child) == Visibility.Full;
            return !items.TryGetValue(c.World.Ids[child], out var item) ? $"{child} not listed"
                : item.TryGetProperty("name", out _) != full ? $"{child} listed {(full ? "without" : "with")} details"
                : null;
        }).OfType<string>().ToList();
        return problems.Count == 0 ? null : string.Join("; ", problems);
    }

    private static string? NseListed(CaseContext c, JsonElement body, Outcome outcome)
    {
        var record = Records(body).FirstOrDefault(r => r.Str("id") == c.Id);
        var shown = record.ValueKind == JsonValueKind.Undefined ? Outcome.Absent
            : record.GetProperty("zuora_account_name").ValueKind == JsonValueKind.Null ? Outcome.ExistsOnly
            : Outcome.Allowed;
        return Problem(shown == outcome, $"listed as {shown}, expected {outcome}");
    }

    private static async Task<string?> NoChildNamedAsync(CaseContext c) =>
        await c.ObserveAsync($"/api/2/tenants?parent_id={c.Id}&limit=1000") is { } list
            ? Problem(Items(list).All(i => !i.TryGetProperty("name", out var n) || n.GetString() != c.Unique), "refused, yet created")
            : "the observer cannot list the children";

    /// <summary>The same principal re-enables what it disabled; if it cannot, the observer does, so later cases see the tree as built.</summary>
    private static async Task<string?> ReenableAsync(CaseContext c, Task<HttpResponseMessage> reenable)
    {
        using var response = await reenable;
        if (response.IsSuccessStatusCode && await c.ObserveAsync($"/api/2/tenants/{c.Id}") is { } seen && seen.Bool("enabled"))
        {
            return null;
        }

        await c.Observer.SetEnabledAsync(c.Id, true);
        return $"disabled, but re-enabling answered {(int)response.StatusCode}";
    }

    private static async Task<Victim> VictimTenantAsync(MatrixWorld world, string target, bool disabled)
    {
        var keeper = world.KeeperOf(target);
        var created = await keeper.CreateTenantAsync(world.Ids[target], world.ChildKind(target));
        var tenant = disabled ? await keeper.SetEnabledAsync(created.Str("id"), false) : created;
        var node = new Node("victim " + tenant.Str("id"), world.ChildKind(target), target, Enabled: !disabled);
        world.Model.Add(node);
        return new Victim(tenant.Str("id"), tenant.Long("version"), Node: node.Name);
    }
}
