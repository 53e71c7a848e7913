using System.Net.Http.Headers;
using System.Text;
using Tenancy.Server.Storage;

namespace Tenancy.Tests.Vendor;

/// <summary>
/// The request sequences of the vendor's example scripts authorization/create_api_client.py,
/// authorization/issue_access_token.py, authorization/issue_access_customer_scoped_token_for_bc.py and
/// users/ipmpersonate_user_call_me.py, step by step: the same paths, headers, bodies, and the fields the
/// scripts read from the answers.
/// </summary>
public abstract class AuthorizationScriptTests(StorageProvider provider) : ServerTests(provider)
{
    private const string UserAgent = "ACP 3.0/Acronis Cyber Platform Python Examples";

    /// <summary>A partner with an admin user who has a password: the person who runs the scripts.</summary>
    private async Task<(Api Root, string PartnerId, string Login)> PartnerAdminAsync()
    {
        var root = await Server.RootAsync();
        var partner = await root.CreateTenantAsync(await root.OwnTenantIdAsync(), "partner");
        var user = await root.CreateUserAsync(partner.Str("id"));
        await root.SetPasswordAsync(user.Str("id"), People.Password).ExpectAsync(HttpStatusCode.NoContent);
        return (root, partner.Str("id"), user.Str("login"));
    }

    private HttpClient Requests()
    {
        var http = Server.Anonymous();
        http.DefaultRequestHeaders.UserAgent.ParseAdd(UserAgent);
        return http;
    }

    private static AuthenticationHeaderValue Basic(string user, string password) =>
        new("Basic", Convert.ToBase64String(Encoding.UTF8.GetBytes($"{user}:{password}")));

    private static HttpRequestMessage Send(HttpMethod method, string path, AuthenticationHeaderValue auth, HttpContent? content = null)
    {
        var request = new HttpRequestMessage(method, path) { Content = content };
        request.Headers.Authorization = auth;
        return request;
    }

    /// <summary>create_api_client.py: GET /api/2/users/me and POST /api/2/clients with the user's login and password.</summary>
    private async Task<JsonElement> CreateApiClientAsync(string login)
    {
        using var http = Requests();
        using var meRequest = Send(HttpMethod.Get, "/api/2/users/me", Basic(login, People.Password));
        var me = await http.SendAsync(meRequest, TestContext.Current.CancellationToken).ExpectAsync(HttpStatusCode.OK);
        var myTenantId = me.Str("tenant_id");
        var body = $$$"""{"type": "api_client", "tenant_id": "{{{myTenantId}}}", "token_endpoint_auth_method": "client_secret_basic", "data": {"client_name": "Python.Client"}}""";
        using var create = Send(HttpMethod.Post, "/api/2/clients", Basic(login, People.Password), new StringContent(body, Encoding.UTF8, "application/json"));
        var client = await http.SendAsync(create, TestContext.Current.CancellationToken).ExpectAsync(HttpStatusCode.Created);
        Assert.Equal(myTenantId, client.Str("tenant_id"));
        return client; // api_client.json
    }

    /// <summary>issue_access_token.py: client_credentials with the client's id and secret in Basic.</summary>
    private async Task<string> IssueAccessTokenAsync(JsonElement apiClient)
    {
        using var http = Requests();
        using var request = Send(HttpMethod.Post, "/api/2/idp/token", Basic(apiClient.Str("client_id"), apiClient.Str("client_secret")),
            new FormUrlEncodedContent(new Dictionary<string, string> { ["grant_type"] = "client_credentials" }));
        var token = await http.SendAsync(request, TestContext.Current.CancellationToken).ExpectAsync(HttpStatusCode.OK);
        Spec.AssertValid("token", token);
        return token.Str("access_token"); // api_token.json -> cfg.access_token
    }

    [Fact]
    public async Task CreateApiClient_ThenIssueAccessToken_WithAUsersLoginAndPassword()
    {
        var (root, partnerId, login) = await PartnerAdminAsync();

        var apiClient = await CreateApiClientAsync(login);
        var accessToken = await IssueAccessTokenAsync(apiClient);

        Assert.Equal("Python.Client", (await root.GetAsync($"/api/2/clients/{apiClient.Str("client_id")}").ExpectAsync(HttpStatusCode.OK))
            .GetProperty("data").Str("client_name"));
        using var api = Server.WithBearer(accessToken);
        var tenant = await api.GetAsync($"/api/2/tenants/{partnerId}", TestContext.Current.CancellationToken).ExpectAsync(HttpStatusCode.OK);
        Assert.Equal(partnerId, tenant.Str("id"));
    }

