using System.Net.Http.Headers;
using Tenancy.Server.Storage;

namespace Tenancy.Tests.Storage;

/// <summary>Two Tenancy instances on one PostgreSQL database, as behind a load balancer.</summary>
public sealed class MultiInstanceTests : IAsyncLifetime
{
    private TestStore _store = null!;
    private TenancyServer _a = null!;
    private TenancyServer _b = null!;

    public ValueTask InitializeAsync()
    {
        _store = TestStore.Create(StorageProvider.Postgres);
        _a = TenancyServer.Start(_store);
        _b = TenancyServer.Start(_store);
        return ValueTask.CompletedTask;
    }

    public async ValueTask DisposeAsync()
    {
        await _a.DisposeAsync();
        await _b.DisposeAsync();
        await _store.DisposeAsync();
    }

    [Fact]
    public async Task TokenIssuedByA_IsAcceptedByB()
    {
        var token = await _a.TokenAsync(TenancyServer.RootClientId, _a.RootSecret);
        using var http = _b.Anonymous();
        http.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", token);

        var client = await http.GetAsync($"/api/2/clients/{TenancyServer.RootClientId}", TestContext.Current.CancellationToken).ExpectAsync(HttpStatusCode.OK);

        Assert.Equal(TenancyServer.RootClientId, client.Str("client_id"));
    }

    [Fact]
    public async Task WritersSpreadOverInstances_WithOneVersion_ExactlyOneWins()
    {
        var a = await _a.RootAsync();
        var b = await _b.RootAsync();
        var partner = await a.CreateTenantAsync(await a.OwnTenantIdAsync(), "partner");
        var id = partner.Str("id");
        var version = partner.Long("version");

        var responses = await Task.WhenAll(Enumerable.Range(0, 10).Select(i =>
            (i % 2 == 0 ? a : b).PutJsonAsync($"/api/2/tenants/{id}", new { name = $"writer {i}", version })));

        Assert.Equal(1, responses.Count(r => r.StatusCode == HttpStatusCode.OK));
        Assert.Equal(9, responses.Count(r => r.StatusCode == HttpStatusCode.Conflict));
        var winner = responses.Single(r => r.StatusCode == HttpStatusCode.OK);
        var written = await a.Http.ExpectAsync(winner, HttpStatusCode.OK);
        var seenByB = await b.GetTenantAsync(id);
        Assert.Equal(version + 1, seenByB.Long("version"));
        Assert.Equal(written.Str("name"), seenByB.Str("name"));
    }

    [Fact]
    public async Task SuspendingThroughA_MakesBRefuseTheSubtreesTokens()
    {
        var a = await _a.RootAsync();
        var partner = await a.CreateTenantAsync(await a.OwnTenantIdAsync(), "partner");
        var customer = await a.CreateTenantAsync(partner.Str("id"), "customer");
        var customerAdminOnA = await a.CreateClientAndLoginAsync(customer.Str("id"));
        using var customerAdminOnB = _b.Anonymous();
        customerAdminOnB.DefaultRequestHeaders.Authorization = customerAdminOnA.Http.DefaultRequestHeaders.Authorization;
        await customerAdminOnB.GetAsync($"/api/2/tenants/{customer.Str("id")}", TestContext.Current.CancellationToken).ExpectAsync(HttpStatusCode.OK);

        await a.PutJsonAsync($"/api/2/tenants/{partner.Str("id")}", new { enabled = false, version = partner.Long("version") })
            .ExpectAsync(HttpStatusCode.OK);

        // B learns of the change by notification (docs/deployment.md, "The hot-path cache"): wait for it.
        await Eventually.ValueAsync(async () => (await customerAdminOnB.GetAsync($"/api/2/tenants/{customer.Str("id")}", TestContext.Current.CancellationToken)).StatusCode,
            s => s == HttpStatusCode.Unauthorized, null, "B to refuse the token");
        var refused = await customerAdminOnB.GetAsync($"/api/2/tenants/{customer.Str("id")}", TestContext.Current.CancellationToken).ExpectAsync(HttpStatusCode.Unauthorized);
        Assert.Equal(401, refused.GetProperty("error").GetProperty("code").GetInt32());
    }

    [Fact]
    public async Task DeletingThroughA_IsSeenByB()
    {
        var a = await _a.RootAsync();
        var b = await _b.RootAsync();
        var partner = await a.CreateTenantAsync(await a.OwnTenantIdAsync(), "partner");
        var id = partner.Str("id");
        await b.GetAsync($"/api/2/tenants/{id}").ExpectAsync(HttpStatusCode.OK);
        var disabled = await a.PutJsonAsync($"/api/2/tenants/{id}", new { enabled = false, version = partner.Long("version") })
            .ExpectAsync(HttpStatusCode.OK);

        await a.DeleteAsync($"/api/2/tenants/{id}?version={disabled.Long("version")}").ExpectAsync(HttpStatusCode.NoContent);

        await Eventually.ValueAsync(async () => (await b.GetAsync($"/api/2/tenants/{id}")).StatusCode, s => s == HttpStatusCode.NotFound, null, "B to see the deletion");
        await b.GetAsync($"/api/2/tenants/{id}").ExpectErrorAsync(HttpStatusCode.NotFound, 1005);
    }

    [Fact]
    public async Task BothInstancesStartingOnOneEmptyStore_MakeOneRoot()
    {
        await using var store = TestStore.Create(StorageProvider.Postgres);
        var servers = await Task.WhenAll(Enumerable.Range(0, 3).Select(_ => Task.Run(() => TenancyServer.Start(store))));
        try
        {
            var ids = new HashSet<string>();
            foreach (var server in servers)
            {
                var api = await server.RootAsync();
                var rootId = await api.OwnTenantIdAsync();
                var children = await api.GetAsync($"/api/2/tenants?subtree_root_id={rootId}").ExpectAsync(HttpStatusCode.OK);
                ids.Add(rootId);
                Assert.Single(children.GetProperty("items").EnumerateArray());
            }

            Assert.Single(ids);
        }
        finally
        {
            foreach (var server in servers)
            {
                await server.DisposeAsync();
            }
        }
    }
}
