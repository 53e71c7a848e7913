using Tenancy.Server.Storage;

namespace Tenancy.Tests.Reports;

/// <summary>POST/GET/PUT/DELETE /api/2/reports, the stored files and their contents.</summary>
public abstract class ReportTests(StorageProvider provider) : ReportTest(provider)
{
    private const string CsvHeader =
        "period_start,period_end,tenant_id,tenant_name,tenant_kind,tenant_code,deleted_at,usage_name,measurement_unit,value";

    /// <summary>The required fields of the Account Management API's report and of a stored report.</summary>
    private static readonly string[] ReportFields = ["id", "version", "result_action", "recipients", "parameters", "schedule", "generation_date"];
    private static readonly string[] StoredFields = ["id", "report_format", "created_at", "size", "status"];

    [Fact]
    public async Task CurrentReport_AsCsv_ListsEveryAccountWithEachUsage_ZeroWhereItHasNone()
    {
        var (partnerId, partner) = await PartnerAsync();
        var busy = await CustomerWithUsageAsync(partner, partnerId, "Busy", ("standard", 10), ("premium", 2.5));
        await CustomerWithUsageAsync(partner, partnerId, "Idle");
        var partnerName = (await partner.GetTenantAsync(partnerId)).Str("name");

        var report = await partner.PostJsonAsync("/api/2/reports", Body(partnerId)).ExpectAsync(HttpStatusCode.OK);
        var stored = await WaitSavedAsync(partner, report.Str("id"));
        var (type, csv) = await DownloadAsync(partner, report.Str("id"), stored[0].Str("id"));

        Assert.All(ReportFields, f => Assert.True(report.TryGetProperty(f, out _), $"{f} missing: {report}"));
        Assert.All(StoredFields, f => Assert.True(stored[0].TryGetProperty(f, out _), $"{f} missing: {stored}"));

        Assert.Equal("text/csv", type);
        Assert.Equal(CsvHeader, csv.Split("\r\n")[0]);
        Assert.Equal(
            [$"Busy,premium,2.5", "Busy,standard,10", "Idle,premium,0", "Idle,standard,0", $"{partnerName},premium,0", $"{partnerName},standard,0"],
            Lines(csv).Order(StringComparer.Ordinal));
        var today = DateTimeOffset.UtcNow.ToString("yyyy-MM-dd");
        Assert.Contains($",{today},{busy},Busy,customer,", csv, StringComparison.Ordinal);
        Assert.Equal("csv_v2_0", stored[0].Str("report_format"));
        Assert.Equal(System.Text.Encoding.UTF8.GetByteCount(csv), stored[0].Long("size"));
    }

    [Fact]
    public async Task HideZeroUsage_LeavesOutTheZeroLines()
    {
        var (partnerId, partner) = await PartnerAsync();
        await CustomerWithUsageAsync(partner, partnerId, "Busy", ("standard", 10), ("premium", 0));
        await CustomerWithUsageAsync(partner, partnerId, "Idle");

        var (_, csv) = await ProduceAsync(partner, Body(partnerId, hideZero: true));

        Assert.Equal(["Busy,standard,10"], Lines(csv));
    }

    [Fact]
    public async Task SummaryReport_AsJson_GivesThePeakOfThePeriod_WithTheSkuFields()
    {
        var (partnerId, partner) = await PartnerAsync();
        var customer = (await CreateNseAsync(partner, partnerId, name: "Peaky")).Str("id");
        var number = await SubscribeAsync(partner, customer);
        var now = DateTimeOffset.UtcNow;
        await PushAsync(partner, Sample(customer, number, "object", 3, now.AddMinutes(-3)), Sample(customer, number, "object", 7, now.AddMinutes(-2)),
            Sample(customer, number, "object", 4, now.AddMinutes(-1)), Sample(customer, number, "standard", 1, now.AddDays(-40)));

        var (type, text) = await ProduceAsync(partner, Body(partnerId, kind: "usage_summary", format: "json_v2_0", hideZero: true, skus: true));

        Assert.Equal("application/json", type);
        var json = JsonDocument.Parse(text).RootElement;
        Assert.Equal("usage_summary", json.Str("kind"));
        Assert.Equal(now.AddDays(-1).ToString("yyyy-MM-dd"), json.GetProperty("period").Str("start"));
        var item = Assert.Single(json.GetProperty("items").EnumerateArray()); // the standard sample lies before the period
        Assert.Equal(customer, item.Str("tenant_id"));
        Assert.Equal("Peaky", item.Str("tenant_name"));
        Assert.Equal("object", item.Str("usage_name"));
        Assert.Equal(7, item.GetProperty("value").GetDouble());
        Assert.Equal(("object", "File and Object Storage"), (item.Str("offering_item"), item.Str("application_name")));
        foreach (var field in new[] { "application_id", "application_name", "edition", "offering_item", "measurement_unit" })
        {
            Assert.True(item.TryGetProperty(field, out _), $"{field} missing: {item}");
        }
    }

