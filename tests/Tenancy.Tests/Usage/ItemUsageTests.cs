using Tenancy.Server.OfferingItems;
using System.Collections.Concurrent;
using Dapper;
using Microsoft.Extensions.DependencyInjection;
using Tenancy.Server.Storage;
using Tenancy.Server.Usage;
using static Tenancy.Tests.Catalog.SampleCatalog;

namespace Tenancy.Tests.Usage;

/// <summary>Usage per offering item through /api/2 (PUT/GET /api/2/tenants/usages), over the one usage store.</summary>
public abstract class ItemUsageTests(StorageProvider provider) : BillingTest(provider)
{
    private const string StorageEu = "3f9b1d2e-6a4c-4e8f-9b0a-1c2d3e4f5a61";
    private const long TiB = 1L << 40;

    /// <summary>Quotas the tests set, per tenant and offering item.</summary>
    private sealed class FakeQuotas : IQuotaSource
    {
        public ConcurrentDictionary<string, Dictionary<ItemKey, Quota>> Set { get; } = new();

        public Task<IReadOnlyDictionary<ItemKey, Quota>> QuotasAsync(string tenantId, CancellationToken ct = default) =>
            Task.FromResult<IReadOnlyDictionary<ItemKey, Quota>>(Set.GetValueOrDefault(tenantId) ?? []);
    }

    private readonly FakeQuotas _quotas = new();

    protected override Action<IServiceCollection> TestServices => s => s.AddSingleton<IQuotaSource>(_quotas);

    [Fact]
    public async Task Put_RecordsValuesPerOfferingItem_AndReSendingTheSameBatchChangesNothing()
    {
        var (root, customer) = await Server.RootWithCustomerAsync();
        var id = customer.Str("id");
        object[] batch =
        [
            new { tenant_id = id, offering_item = "pg_base_workstations", usage_value = 5 },
            new { tenant_id = id, offering_item = "storage_eu", infra_id = StorageEu, usage_value = 1000 },
        ];

        var first = await PutAsync(root, batch);
        var samples = await SampleCountAsync(id);
        var again = await PutAsync(root, batch);
        var usages = await UsagesAsync(root, id);

        Assert.Equal([("pg_base_workstations", null), ("storage_eu", StorageEu)], first.Select(i => (i.Str("offering_item"), Opt(i, "infra_id"))));
        Assert.All(first.Concat(again), i => Assert.False(i.TryGetProperty("error", out _), i.ToString()));
        Assert.Equal(2, samples);
        Assert.Equal(2, await SampleCountAsync(id));
        var workstations = Usage(usages, "pg_base_workstations");
        Assert.Equal((5L, 5L, "quantity", Backup, PerGigabyte),
            (workstations.Long("value"), workstations.Long("absolute_value"), workstations.Str("measurement_unit"), workstations.Str("application_id"), workstations.Str("edition")));
        var storage = Usage(usages, "storage_eu");
        Assert.Equal((1000L, "infra", StorageEu, id), (storage.Long("value"), storage.Str("type"), storage.Str("infra_id"), storage.Str("tenant_uuid")));
        Assert.Matches(@"^\d{4}-\d{2}-01T00:00:00$", storage.Str("range_start"));

        // A new value is a new sample; the current value follows it.
        await PutAsync(root, new { tenant_id = id, offering_item = "pg_base_workstations", usage_value = 6 });
        Assert.Equal(6, Usage(await UsagesAsync(root, id), "pg_base_workstations").Long("value"));
        Assert.Equal(3, await SampleCountAsync(id));
    }