    [Fact]
    public async Task IssueCustomerScopedToken_ForTheCustomerOfCustomerJson()
    {
        var (_, partnerId, login) = await PartnerAdminAsync();
        var accessToken = await IssueAccessTokenAsync(await CreateApiClientAsync(login));
        using var api = Server.WithBearer(accessToken);
        var customer = await api.PostAsync("/api/2/tenants", Api.Json(new { name = "Customer of the scripts", kind = "customer", parent_id = partnerId }),
            TestContext.Current.CancellationToken).ExpectAsync(HttpStatusCode.Created); // customer.json

        using var http = Requests();
        using var request = Send(HttpMethod.Post, "/api/2/idp/token", new AuthenticationHeaderValue("Bearer", accessToken),
            new FormUrlEncodedContent(new Dictionary<string, string>
            {
                ["grant_type"] = "urn:ietf:params:oauth:grant-type:jwt-bearer",
                ["assertion"] = accessToken,
                ["scope"] = $"urn:acronis.com:tenant-id:{customer.Str("id")}",
            }));
        var scoped = await http.SendAsync(request, TestContext.Current.CancellationToken).ExpectAsync(HttpStatusCode.OK);

        Spec.AssertValid("token", scoped); // api_customer_scoped_token.json
        using var customerApi = Server.WithBearer(scoped.Str("access_token"));
        await customerApi.GetAsync($"/api/2/tenants/{customer.Str("id")}", TestContext.Current.CancellationToken).ExpectAsync(HttpStatusCode.OK);
        await customerApi.GetAsync($"/api/2/tenants/{partnerId}", TestContext.Current.CancellationToken).ExpectErrorAsync(HttpStatusCode.Forbidden, 1002);
    }

    [Fact]
    public async Task ImpersonateUser_CallMe_ThenLogout()
    {
        var (_, partnerId, login) = await PartnerAdminAsync();
        var accessToken = await IssueAccessTokenAsync(await CreateApiClientAsync(login));
        using var api = new Api(Server, Server.WithBearer(accessToken), "", "");
        var customer = await api.CreateTenantAsync(partnerId, "customer");
        var user = await api.CreateUserAsync(customer.Str("id")); // user.json
        var bearer = new AuthenticationHeaderValue("Bearer", accessToken);

        using var http = Requests();
        using var ottRequest = Send(HttpMethod.Post, "/api/2/idp/ott", bearer,
            new StringContent($$"""{"purpose": "user_login", "login": "{{user.Str("login")}}"}""", Encoding.UTF8, "application/json"));
        using var ott = await http.SendAsync(ottRequest, TestContext.Current.CancellationToken);
        Assert.Equal(HttpStatusCode.OK, ott.StatusCode);
        var ottText = await ott.Content.ReadAsStringAsync(TestContext.Current.CancellationToken);

        // requests.Session(): one client that keeps the cookies; the login sends the OTT answer as it came.
        using var session = Requests();
        using var loginRequest = Send(HttpMethod.Post, "/api/2/idp/ott/login", bearer, new StringContent(ottText, Encoding.UTF8, "application/json"));
        await session.SendAsync(loginRequest, TestContext.Current.CancellationToken).ExpectAsync(HttpStatusCode.OK);
        var me = await session.GetAsync("/api/2/users/me", TestContext.Current.CancellationToken).ExpectAsync(HttpStatusCode.OK);
        using var logout = await session.GetAsync("/api/2/idp/logout", TestContext.Current.CancellationToken);

        Assert.Equal(user.Str("id"), me.Str("id"));
        Assert.Equal(user.Str("login"), me.Str("login"));
        Assert.True(logout.IsSuccessStatusCode);
        await session.GetAsync("/api/2/users/me", TestContext.Current.CancellationToken).ExpectErrorAsync(HttpStatusCode.Unauthorized, 401);
    }
}

public sealed class AuthorizationScriptTestsSqlite() : AuthorizationScriptTests(StorageProvider.Sqlite);

public sealed class AuthorizationScriptTestsPostgres() : AuthorizationScriptTests(StorageProvider.Postgres);
