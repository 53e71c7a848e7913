using Tenancy.Server.Storage;

namespace Tenancy.Tests.Events;

/// <summary>Webhooks: signed deliveries of a subtree's events to a receiver, in order, retried, logged; URLs checked against SSRF.</summary>
public abstract class WebhookTests(StorageProvider provider) : ServerTests(provider)
{
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(30);

    private static readonly string[] UserCreated = ["tenancy.user.created"];

    protected override IReadOnlyDictionary<string, string?>? Settings => Hooks.Settings;

    [Fact]
    public async Task Suspend_ReachesTheSubscribedReceiver_WithAValidSignature()
    {
        await using var receiver = await Receiver.StartAsync();
        var root = await Server.RootAsync();
        var tree = await root.BuildSubtreeAsync();
        var webhook = await root.CreateWebhookAsync(receiver.Url, tree.PartnerId, "tenancy.tenant.suspended");

        await root.RenameAsync(tree.UnitId, "not subscribed");
        await root.SetEnabledAsync(tree.CustomerId, false);

        var requests = await receiver.WaitForAsync(r => r.Count >= 1, Patience, "the suspension");
        var request = Assert.Single(requests);
        Assert.True(request.Verifies(webhook.Str("secret")), "the signature does not verify");
        Assert.False(request.Verifies("whsec_" + Convert.ToBase64String(new byte[32])), "a wrong secret verifies");
        Assert.Equal("tenancy.tenant.suspended", request.Event.Str("type"));
        Assert.Equal(tree.CustomerId, request.Event.Str("subject"));
        Assert.Equal(request.Event.Str("id"), request.WebhookId);
        Assert.StartsWith("application/cloudevents+json", request.Headers["Content-Type"].ToString(), StringComparison.Ordinal);
        var delivery = await DeliveredAsync(root, webhook.Str("id"), 1);
        Assert.Equal(request.WebhookId, delivery.Str("event_id"));
        Assert.Equal(204, delivery.GetProperty("response_status").GetInt32());
    }

