using Dapper;
using Microsoft.Extensions.DependencyInjection;
using Tenancy.Server.Deletions;
using Tenancy.Server.Storage;
using Tenancy.Server.Tenants;
using Tenancy.Server.Usage;

namespace Tenancy.Tests.Usage;

/// <summary>
/// The maintained roll-ups (usage_rollup): after every kind of write that moves them, every live tenant's stored
/// totals equal the set-based recomputation from the raw rows (<see cref="UsageStore.RecomputeRollupAsync"/>), and
/// the endpoint answers them.
/// </summary>
public abstract class RollupTests(StorageProvider provider) : BillingTest(provider)
{
    private static readonly DateTimeOffset T0 = DateTimeOffset.UtcNow.AddHours(-6);

    protected override IReadOnlyDictionary<string, string?>? Settings => new Dictionary<string, string?>
    {
        ["Tenancy:Deletion:Worker"] = "false",
        ["Tenancy:Deletion:RetentionPeriod"] = "00:10:00",
    };

    [Fact]
    public async Task Totals_StayEqualToARecomputation_ThroughIngestionCommitmentsAMoveADeleteARestoreAndAPurge()
    {
        var root = await Server.RootAsync();
        var rootId = await root.OwnTenantIdAsync();
        var a = (await root.CreateTenantAsync(rootId, "partner")).Str("id");
        var b = (await root.CreateTenantAsync(a, "customer")).Str("id");
        var c = (await root.CreateTenantAsync(b, "unit")).Str("id");
        var d = (await root.CreateTenantAsync(rootId, "partner")).Str("id");
        var e = (await root.CreateTenantAsync(d, "customer")).Str("id");
        var (sa, sb, sc, se) = (await SubscribeAsync(root, a), await SubscribeAsync(root, b), await SubscribeAsync(root, c), await SubscribeAsync(root, e));

        await PushAsync(root, Sample(a, sa, "extreme", 10, T0), Sample(b, sb, "standard", 12.33, T0), Sample(b, sb, "premium", 3, T0),
            Sample(c, sc, "standard", 7, T0), Sample(c, sc, "object", 100, T0), Sample(e, se, "extreme", 1, T0));
        await AssertTotalsAsync(root, a, d);

        await CommitAsync(root, sb, "standard", 10);
        await CommitAsync(root, sc, "standard", 5);
        await CommitAsync(root, se, "premium", 4);
        await CommitAsync(root, sb, "standard", 20);
        await AssertTotalsAsync(root, a, d);

        // A newer value replaces the current one; an older one only joins the history.
        await PushAsync(root, Sample(c, sc, "standard", 9, T0.AddMinutes(5)), Sample(c, sc, "standard", 1, T0.AddMinutes(-5)),
            Sample(e, se, "premium", 6.5, T0.AddMinutes(5)));
        await AssertTotalsAsync(root, a, d);

        var version = (await root.GetTenantAsync(b)).Long("version");
        await root.PutTenantAsync(b, new { parent_id = d, version }).ExpectAsync(HttpStatusCode.OK);
        await AssertTotalsAsync(root, a, d);
        Assert.Equal(21.33, await ConsumedAsync(root, d, "standard"), 6);

        await root.TerminateAsync(c);
        await AssertTotalsAsync(root, a, d);
        Assert.Equal(12.33, await ConsumedAsync(root, d, "standard"), 6);

        await root.PostJsonAsync($"/api/2/tenants/{c}/restore", new { }).ExpectAsync(HttpStatusCode.NoContent);
        await AssertTotalsAsync(root, a, d);
        Assert.Equal(21.33, await ConsumedAsync(root, d, "standard"), 6);

        await root.TerminateAsync(b);
        await AssertTotalsAsync(root, a, d);
        await using var store = await Server.OpenStoreAsync();
        for (var round = 0; round < 5 && await store.ExecuteScalarAsync<long?>("SELECT seq FROM tenants WHERE id = @b", new { b }) is not null; round++)
        {
            // The purge after the window: the deletion starts purging, then its rows go.
            Assert.True(await Server.Services.GetRequiredService<DeletionWorker>()
                .RunOnceAsync(Timestamps.ToMicros(DateTimeOffset.UtcNow + TimeSpan.FromHours(2)), TestContext.Current.CancellationToken));
        }

        await AssertTotalsAsync(root, a, d);
        Assert.Equal(0, await store.ExecuteScalarAsync<long>(
            "SELECT COUNT(*) FROM usage_rollup r WHERE NOT EXISTS (SELECT 1 FROM tenants t WHERE t.seq = r.tenant_seq)"));
        Assert.Null(await store.ExecuteScalarAsync<long?>("SELECT seq FROM tenants WHERE id = @b", new { b }));
    }

