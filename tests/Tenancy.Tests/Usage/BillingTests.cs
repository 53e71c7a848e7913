using System.Globalization;
using Tenancy.Server.Storage;

namespace Tenancy.Tests.Usage;

public abstract class BillingTests(StorageProvider provider) : BillingTest(provider)
{
    private static readonly DateTimeOffset T0 = DateTimeOffset.UtcNow.AddHours(-6);

    [Fact]
    public async Task Commitments_KeepTheirHistory_AndTheLatestIsInForce()
    {
        var (_, partner) = await PartnerAsync();
        var tenant = (await CreateNseAsync(partner)).Str("id");
        var number = await SubscribeAsync(partner, tenant);
        await partner.PostJsonAsync($"/api/2/subscriptions/{number}/commitments",
            new { service_level = "standard", committed = 20, effective_from = T0.ToString("O") }).ExpectAsync(HttpStatusCode.Created);
        await CommitAsync(partner, number, "standard", 50);
        // A back-dated commitment joins the history but does not replace the newer one.
        await partner.PostJsonAsync($"/api/2/subscriptions/{number}/commitments",
            new { service_level = "standard", committed = 5, effective_from = T0.AddHours(-1).ToString("O") }).ExpectAsync(HttpStatusCode.Created);

        var history = await partner.GetAsync($"/api/2/subscriptions/{number}/commitments").ExpectAsync(HttpStatusCode.OK);
        var subscription = await partner.GetAsync($"/api/2/subscriptions/{number}").ExpectAsync(HttpStatusCode.OK);

        Assert.Equal([5.0, 20.0, 50.0], history.GetProperty("items").EnumerateArray().Select(c => Num(c, "committed")));
        Assert.Equal(50, Num(Line(subscription.GetProperty("usage"), "standard"), "committed"));
        Assert.Equal(tenant, subscription.Str("tenant_id"));
    }

    [Fact]
    public async Task Commitment_ForAnUnknownServiceLevel_IsRefusedWith400()
    {
        var (_, partner) = await PartnerAsync();
        var tenant = (await CreateNseAsync(partner)).Str("id");
        var number = await SubscribeAsync(partner, tenant);

        var error = await partner.PostJsonAsync($"/api/2/subscriptions/{number}/commitments", new { service_level = "gold", committed = 1 })
            .ExpectErrorAsync(HttpStatusCode.BadRequest, 400);

        Assert.Equal("service_level", error.GetProperty("context").Str("field"));
        var history = await partner.GetAsync($"/api/2/subscriptions/{number}/commitments").ExpectAsync(HttpStatusCode.OK);
        Assert.Empty(history.GetProperty("items").EnumerateArray());
    }

    [Theory]
    [InlineData(-1)]
    [InlineData("lots")]
    public async Task Commitment_WithABadAmount_IsRefusedWith400NamingCommitted(object committed)
    {
        var (_, partner) = await PartnerAsync();
        var number = await SubscribeAsync(partner, (await CreateNseAsync(partner)).Str("id"));

        var error = await partner.PostJsonAsync($"/api/2/subscriptions/{number}/commitments", new { service_level = "standard", committed })
            .ExpectErrorAsync(HttpStatusCode.BadRequest, 400);

        Assert.Equal("committed", error.GetProperty("context").Str("field"));
    }

    [Fact]
    public async Task Subscription_WithANumberInUse_IsRefusedWith409()
    {
        var (_, partner) = await PartnerAsync();
        var first = (await CreateNseAsync(partner)).Str("id");
        var second = (await CreateNseAsync(partner)).Str("id");
        var number = await SubscribeAsync(partner, first);

        await partner.PostJsonAsync($"/api/2/tenants/{second}/subscriptions", new { number }).ExpectErrorAsync(HttpStatusCode.Conflict, 409);

        var list = await partner.GetAsync($"/api/2/tenants/{second}/subscriptions").ExpectAsync(HttpStatusCode.OK);
        Assert.Empty(list.GetProperty("items").EnumerateArray());
    }

