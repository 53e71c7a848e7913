using System.Text;

namespace Tenancy.Tests.Infrastructure;

/// <summary>An authenticated API client of a test, with helpers that build data through the API itself.</summary>
public sealed class Api(TenancyServer server, HttpClient http, string clientId, string secret) : IDisposable
{
    public HttpClient Http { get; } = http;

    public TenancyServer Server { get; } = server;

    public string ClientId { get; } = clientId;

    public string Secret { get; } = secret;

    public Task<HttpResponseMessage> GetAsync(string path) => Http.GetAsync(path);

    public Task<HttpResponseMessage> DeleteAsync(string path) => Http.DeleteAsync(path);

    public Task<HttpResponseMessage> PostJsonAsync(string path, object body) => Http.PostAsync(path, Json(body));

    public Task<HttpResponseMessage> PutJsonAsync(string path, object body) => Http.PutAsync(path, Json(body));

    public static StringContent Json(object body) =>
        new(body as string ?? JsonSerializer.Serialize(body), Encoding.UTF8, "application/json");

    /// <summary>Creates a tenant through POST /api/2/tenants and returns its JSON.</summary>
    public async Task<JsonElement> CreateTenantAsync(string parentId, string kind, string? name = null)
    {
        using var response = await PostJsonAsync("/api/2/tenants", new { name = name ?? $"{kind}-{Guid.NewGuid():N}", kind, parent_id = parentId });
        return await Http.ExpectAsync(response, HttpStatusCode.Created);
    }

    public async Task<JsonElement> GetTenantAsync(string id)
    {
        using var response = await GetAsync($"/api/2/tenants/{id}");
        return await Http.ExpectAsync(response, HttpStatusCode.OK);
    }

    /// <summary>Creates an API client in a tenant and logs in with it.</summary>
    public async Task<Api> CreateClientAndLoginAsync(string tenantId)
    {
        using var response = await PostJsonAsync("/api/2/clients", new
        {
            type = "api_client",
            tenant_id = tenantId,
            token_endpoint_auth_method = "client_secret_basic",
            data = new { client_name = "test" },
        });
        var body = await Http.ExpectAsync(response, HttpStatusCode.Created);
        return await Server.LoginAsync(body.GetProperty("client_id").GetString()!, body.GetProperty("client_secret").GetString()!);
    }

    /// <summary>The root tenant's id, read through the API (the bootstrap client's tenant).</summary>
    public async Task<string> OwnTenantIdAsync()
    {
        using var response = await GetAsync($"/api/2/clients/{ClientId}");
        var body = await Http.ExpectAsync(response, HttpStatusCode.OK);
        return body.GetProperty("tenant_id").GetString()!;
    }

    public void Dispose() => Http.Dispose();
}

public static class HttpAssertions
{
    /// <summary>Asserts the status and returns the parsed JSON body (or default for an empty body).</summary>
    public static async Task<JsonElement> ExpectAsync(this HttpClient _, HttpResponseMessage response, HttpStatusCode status)
    {
        var text = await response.Content.ReadAsStringAsync();
        Assert.True(response.StatusCode == status,
            $"expected {(int)status} but got {(int)response.StatusCode} from {response.RequestMessage?.Method} {response.RequestMessage?.RequestUri}: {text}");
        return text.Length == 0 ? default : JsonDocument.Parse(text).RootElement.Clone();
    }

    public static async Task<JsonElement> ExpectAsync(this Task<HttpResponseMessage> responseTask, HttpStatusCode status)
    {
        using var response = await responseTask;
        return await ExpectAsync(null!, response, status);
    }

    /// <summary>Asserts an /api/2 error envelope with the given HTTP status and error code.</summary>
    public static async Task<JsonElement> ExpectErrorAsync(this Task<HttpResponseMessage> responseTask, HttpStatusCode status, int code)
    {
        var body = await responseTask.ExpectAsync(status);
        var error = body.GetProperty("error");
        Assert.Equal(code, error.GetProperty("code").GetInt32());
        Assert.False(string.IsNullOrWhiteSpace(error.GetProperty("message").GetString()));
        Assert.Equal(JsonValueKind.Object, error.GetProperty("details").ValueKind);
        Assert.Equal(JsonValueKind.Object, error.GetProperty("context").ValueKind);
        Spec.AssertValid("errorScheme", body);
        return error;
    }

    public static string Str(this JsonElement e, string name) => e.GetProperty(name).GetString()!;

    public static long Long(this JsonElement e, string name) => e.GetProperty(name).GetInt64();

    public static bool Bool(this JsonElement e, string name) => e.GetProperty(name).GetBoolean();
}