    [Fact]
    public async Task ShowSkus_AddsTheSkuColumnsToTheCsv()
    {
        var (partnerId, partner) = await PartnerAsync();
        await CustomerWithUsageAsync(partner, partnerId, "Busy", ("standard", 1));

        var (_, csv) = await ProduceAsync(partner, Body(partnerId, skus: true, hideZero: true));

        Assert.Equal(CsvHeader.Replace("usage_name,", "usage_name,application_id,application_name,edition,offering_item,", StringComparison.Ordinal),
            csv.Split("\r\n")[0]);
        Assert.Equal(2, csv.Split("\r\n", StringSplitOptions.RemoveEmptyEntries).Length);
    }

    [Fact]
    public async Task Levels_ChooseTheTenantsShown_AndAddUpTheirSubtrees()
    {
        var (partnerId, partner) = await PartnerAsync();
        var sub = await partner.CreateTenantAsync(partnerId, "partner", "Sub");
        await CustomerWithUsageAsync(partner, partnerId, "Direct", ("standard", 10));
        await CustomerWithUsageAsync(partner, sub.Str("id"), "Below", ("standard", 4));
        var partnerName = (await partner.GetTenantAsync(partnerId)).Str("name");

        async Task<List<string>> LevelAsync(string level) => Lines((await ProduceAsync(partner, Body(partnerId, level: level))).Text);

        Assert.Equal(["Sub,standard,4"], await LevelAsync("direct_partners"));
        Assert.Equal(["Sub,standard,4"], await LevelAsync("all_partners"));
        Assert.Equal(["Below,standard,4", "Direct,standard,10"], await LevelAsync("all_customers"));
        Assert.Equal([$"{partnerName},standard,14"], await LevelAsync("itself"));
        Assert.Equal(4, (await LevelAsync("accounts")).Count);
    }

    [Fact]
    public async Task Report_LeavesOutTenantsBehindABarrier_AsTheReportTenantsPrincipalsSeeThem()
    {
        var (partnerId, partner) = await PartnerAsync();
        var sub = await partner.CreateTenantAsync(partnerId, "partner", "Sub");
        var closed = await partner.PostJsonAsync("/api/2/tenants",
            new { name = "Closed", kind = "customer", parent_id = sub.Str("id"), ancestral_access = false }).ExpectAsync(HttpStatusCode.Created);
        var subAdmin = await partner.CreateClientAndLoginAsync(sub.Str("id"));
        var number = await SubscribeAsync(subAdmin, closed.Str("id"));
        await PushAsync(subAdmin, Sample(closed.Str("id"), number, "standard", 5, DateTimeOffset.UtcNow.AddMinutes(-1)));
        await CustomerWithUsageAsync(partner, partnerId, "Open", ("standard", 1));

        var ofPartner = Lines((await ProduceAsync(partner, Body(partnerId, hideZero: true))).Text);
        var ofSub = Lines((await ProduceAsync(subAdmin, Body(sub.Str("id"), hideZero: true))).Text);

        Assert.Equal(["Open,standard,1"], ofPartner);
        Assert.Equal(["Closed,standard,5"], ofSub);
    }

    [Fact]
    public async Task SummaryReport_ShowsADeletedTenantsUsageOfThePeriod_WithDeletedAt_CurrentReportDoesNot()
    {
        var (partnerId, partner) = await PartnerAsync();
        var gone = (await CreateNseAsync(partner, partnerId, name: "Gone")).Str("id");
        var number = await SubscribeAsync(partner, gone);
        await PushAsync(partner, Sample(gone, number, "standard", 6, DateTimeOffset.UtcNow.AddMinutes(-1)));
        using (var deleted = await partner.DeleteAsync($"/api/v2.1/tenants/{gone}"))
        {
            Assert.Equal(HttpStatusCode.NoContent, deleted.StatusCode);
        }

        var summary = JsonDocument.Parse((await ProduceAsync(partner, Body(partnerId, kind: "usage_summary", format: "json_v2_0", hideZero: true))).Text).RootElement;
        var current = Lines((await ProduceAsync(partner, Body(partnerId, hideZero: true))).Text);

        var item = Assert.Single(summary.GetProperty("items").EnumerateArray());
        Assert.Equal(gone, item.Str("tenant_id"));
        Assert.Equal(6, item.GetProperty("value").GetDouble());
        Assert.Equal(JsonValueKind.String, item.GetProperty("deleted_at").ValueKind);
        Assert.Empty(current);
    }

