using Tenancy.Server.Storage;

namespace Tenancy.Tests.Events;

/// <summary>
/// Events committed before the server is killed (SIGKILL, between the commit and the delivery) are delivered
/// after it restarts on the same store, in order.
/// </summary>
public abstract class WebhookDurabilityTests(StorageProvider provider) : IAsyncLifetime
{
    private const string ClientId = "7d2e4f6a-1b3c-4d5e-8f9a-0b1c2d3e4f5a";
    private const string Secret = "webhook-crash-secret-0123456789abcdef";
    private static readonly string[] Updated = ["tenancy.tenant.updated"];
    private TestStore? _store;

    public ValueTask InitializeAsync()
    {
        _store = TestStore.Create(provider);
        return ValueTask.CompletedTask;
    }

    [Fact]
    public async Task EventsCommittedBeforeAKill_AreDeliveredAfterTheRestart()
    {
        await using var receiver = await Receiver.StartAsync();
        var noDelivery = new Dictionary<string, string?>(Hooks.Settings) { ["Tenancy:Webhooks:Worker"] = "false" };
        string secret;
        List<string> names;
        string webhookId;
        await using (var first = await ServerProcess.StartAsync(_store!, ClientId, Secret, noDelivery))
        {
            using var http = await first.LoginAsync(ClientId, Secret);
            var rootId = (await http.GetAsync($"/api/2/clients/{ClientId}", TestContext.Current.CancellationToken).ExpectAsync(HttpStatusCode.OK)).Str("tenant_id");
            var partner = await http.PostAsync("/api/2/tenants", Api.Json(new { name = "crash partner", kind = "partner", parent_id = rootId }), TestContext.Current.CancellationToken)
                .ExpectAsync(HttpStatusCode.Created);
            var webhook = await http.PostAsync("/api/2/webhooks", Api.Json(new { url = receiver.Url, subtree_root_id = partner.Str("id"), event_types = Updated }),
                TestContext.Current.CancellationToken).ExpectAsync(HttpStatusCode.Created);
            secret = webhook.Str("secret");
            webhookId = webhook.Str("id");
            names = [.. Enumerable.Range(0, 5).Select(i => $"before the kill {i}")];
            var version = partner.Long("version");
            foreach (var name in names)
            {
                version = (await http.PutAsync($"/api/2/tenants/{partner.Str("id")}", Api.Json(new { name, version }), TestContext.Current.CancellationToken)
                    .ExpectAsync(HttpStatusCode.OK)).Long("version");
            }

            // Committed, answered, not delivered (this instance does not deliver): now killed.
            await first.KillAsync();
        }

        Assert.Empty(receiver.Requests);
        await using var second = await ServerProcess.StartAsync(_store!, ClientId, Secret, Hooks.Settings);
        var requests = await receiver.WaitForAsync(r => r.Count >= names.Count, TimeSpan.FromSeconds(60), "the events committed before the kill");

        Assert.Equal(names, requests.Select(r => r.Event.GetProperty("data").GetProperty("after").Str("name")));
        Assert.All(requests, r => Assert.True(r.Verifies(secret)));
        using var check = await second.LoginAsync(ClientId, Secret);
        var log = await check.GetAsync($"/api/2/webhooks/{webhookId}/deliveries", TestContext.Current.CancellationToken).ExpectAsync(HttpStatusCode.OK);
        Assert.Equal(names.Count, log.Items().Count());
    }

    public async ValueTask DisposeAsync()
    {
        if (_store is not null)
        {
            await _store.DisposeAsync();
        }

        GC.SuppressFinalize(this);
    }
}

public sealed class WebhookDurabilityTestsSqlite() : WebhookDurabilityTests(StorageProvider.Sqlite);

public sealed class WebhookDurabilityTestsPostgres() : WebhookDurabilityTests(StorageProvider.Postgres);

/// <summary>Two instances on one PostgreSQL database deliver each event exactly once.</summary>
public sealed class WebhookInstancesTests : IAsyncLifetime
{
    private TestStore _store = null!;
    private TenancyServer _a = null!;
    private TenancyServer _b = null!;

    public ValueTask InitializeAsync()
    {
        _store = TestStore.Create(StorageProvider.Postgres);
        _a = TenancyServer.Start(_store, Hooks.Settings);
        _b = TenancyServer.Start(_store, Hooks.Settings);
        return ValueTask.CompletedTask;
    }

    [Fact]
    public async Task TwoInstances_DeliverEachEventExactlyOnce_InOrder()
    {
        const int Changes = 30;
        await using var receiver = await Receiver.StartAsync();
        var a = await _a.RootAsync();
        var b = await _b.RootAsync();
        var tree = await a.BuildSubtreeAsync();
        var webhook = await a.CreateWebhookAsync(receiver.Url, tree.PartnerId, "tenancy.tenant.updated");

        for (var i = 0; i < Changes; i++)
        {
            await (i % 2 == 0 ? a : b).RenameAsync(tree.UnitId, $"change {i}");
        }

        await receiver.WaitForAsync(r => r.Count >= Changes, TimeSpan.FromSeconds(60), "every change");
        // Nothing is left to send once every delivery is recorded as delivered: no duplicate can still come.
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(60);
        while (true)
        {
            var log = await b.GetAsync($"/api/2/webhooks/{webhook.Str("id")}/deliveries?limit=1000").ExpectAsync(HttpStatusCode.OK);
            if (log.Items().Count() == Changes && log.Items().All(d => d.Str("status") == "delivered"))
            {
                Assert.All(log.Items(), d => Assert.Equal(1, d.GetProperty("attempts").GetInt32()));
                break;
            }

            Assert.True(DateTime.UtcNow < deadline, $"deliveries not all delivered: {log}");
            await Task.Delay(50, TestContext.Current.CancellationToken);
        }

        var requests = receiver.Requests;
        Assert.Equal(Changes, requests.Count);
        Assert.Equal(Changes, requests.Select(r => r.WebhookId).Distinct().Count());
        Assert.Equal(Enumerable.Range(0, Changes).Select(i => $"change {i}"), requests.Select(r => r.Event.GetProperty("data").GetProperty("after").Str("name")));
    }

    public async ValueTask DisposeAsync()
    {
        await _a.DisposeAsync();
        await _b.DisposeAsync();
        await _store.DisposeAsync();
    }
}