    [Fact]
    public async Task ConcurrentIngestion_IntoSiblings_LeavesTheTotalsOfTheirParentRight()
    {
        var root = await Server.RootAsync();
        var partner = (await root.CreateTenantAsync(await root.OwnTenantIdAsync(), "partner")).Str("id");
        var siblings = new List<(string Tenant, string Number)>();
        for (var i = 0; i < 8; i++)
        {
            var tenant = (await root.CreateTenantAsync(partner, "customer")).Str("id");
            siblings.Add((tenant, await SubscribeAsync(root, tenant)));
        }

        // Each writer sends 10 batches for its own tenant, every sample newer than the last; one also changes commitments.
        await Task.WhenAll(siblings.Select((s, w) => Task.Run(async () =>
        {
            for (var k = 0; k < 10; k++)
            {
                var at = T0.AddMinutes(k);
                await PushAsync(root, Sample(s.Tenant, s.Number, "standard", w + k + 0.25, at), Sample(s.Tenant, s.Number, "premium", 2 * k, at));
                if (w == 0)
                {
                    await CommitAsync(root, s.Number, "premium", k);
                }
            }
        })));

        await AssertTotalsAsync(root, partner);
        Assert.Equal(siblings.Select((_, w) => w + 9 + 0.25).Sum(), await ConsumedAsync(root, partner, "standard"), 6);
    }

    /// <summary>Every live tenant's stored totals equal the recomputation; the endpoint answers them for <paramref name="ids"/>.</summary>
    private async Task AssertTotalsAsync(Api api, params string[] ids)
    {
        var usage = Server.Services.GetRequiredService<UsageStore>();
        var database = Server.Services.GetRequiredService<Database>();
        await using var store = await Server.OpenStoreAsync();
        var tenants = (await store.QueryAsync<(long Seq, string Id, string Path)>("SELECT seq, id, path FROM tenants WHERE deleted_at IS NULL")).AsList();
        var ct = TestContext.Current.CancellationToken;
        foreach (var t in tenants)
        {
            Assert.Equal(await usage.RecomputeRollupAsync(t.Path, ct), await UsageRollups.ReadAsync(database, t.Seq, ct));
        }

        foreach (var id in ids)
        {
            var expected = await usage.RecomputeRollupAsync(tenants.Single(t => t.Id == id).Path, ct);
            var body = await api.GetAsync($"/api/2/usage/tenants/{id}/rollup").ExpectAsync(HttpStatusCode.OK);
            Assert.Equal(id, body.Str("tenant_id"));
            Assert.Equal(expected, [.. body.GetProperty("service_levels").EnumerateArray()
                .Select(l => new UsageLine(l.Str("service_level"), Num(l, "consumed"), Num(l, "committed"), Num(l, "burst")))]);
        }
    }

    private static async Task<double> ConsumedAsync(Api api, string id, string level) =>
        Num(Line((await api.GetAsync($"/api/2/usage/tenants/{id}/rollup").ExpectAsync(HttpStatusCode.OK)).GetProperty("service_levels"), level), "consumed");
}

public sealed class RollupTestsSqlite() : RollupTests(StorageProvider.Sqlite);

public sealed class RollupTestsPostgres() : RollupTests(StorageProvider.Postgres);
