using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Http.Json;
using Microsoft.Extensions.Options;
using Tenancy.Server.Idempotency;

namespace Tenancy.Server.Users;

/// <summary>The /api/2 users head.</summary>
public static class UserEndpoints
{
    public static RouteGroupBuilder MapUsers(this IEndpointRouteBuilder app)
    {
        var group = app.MapGroup("/api/2/users").WithTags("Users").RequireAuthorization().SpeaksAcronis().WithETags();
        group.MapGet("/", List).WithSummary("List users by uuids, tenant_id (with external_ids) or subtree_root_tenant_id, within reach, with cursor paging");
        group.MapPost("/", Create).RequireAuthorization(Policies.Create).WithSummary("Create a user in a tenant (login unique installation-wide, contact.email required; role admin or viewer)");
        group.MapGet("/me", Me).WithSummary("The user of a user token (grant_type=password), with facts about its tenant");
        group.MapGet("/check_login", CheckLogin).WithSummary("Whether a login is free (204) or taken (409), compared without case");
        group.MapGet("/{userId}", Get).WithSummary("Fetch a user (with its access policies if ?with_access_policies=true)");
        group.MapPut("/{userId}", Update).RequireAuthorization(Policies.Change).WithSummary("Update a user (partial), quoting its current version; enabled=false ends its tokens");
        group.MapDelete("/{userId}", Delete).RequireAuthorization(Policies.Delete).WithSummary("Delete a disabled user, quoting its version (?version=N)");
        group.MapPost("/{userId}/password", SetPassword).RequireAuthorization(Policies.ResetCredential).KeepsAnswer(AnswerKept.Nothing).WithSummary("Set a user's password (policy: 12+ characters, not the login, two character classes); ends its tokens");
        group.MapGet("/{userId}/access_policies", AccessPolicies).WithSummary("The roles a user holds on tenants (its access policies)");
        group.MapPut("/{userId}/access_policies", ReplaceAccessPolicies).RequireAuthorization(Policies.Grant)
            .WithSummary("Replace a user's roles on tenants: each on its own tenant or below, within the caller's reach and no more than the caller holds there");
        app.MapGet("/api/2/tenants/{tenantId}/users", OfTenant).WithTags("Users").RequireAuthorization()
            .WithSummary("The ids of a tenant's own users");
        return group;
    }

    private static async Task<Results<Ok<UserJson>, JsonHttpResult<AcronisErrorBody>>> Create(
        UserCreateRequest body, Caller caller, UserService users, CancellationToken ct)
    {
        var result = await users.CreateAsync(caller, body.ToNewUser(), ct);
        return result.IsOk ? TypedResults.Ok(UserJson.From(result.Value)) : AcronisErrors.ToResult(result.Error);
    }

    public sealed record UserBatchJson(string Timestamp, IReadOnlyList<object> Items, TenantEndpoints.PagingJson Paging);

    private static async Task<Results<Ok<UserBatchJson>, JsonHttpResult<AcronisErrorBody>>> List(
        [AsParameters] UserListQuery q, Caller caller, UserListService lists, TimeProvider clock, IOptions<JsonOptions> json, CancellationToken ct)
    {
        var lod = q.Detail();
        var query = lod.IsOk ? q.Parse() : lod.Error;
        if (!query.IsOk)
        {
            return AcronisErrors.ToResult(query.Error);
        }

        var page = await lists.ListAsync(caller, query.Value, ct);
        return page.IsOk
            ? TypedResults.Ok(new UserBatchJson(
                Timestamps.Format(clock.NowMicros()),
                [.. page.Value.Items.Select(u => UserJson.From(u).AtLevel(lod.Value, json.Value.SerializerOptions))],
                new TenantEndpoints.PagingJson(new TenantEndpoints.CursorsJson(page.Value.After))))
            : AcronisErrors.ToResult(page.Error);
    }

    private static async Task<Results<Ok<UserJson>, JsonHttpResult<AcronisErrorBody>>> Get(
        string userId, [Microsoft.AspNetCore.Mvc.FromQuery(Name = "with_access_policies")] string? withAccessPolicies, Caller caller, UserService users,
        GrantStore grants, CancellationToken ct)
    {
        var result = await users.GetAsync(caller, userId, ct);
        if (!result.IsOk)
        {
            return AcronisErrors.ToResult(result.Error);
        }

        var withGrants = string.Equals(withAccessPolicies, "true", StringComparison.OrdinalIgnoreCase);
        return TypedResults.Ok(UserJson.From(result.Value, withGrants ? await grants.OfUserAsync(result.Value.Id, ct) : null));
    }

