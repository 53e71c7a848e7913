using Tenancy.Tests.Users;

namespace Tenancy.Tests.Vendor;

/// <summary>
/// The role-assignment steps of the vendor's example scripts users/create_user_for_partner_activate_assign_admin_role.py
/// and users/create_user_for_customer_activate_assign_backup_user_role.py, request by request: check the login,
/// create the user (no role field), assign the role with PUT access_policies. Their middle step, POST
/// /users/{id}/send-activation-email, is not part of these tests: here the user gets its password through
/// POST /users/{id}/password before logging in.
/// </summary>
public abstract class UserScriptTests(ServerFixture fixture)
{
    private readonly TenancyServer _server = fixture.Server;

    [Fact]
    public async Task PartnerScript_CreatesAUser_AndAssignsPartnerAdmin_WhoThenManagesThePartner()
    {
        var (root, tree) = await _server.RootWithSubtreeAsync();
        var (user, login) = await CreateAsScriptDoesAsync(root, tree.PartnerId);

        var assigned = await AssignAsScriptDoesAsync(root, user.Str("id"), tree.PartnerId, "partner_admin");

        Assert.Equal([(tree.PartnerId, "partner_admin")], Grants.Pairs(assigned));
        var item = assigned.GetProperty("items")[0];
        Assert.Equal((user.Str("id"), "user", 1L), (item.Str("trustee_id"), item.Str("trustee_type"), item.Long("version")));
        Assert.Equal("admin", (await root.GetAsync($"/api/2/users/{user.Str("id")}").ExpectAsync(HttpStatusCode.OK)).Str("role"));
        using var session = await LogInAsync(root, user, login);
        var customer = await session.CreateTenantAsync(tree.PartnerId, "customer");
        Assert.Equal(tree.PartnerId, customer.Str("parent_id"));
    }

    [Fact]
    public async Task CustomerScript_CreatesAUser_AndAssignsBackupUser_WhoManagesNothing()
    {
        var (root, tree) = await _server.RootWithSubtreeAsync();
        var (user, login) = await CreateAsScriptDoesAsync(root, tree.CustomerId);

        var assigned = await AssignAsScriptDoesAsync(root, user.Str("id"), tree.CustomerId, "backup_user");

        Assert.Equal([(tree.CustomerId, "backup_user")], Grants.Pairs(assigned));
        Assert.Equal("none", (await root.GetAsync($"/api/2/users/{user.Str("id")}").ExpectAsync(HttpStatusCode.OK)).Str("role"));
        using var session = await LogInAsync(root, user, login);
        Assert.Equal(login, (await session.GetAsync("/api/2/users/me").ExpectAsync(HttpStatusCode.OK)).Str("login"));
        await session.GetAsync($"/api/2/tenants/{tree.CustomerId}").ExpectErrorAsync(HttpStatusCode.Forbidden, 1002);
        await session.PostUserAsync(tree.CustomerId, People.NewLogin()).ExpectErrorAsync(HttpStatusCode.Forbidden, 1002);
    }

    /// <summary>GET check_login (204: free), then POST /api/2/users with tenant_id, login and contact only.</summary>
    private static async Task<(JsonElement User, string Login)> CreateAsScriptDoesAsync(Api api, string tenantId)
    {
        var login = $"script{Guid.NewGuid():N}"[..20];
        using var free = await api.GetAsync($"/api/2/users/check_login?username={login}");
        Assert.Equal(HttpStatusCode.NoContent, free.StatusCode);
        var user = await api.PostJsonAsync("/api/2/users", new
        {
            tenant_id = tenantId, login,
            contact = new { email = $"{login}@example.test", firstname = $"First {login}", lastname = $"Last {login}" },
        }).ExpectAsync(HttpStatusCode.OK);
        Assert.Equal(login, user.Str("login"));
        return (user, login);
    }

    /// <summary>PUT /api/2/users/{id}/access_policies with the script's single item (zero ids, version 0); the script only checks response.ok.</summary>
    private static async Task<JsonElement> AssignAsScriptDoesAsync(Api api, string userId, string tenantId, string role)
    {
        using var response = await api.PutGrantsAsync(userId, (tenantId, role));
        Assert.True(response.IsSuccessStatusCode, await response.Content.ReadAsStringAsync());
        var body = JsonDocument.Parse(await response.Content.ReadAsStringAsync()).RootElement.Clone();
        Grants.AssertShape(body);
        return body;
    }

    private static async Task<Api> LogInAsync(Api admin, JsonElement user, string login)
    {
        await admin.SetPasswordAsync(user.Str("id"), People.Password).ExpectAsync(HttpStatusCode.NoContent);
        return await admin.Server.LoginUserAsync(login);
    }
}

public sealed class UserScriptTestsSqlite(Providers.SqliteServer fixture) : UserScriptTests(fixture), IClassFixture<Providers.SqliteServer>;

public sealed class UserScriptTestsPostgres(Providers.PostgresServer fixture) : UserScriptTests(fixture), IClassFixture<Providers.PostgresServer>;
