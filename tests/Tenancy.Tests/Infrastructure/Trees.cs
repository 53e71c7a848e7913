using System.Net.Http.Headers;

namespace Tenancy.Tests.Infrastructure;

/// <summary>A partner -> customer -> unit subtree of one test, with an API client logged in to the customer.</summary>
public sealed record Subtree(JsonElement Partner, JsonElement Customer, JsonElement Unit, Api CustomerAdmin)
{
    public string PartnerId => Partner.Str("id");

    public string CustomerId => Customer.Str("id");

    public string UnitId => Unit.Str("id");
}

/// <summary>Steps a test takes through the API to build and change its own part of the tree.</summary>
public static class Trees
{
    /// <summary>The root's API with a new partner -> customer -> unit subtree of the calling test.</summary>
    public static async Task<(Api Root, Subtree Tree)> RootWithSubtreeAsync(this TenancyServer server)
    {
        var root = await server.RootAsync();
        return (root, await root.BuildSubtreeAsync());
    }

    /// <summary>The root's API with a new customer (under a new partner) of the calling test.</summary>
    public static async Task<(Api Root, JsonElement Customer)> RootWithCustomerAsync(this TenancyServer server)
    {
        var root = await server.RootAsync();
        return (root, await root.CreateCustomerAsync());
    }

    /// <summary>Creates partner -> customer -> unit under <paramref name="parentId"/> (the root by default).</summary>
    public static async Task<Subtree> BuildSubtreeAsync(this Api admin, string? parentId = null)
    {
        var partner = await admin.CreateTenantAsync(parentId ?? await admin.OwnTenantIdAsync(), "partner");
        var customer = await admin.CreateTenantAsync(partner.Str("id"), "customer");
        var unit = await admin.CreateTenantAsync(customer.Str("id"), "unit");
        var customerAdmin = await admin.CreateClientAndLoginAsync(customer.Str("id"));
        return new Subtree(partner, customer, unit, customerAdmin);
    }

    /// <summary>Creates a customer under a new partner under the root; returns the customer's JSON.</summary>
    public static async Task<JsonElement> CreateCustomerAsync(this Api admin)
    {
        var partner = await admin.CreateTenantAsync(await admin.OwnTenantIdAsync(), "partner");
        return await admin.CreateTenantAsync(partner.Str("id"), "customer");
    }

    public static Task<HttpResponseMessage> PutTenantAsync(this Api api, string id, object body) =>
        api.PutJsonAsync($"/api/2/tenants/{id}", body);

    /// <summary>Reads the tenant's version and sets its own enabled flag, expecting 200; returns the new object.</summary>
    public static async Task<JsonElement> SetEnabledAsync(this Api api, string id, bool enabled)
    {
        var version = (await api.GetTenantAsync(id)).Long("version");
        return await api.PutTenantAsync(id, new { enabled, version }).ExpectAsync(HttpStatusCode.OK);
    }

    /// <summary>The walkthrough's termination: disable, then DELETE quoting the latest version.</summary>
    public static async Task TerminateAsync(this Api api, string id)
    {
        var disabled = await api.SetEnabledAsync(id, false);
        var body = await api.DeleteAsync($"/api/2/tenants/{id}?version={disabled.Long("version")}").ExpectAsync(HttpStatusCode.NoContent);
        Assert.Equal(JsonValueKind.Undefined, body.ValueKind);
    }

    /// <summary>Creates an API client in a tenant and returns the client_post result (with its secret).</summary>
    public static Task<JsonElement> CreateClientAsync(this Api api, string tenantId, string method = "client_secret_basic") =>
        api.PostJsonAsync("/api/2/clients", new
        {
            type = "api_client",
            tenant_id = tenantId,
            token_endpoint_auth_method = method,
            data = new { client_name = "test" },
        }).ExpectAsync(HttpStatusCode.Created);

    /// <summary>A raw client_credentials token request with HTTP Basic credentials.</summary>
    public static async Task<HttpResponseMessage> RequestTokenAsync(this TenancyServer server, string clientId, string secret, string grantType = "client_credentials")
    {
        using var http = server.Anonymous();
        using var request = new HttpRequestMessage(HttpMethod.Post, "/api/2/idp/token")
        {
            Content = new FormUrlEncodedContent(new Dictionary<string, string> { ["grant_type"] = grantType }),
        };
        request.Headers.Authorization = new AuthenticationHeaderValue(
            "Basic", Convert.ToBase64String(System.Text.Encoding.UTF8.GetBytes($"{clientId}:{secret}")));
        return await http.SendAsync(request);
    }

    /// <summary>An HTTP client that sends the given bearer token.</summary>
    public static HttpClient WithBearer(this TenancyServer server, string token)
    {
        var http = server.Anonymous();
        http.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", token);
        return http;
    }

    /// <summary>Asserts that the token endpoint refuses the client with 401 invalid_client.</summary>
    public static async Task ExpectInvalidClientAsync(this TenancyServer server, string clientId, string secret)
    {
        var body = await server.RequestTokenAsync(clientId, secret).ExpectAsync(HttpStatusCode.Unauthorized);
        Assert.Equal("invalid_client", body.Str("error"));
        Assert.False(string.IsNullOrWhiteSpace(body.Str("error_description")));
    }

    /// <summary>Asserts that a request with this client's token is refused with the 401 envelope.</summary>
    public static Task<JsonElement> ExpectLockedOutAsync(this Api api, string path) =>
        api.GetAsync(path).ExpectErrorAsync(HttpStatusCode.Unauthorized, 401);
}