    [Fact]
    public async Task AbsoluteValue_SumsTheTenantAndItsDescendants_AndFiltersKeepTheNamedItems()
    {
        var (root, tree) = await Server.RootWithSubtreeAsync();
        await PutAsync(root,
            new { tenant_id = tree.PartnerId, offering_item = "pg_base_workstations", usage_value = 1 },
            new { tenant_id = tree.CustomerId, offering_item = "pg_base_workstations", usage_value = 2 },
            new { tenant_id = tree.UnitId, offering_item = "pg_base_workstations", usage_value = 4 },
            new { tenant_id = tree.UnitId, offering_item = "pw_base_servers", usage_value = 3 });

        var partner = await UsagesAsync(root, tree.PartnerId);
        var customer = await UsagesAsync(tree.CustomerAdmin, tree.CustomerId);
        var unit = await UsagesAsync(tree.CustomerAdmin, tree.UnitId);
        var batch = await root.GetAsync($"/api/2/tenants/usages?tenants={tree.UnitId},{tree.PartnerId}&usage_names=workstations,servers")
            .ExpectAsync(HttpStatusCode.OK);
        Spec.AssertValidFull("batchUsageList", batch);
        var advanced = await root.GetAsync($"/api/2/tenants/{tree.PartnerId}/usages?editions={PerWorkload}").ExpectAsync(HttpStatusCode.OK);

        Assert.Equal((1L, 7L), Values(partner, "pg_base_workstations"));
        Assert.Equal((2L, 6L), Values(customer, "pg_base_workstations"));
        Assert.Equal((4L, 4L), Values(unit, "pg_base_workstations"));
        Assert.Equal((0L, 3L), Values(partner, "pw_base_servers"));
        var tenants = batch.GetProperty("items").EnumerateArray().ToList();
        Assert.Equal([tree.UnitId, tree.PartnerId], tenants.Select(t => t.Str("tenant")));
        Assert.Equal(["pg_base_workstations", "pw_base_servers"], tenants[0].GetProperty("usages").EnumerateArray().Select(u => u.Str("name")));
        Assert.Equal((1L, 7L), Values(tenants[1].GetProperty("usages"), "pg_base_workstations"));
        Assert.Equal(["pw_base_servers"], advanced.GetProperty("items").EnumerateArray().Select(u => u.Str("name")));
        // The customer's admin reads its own subtree only.
        await tree.CustomerAdmin.GetAsync($"/api/2/tenants/{tree.PartnerId}/usages").ExpectErrorAsync(HttpStatusCode.Forbidden, 1002);
        await tree.CustomerAdmin.GetAsync($"/api/2/tenants/usages?tenants={tree.UnitId},{tree.PartnerId}").ExpectErrorAsync(HttpStatusCode.Forbidden, 1002);
    }

    [Fact]
    public async Task OverQuota_IsSetWhenTheSubtreeUsesMoreThanQuotaPlusOverage()
    {
        var (root, tree) = await Server.RootWithSubtreeAsync();
        foreach (var tenant in new[] { tree.PartnerId, tree.CustomerId })
        {
            await root.Http.PostAsync(Binding(Backup, tenant), null, TestContext.Current.CancellationToken);
        }

        _quotas.Set[tree.CustomerId] = new() { [new ItemKey(Backup, "pg_base_workstations")] = new Quota(5, 1, 1700000000000) };
        await PutAsync(root, new { tenant_id = tree.CustomerId, offering_item = "pg_base_workstations", usage_value = 2 },
            new { tenant_id = tree.UnitId, offering_item = "pg_base_workstations", usage_value = 4 });
        var atLimit = Usage(await UsagesAsync(root, tree.CustomerId), "pg_base_workstations");
        await PutAsync(root, new { tenant_id = tree.UnitId, offering_item = "pg_base_workstations", usage_value = 5 });
        var over = Usage(await UsagesAsync(root, tree.CustomerId), "pg_base_workstations");
        var unlimited = Usage(await UsagesAsync(root, tree.PartnerId), "pg_base_workstations");
        var unitOff = Usage(await UsagesAsync(root, tree.UnitId), "pg_base_workstations");

        var quota = atLimit.GetProperty("offering_item").GetProperty("quota");
        Assert.Equal((5L, 1L, 1700000000000L), (quota.Long("value"), quota.Long("overage"), quota.Long("version")));
        Assert.Equal((1, false), (atLimit.GetProperty("offering_item").GetProperty("status").GetInt32(), atLimit.GetProperty("offering_item").Bool("over_quota")));
        Assert.Equal(7, over.Long("absolute_value"));
        Assert.True(over.GetProperty("offering_item").Bool("over_quota"));
        var none = unlimited.GetProperty("offering_item").GetProperty("quota");
        Assert.Equal((JsonValueKind.Null, JsonValueKind.Null, 0L), (none.GetProperty("value").ValueKind, none.GetProperty("overage").ValueKind, none.Long("version")));
        Assert.False(unlimited.GetProperty("offering_item").Bool("over_quota"));
        // The unit does not have the application on: its usage is shown, without an offering item.
        Assert.False(unitOff.TryGetProperty("offering_item", out _));
    }

