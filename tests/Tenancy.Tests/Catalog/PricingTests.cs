using Tenancy.Server.Storage;

namespace Tenancy.Tests.Catalog;

/// <summary>A tenant's pricing mode through /api/2/tenants/{id}/pricing.</summary>
public abstract class PricingTests(StorageProvider provider) : ServerTests(provider)
{
    [Fact]
    public async Task NewTenant_IsInTrial_AndItsVersionIsItsCreationTimeInMilliseconds()
    {
        var root = await Server.RootAsync();
        var tenant = await root.CreateTenantAsync(await root.OwnTenantIdAsync(), "partner");

        var pricing = await root.GetAsync($"/api/2/tenants/{tenant.Str("id")}/pricing").ExpectAsync(HttpStatusCode.OK);

        Spec.AssertValid("tenantPricingSettings", pricing);
        Assert.Equal("trial", pricing.Str("mode"));
        Assert.Equal(JsonValueKind.Null, pricing.GetProperty("production_start_date").ValueKind);
        Assert.Equal(DateTimeOffset.Parse(tenant.Str("created_at"), null).ToUnixTimeMilliseconds(), pricing.Long("version"));
    }

    [Fact]
    public async Task SwitchToProduction_SetsTheStartDate_AndNeverGoesBackToTrial()
    {
        var root = await Server.RootAsync();
        var id = (await root.CreateTenantAsync(await root.OwnTenantIdAsync(), "partner")).Str("id");
        var before = await root.GetAsync($"/api/2/tenants/{id}/pricing").ExpectAsync(HttpStatusCode.OK);

        var production = await root.PutJsonAsync($"/api/2/tenants/{id}/pricing", new { mode = "production", version = before.Long("version") })
            .ExpectAsync(HttpStatusCode.OK);
        var back = await root.PutJsonAsync($"/api/2/tenants/{id}/pricing", new { mode = "trial", version = production.Long("version") })
            .ExpectErrorAsync(HttpStatusCode.BadRequest, 1027);

        Spec.AssertValid("tenantPricingSettings", production);
        Assert.Equal("production", production.Str("mode"));
        Assert.True(production.Long("version") > before.Long("version"));
        var started = DateTimeOffset.Parse(production.Str("production_start_date"), null);
        Assert.True(Math.Abs((DateTimeOffset.UtcNow - started).TotalMinutes) < 5, $"start date {started}");
        Assert.Contains("cannot be switched back to trial", back.GetProperty("details").Str("info"), StringComparison.Ordinal);
        var now = await root.GetAsync($"/api/2/tenants/{id}/pricing").ExpectAsync(HttpStatusCode.OK);
        Assert.Equal(production.GetRawText(), now.GetRawText());
        Assert.Equal("production", (await root.GetTenantAsync(id)).Str("pricing_mode"));
    }

    [Fact]
    public async Task Put_QuotingAStaleVersion_Is409With1001AndTheCurrentVersion()
    {
        var root = await Server.RootAsync();
        var id = (await root.CreateTenantAsync(await root.OwnTenantIdAsync(), "partner")).Str("id");
        var version = (await root.GetAsync($"/api/2/tenants/{id}/pricing").ExpectAsync(HttpStatusCode.OK)).Long("version");
        var changed = await root.PutJsonAsync($"/api/2/tenants/{id}/pricing", new { currency = "EUR", version }).ExpectAsync(HttpStatusCode.OK);

        var error = await root.PutJsonAsync($"/api/2/tenants/{id}/pricing", new { mode = "production", version })
            .ExpectErrorAsync(HttpStatusCode.Conflict, 1001);

        Assert.Equal(changed.Long("version"), error.GetProperty("context").Long("current_version"));
        Assert.Equal("EUR", changed.Str("currency"));
        Assert.Equal("trial", (await root.GetAsync($"/api/2/tenants/{id}/pricing").ExpectAsync(HttpStatusCode.OK)).Str("mode"));
    }

    [Theory]
    [InlineData("""{"mode": "suspended", "version": 1}""", "mode")]
    [InlineData("""{"currency": "XYZ", "version": 1}""", "currency")]
    [InlineData("""{"mode": "production"}""", "version")]
    public async Task Put_WithBadInput_Is400NamingTheField(string body, string field)
    {
        var root = await Server.RootAsync();
        var id = (await root.CreateTenantAsync(await root.OwnTenantIdAsync(), "partner")).Str("id");

        using var content = new StringContent(body, System.Text.Encoding.UTF8, "application/json");
        var error = await root.Http.PutAsync($"/api/2/tenants/{id}/pricing", content, TestContext.Current.CancellationToken).ExpectErrorAsync(HttpStatusCode.BadRequest, 400);

        Assert.Equal(field, error.GetProperty("context").Str("field"));
    }

    [Fact]
    public async Task Change_IsAudited_AndAChangeThatChangesNothingIsNot()
    {
        var root = await Server.RootAsync();
        var id = (await root.CreateTenantAsync(await root.OwnTenantIdAsync(), "partner")).Str("id");
        var version = (await root.GetAsync($"/api/2/tenants/{id}/pricing").ExpectAsync(HttpStatusCode.OK)).Long("version");

        var production = await root.PutJsonAsync($"/api/2/tenants/{id}/pricing", new { mode = "production", version }).ExpectAsync(HttpStatusCode.OK);
        var same = await root.PutJsonAsync($"/api/2/tenants/{id}/pricing", new { mode = "production", version = production.Long("version") })
            .ExpectAsync(HttpStatusCode.OK);

        Assert.Equal(production.Long("version"), same.Long("version"));
        var trail = await root.GetAsync($"/api/2/audit?target_id={id}&operation=pricing.update").ExpectAsync(HttpStatusCode.OK);
        var record = Assert.Single(trail.GetProperty("items").EnumerateArray());
        Assert.Equal("trial", record.GetProperty("changes").GetProperty("before").Str("mode"));
        Assert.Equal("production", record.GetProperty("changes").GetProperty("after").Str("mode"));
    }

    [Fact]
    public async Task Viewer_ReadsPricing_ButCannotChangeIt()
    {
        var root = await Server.RootAsync();
        var id = (await root.CreateTenantAsync(await root.OwnTenantIdAsync(), "partner")).Str("id");
        var (_, viewer) = await root.CreateUserAndLoginAsync(id, "viewer");
        var pricing = await viewer.GetAsync($"/api/2/tenants/{id}/pricing").ExpectAsync(HttpStatusCode.OK);

        await viewer.PutJsonAsync($"/api/2/tenants/{id}/pricing", new { mode = "production", version = pricing.Long("version") })
            .ExpectErrorAsync(HttpStatusCode.Forbidden, 1002);

        Assert.Equal("trial", (await root.GetAsync($"/api/2/tenants/{id}/pricing").ExpectAsync(HttpStatusCode.OK)).Str("mode"));
    }
}

public sealed class PricingTestsSqlite() : PricingTests(StorageProvider.Sqlite);

public sealed class PricingTestsPostgres() : PricingTests(StorageProvider.Postgres);
