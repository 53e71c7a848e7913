using System.Net.Http.Headers;
using System.Net.Sockets;
using System.Text;
using Tenancy.Server.Storage;

namespace Tenancy.Tests.Hardening;

/// <summary>
/// Rate limits per API client and per source address on the token endpoint and on writes, on a server with
/// tight limits: 429 with Retry-After in the request's dialect, and other clients and addresses go on.
/// </summary>
public abstract class RateLimitTests(StorageProvider provider) : ServerTests(provider)
{
    protected override IReadOnlyDictionary<string, string?> Settings => new Dictionary<string, string?>
    {
        ["Tenancy:RateLimits:Token:ClientPermits"] = "3",
        ["Tenancy:RateLimits:Token:AddressPermits"] = "5",
        ["Tenancy:RateLimits:Token:Window"] = "00:01:00",
        ["Tenancy:RateLimits:Writes:ClientPermits"] = "5",
        ["Tenancy:RateLimits:Writes:AddressPermits"] = "7",
        ["Tenancy:RateLimits:Writes:Window"] = "00:01:00",
    };

    [Fact]
    public async Task TokenRequests_OverTheLimit_Are429SlowDown_PerClientAndPerAddress()
    {
        var root = await Server.RootAsync();
        var rootId = await root.OwnTenantIdAsync();
        var b = await root.CreateClientAsync(rootId);
        var c = await root.CreateClientAsync(rootId);
        using var local = Server.Anonymous();

        await ExpectTokenAsync(local, root.ClientId, root.Secret, form: false, HttpStatusCode.OK);
        await ExpectTokenAsync(local, root.ClientId, root.Secret, form: true, HttpStatusCode.OK);
        await ExpectSlowDownAsync(local, root.ClientId, root.Secret, form: false);
        await ExpectSlowDownAsync(local, root.ClientId, root.Secret, form: true);

        // Another client from the same address is not held back by the first one's limit ...
        await ExpectTokenAsync(local, b.Str("client_id"), b.Str("client_secret"), form: false, HttpStatusCode.OK);
        await ExpectTokenAsync(local, b.Str("client_id"), b.Str("client_secret"), form: true, HttpStatusCode.OK);
        // ... until the address has used its own permits (5 by now), which holds back every client there ...
        await ExpectSlowDownAsync(local, c.Str("client_id"), c.Str("client_secret"), form: false);
        // ... but not the same client from another address.
        using var other = FromAddress("127.0.0.2");
        await ExpectTokenAsync(other, c.Str("client_id"), c.Str("client_secret"), form: false, HttpStatusCode.OK);
    }

    [Fact]
    public async Task Writes_OverTheLimit_Are429InEachDialectsEnvelope_WhileReadsAndOthersGoOn()
    {
        var root = await Server.RootAsync();
        var rootId = await root.OwnTenantIdAsync();
        var c = await root.CreateClientAsync(rootId);
        var partner = await root.CreateTenantAsync(rootId, "partner");
        await root.PostJsonAsync("/api/v2.1/tenants", Nse("first")).ExpectAsync(HttpStatusCode.Created);
        var renamed = await root.PutJsonAsync($"/api/2/tenants/{partner.Str("id")}", new { name = "renamed", version = partner.Long("version") })
            .ExpectAsync(HttpStatusCode.OK);
        await root.PutJsonAsync($"/api/2/tenants/{partner.Str("id")}", new { name = "renamed again", version = renamed.Long("version") })
            .ExpectAsync(HttpStatusCode.OK);

        var error = await ExpectRetryAfterAsync(root.PostJsonAsync("/api/2/tenants", new { name = "refused", kind = "partner", parent_id = rootId }));
        Assert.Equal(429, error.GetProperty("error").GetProperty("code").GetInt32());
        Spec.AssertValid("errorScheme", error);
        var nse = await ExpectRetryAfterAsync(root.PostJsonAsync("/api/v2.1/tenants", Nse("refused")));
        Assert.Equal(429, nse.GetProperty("status").GetProperty("code").GetInt32());
        Assert.Equal(JsonValueKind.Object, nse.GetProperty("result").ValueKind);
        await ExpectRetryAfterAsync(root.DeleteAsync($"/api/2/clients/{c.Str("client_id")}"));

        // Reads are not limited, and the refused writes changed nothing.
        var children = await root.GetAsync($"/api/2/tenants?parent_id={rootId}&limit=100").ExpectAsync(HttpStatusCode.OK);
        Assert.DoesNotContain(children.GetProperty("items").EnumerateArray(), t => t.Str("name") == "refused");

        // Another client from the same address writes until the address has used its 7 permits ...
        var other = await Server.LoginAsync(c.Str("client_id"), c.Str("client_secret"));
        await other.CreateTenantAsync(partner.Str("id"), "customer");
        await other.CreateTenantAsync(partner.Str("id"), "customer");
        await ExpectRetryAfterAsync(other.PostJsonAsync("/api/2/tenants", new { name = "refused", kind = "customer", parent_id = partner.Str("id") }));
        // ... and the same client from another address goes on (a request refused for its address still
        // counts against its client: the chained limiter takes the client's permit first).
        using var elsewhere = FromAddress("127.0.0.2");
        elsewhere.DefaultRequestHeaders.Authorization = other.Http.DefaultRequestHeaders.Authorization;
        await elsewhere.PostAsync("/api/2/tenants", Api.Json(new { name = "elsewhere", kind = "customer", parent_id = partner.Str("id") }),
            TestContext.Current.CancellationToken).ExpectAsync(HttpStatusCode.Created);
    }

