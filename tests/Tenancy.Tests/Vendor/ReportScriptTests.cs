using Tenancy.Server.Storage;
using Tenancy.Tests.Reports;

namespace Tenancy.Tests.Vendor;

/// <summary>
/// The vendor's example scripts reports/create_report_retrieve.py and reports/create_sku_report_retrieve.py,
/// step by step: the exact request bodies (booleans as strings included), polling GET /stored until
/// items[0].status is "saved" (the first answer must already have an item), then the download of items[0].
/// </summary>
public abstract class ReportScriptTests(StorageProvider provider) : ReportTest(provider)
{
    [Fact]
    public async Task CreateReportRetrieve_SavesTheCurrentUsageOfTheAccountsAsCsv()
    {
        var (tenantId, api) = await PartnerAsync();
        await CustomerWithUsageAsync(api, tenantId, "Scripted", ("extreme", 12));
        var body = $$$"""
            {"parameters": {"kind": "usage_current", "tenant_id": "{{{tenantId}}}", "level": "accounts", "formats": ["csv_v2_0"]},
             "schedule": {"type": "once"}, "result_action": "save"}
            """;

        var csv = await RunScriptAsync(api, body);

        Assert.StartsWith("period_start,period_end,tenant_id,tenant_name,", csv, StringComparison.Ordinal);
        Assert.Contains("Scripted,extreme,12", Lines(csv));
    }

    [Fact]
    public async Task CreateSkuReportRetrieve_SavesTheSummaryOfDirectPartnersForOctober2021WithSkus()
    {
        var (tenantId, api) = await PartnerAsync();
        var sub = await api.CreateTenantAsync(tenantId, "partner", "Reseller");
        var customer = (await CreateNseAsync(api, sub.Str("id"), name: "October")).Str("id");
        var number = await SubscribeAsync(api, customer);
        await PushAsync(api, Sample(customer, number, "premium", 8, new DateTimeOffset(2021, 10, 15, 12, 0, 0, TimeSpan.Zero)),
            Sample(customer, number, "premium", 9, new DateTimeOffset(2021, 11, 2, 12, 0, 0, TimeSpan.Zero)));
        var body = $$$"""
            {"parameters": {"kind": "usage_summary", "tenant_id": "{{{tenantId}}}", "level": "direct_partners", "formats": ["csv_v2_0"],
              "show_skus": "true", "hide_zero_usage": "false", "period": {"start": "2021-10-01", "end": "2021-10-31"}},
             "schedule": {"type": "once"}, "result_action": "save"}
            """;

        var csv = await RunScriptAsync(api, body);

        var header = csv.Split("\r\n")[0];
        Assert.Contains("usage_name,application_id,application_name,edition,offering_item,measurement_unit,value", header, StringComparison.Ordinal);
        Assert.Equal(["Reseller,premium,8"], Lines(csv));
        Assert.Contains(",2021-10-01,2021-10-31,", "," + csv.Split("\r\n")[1], StringComparison.Ordinal);
    }

    /// <summary>What both scripts do after building their body; returns response.text of the download.</summary>
    private static async Task<string> RunScriptAsync(Api api, string body)
    {
        var created = await api.PostJsonAsync("/api/2/reports", body).ExpectAsync(HttpStatusCode.OK);
        var reportId = created.Str("id");
        var status = "non saved";
        JsonElement stored = default;
        var deadline = DateTimeOffset.UtcNow + Patience;
        while (status != "saved")
        {
            Assert.True(DateTimeOffset.UtcNow < deadline, $"report {reportId} not saved within {Patience}");
            stored = await api.GetAsync($"/api/2/reports/{reportId}/stored").ExpectAsync(HttpStatusCode.OK);
            status = stored.GetProperty("items")[0].Str("status");
            if (status != "saved")
            {
                await Task.Delay(50, TestContext.Current.CancellationToken);
            }
        }

        var storedId = stored.GetProperty("items")[0].Str("id");
        var (type, text) = await DownloadAsync(api, reportId, storedId);
        Assert.Equal("text/csv", type);
        return text;
    }
}

public sealed class ReportScriptTestsSqlite() : ReportScriptTests(StorageProvider.Sqlite);

public sealed class ReportScriptTestsPostgres() : ReportScriptTests(StorageProvider.Postgres);
