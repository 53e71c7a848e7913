using Tenancy.Server.Storage;

namespace Tenancy.Tests.Usage;

public abstract class UsageTests(StorageProvider provider) : BillingTest(provider)
{
    private static readonly DateTimeOffset T0 = DateTimeOffset.UtcNow.AddHours(-3);

    [Fact]
    public async Task UsageMap_ShowsConsumedCommittedAndBurst_AndBurstIsNeverNegative()
    {
        var (_, partner) = await PartnerAsync();
        var tenant = (await CreateNseAsync(partner)).Str("id");
        var number = await SubscribeAsync(partner, tenant, "A-S00003875");
        await CommitAsync(partner, number, "standard", 30);
        await CommitAsync(partner, number, "extreme", 10);

        await PushAsync(partner,
            Sample(tenant, number, "standard", 1.94, T0),
            Sample(tenant, number, "extreme", 12.33, T0));

        var usage = await NseUsageAsync(partner, tenant);
        var lines = usage.GetProperty("A-S00003875"); // the key is written as it is, not snake_cased
        Assert.Equal(["extreme", "standard"], lines.EnumerateArray().Select(l => l.Str("service_level")));
        var standard = Line(lines, "standard");
        Assert.Equal((1.94, 30.0, 0.0), (Num(standard, "consumed"), Num(standard, "committed"), Num(standard, "burst")));
        var extreme = Line(lines, "extreme");
        Assert.Equal((12.33, 10.0, 2.33), (Num(extreme, "consumed"), Num(extreme, "committed"), Num(extreme, "burst")));
    }

    [Fact]
    public async Task UsageMap_OfATenantWithASubscriptionButNoUsage_HasAnEmptyList_AndWithoutSubscriptionsIsNull()
    {
        var (_, partner) = await PartnerAsync();
        var tenant = (await CreateNseAsync(partner)).Str("id");
        var bare = (await CreateNseAsync(partner)).Str("id");
        var number = await SubscribeAsync(partner, tenant);

        Assert.Empty((await NseUsageAsync(partner, tenant)).GetProperty(number).EnumerateArray());
        Assert.Equal(JsonValueKind.Null, (await NseUsageAsync(partner, bare)).ValueKind);
    }

    [Fact]
    public async Task Ingest_OfTheSameBatchTwice_CountsEachSampleOnce()
    {
        var (_, partner) = await PartnerAsync();
        var tenant = (await CreateNseAsync(partner)).Str("id");
        var number = await SubscribeAsync(partner, tenant);
        object[] batch =
        [
            Sample(tenant, number, "premium", 4, T0),
            Sample(tenant, number, "premium", 6, T0.AddMinutes(10)),
        ];

        var first = await PushAsync(partner, batch);
        var second = await PushAsync(partner, batch);

        Assert.Equal((2, 0), (first.GetProperty("applied").GetInt32(), first.GetProperty("duplicates").GetInt32()));
        Assert.Equal((0, 2), (second.GetProperty("applied").GetInt32(), second.GetProperty("duplicates").GetInt32()));
        Assert.Equal(6, Num(Line((await NseUsageAsync(partner, tenant)).GetProperty(number), "premium"), "consumed"));
        var report = await partner.GetAsync(ReportUrl(tenant, T0.AddHours(-1), T0.AddHours(1))).ExpectAsync(HttpStatusCode.OK);
        var row = report.GetProperty("items").EnumerateArray().Single();
        Assert.Equal((2, 5.0, 6.0), (row.GetProperty("samples").GetInt32(), Num(row, "average_consumed"), Num(row, "peak_consumed")));
    }

    [Fact]
    public async Task Ingest_OfAnOlderSample_KeepsTheNewerOneCurrent()
    {
        var (_, partner) = await PartnerAsync();
        var tenant = (await CreateNseAsync(partner)).Str("id");
        var number = await SubscribeAsync(partner, tenant);

        await PushAsync(partner, Sample(tenant, number, "object", 8, T0.AddMinutes(5)));
        await PushAsync(partner, Sample(tenant, number, "object", 3, T0));

        Assert.Equal(8, Num(Line((await NseUsageAsync(partner, tenant)).GetProperty(number), "object"), "consumed"));
    }

    [Fact]
    public async Task Ingest_OfAPartlyBadBatch_AppliesTheGoodItems_AndReportsEachBadOne()
    {
        var (_, partner) = await PartnerAsync();
        var tenant = (await CreateNseAsync(partner)).Str("id");
        var other = (await CreateNseAsync(partner)).Str("id");
        var number = await SubscribeAsync(partner, tenant);

        var outcome = await PushAsync(partner,
            Sample(tenant, number, "standard", 5, T0),
            Sample(tenant, number, "gold", 5, T0),
            Sample(tenant, number, "standard", -1, T0.AddMinutes(1)),
            Sample(tenant, "A-S404", "standard", 5, T0),
            new { tenant_id = tenant, subscription = number, service_level = "standard", consumed = 1 },
            Sample(other, number, "standard", 5, T0.AddMinutes(2)),
            Sample(tenant, number, "standard", 5, DateTimeOffset.UtcNow.AddDays(1)),
            "not an object",
            Sample(tenant, number, "extreme", 7, T0));

        Assert.Equal((9, 2, 7), (outcome.GetProperty("received").GetInt32(), outcome.GetProperty("applied").GetInt32(), outcome.GetProperty("rejected").GetInt32()));
        var errors = outcome.GetProperty("errors").EnumerateArray().Select(e => (e.GetProperty("index").GetInt32(), e.Str("field"))).ToList();
        Assert.Equal([(1, "service_level"), (2, "consumed"), (3, "subscription"), (4, "timestamp"), (5, "tenant_id"), (6, "timestamp"), (7, "item")], errors);
        Assert.All(outcome.GetProperty("errors").EnumerateArray(), e => Assert.False(string.IsNullOrWhiteSpace(e.Str("message"))));
        var lines = (await NseUsageAsync(partner, tenant)).GetProperty(number);
        Assert.Equal((5.0, 7.0), (Num(Line(lines, "standard"), "consumed"), Num(Line(lines, "extreme"), "consumed")));
        Assert.Equal(2, lines.GetArrayLength());
    }

    [Fact]
    public async Task Ingest_ForASubscriptionOutsideTheCallersReach_IsRefusedPerItem()
    {
        var (_, partner) = await PartnerAsync();
        var customer = (await CreateNseAsync(partner)).Str("id");
        var sibling = (await CreateNseAsync(partner)).Str("id");
        var siblingNumber = await SubscribeAsync(partner, sibling);
        var customerApi = await partner.CreateClientAndLoginAsync(customer);

        var outcome = await PushAsync(customerApi, Sample(sibling, siblingNumber, "standard", 5, T0));

        Assert.Equal("subscription", outcome.GetProperty("errors")[0].Str("field"));
        Assert.Empty((await NseUsageAsync(partner, sibling)).GetProperty(siblingNumber).EnumerateArray());
    }

    [Fact]
    public async Task Ingest_WithoutAnItemsArray_IsRefusedWith400()
    {
        var (_, partner) = await PartnerAsync();

        var error = await partner.PostJsonAsync("/api/2/usage", new { samples = Array.Empty<object>() }).ExpectErrorAsync(HttpStatusCode.BadRequest, 400);

        Assert.Equal("items", error.GetProperty("context").Str("field"));
    }
}

public sealed class UsageTestsSqlite() : UsageTests(StorageProvider.Sqlite);

public sealed class UsageTestsPostgres() : UsageTests(StorageProvider.Postgres);