    private static object Nse(string name) => new
    {
        code = $"rl_{Guid.NewGuid():N}"[..20], name, zuora_account_name = "Z", zuora_account_number = "A00000001",
    };

    private static async Task<JsonElement> ExpectRetryAfterAsync(Task<HttpResponseMessage> request)
    {
        using var response = await request;
        var body = await HttpAssertions.ExpectAsync(null!, response, HttpStatusCode.TooManyRequests);
        Assert.True(response.Headers.RetryAfter?.Delta is { TotalSeconds: >= 1 and <= 60 }, $"Retry-After: {response.Headers.RetryAfter}");
        return body;
    }

    private static async Task ExpectTokenAsync(HttpClient http, string id, string secret, bool form, HttpStatusCode status)
    {
        using var response = await http.SendAsync(TokenRequest(id, secret, form), TestContext.Current.CancellationToken);
        var body = await HttpAssertions.ExpectAsync(null!, response, status);
        Assert.False(string.IsNullOrEmpty(body.Str("access_token")));
    }

    private static async Task ExpectSlowDownAsync(HttpClient http, string id, string secret, bool form)
    {
        var body = await ExpectRetryAfterAsync(http.SendAsync(TokenRequest(id, secret, form), TestContext.Current.CancellationToken));
        Assert.Equal("slow_down", body.Str("error"));
        Assert.False(string.IsNullOrWhiteSpace(body.Str("error_description")));
    }

    private static HttpRequestMessage TokenRequest(string id, string secret, bool form)
    {
        var fields = new Dictionary<string, string> { ["grant_type"] = "client_credentials" };
        if (form)
        {
            fields["client_id"] = id;
            fields["client_secret"] = secret;
        }

        var request = new HttpRequestMessage(HttpMethod.Post, "/api/2/idp/token") { Content = new FormUrlEncodedContent(fields) };
        if (!form)
        {
            request.Headers.Authorization = new AuthenticationHeaderValue("Basic", Convert.ToBase64String(Encoding.UTF8.GetBytes($"{id}:{secret}")));
        }

        return request;
    }

    /// <summary>A client whose connections come from another loopback address (all of 127/8 is local on Linux).</summary>
    private HttpClient FromAddress(string address)
    {
        var handler = new SocketsHttpHandler
        {
            ConnectCallback = async (context, ct) =>
            {
                var socket = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
                socket.Bind(new IPEndPoint(IPAddress.Parse(address), 0));
                await socket.ConnectAsync(context.DnsEndPoint, ct);
                return new NetworkStream(socket, ownsSocket: true);
            },
        };
        return new HttpClient(handler) { BaseAddress = Server.BaseAddress };
    }
}

public sealed class RateLimitTestsSqlite() : RateLimitTests(StorageProvider.Sqlite);

public sealed class RateLimitTestsPostgres() : RateLimitTests(StorageProvider.Postgres);
