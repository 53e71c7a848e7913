using System.Collections.Concurrent;
using System.Diagnostics;
using Tenancy.Server.Storage;

namespace Tenancy.Tests.Events;

/// <summary>The change feed, GET /api/2/events: CloudEvents of the audited changes, in order, within reach, with long polling.</summary>
public abstract class EventFeedTests(StorageProvider provider) : ServerTests(provider)
{
    protected override IReadOnlyDictionary<string, string?>? Settings => Hooks.Settings;

    [Fact]
    public async Task Suspend_IsACloudEvent_WithTheTenantsPath_AndWhatChanged()
    {
        var root = await Server.RootAsync();
        var rootId = await root.OwnTenantIdAsync();
        var tree = await root.BuildSubtreeAsync();

        await root.SetEnabledAsync(tree.CustomerId, false);

        var page = await root.GetAsync($"/api/2/events?subtree_root_id={tree.CustomerId}&types=tenancy.tenant.suspended").ExpectAsync(HttpStatusCode.OK);
        var e = Assert.Single(page.Items());
        Assert.Equal("1.0", e.Str("specversion"));
        Assert.Equal("tenancy.tenant.suspended", e.Str("type"));
        Assert.Equal("urn:tenancy", e.Str("source"));
        Assert.Equal(tree.CustomerId, e.Str("subject"));
        Assert.True(Guid.TryParse(e.Str("id"), out _));
        Assert.True(Math.Abs((DateTimeOffset.UtcNow - DateTimeOffset.Parse(e.Str("time"), null)).TotalMinutes) < 5);
        Assert.Equal(page.After(), e.Str("sequence"));
        var data = e.GetProperty("data");
        Assert.Equal([rootId, tree.PartnerId, tree.CustomerId], data.GetProperty("tenant_path").EnumerateArray().Select(x => x.GetString()));
        Assert.True(data.GetProperty("before").Bool("enabled"));
        Assert.False(data.GetProperty("after").Bool("enabled"));
        Assert.Equal("tenant.suspend", data.Str("operation"));
        Assert.Equal(TenancyServer.RootClientId, data.GetProperty("actor").Str("id"));
    }

    [Fact]
    public async Task Feed_FollowsACursor_InOrder_AndShowsOnlyTheSubtreeAskedFor()
    {
        var root = await Server.RootAsync();
        var tree = await root.BuildSubtreeAsync();
        var other = await root.BuildSubtreeAsync();
        var start = await root.GetAsync($"/api/2/events?subtree_root_id={tree.PartnerId}").ExpectAsync(HttpStatusCode.OK);

        await root.RenameAsync(tree.UnitId, "first");
        await root.RenameAsync(other.UnitId, "elsewhere");
        await root.SetEnabledAsync(tree.CustomerId, false);
        await root.SetEnabledAsync(tree.CustomerId, true);

        var first = await root.GetAsync($"/api/2/events?subtree_root_id={tree.PartnerId}&after={start.After()}&limit=2").ExpectAsync(HttpStatusCode.OK);
        var rest = await root.GetAsync($"/api/2/events?subtree_root_id={tree.PartnerId}&after={first.After()}").ExpectAsync(HttpStatusCode.OK);
        var types = first.Items().Concat(rest.Items()).Select(e => $"{e.Str("type")} {e.Str("subject")}").ToList();
        Assert.Equal([$"tenancy.tenant.updated {tree.UnitId}", $"tenancy.tenant.suspended {tree.CustomerId}", $"tenancy.tenant.reactivated {tree.CustomerId}"], types);
        var sequences = first.Items().Concat(rest.Items()).Select(e => long.Parse(e.Str("sequence"), null)).ToList();
        Assert.Equal(sequences.Order(), sequences);
        var empty = await root.GetAsync($"/api/2/events?subtree_root_id={tree.PartnerId}&after={rest.After()}").ExpectAsync(HttpStatusCode.OK);
        Assert.Empty(empty.Items());
        Assert.Equal(rest.After(), empty.After());
    }

    [Fact]
    public async Task CustomerAdmin_SeesItsOwnSubtree_AndIsRefusedItsPartners()
    {
        var root = await Server.RootAsync();
        var tree = await root.BuildSubtreeAsync();
        await root.RenameAsync(tree.PartnerId, "partner renamed");
        await root.RenameAsync(tree.UnitId, "unit renamed");

        var own = await tree.CustomerAdmin.GetAsync("/api/2/events?types=tenancy.tenant.updated").ExpectAsync(HttpStatusCode.OK);
        await tree.CustomerAdmin.GetAsync($"/api/2/events?subtree_root_id={tree.PartnerId}").ExpectErrorAsync(HttpStatusCode.Forbidden, 1002);

        Assert.Equal([tree.UnitId], own.Items().Select(e => e.Str("subject")));
    }

