using Tenancy.Client;
using Tenancy.Server.Storage;

namespace Tenancy.Tests.Client;

/// <summary>The .NET client (Tenancy.Client) against a real server: paging, conflicts, terminate, tokens, retries.</summary>
public abstract class ClientTests(StorageProvider provider) : ServerTests(provider)
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private async Task<(TenancyClient Client, string RootId)> RootAsync(Recorder? recorder = null, TimeProvider? clock = null)
    {
        var client = Server.RootClient(recorder, clock);
        return (client, (await client.Clients.GetAsync(TenancyServer.RootClientId, Ct)).TenantId);
    }

    [Fact]
    public async Task Subtree_FollowsTheServersCursor_PageAfterPage()
    {
        var recorder = new Recorder();
        var (client, rootId) = await RootAsync(recorder);
        using var owned = client;
        var partner = await client.Tenants.CreateAsync(new TenantCreate { Name = "Paged", Kind = "partner", ParentId = rootId }, Ct);
        var customers = new List<string>();
        for (var i = 0; i < 7; i++)
        {
            customers.Add((await client.Tenants.CreateAsync(new TenantCreate { Name = $"C{i}", Kind = "customer", ParentId = partner.Id }, Ct)).Id);
        }

        var seen = new List<Tenant>();
        await foreach (var t in client.Tenants.SubtreeAsync(partner.Id, pageSize: 3, Ct))
        {
            seen.Add(t);
        }

        Assert.Equal(partner.Id, seen[0].Id);
        Assert.Equal(customers.Order(), seen.Skip(1).Select(t => t.Id).Order());
        var pages = recorder.Where("GET", "/api/2/tenants?");
        Assert.True(pages.Count >= 3, $"{pages.Count} pages");
        Assert.All(pages.Skip(1), p => Assert.Contains("after=", p.PathAndQuery, StringComparison.Ordinal));
        var children = new List<Tenant>();
        await foreach (var t in client.Tenants.ChildrenAsync(partner.Id, pageSize: 2, Ct))
        {
            children.Add(t);
        }

        Assert.Equal(customers.Order(), children.Select(t => t.Id).Order());
    }

    [Fact]
    public async Task UpdateAsync_AfterAConcurrentWrite_ReReadsAndAppliesItsChangeToTheFreshVersion()
    {
        var recorder = new Recorder();
        var (client, rootId) = await RootAsync(recorder);
        using var owned = client;
        var partner = await client.Tenants.CreateAsync(new TenantCreate { Name = "Before", Kind = "partner", ParentId = rootId }, Ct);
        var other = await Server.RootAsync();
        await other.PutTenantAsync(partner.Id, new { description = "by the other writer", version = partner.Version }).ExpectAsync(HttpStatusCode.OK);

        var updated = await client.Tenants.UpdateAsync(partner.Id, new TenantChange { Name = "After", Version = partner.Version }, Ct);

        Assert.Equal("After", updated.Name);
        Assert.Equal("by the other writer", updated.Description);
        Assert.Equal(2, recorder.Where("PUT", $"/api/2/tenants/{partner.Id}").Count);
        var stored = await other.GetTenantAsync(partner.Id);
        Assert.Equal("After", stored.Str("name"));
        Assert.Equal("by the other writer", stored.Str("description"));
        Assert.Equal(updated.Version, stored.Long("version"));
    }

    [Fact]
    public async Task Terminate_OfAThousandTenantPartner_WithAConcurrentWriter_SucceedsWithoutManualRetries()
    {
        var (client, rootId) = await RootAsync();
        using var owned = client;
        var partner = await client.Tenants.CreateAsync(new TenantCreate { Name = "Big partner", Kind = "partner", ParentId = rootId }, Ct);
        var ids = new System.Collections.Concurrent.ConcurrentBag<string>();
        await Parallel.ForEachAsync(Enumerable.Range(0, 999), new ParallelOptions { MaxDegreeOfParallelism = 4, CancellationToken = Ct }, async (i, ct) =>
            ids.Add((await client.Tenants.CreateAsync(new TenantCreate { Name = $"Customer {i}", Kind = "customer", ParentId = partner.Id }, ct)).Id));

        // Another writer changes the partner over and over, until it is gone.
        var other = await Server.RootAsync();
        var firstWrite = new TaskCompletionSource();
        var writes = 0;
        var writer = Task.Run(async () =>
        {
            for (var i = 0; ; i++)
            {
                using var read = await other.GetAsync($"/api/2/tenants/{partner.Id}");
                if (read.StatusCode == HttpStatusCode.NotFound)
                {
                    return;
                }

                var version = JsonDocument.Parse(await read.Content.ReadAsStringAsync()).RootElement.Long("version");
                using var put = await other.PutTenantAsync(partner.Id, new { description = $"write {i}", version });
                if (put.IsSuccessStatusCode)
                {
                    Interlocked.Increment(ref writes);
                    firstWrite.TrySetResult();
                }
            }
        }, Ct);
        await firstWrite.Task.WaitAsync(Ct);

        var steps = new List<TerminateStep>();
        await client.Tenants.TerminateAsync(partner.Id, new Inline(steps.Add), Ct);
        await writer.WaitAsync(Ct);

        Assert.Equal(TerminateStep.Done, steps[^1]);
        Assert.True(writes >= 1);
        await other.GetAsync($"/api/2/tenants/{partner.Id}").ExpectErrorAsync(HttpStatusCode.NotFound, 1005);
        Assert.Equal(999, ids.Count);
        await other.GetAsync($"/api/2/tenants/{ids.First()}").ExpectErrorAsync(HttpStatusCode.NotFound, 1005);
        var left = await other.GetAsync($"/api/2/tenants?uuids={string.Join(',', ids.Take(100))}").ExpectAsync(HttpStatusCode.OK);
        Assert.Empty(left.GetProperty("items").EnumerateArray());
    }

    [Fact]
    public async Task Token_IsRenewedWhenDue_AndWhenTheServerRefusesIt()
    {
        var recorder = new Recorder();
        var clock = new ManualClock();
        var (client, rootId) = await RootAsync(recorder, clock);
        using var owned = client;
        await client.Tenants.GetAsync(rootId, Ct);
        Assert.Equal(1, client.TokensFetched);

        clock.Now += TimeSpan.FromHours(3);
        await client.Tenants.GetAsync(rootId, Ct);
        Assert.Equal(2, client.TokensFetched);
        var second = recorder.Requests.Last().Bearer!;

        using (var revoke = new HttpRequestMessage(HttpMethod.Post, "/api/2/idp/revoke_token")
        {
            Content = new FormUrlEncodedContent(new Dictionary<string, string> { ["token"] = second }),
        })
        {
            revoke.Headers.Authorization = new System.Net.Http.Headers.AuthenticationHeaderValue("Basic",
                Convert.ToBase64String(System.Text.Encoding.UTF8.GetBytes($"{TenancyServer.RootClientId}:{Server.RootSecret}")));
            using var http = Server.Anonymous();
            (await http.SendAsync(revoke, Ct)).EnsureSuccessStatusCode();
        }

        var root = await client.Tenants.GetAsync(rootId, Ct);

        Assert.Equal(rootId, root.Id);
        Assert.Equal(3, client.TokensFetched);
        var last = recorder.Where("GET", $"/api/2/tenants/{rootId}").TakeLast(2).ToList();
        Assert.Equal(second, last[0].Bearer);
        Assert.NotEqual(second, last[1].Bearer);
    }

    [Fact]
    public async Task Writes_SendAnIdempotencyKey_AndARetriedRequestSendsTheSameKey()
    {
        var recorder = new Recorder();
        var (client, rootId) = await RootAsync(recorder);
        using var owned = client;
        recorder.FailNext(r => r.Method == HttpMethod.Post && r.RequestUri!.AbsolutePath == "/api/2/tenants", HttpStatusCode.ServiceUnavailable);

        var partner = await client.Tenants.CreateAsync(new TenantCreate { Name = "Retried", Kind = "partner", ParentId = rootId }, Ct);
        var renamed = await client.Tenants.UpdateAsync(partner.Id, new TenantChange { Name = "Renamed" }, Ct);
        await client.Tenants.TerminateAsync(partner.Id, ct: Ct);

        var posts = recorder.Where("POST", "/api/2/tenants");
        Assert.Equal(2, posts.Count);
        Assert.NotNull(posts[0].IdempotencyKey);
        Assert.Equal(posts[0].IdempotencyKey, posts[1].IdempotencyKey);
        Assert.Equal("Renamed", renamed.Name);
        var writes = recorder.Requests.Where(r => r.Method is "PUT" or "DELETE").ToList();
        Assert.Equal(3, writes.Count);
        Assert.All(writes, w => Assert.True(Guid.TryParse(w.IdempotencyKey, out _), w.ToString()));
        Assert.Equal(writes.Count, writes.Select(w => w.IdempotencyKey).Distinct().Count());
        Assert.All(recorder.Requests.Where(r => r.Method == "GET"), r => Assert.Null(r.IdempotencyKey));
        var root = await Server.RootAsync();
        await root.GetAsync($"/api/2/tenants/{partner.Id}").ExpectErrorAsync(HttpStatusCode.NotFound, 1005);
        var named = await root.GetAsync($"/api/2/tenants?parent_id={rootId}").ExpectAsync(HttpStatusCode.OK);
        Assert.DoesNotContain(named.GetProperty("items").EnumerateArray(), t => t.Str("name") is "Retried" or "Renamed");
    }

    [Fact]
    public async Task V21Tenants_AreCreatedReadListedAndDeleted()
    {
        var (client, _) = await RootAsync();
        using var owned = client;
        var code = "acme" + Guid.NewGuid().ToString("N")[..8];

        var created = await client.V21.CreateAsync(new NseTenantCreate { Code = code, Name = "Acme", ZuoraAccountName = "Acme Inc", ZuoraAccountNumber = "A00000415" }, Ct);
        var read = await client.V21.GetAsync(created.Id, Ct);
        var listed = new List<NseTenant>();
        await foreach (var t in client.V21.ListAsync(pageSize: 2, Ct))
        {
            listed.Add(t);
        }

        await client.V21.DeleteAsync(created.Id, Ct);

        Assert.Equal(code, read.Code);
        Assert.Equal("A00000415", read.ZuoraAccountNumber);
        Assert.Contains(listed, t => t.Id == created.Id);
        var gone = await Assert.ThrowsAsync<TenancyApiException>(() => client.V21.GetAsync(created.Id, Ct));
        Assert.Equal(HttpStatusCode.NotFound, gone.Status);
    }

    private sealed class Inline(Action<TerminateStep> report) : IProgress<TerminateStep>
    {
        public void Report(TerminateStep value) => report(value);
    }
}

public sealed class ClientTestsSqlite() : ClientTests(StorageProvider.Sqlite);

public sealed class ClientTestsPostgres() : ClientTests(StorageProvider.Postgres);