    [Fact]
    public async Task ASampleOfAServiceLevel_IsOneFact_SeenByTheV21UsageMapAndByApi2Usages()
    {
        var (_, partner) = await PartnerAsync();
        var tenant = (await CreateNseAsync(partner)).Str("id");
        var number = await SubscribeAsync(partner, tenant);
        await CommitAsync(partner, number, "standard", 1);
        await PushAsync(partner, Sample(tenant, number, "standard", 1.5, DateTimeOffset.UtcNow.AddHours(-1)));

        var map = await NseUsageAsync(partner, tenant);
        var usages = await UsagesAsync(partner, tenant);
        var samples = await SampleCountAsync(tenant);

        Assert.Equal(1.5, Num(Line(map.GetProperty(number), "standard"), "consumed"));
        var standard = Usage(usages, "standard");
        Assert.Equal((ServiceLevels, "bytes", TiB * 3 / 2, TiB * 3 / 2),
            (standard.Str("application_id"), standard.Str("measurement_unit"), standard.Long("value"), standard.Long("absolute_value")));
        Assert.Equal(1, samples);

        // Reported through /api/2 (per tenant, no subscription): it adds to the tenant's value; the v2.1 map,
        // which is per subscription, is unchanged.
        await PutAsync(partner, new { tenant_id = tenant, offering_item = "standard", usage_value = TiB });
        Assert.Equal(TiB * 5 / 2, Usage(await UsagesAsync(partner, tenant), "standard").Long("value"));
        Assert.Equal(1.5, Num(Line((await NseUsageAsync(partner, tenant)).GetProperty(number), "standard"), "consumed"));
    }

    [Fact]
    public async Task BadItems_AreRefusedOneByOne_NamingTheItemAndField_AndChangeNothing()
    {
        var (root, customer) = await Server.RootWithCustomerAsync();
        var id = customer.Str("id");
        var (_, stranger) = await PartnerAsync();
        var (otherPartner, _) = await PartnerAsync();
        var outsider = (await root.CreateTenantAsync(otherPartner, "customer")).Str("id");

        var answer = await PutAsync(stranger,
            new { tenant_id = outsider, offering_item = "pg_base_workstations", usage_value = 1 });
        var items = await PutAsync(root,
            new { tenant_id = id, offering_item = "gold_bars", usage_value = 1 },
            new { tenant_id = id, offering_item = "pg_base_workstations", usage_value = -1 },
            new { tenant_id = id, offering_item = "pg_base_workstations", usage_value = "many" },
            new { offering_item = "pg_base_workstations", usage_value = 1 },
            new { tenant_id = id, resource_id = "r1", usage_type = "storage", usage_value = 1 },
            new { tenant_id = id, offering_item = "storage_eu", usage_value = 1 },
            new { tenant_id = id, usage_type = "storage", usage_value = 1 },
            new { tenant_id = id, offering_item = "pg_base_servers", usage_value = 9 },
            new { tenant_id = id, offering_item = "pg_base_servers", usage_value = 8 });

        Assert.Equal(("tenant_id", 1002), Fault(answer[0]));
        Assert.Equal(
            [("offering_item", 400), ("usage_value", 400), ("usage_value", 400), ("tenant_id", 400), ("resource_id", 400), ("infra_id", 400), ("infra_id", 400)],
            items.Take(7).Select(Fault));
        Assert.Contains("Item 1:", items[1].GetProperty("error").GetProperty("error").GetProperty("details").Str("info"), StringComparison.Ordinal);
        Assert.False(items[7].TryGetProperty("error", out _));
        Assert.Equal(("offering_item", 400), Fault(items[8]));
        Assert.Equal(0, await SampleCountAsync(outsider));
        Assert.Equal(1, await SampleCountAsync(id));
        Assert.Equal(9, Usage(await UsagesAsync(root, id), "pg_base_servers").Long("value"));

        // Bodies that cannot be read are refused as a whole.
        var noItems = await root.PutJsonAsync("/api/2/tenants/usages", new { values = 1 }).ExpectErrorAsync(HttpStatusCode.BadRequest, 400);
        await root.PutJsonAsync("/api/2/tenants/usages", new { items = Enumerable.Repeat(new { tenant_id = id, offering_item = "pg_base_servers", usage_value = 1 }, 1001) })
            .ExpectErrorAsync(HttpStatusCode.BadRequest, 400);
        var badIds = await root.GetAsync("/api/2/tenants/usages?tenants=nope").ExpectErrorAsync(HttpStatusCode.BadRequest, 400);
        await root.GetAsync("/api/2/tenants/usages").ExpectErrorAsync(HttpStatusCode.BadRequest, 400);
        await root.GetAsync($"/api/2/tenants/{Guid.NewGuid()}/usages").ExpectErrorAsync(HttpStatusCode.NotFound, 1005);

        Assert.Equal("items", noItems.GetProperty("context").Str("field"));
        Assert.Equal("tenants", badIds.GetProperty("context").Str("field"));
        Assert.Equal(1, await SampleCountAsync(id));
        Assert.Equal(9, Usage(await UsagesAsync(root, id), "pg_base_servers").Long("value"));
    }

