using Tenancy.Tests.Users;
using static Tenancy.Tests.Access.CaseContext;

namespace Tenancy.Tests.Access;

/// <summary>The API client and user rows of the matrix (/api/2), and a principal reading itself.</summary>
public static class ClientAndUserCases
{
    public static IEnumerable<MatrixCase> All() =>
    [
        new("GET /api/2/clients/{id}", Res.Client, Op.Read, Dialect.Acronis, HttpStatusCode.OK, c => c.Api.GetAsync($"/api/2/clients/{c.World.Clients[c.Target]}"))
        {
            Check = static (c, body, _) => Task.FromResult(Problem(body.Str("client_id") == c.World.Clients[c.Target] && body.Str("tenant_id") == c.Id, $"wrong client: {body}")),
        },
        new("GET /api/2/clients?tenant_id=", Res.Client, Op.List, Dialect.Acronis, HttpStatusCode.OK, c => c.Api.GetAsync($"/api/2/clients?tenant_id={c.Id}"))
        {
            Check = static (c, body, _) => Task.FromResult(Problem(
                TenantCases.Items(body).Any(i => i.Str("client_id") == c.World.Clients[c.Target]), $"its client is not listed: {body}")),
        },
        new("POST /api/2/clients (an admin client)", Res.Client, Op.Create, Dialect.Acronis, HttpStatusCode.Created, c => c.Api.PostJsonAsync("/api/2/clients", new
        {
            type = "api_client", tenant_id = c.Id, token_endpoint_auth_method = "client_secret_basic", data = new { client_name = c.Unique },
        }))
        {
            // Nobody grants more than it holds: an admin client allows everything.
            Rule = static (m, p, t) => ReachRules.Expect(m, p, t, Res.Client, Op.Create, Dialect.Acronis) is var outcome
                && outcome == Outcome.Allowed && !ReachRules.HoldsAllOver(m, p, t) ? Outcome.Forbidden : outcome,
            Check = static (c, body, _) => Task.FromResult(Problem(body.Str("tenant_id") == c.Id && body.Str("client_secret").Length > 0, $"wrong client: {body}")),
            Unchanged = static async c => await c.ObserveAsync($"/api/2/clients?tenant_id={c.Id}") is { } list
                ? Problem(TenantCases.Items(list).All(i => !(i.GetProperty("data").TryGetProperty("client_name", out var n) && n.GetString() == c.Unique)), "refused, yet created")
                : "the observer cannot list the clients",
        },
        new("PUT /api/2/clients/{id} (data)", Res.Client, Op.Change, Dialect.Acronis, HttpStatusCode.OK,
            c => c.Api.PutJsonAsync($"/api/2/clients/{c.World.Clients[c.Target]}", new { data = new { client_name = c.Unique } }))
        {
            Check = static (c, body, _) => Task.FromResult(Problem(body.GetProperty("data").Str("client_name") == c.Unique, $"not changed: {body}")),
            Unchanged = static async c => Problem(
                await c.ObserveAsync($"/api/2/clients/{c.World.Clients[c.Target]}") is { } seen && seen.GetProperty("data").TryGetProperty("client_name", out var n) && n.GetString() != c.Unique,
                "refused, yet changed"),
        },
        new("PUT /api/2/clients/{id} status=disabled, then enabled", Res.Client, Op.Disable, Dialect.Acronis, HttpStatusCode.OK,
            c => c.Api.PutJsonAsync($"/api/2/clients/{c.Victim.Id}", new { status = "disabled" }))
        {
            Prepare = VictimClientAsync,
            Check = static async (c, body, _) =>
            {
                if (body.Str("status") != "disabled")
                {
                    return $"not disabled: {body}";
                }

                var again = await c.Api.PutJsonAsync($"/api/2/clients/{c.Victim.Id}", new { status = "enabled" }).ExpectAsync(HttpStatusCode.OK);
                return Problem(again.Str("status") == "enabled", $"not re-enabled: {again}");
            },
            Unchanged = static async c => Problem(await c.ObserveAsync($"/api/2/clients/{c.Victim.Id}") is { } seen && seen.Str("status") == "enabled", "refused, yet changed"),
        },
        new("DELETE /api/2/clients/{id}", Res.Client, Op.Delete, Dialect.Acronis, HttpStatusCode.NoContent, c => c.Api.DeleteAsync($"/api/2/clients/{c.Victim.Id}"))
        {
            Prepare = VictimClientAsync,
            Check = static async (c, _, _) => Problem(await c.ObserveAsync($"/api/2/clients/{c.Victim.Id}", HttpStatusCode.NotFound) is not null, "204, yet still there"),
            Unchanged = static async c => Problem(await c.ObserveAsync($"/api/2/clients/{c.Victim.Id}") is not null, "refused, yet gone"),
        },
        new("POST /api/2/clients/{id}/secret", Res.Client, Op.Credential, Dialect.Acronis, HttpStatusCode.OK, c => c.Api.PostJsonAsync($"/api/2/clients/{c.Victim.Id}/secret", "{}"))
        {
            Prepare = VictimClientAsync,
            Check = static (c, body, _) => Task.FromResult(Problem(
                body.Str("client_id") == c.Victim.Id && body.Str("client_secret") != c.Victim.Secret, $"no new secret: {body}")),
            Unchanged = static async c =>
            {
                // A client of a suspended tenant gets no token with any secret: nothing to tell from outside.
                if (c.World.Model.Suspended(c.Target))
                {
                    return null;
                }

                using var token = await c.World.Root.Server.RequestTokenAsync(c.Victim.Id, c.Victim.Secret!);
                return Problem(token.IsSuccessStatusCode, $"refused, yet the old secret stopped working ({(int)token.StatusCode})");
            },
        },
        new("GET /api/2/users/{id}", Res.User, Op.Read, Dialect.Acronis, HttpStatusCode.OK, c => c.Api.GetAsync($"/api/2/users/{c.World.Users[c.Target]}"))
        {
            Check = static (c, body, _) => Task.FromResult(Problem(body.Str("id") == c.World.Users[c.Target] && body.Str("tenant_id") == c.Id, $"wrong user: {body}")),
        },
        new("GET /api/2/tenants/{id}/users", Res.User, Op.List, Dialect.Acronis, HttpStatusCode.OK, c => c.Api.GetAsync($"/api/2/tenants/{c.Id}/users"))
        {
            Check = static (c, body, _) => Task.FromResult(Problem(
                TenantCases.Items(body).Any(i => i.GetString() == c.World.Users[c.Target]), $"its user is not listed: {body}")),
        },
        new("POST /api/2/users", Res.User, Op.Create, Dialect.Acronis, HttpStatusCode.OK, c => c.Api.PostUserAsync(c.Id, Login(c)))
        {
            Check = static (c, body, _) => Task.FromResult(Problem(body.Str("tenant_id") == c.Id && body.Str("login") == Login(c), $"wrong user: {body}")),
            Unchanged = static async c =>
            {
                using var check = await c.World.Root.GetAsync($"/api/2/users/check_login?username={Uri.EscapeDataString(Login(c))}");
                return Problem(check.StatusCode == HttpStatusCode.NoContent, "refused, yet the login was taken");
            },
        },
        new("PUT /api/2/users/{id} (external_id)", Res.User, Op.Change, Dialect.Acronis, HttpStatusCode.OK, async c =>
            await c.Api.PutJsonAsync($"/api/2/users/{c.World.Users[c.Target]}",
                new { external_id = c.Unique, version = c.Before = await c.VersionAsync($"/api/2/users/{c.World.Users[c.Target]}") }))
        {
            Check = static (c, body, _) => Task.FromResult(Problem(body.Str("external_id") == c.Unique, $"not changed: {body}")),
            Unchanged = static c => c.VersionUnchangedAsync($"/api/2/users/{c.World.Users[c.Target]}"),
        },
        new("PUT /api/2/users/{id} enabled=false, then true", Res.User, Op.Disable, Dialect.Acronis, HttpStatusCode.OK,
            c => c.Api.PutJsonAsync($"/api/2/users/{c.Victim.Id}", new { enabled = false, version = c.Before = c.Victim.Version }))
        {
            Prepare = static (w, t) => VictimUserAsync(w, t, disabled: false),
            Check = static async (c, body, _) =>
            {
                if (body.Bool("enabled"))
                {
                    return $"not disabled: {body}";
                }

                var again = await c.Api.PutJsonAsync($"/api/2/users/{c.Victim.Id}", new { enabled = true, version = body.Long("version") }).ExpectAsync(HttpStatusCode.OK);
                return Problem(again.Bool("enabled"), $"not re-enabled: {again}");
            },
            Unchanged = static c => c.VersionUnchangedAsync($"/api/2/users/{c.Victim.Id}"),
        },
        new("DELETE /api/2/users/{id} (disabled)", Res.User, Op.Delete, Dialect.Acronis, HttpStatusCode.NoContent,
            c => c.Api.DeleteAsync($"/api/2/users/{c.Victim.Id}?version={c.Before = c.Victim.Version}"))
        {
            Prepare = static (w, t) => VictimUserAsync(w, t, disabled: true),
            Check = static async (c, _, _) => Problem(await c.ObserveAsync($"/api/2/users/{c.Victim.Id}", HttpStatusCode.NotFound) is not null, "204, yet still there"),
            Unchanged = static c => c.VersionUnchangedAsync($"/api/2/users/{c.Victim.Id}"),
        },
        new("POST /api/2/users/{id}/password", Res.User, Op.Credential, Dialect.Acronis, HttpStatusCode.NoContent,
            c => c.Api.SetPasswordAsync(c.Victim.Id, People.Password + c.Unique))
        {
            Prepare = static (w, t) => VictimUserAsync(w, t, disabled: false),
            Unchanged = static c => { c.Before = c.Victim.Version; return c.VersionUnchangedAsync($"/api/2/users/{c.Victim.Id}"); },
        },
        new("POST /api/2/users/{id}/send-activation-email", Res.User, Op.Credential, Dialect.Acronis, HttpStatusCode.NoContent,
            c => c.Api.Http.PostAsync($"/api/2/users/{c.Victim.Id}/send-activation-email", null))
        {
            Prepare = static (w, t) => VictimUserAsync(w, t, disabled: false),
            Check = static async (c, _, _) => Problem(
                await c.ObserveAsync($"/api/2/users/{c.Victim.Id}/activation-email") is { } seen && seen.Str("status") != "none", "204, yet nothing queued"),
            Unchanged = static async c => Problem(
                await c.ObserveAsync($"/api/2/users/{c.Victim.Id}/activation-email") is { } seen && seen.Str("status") == "none", "refused, yet queued"),
        },
        new("GET /api/2/users/{id}/activation-email", Res.User, Op.Read, Dialect.Acronis, HttpStatusCode.OK,
            c => c.Api.GetAsync($"/api/2/users/{c.World.Users[c.Target]}/activation-email"))
        {
            Check = static (c, body, _) => Task.FromResult(Problem(body.Str("user_id") == c.World.Users[c.Target], $"wrong user: {body}")),
        },
        new("GET /api/2/users/{id}/access_policies", Res.User, Op.Read, Dialect.Acronis, HttpStatusCode.OK,
            c => c.Api.GetAsync($"/api/2/users/{c.World.Users[c.Target]}/access_policies"))
        {
            Check = static (c, body, _) => Task.FromResult(Problem(
                Grants.Pairs(body).SequenceEqual([(c.Id, MatrixModel.AdminOf(c.World.Model[c.Target].Kind))]), $"wrong roles: {body}")),
        },
        new("PUT /api/2/users/{id}/access_policies (readonly_admin on its tenant)", Res.User, Op.Grant, Dialect.Acronis, HttpStatusCode.OK,
            c => c.Api.PutGrantsAsync(c.Victim.Id, (c.Id, "readonly_admin")))
        {
            Prepare = static (w, t) => VictimUserAsync(w, t, disabled: false),
            Check = static (c, body, _) => Task.FromResult(Problem(Grants.Pairs(body).SequenceEqual([(c.Id, "readonly_admin")]), $"not replaced: {body}")),
            Unchanged = static c => { c.Before = c.Victim.Version; return c.VersionUnchangedAsync($"/api/2/users/{c.Victim.Id}"); },
        },
        new("POST /api/2/idp/ott (impersonate its user)", Res.User, Op.Impersonate, Dialect.Acronis, HttpStatusCode.OK,
            c => c.Api.PostJsonAsync("/api/2/idp/ott", new { purpose = "user_login", user_id = c.World.Users[c.Target] }))
        {
            Rule = ImpersonateRule,
            Check = static (_, body, _) => Task.FromResult(Problem(body.Str("ott").Length > 0, $"no one-time token: {body}")),
        },
        new("GET own client or user (users/me)", Res.Client, Op.Read, Dialect.Acronis, HttpStatusCode.OK,
            c => c.Api.GetAsync(c.Principal.IsUser ? "/api/2/users/me" : $"/api/2/clients/{c.World.SelfIds[c.Principal.Name]}"))
        {
            AppliesTo = static (_, p, t) => t == p.Tenant,
            // A user reads itself whatever it holds (a backup_user manages nothing else).
            Rule = static (m, p, t) => p.IsUser && !m.Suspended(p.Tenant) ? Outcome.Allowed : ReachRules.Expect(m, p, t, Res.Client, Op.Read, Dialect.Acronis),
            Check = static (c, body, _) => Task.FromResult(Problem(
                body.Str(c.Principal.IsUser ? "id" : "client_id") == c.World.SelfIds[c.Principal.Name], $"not itself: {body}")),
        },
    ];

