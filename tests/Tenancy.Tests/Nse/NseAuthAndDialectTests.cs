using Tenancy.Server.Storage;
using Tenancy.Tests.Usage;

namespace Tenancy.Tests.Nse;

public abstract class NseAuthAndDialectTests(StorageProvider provider) : BillingTest(provider)
{
    [Fact]
    public async Task HttpBasic_WithAnApiClientsIdAndSecret_IsAcceptedOnV21()
    {
        var (partnerId, partner) = await PartnerAsync();
        var customer = await CreateNseAsync(partner);
        using var basic = Basic(partner.ClientId, partner.Secret);

        var list = await basic.GetAsync("/api/v2.1/tenants?sort_by=created&order_by=asc", TestContext.Current.CancellationToken)
            .ExpectAsync(HttpStatusCode.OK);
        var created = await basic.PostAsync("/api/v2.1/tenants", Api.Json(new
        {
            code = NewCode(), name = "via basic", zuora_account_name = "a", zuora_account_number = "n",
        }), TestContext.Current.CancellationToken).ExpectAsync(HttpStatusCode.Created);

        Assert.Equal([partnerId, customer.Str("id")], list.GetProperty("result").GetProperty("records").EnumerateArray().Select(r => r.Str("id")));
        var id = created.GetProperty("result").GetProperty("records")[0].Str("id");
        Assert.Equal(partnerId, (await partner.GetTenantAsync(id)).Str("parent_id"));
    }

    [Fact]
    public async Task HttpBasic_WithAWrongSecret_Is401InTheV21Envelope()
    {
        var (_, partner) = await PartnerAsync();
        using var basic = Basic(partner.ClientId, "not-the-secret");

        using var response = await basic.GetAsync("/api/v2.1/tenants", TestContext.Current.CancellationToken);
        var status = await ExpectNseErrorAsync(Task.FromResult(response), HttpStatusCode.Unauthorized);

        Assert.Equal("Authentication is required.", status.Str("user_message"));
        Assert.Contains("Basic", response.Headers.WwwAuthenticate.ToString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task NoCredentials_OnV21_Is401InTheV21Envelope()
    {
        using var anonymous = Server.Anonymous();

        await ExpectNseErrorAsync(anonymous.GetAsync("/api/v2.1/tenants", TestContext.Current.CancellationToken), HttpStatusCode.Unauthorized);
    }

    [Fact]
    public async Task HttpBasic_OnApi2_IsNotAccepted()
    {
        var (partnerId, partner) = await PartnerAsync();
        using var basic = Basic(partner.ClientId, partner.Secret);

        await basic.GetAsync($"/api/2/tenants/{partnerId}", TestContext.Current.CancellationToken)
            .ExpectErrorAsync(HttpStatusCode.Unauthorized, 401);
    }

    [Fact]
    public async Task Edits_ThroughEitherDialect_AreSeenByTheOther_AndShareOneVersion()
    {
        var (_, partner) = await PartnerAsync();
        var record = await CreateNseAsync(partner);
        var id = record.Str("id");
        var code = record.Str("code");

        var viaApi2 = await partner.GetTenantAsync(id);
        Assert.Equal(code, viaApi2.Str("code"));
        Assert.Equal("A00000001", viaApi2.Str("zuora_account_number"));
        Assert.Equal(1, viaApi2.Long("version"));

        await partner.PutJsonAsync($"/api/v2.1/tenants/{id}", new { code, description = "set through v2.1" }).ExpectAsync(HttpStatusCode.OK);
        viaApi2 = await partner.GetTenantAsync(id);
        Assert.Equal("set through v2.1", viaApi2.Str("description"));
        Assert.Equal(2, viaApi2.Long("version"));

        await partner.PutJsonAsync($"/api/2/tenants/{id}", new { version = 2, name = "renamed through /api/2", zuora_account_name = "Acme" })
            .ExpectAsync(HttpStatusCode.OK);
        var viaNse = (await partner.GetAsync($"/api/v2.1/tenants/{id}").ExpectAsync(HttpStatusCode.OK)).GetProperty("result").GetProperty("records")[0];
        Assert.Equal("renamed through /api/2", viaNse.Str("name"));
        Assert.Equal("Acme", viaNse.Str("zuora_account_name"));
        Assert.Equal("set through v2.1", viaNse.Str("description"));

        // A v2.1 client quoting the version it read before the /api/2 edit loses, and nothing changes.
        var status = await ExpectNseErrorAsync(
            partner.PutJsonAsync($"/api/v2.1/tenants/{id}", new { code, version = 2, name = "stale" }), HttpStatusCode.Conflict);
        Assert.Contains("3", status.Str("verbose_message"), StringComparison.Ordinal);
        viaApi2 = await partner.GetTenantAsync(id);
        Assert.Equal("renamed through /api/2", viaApi2.Str("name"));
        Assert.Equal(3, viaApi2.Long("version"));
    }

    [Fact]
    public async Task Put_OnATenantWithoutCode_SetsTheCode_AndADuplicateIsRefusedWith409()
    {
        var (partnerId, partner) = await PartnerAsync();
        var taken = await CreateNseAsync(partner);

        await ExpectNseErrorAsync(partner.PutJsonAsync($"/api/v2.1/tenants/{partnerId}", new { code = taken.Str("code") }), HttpStatusCode.Conflict);
        var code = NewCode();
        var body = await partner.PutJsonAsync($"/api/v2.1/tenants/{partnerId}", new { code }).ExpectAsync(HttpStatusCode.OK);

        Assert.Equal(code, body.GetProperty("result").GetProperty("records")[0].Str("code"));
        Assert.Equal(code, (await partner.GetTenantAsync(partnerId)).Str("code"));
    }
}

public sealed class NseAuthAndDialectTestsSqlite() : NseAuthAndDialectTests(StorageProvider.Sqlite);

public sealed class NseAuthAndDialectTestsPostgres() : NseAuthAndDialectTests(StorageProvider.Postgres);