    [Fact]
    public async Task Rollup_OverAThreeLevelTree_SumsEachServiceLevel()
    {
        var (partnerId, partner) = await PartnerAsync();
        var customer = (await CreateNseAsync(partner)).Str("id");
        var unit = (await CreateNseAsync(partner, parentId: customer)).Str("id");
        var (_, otherPartner) = await PartnerAsync();
        var outsider = (await CreateNseAsync(otherPartner)).Str("id");
        var p = await SubscribeAsync(partner, partnerId);
        var c = await SubscribeAsync(partner, customer);
        var u = await SubscribeAsync(partner, unit);
        var o = await SubscribeAsync(otherPartner, outsider);
        await CommitAsync(partner, c, "standard", 10);
        await CommitAsync(partner, u, "standard", 10);
        await PushAsync(partner,
            Sample(partnerId, p, "object", 100, T0),
            Sample(customer, c, "standard", 4, T0),
            Sample(unit, u, "standard", 15, T0),
            Sample(unit, u, "extreme", 2.5, T0));
        await PushAsync(otherPartner, Sample(outsider, o, "standard", 1000, T0));

        var whole = await partner.GetAsync($"/api/2/usage/tenants/{partnerId}/rollup").ExpectAsync(HttpStatusCode.OK);
        var sub = await partner.GetAsync($"/api/2/usage/tenants/{customer}/rollup").ExpectAsync(HttpStatusCode.OK);

        var levels = whole.GetProperty("service_levels");
        Assert.Equal(["extreme", "standard", "object"], levels.EnumerateArray().Select(l => l.Str("service_level")));
        var standard = Line(levels, "standard");
        // Burst is per subscription: the unit's 5 over is not hidden by the customer's 6 to spare.
        Assert.Equal((19.0, 20.0, 5.0), (Num(standard, "consumed"), Num(standard, "committed"), Num(standard, "burst")));
        Assert.Equal(100, Num(Line(levels, "object"), "consumed"));
        Assert.Equal(100, Num(Line(levels, "object"), "burst"));
        Assert.Equal(["extreme", "standard"], sub.GetProperty("service_levels").EnumerateArray().Select(l => l.Str("service_level")));
        await partner.GetAsync($"/api/2/usage/tenants/{outsider}/rollup").ExpectErrorAsync(HttpStatusCode.Forbidden, 1002);
    }

    [Fact]
    public async Task Report_AsCsv_GivesAverageAndPeakPerTenantSubscriptionAndLevel()
    {
        var (partnerId, partner) = await PartnerAsync();
        var customer = await CreateNseAsync(partner, name: "Acme, \"West\"");
        var id = customer.Str("id");
        var number = await SubscribeAsync(partner, id);
        // In force for the period (a commitment made now would not be).
        await partner.PostJsonAsync($"/api/2/subscriptions/{number}/commitments",
            new { service_level = "premium", committed = 5, effective_from = T0.AddDays(-1).ToString("O") }).ExpectAsync(HttpStatusCode.Created);
        await CommitAsync(partner, number, "premium", 50);
        await PushAsync(partner,
            Sample(id, number, "premium", 2, T0),
            Sample(id, number, "premium", 9, T0.AddMinutes(30)),
            Sample(id, number, "premium", 4, T0.AddMinutes(60)),
            Sample(id, number, "premium", 100, T0.AddHours(3)));

        using var response = await partner.GetAsync(ReportUrl(partnerId, T0, T0.AddHours(2), "csv"));
        var text = await response.Content.ReadAsStringAsync(TestContext.Current.CancellationToken);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("text/csv", response.Content.Headers.ContentType?.MediaType);
        var rows = ParseCsv(text);
        Assert.Equal(
            ["tenant_id", "tenant_name", "tenant_code", "zuora_account_name", "zuora_account_number", "deleted_at", "subscription",
             "service_level", "average_consumed", "peak_consumed", "committed", "burst", "samples"],
            rows[0]);
        var row = Assert.Single(rows.Skip(1));
        var cell = (string name) => row[Array.IndexOf(rows[0], name)];
        Assert.Equal((id, "Acme, \"West\"", number, "premium"), (cell("tenant_id"), cell("tenant_name"), cell("subscription"), cell("service_level")));
        Assert.Equal(5.0, double.Parse(cell("average_consumed"), CultureInfo.InvariantCulture));
        Assert.Equal(9.0, double.Parse(cell("peak_consumed"), CultureInfo.InvariantCulture));
        Assert.Equal(5.0, double.Parse(cell("committed"), CultureInfo.InvariantCulture));
        Assert.Equal(4.0, double.Parse(cell("burst"), CultureInfo.InvariantCulture));
        Assert.Equal("3", cell("samples"));
        Assert.Equal("", cell("deleted_at"));
    }