    private static async Task<Results<Ok<UserJson>, JsonHttpResult<AcronisErrorBody>>> Update(
        string userId, UserUpdateRequest body, Caller caller, UserService users, CancellationToken ct)
    {
        var result = await users.UpdateAsync(caller, userId, body.ToChanges(), body.Version!.Value, ct);
        return result.IsOk ? TypedResults.Ok(UserJson.From(result.Value)) : AcronisErrors.ToResult(result.Error);
    }

    private static async Task<Results<NoContent, JsonHttpResult<AcronisErrorBody>>> Delete(
        string userId, string? version, HttpContext http, Caller caller, UserService users, CancellationToken ct)
    {
        var v = VersionQuery.Required(http, version);
        if (!v.IsOk)
        {
            return AcronisErrors.ToResult(v.Error);
        }

        var result = await users.DeleteAsync(caller, userId, v.Value, ct);
        return result.IsOk ? TypedResults.NoContent() : AcronisErrors.ToResult(result.Error);
    }

    private static async Task<Results<NoContent, JsonHttpResult<AcronisErrorBody>>> SetPassword(
        string userId, PasswordRequest body, Caller caller, UserService users, CancellationToken ct)
    {
        var result = await users.SetPasswordAsync(caller, userId, body.Password!, ct);
        return result.IsOk ? TypedResults.NoContent() : AcronisErrors.ToResult(result.Error);
    }

    private static async Task<Results<NoContent, JsonHttpResult<AcronisErrorBody>>> CheckLogin(
        string? username, UserService users, CancellationToken ct)
    {
        var taken = await users.IsLoginTakenAsync(username, ct);
        return !taken.IsOk ? AcronisErrors.ToResult(taken.Error)
            : taken.Value ? AcronisErrors.ToResult(new Duplicate("login", $"The login '{username}' is already taken."))
            : TypedResults.NoContent();
    }

    private static async Task<Results<Ok<JsonObject>, JsonHttpResult<AcronisErrorBody>>> Me(
        Caller caller, UserService users, IOptions<JsonOptions> json, CancellationToken ct)
    {
        var result = await users.MeAsync(caller, ct);
        return result.IsOk
            ? TypedResults.Ok(UserJson.Me(result.Value.User, result.Value.Tenant, json.Value.SerializerOptions))
            : AcronisErrors.ToResult(result.Error);
    }

    private static async Task<Results<Ok<AccessPoliciesJson>, JsonHttpResult<AcronisErrorBody>>> AccessPolicies(
        string userId, Caller caller, GrantService grants, TimeProvider clock, CancellationToken ct)
    {
        var result = await grants.ListAsync(caller, userId, ct);
        return result.IsOk ? TypedResults.Ok(AccessPoliciesJson.From(result.Value, clock)) : AcronisErrors.ToResult(result.Error);
    }

    private static async Task<Results<Ok<AccessPoliciesJson>, JsonHttpResult<AcronisErrorBody>>> ReplaceAccessPolicies(
        string userId, AccessPoliciesRequest body, Caller caller, GrantService grants, TimeProvider clock, CancellationToken ct)
    {
        var wanted = body.For(userId);
        var result = wanted.IsOk ? await grants.ReplaceAsync(caller, userId, wanted.Value, ct) : wanted.Error;
        return result.IsOk ? TypedResults.Ok(AccessPoliciesJson.From(result.Value, clock)) : AcronisErrors.ToResult(result.Error);
    }

    private static async Task<Results<Ok<UuidListJson>, JsonHttpResult<AcronisErrorBody>>> OfTenant(
        string tenantId, Caller caller, UserService users, CancellationToken ct)
    {
        var result = await users.IdsOfTenantAsync(caller, tenantId, ct);
        return result.IsOk ? TypedResults.Ok(new UuidListJson(result.Value)) : AcronisErrors.ToResult(result.Error);
    }
}