    /// <summary>
    /// Impersonation is a write on the user; besides, a session that impersonates cannot impersonate, and a
    /// user who cannot log in now (its tenant suspended) cannot be impersonated.
    /// </summary>
    public static Outcome ImpersonateRule(MatrixModel model, Principal principal, string target) =>
        ReachRules.Expect(model, principal, target, Res.User, Op.Impersonate, Dialect.Acronis) switch
        {
            Outcome.Allowed when principal.Impersonated || model.Suspended(target) => Outcome.Forbidden,
            var outcome => outcome,
        };

    private static string Login(CaseContext c) => $"m.{c.Unique}@example.test";

    private static async Task<Victim> VictimClientAsync(MatrixWorld world, string target)
    {
        var client = await world.KeeperOf(target).CreateClientAsync(world.Ids[target]);
        return new Victim(client.Str("client_id"), Secret: client.Str("client_secret"));
    }

    private static async Task<Victim> VictimUserAsync(MatrixWorld world, string target, bool disabled)
    {
        var keeper = world.KeeperOf(target);
        var user = await keeper.CreateUserAsync(world.Ids[target]);
        user = disabled ? await keeper.SetUserEnabledAsync(user.Str("id"), false) : user;
        return new Victim(user.Str("id"), user.Long("version"));
    }
}