    [Fact]
    public async Task Create_ShowsTheSecretOnce_AndStoresItEncrypted()
    {
        await using var receiver = await Receiver.StartAsync();
        var root = await Server.RootAsync();
        var tree = await root.BuildSubtreeAsync();

        var created = await root.CreateWebhookAsync(receiver.Url, tree.CustomerId);

        var secret = created.Str("secret");
        Assert.StartsWith("whsec_", secret, StringComparison.Ordinal);
        Assert.Equal(tree.CustomerId, created.Str("subtree_root_id"));
        Assert.Empty(created.GetProperty("event_types").EnumerateArray());
        Assert.True(created.Bool("enabled"));
        var read = await root.GetAsync($"/api/2/webhooks/{created.Str("id")}").ExpectAsync(HttpStatusCode.OK);
        Assert.False(read.TryGetProperty("secret", out _));
        var listed = await root.GetAsync("/api/2/webhooks?limit=1000").ExpectAsync(HttpStatusCode.OK);
        Assert.Contains(listed.Items(), w => w.Str("id") == created.Str("id") && !w.TryGetProperty("secret", out _));
        var stored = await Server.StoredRowAsync("SELECT secret FROM webhooks WHERE id = @id", "id", created.Str("id"));
        Assert.NotNull(stored);
        Assert.DoesNotContain(secret["whsec_".Length..], stored[0], StringComparison.Ordinal);
        var audit = await root.GetAsync($"/api/2/audit?target_id={created.Str("id")}").ExpectAsync(HttpStatusCode.OK);
        Assert.Equal("webhook.create", Assert.Single(audit.Items()).Str("operation"));
        Assert.DoesNotContain(secret, audit.ToString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task ChangeAndDelete_QuoteTheVersion()
    {
        await using var receiver = await Receiver.StartAsync();
        var root = await Server.RootAsync();
        var tree = await root.BuildSubtreeAsync();
        var created = await root.CreateWebhookAsync(receiver.Url, tree.CustomerId);
        var id = created.Str("id");

        var changed = await root.PutJsonAsync($"/api/2/webhooks/{id}", new { enabled = false, event_types = UserCreated, version = created.Long("version") })
            .ExpectAsync(HttpStatusCode.OK);
        var stale = await root.PutJsonAsync($"/api/2/webhooks/{id}", new { enabled = true, version = created.Long("version") })
            .ExpectErrorAsync(HttpStatusCode.Conflict, 1001);
        await root.DeleteAsync($"/api/2/webhooks/{id}?version={created.Long("version")}").ExpectErrorAsync(HttpStatusCode.Conflict, 1001);
        await root.DeleteAsync($"/api/2/webhooks/{id}?version={changed.Long("version")}").ExpectAsync(HttpStatusCode.NoContent);

        Assert.False(changed.Bool("enabled"));
        Assert.Equal(["tenancy.user.created"], changed.GetProperty("event_types").EnumerateArray().Select(t => t.GetString()));
        Assert.Equal(changed.Long("version"), stale.GetProperty("context").Long("current_version"));
        await root.GetAsync($"/api/2/webhooks/{id}").ExpectErrorAsync(HttpStatusCode.NotFound, 1005);
    }

    [Theory]
    [InlineData("http://169.254.169.254/latest/meta-data")]
    [InlineData("http://10.0.0.5/hook")]
    [InlineData("http://[::1]:8080/hook")]
    [InlineData("http://192.168.1.1/")]
    [InlineData("ftp://hooks.example.com/")]
    [InlineData("not a url")]
    public async Task InternalOrMalformedUrl_IsRefused_AndNothingIsCreated(string url)
    {
        var root = await Server.RootAsync();
        var tree = await root.BuildSubtreeAsync();

        var error = await root.PostJsonAsync("/api/2/webhooks", new { url, subtree_root_id = tree.CustomerId }).ExpectErrorAsync(HttpStatusCode.BadRequest, 400);

        Assert.Equal("url", error.GetProperty("context").Str("field"));
        var audit = await root.GetAsync($"/api/2/audit?subtree_id={tree.CustomerId}&operation=webhook.create").ExpectAsync(HttpStatusCode.OK);
        Assert.Empty(audit.Items());
    }

    [Fact]
    public async Task CustomerAdmin_CannotSubscribeToItsPartner()
    {
        var root = await Server.RootAsync();
        var tree = await root.BuildSubtreeAsync();

        await tree.CustomerAdmin.PostJsonAsync("/api/2/webhooks", new { url = "http://127.0.0.1:9/hook", subtree_root_id = tree.PartnerId })
            .ExpectErrorAsync(HttpStatusCode.Forbidden, 1002);

        var listed = await tree.CustomerAdmin.GetAsync("/api/2/webhooks").ExpectAsync(HttpStatusCode.OK);
        Assert.Empty(listed.Items());
    }

    [Fact]
    public async Task ReceiverDownThenUp_ReceivesEverythingAfterwards_InOrder()
    {
        await using var receiver = await Receiver.StartAsync();
        var root = await Server.RootAsync();
        var tree = await root.BuildSubtreeAsync();
        var webhook = await root.CreateWebhookAsync(receiver.Url, tree.CustomerId, "tenancy.tenant.updated");
        await receiver.StopAsync();

        var names = Enumerable.Range(0, 8).Select(i => $"name {i}").ToList();
        foreach (var name in names)
        {
            await root.RenameAsync(tree.UnitId, name);
        }

        // Down: the first delivery fails and is retried with backoff, the others wait behind it.
        var id = webhook.Str("id");
        await WaitAsync(async () => (await root.GetAsync($"/api/2/webhooks/{id}/deliveries?limit=100").ExpectAsync(HttpStatusCode.OK))
            .Items().Any(d => d.GetProperty("attempts").GetInt32() >= 2), "two failed attempts");
        await receiver.StartAgainAsync();

        var requests = await receiver.WaitForAsync(r => r.Count >= names.Count, Patience, "every rename");
        Assert.Equal(names, requests.Select(r => r.Event.GetProperty("data").GetProperty("after").Str("name")));
        Assert.All(requests, r => Assert.True(r.Verifies(webhook.Str("secret"))));
        await DeliveredAsync(root, id, names.Count);
        var log = await root.GetAsync($"/api/2/webhooks/{id}/deliveries?limit=100").ExpectAsync(HttpStatusCode.OK);
        Assert.True(log.Items().Last().GetProperty("attempts").GetInt32() >= 2);
    }

    [Fact]
    public async Task Redeliver_SendsTheEventAgain_WithTheSameWebhookId()
    {
        await using var receiver = await Receiver.StartAsync();
        var root = await Server.RootAsync();
        var tree = await root.BuildSubtreeAsync();
        var webhook = await root.CreateWebhookAsync(receiver.Url, tree.CustomerId, "tenancy.tenant.suspended");
        await root.SetEnabledAsync(tree.UnitId, false);
        var first = (await receiver.WaitForAsync(r => r.Count >= 1, Patience, "the suspension"))[0];
        var id = webhook.Str("id");
        var delivered = await DeliveredAsync(root, id, 1);

        var queued = await root.Http.PostAsync($"/api/2/webhooks/{id}/deliveries/{delivered.Long("id")}/redeliver", null, TestContext.Current.CancellationToken)
            .ExpectAsync(HttpStatusCode.Accepted);
        await root.Http.PostAsync($"/api/2/webhooks/{id}/deliveries/999999999/redeliver", null, TestContext.Current.CancellationToken)
            .ExpectErrorAsync(HttpStatusCode.NotFound, 1005);

        Assert.Equal(delivered.Str("event_id"), queued.Str("event_id"));
        var requests = await receiver.WaitForAsync(r => r.Count >= 2, Patience, "the redelivery");
        Assert.Equal(first.WebhookId, requests[1].WebhookId);
        Assert.Equal(first.Body, requests[1].Body);
        Assert.True(requests[1].Verifies(webhook.Str("secret")));
    }

    /// <summary>Waits until the webhook's log shows <paramref name="count"/> deliveries, all delivered; the newest.</summary>
    private static async Task<JsonElement> DeliveredAsync(Api api, string webhookId, int count)
    {
        JsonElement log = default;
        await WaitAsync(async () =>
        {
            log = await api.GetAsync($"/api/2/webhooks/{webhookId}/deliveries?limit=1000").ExpectAsync(HttpStatusCode.OK);
            return log.Items().Count() == count && log.Items().All(d => d.Str("status") == "delivered");
        }, $"{count} deliveries");
        return log.Items().First();
    }

    private static async Task WaitAsync(Func<Task<bool>> condition, string what)
    {
        var deadline = DateTime.UtcNow + Patience;
        while (!await condition())
        {
            Assert.True(DateTime.UtcNow < deadline, $"no {what} within {Patience}");
            await Task.Delay(50);
        }
    }
}

public sealed class WebhookTestsSqlite() : WebhookTests(StorageProvider.Sqlite);

public sealed class WebhookTestsPostgres() : WebhookTests(StorageProvider.Postgres);