    [Fact]
    public async Task Get_AndTheTenantsList_ShowTheReport_AndAnotherPartnerGets403()
    {
        var (partnerId, partner) = await PartnerAsync();
        var (_, stranger) = await PartnerAsync();
        var report = await partner.PostJsonAsync("/api/2/reports", Body(partnerId, kind: "usage_summary", period: new { start = "2026-10-01", end = "2026-10-31" }))
            .ExpectAsync(HttpStatusCode.OK);
        var id = report.Str("id");

        var read = await partner.GetAsync($"/api/2/reports/{id}").ExpectAsync(HttpStatusCode.OK);
        var list = await partner.GetAsync($"/api/2/tenants/{partnerId}/reports").ExpectAsync(HttpStatusCode.OK);

        Assert.Equal(report.ToString(), read.ToString());
        Assert.Equal(1, read.Long("version"));
        Assert.Equal("2026-10-01", read.GetProperty("parameters").GetProperty("period").Str("start"));
        Assert.Equal("once", read.GetProperty("schedule").Str("type"));
        Assert.True(read.GetProperty("schedule").Bool("enabled"));
        Assert.Equal([id], list.GetProperty("items").EnumerateArray().Select(i => i.GetString()));
        Spec.AssertValid("uuidList", list);
        await stranger.GetAsync($"/api/2/reports/{id}").ExpectErrorAsync(HttpStatusCode.Forbidden, 1002);
        await stranger.GetAsync($"/api/2/reports/{id}/stored").ExpectErrorAsync(HttpStatusCode.Forbidden, 1002);
        await stranger.PostJsonAsync("/api/2/reports", Body(partnerId)).ExpectErrorAsync(HttpStatusCode.Forbidden, 1002);
        await partner.GetAsync($"/api/2/reports/{Guid.NewGuid()}").ExpectErrorAsync(HttpStatusCode.NotFound, 1005);
    }

    [Fact]
    public async Task Put_ChangesAMonthlyReport_WithANewVersionAndAnAuditRecord_AndRefusesAOneTimeReport()
    {
        var (partnerId, partner) = await PartnerAsync();
        var monthly = await partner.PostJsonAsync("/api/2/reports", Body(partnerId, schedule: "monthly")).ExpectAsync(HttpStatusCode.OK);
        var once = await partner.PostJsonAsync("/api/2/reports", Body(partnerId)).ExpectAsync(HttpStatusCode.OK);
        var firstOfNextMonth = new DateTime(DateTime.UtcNow.Year, DateTime.UtcNow.Month, 1).AddMonths(1).ToString("yyyy-MM-dd");

        var changed = await partner.PutJsonAsync($"/api/2/reports/{monthly.Str("id")}",
            new { parameters = new { level = "direct_partners", hide_zero_usage = true }, schedule = new { enabled = false } }).ExpectAsync(HttpStatusCode.OK);
        var refused = await partner.PutJsonAsync($"/api/2/reports/{once.Str("id")}", new { parameters = new { level = "itself" } })
            .ExpectErrorAsync(HttpStatusCode.BadRequest, 1027);

        Assert.Equal(firstOfNextMonth, monthly.Str("generation_date"));
        Assert.Equal(DateTime.UtcNow.ToString("yyyy-MM-01"), monthly.GetProperty("parameters").GetProperty("period").Str("start"));
        Assert.Equal(2, changed.Long("version"));
        Assert.Equal("direct_partners", changed.GetProperty("parameters").Str("level"));
        Assert.True(changed.GetProperty("parameters").Bool("hide_zero_usage"));
        Assert.False(changed.GetProperty("schedule").Bool("enabled"));
        Assert.Contains("only scheduled", refused.GetProperty("details").Str("info"), StringComparison.Ordinal);
        Assert.Equal("accounts", (await partner.GetAsync($"/api/2/reports/{once.Str("id")}").ExpectAsync(HttpStatusCode.OK)).GetProperty("parameters").Str("level"));
        var audit = await partner.GetAsync($"/api/2/audit?target_id={monthly.Str("id")}").ExpectAsync(HttpStatusCode.OK);
        Assert.Equal(["report.update", "report.create"], audit.GetProperty("items").EnumerateArray().Select(a => a.Str("operation")));
    }

