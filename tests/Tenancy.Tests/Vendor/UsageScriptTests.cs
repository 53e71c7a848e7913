using System.Net.Http.Headers;
using Tenancy.Server.Storage;
using static Tenancy.Tests.Catalog.SampleCatalog;

namespace Tenancy.Tests.Vendor;

/// <summary>
/// The vendor's example usage/get_tenant_usage.py, step by step: its configuration (common/base_operations.py,
/// Config(full=True)) reads api_client.json, the answer of POST /api/2/clients, for client_id,
/// client_secret and tenant_id; with no api_token.json it asks POST api/2/idp/token (form body
/// grant_type=client_credentials, HTTP Basic with the client's id and secret) and keeps the answer, reading
/// access_token and, on later runs, expires_on; then it sends GET api/2/tenants/{tenant_id}/usages with the
/// bearer token and its User-Agent, no query string, and writes the whole JSON answer to a file (or prints
/// the JSON error body when the answer is not ok).
/// </summary>
public abstract class UsageScriptTests(StorageProvider provider) : ServerTests(provider)
{
    private const string UserAgent = "ACP 1.0/Acronis Cyber Platform Python Examples";

    [Fact]
    public async Task GetTenantUsage_AsTheScriptSendsIt_AnswersTheUsagesOfTheClientsTenant()
    {
        // The partner of the script's API client, with the backup application on and usage below it.
        var root = await Server.RootAsync();
        var partner = (await root.CreateTenantAsync(await root.OwnTenantIdAsync(), "partner")).Str("id");
        var customer = (await root.CreateTenantAsync(partner, "customer")).Str("id");
        await root.Http.PostAsync(Binding(Backup, partner), null, TestContext.Current.CancellationToken).ExpectAsync(HttpStatusCode.NoContent);
        await root.PutJsonAsync("/api/2/tenants/usages", new
        {
            items = new object[]
            {
                new { tenant_id = partner, offering_item = "pg_base_workstations", usage_value = 3 },
                new { tenant_id = customer, offering_item = "pg_base_workstations", usage_value = 4 },
            },
        }).ExpectAsync(HttpStatusCode.OK);

        // api_client.json: the answer of POST /api/2/clients, as create_api_client.py saves it.
        var apiClient = await root.CreateClientAsync(partner);
        var (clientId, clientSecret, tenantId) = (apiClient.Str("client_id"), apiClient.Str("client_secret"), apiClient.Str("tenant_id"));

        // Config.__issue_token: POST {base_url}api/2/idp/token, form body, HTTP Basic; api_token.json keeps the answer.
        using var http = Server.Anonymous();
        using var tokenRequest = new HttpRequestMessage(HttpMethod.Post, "api/2/idp/token")
        {
            Content = new FormUrlEncodedContent(new Dictionary<string, string> { ["grant_type"] = "client_credentials" }),
        };
        tokenRequest.Headers.Authorization = new AuthenticationHeaderValue(
            "Basic", Convert.ToBase64String(System.Text.Encoding.UTF8.GetBytes($"{clientId}:{clientSecret}")));
        var apiToken = await http.SendAsync(tokenRequest, TestContext.Current.CancellationToken).ExpectAsync(HttpStatusCode.OK);
        var accessToken = apiToken.Str("access_token");
        Assert.True(apiToken.Long("expires_on") - DateTimeOffset.UtcNow.ToUnixTimeSeconds() >= 900, "the script re-issues tokens that expire within 900 s");

        // Acronis.get: GET {base_url}api/2/tenants/{tenant_id}/usages, bearer token, the script's User-Agent, no parameters.
        using var usageRequest = new HttpRequestMessage(HttpMethod.Get, $"api/2/tenants/{tenantId}/usages");
        usageRequest.Headers.Authorization = new AuthenticationHeaderValue("Bearer", accessToken);
        usageRequest.Headers.UserAgent.ParseAdd(UserAgent);
        var usage = await http.SendAsync(usageRequest, TestContext.Current.CancellationToken).ExpectAsync(HttpStatusCode.OK);

        // The script writes the whole answer to tenant_usage_{tenant_id}.json: it is the API document's usage list.
        Assert.Equal(partner, tenantId);
        Spec.AssertValidFull("usageList", usage);
        var workstations = usage.GetProperty("items").EnumerateArray().Single(u => u.Str("name") == "pg_base_workstations");
        Assert.Equal((3L, 7L, Backup), (workstations.Long("value"), workstations.Long("absolute_value"), workstations.Str("application_id")));
        Assert.Equal(1, workstations.GetProperty("offering_item").GetProperty("status").GetInt32());

        // When the answer is not ok, the script prints its JSON body: a token that is no longer valid gets one.
        using var stale = new HttpRequestMessage(HttpMethod.Get, $"api/2/tenants/{tenantId}/usages");
        stale.Headers.Authorization = new AuthenticationHeaderValue("Bearer", accessToken[..^4] + "AAAA");
        stale.Headers.UserAgent.ParseAdd(UserAgent);
        var refused = await http.SendAsync(stale, TestContext.Current.CancellationToken).ExpectAsync(HttpStatusCode.Unauthorized);
        Assert.False(string.IsNullOrEmpty(refused.GetProperty("error").Str("message")));
    }
}

public sealed class UsageScriptTestsSqlite() : UsageScriptTests(StorageProvider.Sqlite);

public sealed class UsageScriptTestsPostgres() : UsageScriptTests(StorageProvider.Postgres);
