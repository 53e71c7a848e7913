using System.Net.Http.Headers;
using Tenancy.Server.Storage;

namespace Tenancy.Tests.Auth;

/// <summary>
/// HTTP Basic with a user's login and password on /api/2, checked as the password grant checks them and
/// counted against the same per-login limit (here 4 per 10 minutes), while API clients keep Basic on the
/// token endpoint and /api/v2.1.
/// </summary>
public abstract class BasicUserAuthTests(StorageProvider provider) : ServerTests(provider)
{
    protected override IReadOnlyDictionary<string, string?> Settings => new Dictionary<string, string?>
    {
        ["Tenancy:RateLimits:Token:ClientPermits"] = "4",
        ["Tenancy:RateLimits:Token:AddressPermits"] = "100000",
        ["Tenancy:RateLimits:Token:Window"] = "00:10:00",
    };

    private static async Task<JsonElement> UserWithPasswordAsync(Api admin, string tenantId)
    {
        var user = await admin.CreateUserAsync(tenantId);
        await admin.SetPasswordAsync(user.Str("id"), People.Password).ExpectAsync(HttpStatusCode.NoContent);
        return user;
    }

    [Fact]
    public async Task AUsersLoginAndPassword_ReadUsersMe_AndCreateAnApiClient()
    {
        var (root, tree) = await Server.RootWithSubtreeAsync();
        // A partner's admin, as the vendor's create_api_client.py expects (a company admin makes viewer clients only).
        var user = await UserWithPasswordAsync(root, tree.PartnerId);
        using var basic = Server.WithBasic(user.Str("login"), People.Password);

        var me = await basic.GetAsync("/api/2/users/me", TestContext.Current.CancellationToken).ExpectAsync(HttpStatusCode.OK);
        var client = await basic.PostAsync("/api/2/clients", Api.Json(new
        {
            type = "api_client", tenant_id = me.Str("tenant_id"), token_endpoint_auth_method = "client_secret_basic",
            data = new { client_name = "Python.Client" },
        }), TestContext.Current.CancellationToken).ExpectAsync(HttpStatusCode.Created);

        Assert.Equal((user.Str("id"), tree.PartnerId), (me.Str("id"), me.Str("tenant_id")));
        Assert.Equal(tree.PartnerId, client.Str("tenant_id"));
        var made = (await root.GetAsync($"/api/2/audit?target_id={client.Str("client_id")}").ExpectAsync(HttpStatusCode.OK))
            .GetProperty("items").EnumerateArray().Single();
        Assert.Equal(("user", user.Str("id")), (made.GetProperty("actor").Str("type"), made.GetProperty("actor").Str("id")));
        // The new client's secret works with Basic on the token endpoint, as before.
        Assert.False(string.IsNullOrEmpty(await Server.TokenAsync(client.Str("client_id"), client.Str("client_secret"))));
        using var nse = Server.WithBasic(client.Str("client_id"), client.Str("client_secret"));
        await nse.GetAsync($"/api/v2.1/tenants/{tree.CustomerId}", TestContext.Current.CancellationToken).ExpectAsync(HttpStatusCode.OK);
    }

    [Fact]
    public async Task AWrongPassword_Is401_AndCountsTowardTheLoginsLimitSharedWithThePasswordGrant()
    {
        var (root, tree) = await Server.RootWithSubtreeAsync();
        var user = await UserWithPasswordAsync(root, tree.CustomerId);
        using var wrong = Server.WithBasic(user.Str("login"), "Wrong-Password-1");
        using var right = Server.WithBasic(user.Str("login"), People.Password);

        var refused = await wrong.GetAsync("/api/2/users/me", TestContext.Current.CancellationToken).ExpectErrorAsync(HttpStatusCode.Unauthorized, 401);
        Assert.Contains("username or password is wrong", refused.GetProperty("details").Str("info"), StringComparison.Ordinal);
        await wrong.PostAsync("/api/2/clients", Api.Json(new { type = "api_client", tenant_id = tree.CustomerId }), TestContext.Current.CancellationToken)
            .ExpectErrorAsync(HttpStatusCode.Unauthorized, 401);
        await Server.PasswordGrantAsync(user.Str("login"), "Wrong-Password-2").ExpectAsync(HttpStatusCode.Unauthorized);
        await right.GetAsync("/api/2/users/me", TestContext.Current.CancellationToken).ExpectAsync(HttpStatusCode.OK);

        // Four attempts in the window, whichever way they came: the fifth is refused, by either way, even with the right password.
        using var limited = await right.GetAsync("/api/2/users/me", TestContext.Current.CancellationToken);
        Assert.Equal(HttpStatusCode.TooManyRequests, limited.StatusCode);
        Assert.NotNull(limited.Headers.RetryAfter);
        await Server.PasswordGrantAsync(user.Str("login"), People.Password).ExpectAsync(HttpStatusCode.TooManyRequests);
        // Another login is not held back.
        var other = await UserWithPasswordAsync(root, tree.CustomerId);
        using var otherBasic = Server.WithBasic(other.Str("login"), People.Password);
        await otherBasic.GetAsync("/api/2/users/me", TestContext.Current.CancellationToken).ExpectAsync(HttpStatusCode.OK);
    }

    [Fact]
    public async Task ADisabledUser_OrOneInASuspendedTenant_IsRefusedInBasicAsInTheGrant()
    {
        var (root, tree) = await Server.RootWithSubtreeAsync();
        var user = await UserWithPasswordAsync(root, tree.CustomerId);
        using var basic = Server.WithBasic(user.Str("login"), People.Password);

        await root.SetEnabledAsync(tree.PartnerId, false);
        var suspended = await basic.GetAsync("/api/2/users/me", TestContext.Current.CancellationToken).ExpectErrorAsync(HttpStatusCode.Unauthorized, 401);
        Assert.Contains(tree.PartnerId, suspended.GetProperty("details").Str("info"), StringComparison.Ordinal);
        await root.SetEnabledAsync(tree.PartnerId, true);
        await root.SetUserEnabledAsync(user.Str("id"), false);
        await basic.GetAsync("/api/2/users/me", TestContext.Current.CancellationToken).ExpectErrorAsync(HttpStatusCode.Unauthorized, 401);
        Assert.Equal("Basic realm=\"tenancy\"", (await basic.GetAsync("/api/2/users/me", TestContext.Current.CancellationToken)).Headers.WwwAuthenticate.ToString());
    }

    [Fact]
    public async Task ClientBasic_OnTheTokenEndpoint_IsReadAsTheClients_NotAsAUsersLogin()
    {
        var root = await Server.RootAsync();
        var client = await root.CreateClientAsync(await root.OwnTenantIdAsync());
        using var http = Server.Anonymous();
        using var request = new HttpRequestMessage(HttpMethod.Post, "/api/2/idp/token")
        {
            Content = new FormUrlEncodedContent(new Dictionary<string, string> { ["grant_type"] = "client_credentials" }),
        };
        request.Headers.Authorization = new AuthenticationHeaderValue("Basic",
            Convert.ToBase64String(System.Text.Encoding.UTF8.GetBytes($"{client.Str("client_id")}:{client.Str("client_secret")}")));

        var token = await http.SendAsync(request, TestContext.Current.CancellationToken).ExpectAsync(HttpStatusCode.OK);

        Assert.Equal(client.Str("client_id"), People.Claims(token.Str("access_token")).Str("sub"));
    }
}

public sealed class BasicUserAuthTestsSqlite() : BasicUserAuthTests(StorageProvider.Sqlite);

public sealed class BasicUserAuthTestsPostgres() : BasicUserAuthTests(StorageProvider.Postgres);