    [Fact]
    public async Task Delete_QuotingTheVersion_RemovesTheReportAndItsFiles_AStaleVersionGets409()
    {
        var (partnerId, partner) = await PartnerAsync();
        var report = await partner.PostJsonAsync("/api/2/reports", Body(partnerId)).ExpectAsync(HttpStatusCode.OK);
        var id = report.Str("id");
        var stored = await WaitSavedAsync(partner, id);

        var stale = await partner.DeleteAsync($"/api/2/reports/{id}?version=7").ExpectErrorAsync(HttpStatusCode.Conflict, 1001);
        await partner.DeleteAsync($"/api/2/reports/{id}").ExpectErrorAsync(HttpStatusCode.BadRequest, 400);
        await partner.DeleteAsync($"/api/2/reports/{id}?version=1").ExpectAsync(HttpStatusCode.NoContent);

        Assert.Equal(1, stale.GetProperty("context").Long("current_version"));
        await partner.GetAsync($"/api/2/reports/{id}").ExpectErrorAsync(HttpStatusCode.NotFound, 1005);
        await partner.GetAsync($"/api/2/reports/{id}/stored/{stored[0].Str("id")}").ExpectErrorAsync(HttpStatusCode.NotFound, 1005);
        Assert.Null(await Server.StoredRowAsync("SELECT id FROM stored_reports WHERE report_id = @id", "id", id));
        var audit = await partner.GetAsync($"/api/2/audit?target_id={id}").ExpectAsync(HttpStatusCode.OK);
        Assert.Equal(["report.delete", "report.create"], audit.GetProperty("items").EnumerateArray().Select(a => a.Str("operation")));
    }

    [Theory]
    [InlineData("""{"parameters": {"kind": "usage_daily", "tenant_id": "{t}", "level": "accounts"}, "schedule": {"type": "once"}, "result_action": "save"}""", "parameters.kind")]
    [InlineData("""{"parameters": {"kind": "usage_current", "tenant_id": "{t}", "level": "everyone"}, "schedule": {"type": "once"}, "result_action": "save"}""", "parameters.level")]
    [InlineData("""{"parameters": {"kind": "usage_current", "tenant_id": "{t}", "level": "accounts", "formats": ["html"]}, "schedule": {"type": "once"}, "result_action": "save"}""", "parameters.formats")]
    [InlineData("""{"parameters": {"kind": "usage_current", "tenant_id": "{t}", "level": "accounts"}, "schedule": {"type": "weekly"}, "result_action": "save"}""", "schedule.type")]
    [InlineData("""{"parameters": {"kind": "usage_current", "tenant_id": "{t}", "level": "accounts"}, "schedule": {"type": "once"}, "result_action": "send"}""", "result_action")]
    [InlineData("""{"parameters": {"kind": "usage_summary", "tenant_id": "{t}", "level": "accounts", "period": {"start": "2026-10-31", "end": "2026-10-01"}}, "schedule": {"type": "once"}, "result_action": "save"}""", "parameters.period.end")]
    [InlineData("""{"parameters": {"kind": "usage_current", "level": "accounts"}, "schedule": {"type": "once"}, "result_action": "save"}""", "parameters.tenant_id")]
    public async Task Create_WithABadParameter_IsRefusedWith400NamingIt_AndStoresNothing(string body, string field)
    {
        var (partnerId, partner) = await PartnerAsync();

        var error = await partner.PostJsonAsync("/api/2/reports", body.Replace("{t}", partnerId, StringComparison.Ordinal))
            .ExpectErrorAsync(HttpStatusCode.BadRequest, 400);

        Assert.Equal(field, error.GetProperty("context").Str("field"));
        var list = await partner.GetAsync($"/api/2/tenants/{partnerId}/reports").ExpectAsync(HttpStatusCode.OK);
        Assert.Empty(list.GetProperty("items").EnumerateArray());
    }
}

public sealed class ReportTestsSqlite() : ReportTests(StorageProvider.Sqlite);

public sealed class ReportTestsPostgres() : ReportTests(StorageProvider.Postgres);
