using Tenancy.Server.Storage;
using static Tenancy.Tests.OfferingItems.OfferingItemSteps;

namespace Tenancy.Tests.OfferingItems;

/// <summary>Quotas set through offering items, and usage reported through /api/2/tenants/usages, seen together.</summary>
public abstract class QuotaUsageTests(StorageProvider provider) : ServerTests(provider)
{
    private const string Workstations = "pg_base_workstations";

    [Fact]
    public async Task UsageAboveQuotaPlusOverage_IsFlaggedOverQuota_WithTheQuotaTheTenantWasGiven()
    {
        var root = await Server.RootAsync();
        var tree = await root.BuildSubtreeAsync();
        await root.PutItemsAsync(tree.PartnerId, Item(Workstations, 1)).ExpectAsync(HttpStatusCode.OK);
        await root.PutItemsAsync(tree.CustomerId, Item(Workstations, 1, Quota(5, 1))).ExpectAsync(HttpStatusCode.OK);
        await root.PutItemsAsync(tree.UnitId, Item(Workstations, 1)).ExpectAsync(HttpStatusCode.OK);

        await ReportAsync(root, (tree.CustomerId, 2), (tree.UnitId, 4));
        var atLimit = await UsageAsync(root, tree.CustomerId);
        await ReportAsync(root, (tree.UnitId, 5));
        var over = await UsageAsync(root, tree.CustomerId);
        var partner = await UsageAsync(root, tree.PartnerId);
        var unit = await UsageAsync(root, tree.UnitId);

        Assert.Equal((6L, false), (atLimit.Long("absolute_value"), atLimit.GetProperty("offering_item").Bool("over_quota")));
        var quota = over.GetProperty("offering_item").GetProperty("quota");
        Assert.Equal((5L, 1L), (quota.Long("value"), quota.Long("overage")));
        Assert.True(quota.Long("version") > 0);
        Assert.Equal((7L, true), (over.Long("absolute_value"), over.GetProperty("offering_item").Bool("over_quota")));
        // The partner has no quota of its own: unlimited, never over. The unit inherits the customer's limit.
        Assert.Equal(JsonValueKind.Null, partner.GetProperty("offering_item").GetProperty("quota").GetProperty("value").ValueKind);
        Assert.False(partner.GetProperty("offering_item").Bool("over_quota"));
        Assert.Equal((5L, 5L), (unit.Long("absolute_value"), unit.GetProperty("offering_item").GetProperty("quota").Long("value")));
        Assert.False(unit.GetProperty("offering_item").Bool("over_quota"));
    }

    private static async Task ReportAsync(Api api, params (string Tenant, long Value)[] values)
    {
        var items = values.Select(v => new { tenant_id = v.Tenant, offering_item = Workstations, usage_value = v.Value }).ToArray();
        var body = await api.PutJsonAsync("/api/2/tenants/usages", new { items }).ExpectAsync(HttpStatusCode.OK);
        Assert.Equal(values.Length, body.GetProperty("items").GetArrayLength());
    }

    private static async Task<JsonElement> UsageAsync(Api api, string tenant)
    {
        var body = await api.GetAsync($"/api/2/tenants/{tenant}/usages?usage_names=workstations").ExpectAsync(HttpStatusCode.OK);
        return body.GetProperty("items").EnumerateArray().Single(u => u.Str("name") == Workstations);
    }
}

public sealed class QuotaUsageTestsSqlite() : QuotaUsageTests(StorageProvider.Sqlite);

[Trait("Provider", "Postgres")]
public sealed class QuotaUsageTestsPostgres() : QuotaUsageTests(StorageProvider.Postgres);