    [Fact]
    public async Task Report_AfterATenantIsDeleted_StillShowsItsUsageForThePeriodItWasLive()
    {
        var (partnerId, partner) = await PartnerAsync();
        var gone = await CreateNseAsync(partner);
        var id = gone.Str("id");
        var number = await SubscribeAsync(partner, id);
        await PushAsync(partner, Sample(id, number, "standard", 7, T0));

        using (var deleted = await partner.DeleteAsync($"/api/v2.1/tenants/{id}"))
        {
            Assert.Equal(HttpStatusCode.NoContent, deleted.StatusCode);
        }

        var report = await partner.GetAsync(ReportUrl(partnerId, T0.AddHours(-1), T0.AddHours(1))).ExpectAsync(HttpStatusCode.OK);

        var row = Assert.Single(report.GetProperty("items").EnumerateArray());
        Assert.Equal((id, gone.Str("code"), gone.Str("name"), "A00000001"),
            (row.Str("tenant_id"), row.Str("tenant_code"), row.Str("tenant_name"), row.Str("zuora_account_number")));
        Assert.Equal(7, Num(row, "peak_consumed"));
        Assert.False(string.IsNullOrEmpty(row.Str("deleted_at")));
        // Its live data is gone from the API.
        await partner.GetAsync($"/api/2/subscriptions/{number}").ExpectErrorAsync(HttpStatusCode.NotFound, 1005);
        var rollup = await partner.GetAsync($"/api/2/usage/tenants/{partnerId}/rollup").ExpectAsync(HttpStatusCode.OK);
        Assert.Empty(rollup.GetProperty("service_levels").EnumerateArray());
    }

    [Fact]
    public async Task Report_AfterASubtreeIsTerminatedThroughApi2_StillShowsTheDescendantsUsage()
    {
        var (partnerId, partner) = await PartnerAsync();
        var customer = (await CreateNseAsync(partner)).Str("id");
        var unit = (await CreateNseAsync(partner, parentId: customer)).Str("id");
        var number = await SubscribeAsync(partner, unit);
        await PushAsync(partner, Sample(unit, number, "extreme", 2, T0));
        await partner.PutJsonAsync($"/api/2/tenants/{customer}", new { version = 1, enabled = false }).ExpectAsync(HttpStatusCode.OK);
        using (var terminated = await partner.DeleteAsync($"/api/2/tenants/{customer}?version=2"))
        {
            Assert.Equal(HttpStatusCode.NoContent, terminated.StatusCode);
        }

        var report = await partner.GetAsync(ReportUrl(partnerId, T0.AddHours(-1), T0.AddHours(1))).ExpectAsync(HttpStatusCode.OK);

        Assert.Equal(unit, Assert.Single(report.GetProperty("items").EnumerateArray()).Str("tenant_id"));
    }

