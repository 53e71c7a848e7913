using System.Net.Http.Headers;
using System.Text;
using Tenancy.Server.Storage;

namespace Tenancy.Tests.Usage;

/// <summary>A test class with its own server; helpers that build billing data through the API.</summary>
public abstract class BillingTest(StorageProvider provider) : ServerTests(provider)
{
    public static string NewCode() => "t_" + Guid.NewGuid().ToString("N")[..12];

    public static string NewNumber() => $"A-S{Random.Shared.NextInt64(10_000_000_000, 99_999_999_999)}";

    /// <summary>A partner under the root, and an API client logged in to it.</summary>
    protected async Task<(string Id, Api Api)> PartnerAsync()
    {
        var root = await Server.RootAsync();
        var partner = await root.CreateTenantAsync(await root.OwnTenantIdAsync(), "partner");
        var id = partner.Str("id");
        return (id, await root.CreateClientAndLoginAsync(id));
    }

    /// <summary>Creates a tenant through POST /api/v2.1/tenants and returns its record.</summary>
    protected static async Task<JsonElement> CreateNseAsync(Api api, string? parentId = null, string? code = null, string? name = null)
    {
        var body = new Dictionary<string, object?>
        {
            ["code"] = code ?? NewCode(),
            ["name"] = name ?? "Tenant " + Guid.NewGuid().ToString("N")[..6],
            ["zuora_account_name"] = "Account",
            ["zuora_account_number"] = "A00000001",
        };
        if (parentId is not null)
        {
            body["parent_id"] = parentId;
        }

        var reply = await api.PostJsonAsync("/api/v2.1/tenants", body).ExpectAsync(HttpStatusCode.Created);
        return reply.GetProperty("result").GetProperty("records")[0];
    }

    protected static async Task<string> SubscribeAsync(Api api, string tenantId, string? number = null)
    {
        number ??= NewNumber();
        await api.PostJsonAsync($"/api/2/tenants/{tenantId}/subscriptions", new { number }).ExpectAsync(HttpStatusCode.Created);
        return number;
    }

    protected static Task<JsonElement> CommitAsync(Api api, string number, string level, double committed) =>
        api.PostJsonAsync($"/api/2/subscriptions/{number}/commitments", new { service_level = level, committed })
            .ExpectAsync(HttpStatusCode.Created);

    protected static Task<JsonElement> PushAsync(Api api, params object[] items) =>
        api.PostJsonAsync("/api/2/usage", new { items }).ExpectAsync(HttpStatusCode.OK);

    protected static object Sample(string tenantId, string number, string level, double consumed, DateTimeOffset at) =>
        new { tenant_id = tenantId, subscription = number, service_level = level, consumed, timestamp = at.ToString("O") };

    /// <summary>The usage map of a tenant as /api/v2.1 shows it.</summary>
    protected static async Task<JsonElement> NseUsageAsync(Api api, string tenantId)
    {
        var reply = await api.GetAsync($"/api/v2.1/tenants/{tenantId}").ExpectAsync(HttpStatusCode.OK);
        return reply.GetProperty("result").GetProperty("records")[0].GetProperty("usage");
    }

    protected static JsonElement Line(JsonElement lines, string level) =>
        lines.EnumerateArray().Single(l => l.Str("service_level") == level);

    protected static double Num(JsonElement e, string name) => e.GetProperty(name).GetDouble();

    protected static string ReportUrl(string tenantId, DateTimeOffset from, DateTimeOffset to, string format = "json") =>
        $"/api/2/usage/tenants/{tenantId}/report?from={Uri.EscapeDataString(from.ToString("O"))}" +
        $"&to={Uri.EscapeDataString(to.ToString("O"))}&format={format}";

    /// <summary>A client that sends HTTP Basic with an API client's id and secret.</summary>
    protected HttpClient Basic(string clientId, string secret)
    {
        var http = Server.Anonymous();
        http.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue(
            "Basic", Convert.ToBase64String(Encoding.UTF8.GetBytes($"{clientId}:{secret}")));
        return http;
    }

    /// <summary>Asserts an /api/v2.1 error envelope: status.code is the HTTP status, result is empty.</summary>
    protected static async Task<JsonElement> ExpectNseErrorAsync(Task<HttpResponseMessage> response, HttpStatusCode status)
    {
        var body = await response.ExpectAsync(status);
        var s = body.GetProperty("status");
        Assert.Equal((int)status, s.GetProperty("code").GetInt32());
        Assert.False(string.IsNullOrWhiteSpace(s.Str("user_message")));
        Assert.False(string.IsNullOrWhiteSpace(s.Str("verbose_message")));
        Assert.Empty(body.GetProperty("result").EnumerateObject());
        return s;
    }
}