    [Fact]
    public async Task BehindABarrier_UsagesAreRefused_WhileTheAncestorsAbsoluteValueCountsThem_LikeTheRollup()
    {
        var root = await Server.RootAsync();
        var partner = await root.CreateTenantAsync(await root.OwnTenantIdAsync(), "partner");
        var partnerAdmin = await root.CreateClientAndLoginAsync(partner.Str("id"));
        var closed = (await partnerAdmin.PostJsonAsync("/api/2/tenants",
            new { name = "closed", kind = "customer", parent_id = partner.Str("id"), ancestral_access = false }).ExpectAsync(HttpStatusCode.Created)).Str("id");
        await PutAsync(partnerAdmin, new { tenant_id = closed, offering_item = "pg_base_servers", usage_value = 3 });

        await root.GetAsync($"/api/2/tenants/{closed}/usages").ExpectErrorAsync(HttpStatusCode.Forbidden, 1002);
        await root.GetAsync($"/api/2/usage/tenants/{closed}/rollup").ExpectErrorAsync(HttpStatusCode.Forbidden, 1002);
        var refused = await PutAsync(root, new { tenant_id = closed, offering_item = "pg_base_servers", usage_value = 4 });
        var seenByRoot = await UsagesAsync(root, partner.Str("id"));
        var seenByParent = await UsagesAsync(partnerAdmin, closed);

        Assert.Equal(("tenant_id", 1002), Fault(refused[0]));
        Assert.Equal((0L, 3L), Values(seenByRoot, "pg_base_servers"));
        Assert.Equal((3L, 3L), Values(seenByParent, "pg_base_servers"));
    }

    private static async Task<List<JsonElement>> PutAsync(Api api, params object[] items)
    {
        var body = await api.PutJsonAsync("/api/2/tenants/usages", new { items }).ExpectAsync(HttpStatusCode.OK);
        Spec.AssertValidFull("usagePutResult", body);
        var answer = body.GetProperty("items").EnumerateArray().ToList();
        Assert.Equal(items.Length, answer.Count);
        return answer;
    }

    private static async Task<JsonElement> UsagesAsync(Api api, string tenantId)
    {
        var body = await api.GetAsync($"/api/2/tenants/{tenantId}/usages").ExpectAsync(HttpStatusCode.OK);
        Spec.AssertValidFull("usageList", body);
        return body.GetProperty("items");
    }

    private static JsonElement Usage(JsonElement usages, string name) => usages.EnumerateArray().Single(u => u.Str("name") == name);

    private static (long Value, long Absolute) Values(JsonElement usages, string name) =>
        Usage(usages, name) is var u ? (u.Long("value"), u.Long("absolute_value")) : default;

    private static string? Opt(JsonElement e, string name) => e.TryGetProperty(name, out var v) ? v.GetString() : null;

    /// <summary>The field named by an item's error, and its code.</summary>
    private static (string Field, int Code) Fault(JsonElement item)
    {
        var error = item.GetProperty("error").GetProperty("error");
        return (error.GetProperty("context").Str("field"), error.GetProperty("code").GetInt32());
    }

    private async Task<long> SampleCountAsync(string tenantId)
    {
        await using var c = await Server.OpenStoreAsync();
        return await c.ExecuteScalarAsync<long>("SELECT COUNT(*) FROM usage_samples WHERE tenant_id = @tenantId", new { tenantId });
    }
}

public sealed class ItemUsageTestsSqlite() : ItemUsageTests(StorageProvider.Sqlite);

public sealed class ItemUsageTestsPostgres() : ItemUsageTests(StorageProvider.Postgres);