    [Theory]
    [InlineData("wait=61", "wait")]
    [InlineData("wait=-1", "wait")]
    [InlineData("after=abc", "after")]
    [InlineData("limit=0", "limit")]
    [InlineData("types=tenant.suspended", "types")]
    [InlineData("subtree_root_id=nope", "subtree_root_id")]
    public async Task BadQuery_Is400NamingTheParameter(string query, string field)
    {
        var root = await Server.RootAsync();

        var error = await root.GetAsync($"/api/2/events?{query}").ExpectErrorAsync(HttpStatusCode.BadRequest, 400);

        Assert.Equal(field, error.GetProperty("context").Str("field"));
    }

    [Fact]
    public async Task LongPoll_AnswersWithTheEvent_AsSoonAsItIsWritten()
    {
        var root = await Server.RootAsync();
        var tree = await root.BuildSubtreeAsync();
        var start = await root.GetAsync($"/api/2/events?subtree_root_id={tree.PartnerId}").ExpectAsync(HttpStatusCode.OK);
        var watch = Stopwatch.StartNew();
        var poll = root.GetAsync($"/api/2/events?subtree_root_id={tree.PartnerId}&after={start.After()}&wait=30");
        // The poll is waiting when it has not answered after a moment; the change then wakes it.
        Assert.False(await Task.WhenAny(poll, Task.Delay(300, TestContext.Current.CancellationToken)) == poll, "the poll answered without an event");

        var suspended = Stopwatch.StartNew();
        await root.SetEnabledAsync(tree.UnitId, false);
        var page = await poll.ExpectAsync(HttpStatusCode.OK);
        suspended.Stop();

        var e = Assert.Single(page.Items());
        Assert.Equal("tenancy.tenant.suspended", e.Str("type"));
        Assert.Equal(tree.UnitId, e.Str("subject"));
        // Well before the 30 s the poll could wait (on a quiet machine: a few milliseconds after the commit).
        Assert.True(suspended.Elapsed < TimeSpan.FromSeconds(10), $"answered {suspended.Elapsed} after the suspend");
    }

    [Fact]
    public async Task ConcurrentWriters_AReaderTailingTheFeed_MissesNoEvent()
    {
        const int Writers = 6;
        const int WritesEach = 15;
        var root = await Server.RootAsync();
        var partner = await root.CreateTenantAsync(await root.OwnTenantIdAsync(), "partner");
        var customers = new List<string>();
        for (var i = 0; i < Writers; i++)
        {
            customers.Add((await root.CreateTenantAsync(partner.Str("id"), "customer")).Str("id"));
        }

        var start = (await root.GetAsync($"/api/2/events?subtree_root_id={partner.Str("id")}&types=tenancy.tenant.created").ExpectAsync(HttpStatusCode.OK)).After();
        var seen = new ConcurrentQueue<long>();
        using var stop = new CancellationTokenSource();
        var tail = Task.Run(async () =>
        {
            var after = start;
            while (true)
            {
                var page = await root.GetAsync($"/api/2/events?subtree_root_id={partner.Str("id")}&after={after}&limit=7&wait=1").ExpectAsync(HttpStatusCode.OK);
                foreach (var e in page.Items())
                {
                    seen.Enqueue(long.Parse(e.Str("sequence"), null));
                }

                after = page.After();
                if (stop.IsCancellationRequested && !page.Items().Any())
                {
                    return;
                }
            }
        }, TestContext.Current.CancellationToken);

        await Task.WhenAll(customers.Select(id => Task.Run(async () =>
        {
            for (var i = 0; i < WritesEach; i++)
            {
                await root.RenameAsync(id, $"write {i}");
            }
        })));
        await stop.CancelAsync();
        await tail;

        var all = new List<long>();
        var cursor = start;
        while (true)
        {
            var page = await root.GetAsync($"/api/2/events?subtree_root_id={partner.Str("id")}&after={cursor}&limit=1000").ExpectAsync(HttpStatusCode.OK);
            if (!page.Items().Any())
            {
                break;
            }

            all.AddRange(page.Items().Select(e => long.Parse(e.Str("sequence"), null)));
            cursor = page.After();
        }

        Assert.Equal(Writers * WritesEach, all.Count);
        Assert.Equal(all, seen.ToList());
    }
}

public sealed class EventFeedTestsSqlite() : EventFeedTests(StorageProvider.Sqlite);

public sealed class EventFeedTestsPostgres() : EventFeedTests(StorageProvider.Postgres);