    [Fact]
    public async Task Report_OfANewTenant_NeverShowsADeletedPredecessorsUsage()
    {
        var (partnerId, partner) = await PartnerAsync();
        var old = (await CreateNseAsync(partner)).Str("id");
        var number = await SubscribeAsync(partner, old);
        await PushAsync(partner, Sample(old, number, "standard", 7, T0));
        using (var deleted = await partner.DeleteAsync($"/api/v2.1/tenants/{old}"))
        {
            Assert.Equal(HttpStatusCode.NoContent, deleted.StatusCode);
        }

        // The newest tenant's internal key may be handed out again: the newcomer can sit where the old one sat.
        var newcomer = (await CreateNseAsync(partner)).Str("id");
        var newcomerApi = await partner.CreateClientAndLoginAsync(newcomer);
        var own = await newcomerApi.GetAsync(ReportUrl(newcomer, T0.AddHours(-1), T0.AddHours(1))).ExpectAsync(HttpStatusCode.OK);
        var parent = await partner.GetAsync(ReportUrl(partnerId, T0.AddHours(-1), T0.AddHours(1))).ExpectAsync(HttpStatusCode.OK);

        Assert.Empty(own.GetProperty("items").EnumerateArray());
        Assert.Equal(old, Assert.Single(parent.GetProperty("items").EnumerateArray()).Str("tenant_id"));
    }

    [Fact]
    public async Task Report_IncludesSuspendedTenants()
    {
        var (partnerId, partner) = await PartnerAsync();
        var tenant = await CreateNseAsync(partner);
        var id = tenant.Str("id");
        var number = await SubscribeAsync(partner, id);
        await PushAsync(partner, Sample(id, number, "object", 3, T0));
        await partner.PutJsonAsync($"/api/2/tenants/{id}", new { version = 1, enabled = false }).ExpectAsync(HttpStatusCode.OK);

        var report = await partner.GetAsync(ReportUrl(partnerId, T0.AddHours(-1), T0.AddHours(1))).ExpectAsync(HttpStatusCode.OK);

        Assert.Equal(id, Assert.Single(report.GetProperty("items").EnumerateArray()).Str("tenant_id"));
    }

    [Theory]
    [InlineData("from=yesterday&to=2030-01-01T00:00:00Z", "from")]
    [InlineData("from=2030-01-01T00:00:00Z", "to")]
    [InlineData("from=2030-01-02T00:00:00Z&to=2030-01-01T00:00:00Z", "to")]
    [InlineData("from=2030-01-01T00:00:00Z&to=2030-01-02T00:00:00Z&format=xml", "format")]
    public async Task Report_WithABadPeriodOrFormat_IsRefusedWith400NamingTheParameter(string query, string field)
    {
        var (partnerId, partner) = await PartnerAsync();

        var error = await partner.GetAsync($"/api/2/usage/tenants/{partnerId}/report?{query}").ExpectErrorAsync(HttpStatusCode.BadRequest, 400);

        Assert.Equal(field, error.GetProperty("context").Str("field"));
    }

    /// <summary>RFC 4180: quoted fields may hold commas, doubled quotes and line breaks.</summary>
    private static List<string[]> ParseCsv(string text)
    {
        var rows = new List<string[]>();
        var row = new List<string>();
        var field = new System.Text.StringBuilder();
        var quoted = false;
        for (var i = 0; i < text.Length; i++)
        {
            var ch = text[i];
            if (quoted)
            {
                if (ch == '"' && i + 1 < text.Length && text[i + 1] == '"') { field.Append('"'); i++; }
                else if (ch == '"') { quoted = false; }
                else { field.Append(ch); }
            }
            else if (ch == '"') { quoted = true; }
            else if (ch == ',') { row.Add(field.ToString()); field.Clear(); }
            else if (ch == '\n') { row.Add(field.ToString()); field.Clear(); rows.Add([.. row]); row.Clear(); }
            else if (ch != '\r') { field.Append(ch); }
        }

        return rows;
    }
}

public sealed class BillingTestsSqlite() : BillingTests(StorageProvider.Sqlite);

public sealed class BillingTestsPostgres() : BillingTests(StorageProvider.Postgres);
