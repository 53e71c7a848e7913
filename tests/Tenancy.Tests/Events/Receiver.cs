using System.Collections.Concurrent;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;
using StandardWebhooks;

namespace Tenancy.Tests.Events;

/// <summary>
/// A webhook receiver on 127.0.0.1 (Kestrel): answers 204 and keeps every request. It can be stopped (the
/// port refuses connections) and started again on the same port.
/// </summary>
public sealed class Receiver : IAsyncDisposable
{
    /// <summary>One request as received: the Standard Webhooks headers, the raw body and the CloudEvent it holds.</summary>
    public sealed record Request(HeaderDictionary Headers, string Body, DateTimeOffset At)
    {
        public string WebhookId => Headers["webhook-id"].ToString();

        public JsonElement Event => JsonDocument.Parse(Body).RootElement;

        /// <summary>Whether the signature verifies with <paramref name="secret"/> (the StandardWebhooks library's check).</summary>
        public bool Verifies(string secret)
        {
            try
            {
                new StandardWebhook(secret).Verify(Body, Headers);
                return true;
            }
            catch (StandardWebhooks.Diagnostics.WebhookVerificationException)
            {
                return false;
            }
        }
    }

    private readonly ConcurrentQueue<Request> _requests = new();
    private WebApplication? _app;

    private Receiver(int port) => Port = port;

    public int Port { get; private set; }

    public string Url => $"http://127.0.0.1:{Port}/hook";

    public IReadOnlyList<Request> Requests => [.. _requests];

    public static async Task<Receiver> StartAsync()
    {
        var receiver = new Receiver(0);
        await receiver.StartAgainAsync();
        return receiver;
    }

    /// <summary>Listens (again, on the same port once it had one).</summary>
    public async Task StartAgainAsync()
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.WebHost.UseUrls($"http://127.0.0.1:{Port}");
        _app = builder.Build();
        _app.MapPost("/hook", async (HttpContext context) =>
        {
            using var reader = new StreamReader(context.Request.Body);
            var body = await reader.ReadToEndAsync();
            var headers = new HeaderDictionary();
            foreach (var (name, value) in context.Request.Headers)
            {
                headers[name] = value;
            }

            _requests.Enqueue(new Request(headers, body, DateTimeOffset.UtcNow));
            return Results.NoContent();
        });
        await _app.StartAsync();
        Port = new Uri(_app.Urls.First()).Port;
    }

    /// <summary>Stops listening: connections to the port are refused until <see cref="StartAgainAsync"/>.</summary>
    public async Task StopAsync()
    {
        if (_app is not null)
        {
            await _app.StopAsync();
            await _app.DisposeAsync();
            _app = null;
        }
    }

    /// <summary>Waits until the requests received satisfy <paramref name="condition"/>; fails after <paramref name="timeout"/> naming what came.</summary>
    public async Task<IReadOnlyList<Request>> WaitForAsync(Func<IReadOnlyList<Request>, bool> condition, TimeSpan timeout, string what)
    {
        var deadline = DateTime.UtcNow + timeout;
        while (true)
        {
            var requests = Requests;
            if (condition(requests))
            {
                return requests;
            }

            Assert.True(DateTime.UtcNow < deadline, $"the receiver did not get {what} within {timeout}; it got {requests.Count} requests: " +
                string.Join(", ", requests.Select(r => r.Event.GetProperty("type").GetString())));
            await Task.Delay(20);
        }
    }

    public ValueTask DisposeAsync() => new(StopAsync());
}

/// <summary>Helpers of the event and webhook tests.</summary>
public static class Hooks
{
    /// <summary>Settings for a server whose webhooks may reach loopback receivers and retry quickly.</summary>
    public static readonly IReadOnlyDictionary<string, string?> Settings = new Dictionary<string, string?>
    {
        ["Tenancy:Webhooks:AllowedNetworks:0"] = "127.0.0.0/8",
        ["Tenancy:Webhooks:RetryDelay"] = "00:00:00.100",
        ["Tenancy:Webhooks:MaxRetryDelay"] = "00:00:00.500",
        ["Tenancy:Webhooks:PollInterval"] = "00:00:00.200",
        ["Tenancy:Events:PollInterval"] = "00:00:00.200",
    };

    public static async Task<JsonElement> CreateWebhookAsync(this Api api, string url, string subtreeRootId, params string[] types) =>
        await api.PostJsonAsync("/api/2/webhooks", new { url, subtree_root_id = subtreeRootId, event_types = types }).ExpectAsync(HttpStatusCode.Created);

    /// <summary>Suspends (or reactivates) a tenant quoting its current version.</summary>
    public static async Task<JsonElement> SetEnabledAsync(this Api api, string tenantId, bool enabled)
    {
        var version = (await api.GetTenantAsync(tenantId)).Long("version");
        return await api.PutJsonAsync($"/api/2/tenants/{tenantId}", new { enabled, version }).ExpectAsync(HttpStatusCode.OK);
    }

    public static async Task<JsonElement> RenameAsync(this Api api, string tenantId, string name)
    {
        var version = (await api.GetTenantAsync(tenantId)).Long("version");
        return await api.PutJsonAsync($"/api/2/tenants/{tenantId}", new { name, version }).ExpectAsync(HttpStatusCode.OK);
    }

    public static IEnumerable<JsonElement> Items(this JsonElement page) => page.GetProperty("items").EnumerateArray();

    public static string After(this JsonElement page) => page.GetProperty("paging").GetProperty("cursors").Str("after");
}
