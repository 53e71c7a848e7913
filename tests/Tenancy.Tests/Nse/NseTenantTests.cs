using Tenancy.Server.Storage;
using Tenancy.Tests.Usage;

namespace Tenancy.Tests.Nse;

public abstract class NseTenantTests(StorageProvider provider) : BillingTest(provider)
{
    [Fact]
    public async Task List_WithOffsetBeyondTheEnd_Answers200WithNoRecords()
    {
        var (_, partner) = await PartnerAsync();
        await CreateNseAsync(partner);

        var body = await partner.GetAsync("/api/v2.1/tenants?offset=50&limit=10").ExpectAsync(HttpStatusCode.OK);

        Assert.Equal("Okay. Returned 0 records.", body.GetProperty("status").Str("user_message"));
        var result = body.GetProperty("result");
        Assert.Equal(0, result.GetProperty("returned_records").GetInt32());
        Assert.Equal(2, result.GetProperty("total_records").GetInt32());
        Assert.Equal(50, result.GetProperty("offset").GetInt32());
        Assert.Empty(result.GetProperty("records").EnumerateArray());
    }

    [Theory]
    [InlineData("limit=0", "limit")]
    [InlineData("limit=-3", "limit")]
    [InlineData("limit=ten", "limit")]
    [InlineData("offset=-1", "offset")]
    [InlineData("offset=1.5", "offset")]
    [InlineData("sort_by=colour", "sort_by")]
    [InlineData("order_by=up", "order_by")]
    public async Task List_WithABadParameter_IsRefusedWith400NamingIt(string query, string field)
    {
        var (_, partner) = await PartnerAsync();

        var status = await ExpectNseErrorAsync(partner.GetAsync($"/api/v2.1/tenants?{query}"), HttpStatusCode.BadRequest);

        Assert.Contains(field, status.Str("user_message"), StringComparison.Ordinal);
        Assert.Contains(field, status.Str("verbose_message"), StringComparison.Ordinal);
    }

    [Fact]
    public async Task List_SortedByNameAscending_PagesThroughTheSubtreeInOrder()
    {
        var (_, partner) = await PartnerAsync(); // "partner-..." sorts first, before the "zz ..." customers
        foreach (var name in new[] { "delta", "alpha", "charlie", "bravo" })
        {
            await CreateNseAsync(partner, name: "zz " + name);
        }

        var first = await partner.GetAsync("/api/v2.1/tenants?sort_by=name&order_by=asc&limit=2&offset=1").ExpectAsync(HttpStatusCode.OK);
        var second = await partner.GetAsync("/api/v2.1/tenants?sort_by=name&order_by=asc&limit=2&offset=3").ExpectAsync(HttpStatusCode.OK);

        var names = first.GetProperty("result").GetProperty("records").EnumerateArray()
            .Concat(second.GetProperty("result").GetProperty("records").EnumerateArray())
            .Select(r => r.Str("name")).ToList();
        Assert.Equal(["zz alpha", "zz bravo", "zz charlie", "zz delta"], names);
        Assert.Equal("name", second.GetProperty("result").Str("sort_by"));
        Assert.Equal("asc", second.GetProperty("result").Str("order_by"));
        Assert.Equal(5, second.GetProperty("result").GetProperty("total_records").GetInt32());
    }

    [Fact]
    public async Task List_WithACustomersToken_ShowsOnlyThatCustomersSubtree()
    {
        var (partnerId, partner) = await PartnerAsync();
        var customer = await CreateNseAsync(partner);
        await CreateNseAsync(partner); // a sibling the customer must not see
        var customerApi = await partner.CreateClientAndLoginAsync(customer.Str("id"));
        var unit = await CreateNseAsync(customerApi);

        var body = await customerApi.GetAsync("/api/v2.1/tenants?sort_by=created&order_by=asc").ExpectAsync(HttpStatusCode.OK);

        var result = body.GetProperty("result");
        Assert.Equal(2, result.GetProperty("total_records").GetInt32());
        Assert.Equal([customer.Str("id"), unit.Str("id")], result.GetProperty("records").EnumerateArray().Select(r => r.Str("id")));
        Assert.Equal("unit", (await customerApi.GetTenantAsync(unit.Str("id"))).Str("kind"));
        await ExpectNseErrorAsync(customerApi.GetAsync($"/api/v2.1/tenants/{partnerId}"), HttpStatusCode.Forbidden);
    }

    [Theory]
    [InlineData("My-Code")]
    [InlineData("has space")]
    [InlineData("")]
    public async Task Create_WithACodeThatIsNotLowercaseLettersDigitsAndUnderscores_IsRefusedWith400(string code)
    {
        var (_, partner) = await PartnerAsync();

        var status = await ExpectNseErrorAsync(partner.PostJsonAsync("/api/v2.1/tenants",
            new { code, name = "x", zuora_account_name = "a", zuora_account_number = "n" }), HttpStatusCode.BadRequest);

        Assert.Equal("Invalid value for 'code'.", status.Str("user_message"));
        await AssertOnlyPartnerListedAsync(partner);
    }

    [Theory]
    [InlineData("code")]
    [InlineData("name")]
    [InlineData("zuora_account_name")]
    [InlineData("zuora_account_number")]
    public async Task Create_WithoutARequiredField_IsRefusedWith400NamingIt(string missing)
    {
        var (_, partner) = await PartnerAsync();
        var body = new Dictionary<string, string>
        {
            ["code"] = NewCode(), ["name"] = "x", ["zuora_account_name"] = "a", ["zuora_account_number"] = "n",
        };
        body.Remove(missing);

        var status = await ExpectNseErrorAsync(partner.PostJsonAsync("/api/v2.1/tenants", body), HttpStatusCode.BadRequest);

        Assert.Contains($"'{missing}'", status.Str("user_message"), StringComparison.Ordinal);
        await AssertOnlyPartnerListedAsync(partner);
    }

    [Fact]
    public async Task Create_WithACodeInUseAnywhere_IsRefusedWith409()
    {
        var (_, partner) = await PartnerAsync();
        var (_, otherPartner) = await PartnerAsync();
        var code = NewCode();
        await CreateNseAsync(otherPartner, code: code);

        var status = await ExpectNseErrorAsync(partner.PostJsonAsync("/api/v2.1/tenants",
            new { code, name = "x", zuora_account_name = "a", zuora_account_number = "n" }), HttpStatusCode.Conflict);

        Assert.Equal("The value of 'code' is already in use.", status.Str("user_message"));
        await AssertOnlyPartnerListedAsync(partner);
    }

    [Fact]
    public async Task Put_WithoutCode_IsRefusedWith400()
    {
        var (_, partner) = await PartnerAsync();
        var tenant = await CreateNseAsync(partner);

        var status = await ExpectNseErrorAsync(
            partner.PutJsonAsync($"/api/v2.1/tenants/{tenant.Str("id")}", new { name = "renamed" }), HttpStatusCode.BadRequest);

        Assert.Equal("Invalid value for 'code'.", status.Str("user_message"));
        Assert.Equal(tenant.Str("name"), (await partner.GetTenantAsync(tenant.Str("id"))).Str("name"));
    }

    [Fact]
    public async Task Put_WithAnotherCode_IsRefusedWith400AndNothingChanges()
    {
        var (_, partner) = await PartnerAsync();
        var tenant = await CreateNseAsync(partner);

        var status = await ExpectNseErrorAsync(partner.PutJsonAsync($"/api/v2.1/tenants/{tenant.Str("id")}",
            new { code = NewCode(), name = "renamed" }), HttpStatusCode.BadRequest);

        Assert.Contains(tenant.Str("code"), status.Str("verbose_message"), StringComparison.Ordinal);
        var stored = await partner.GetTenantAsync(tenant.Str("id"));
        Assert.Equal(tenant.Str("name"), stored.Str("name"));
        Assert.Equal(tenant.Str("code"), stored.Str("code"));
        Assert.Equal(1, stored.Long("version"));
    }

    [Fact]
    public async Task Delete_WithSubTenants_IsRefusedWith412()
    {
        var (_, partner) = await PartnerAsync();
        var customer = await CreateNseAsync(partner);
        var unit = await CreateNseAsync(partner, parentId: customer.Str("id"));

        var status = await ExpectNseErrorAsync(partner.DeleteAsync($"/api/v2.1/tenants/{customer.Str("id")}"), HttpStatusCode.PreconditionFailed);

        Assert.Contains("sub-tenants", status.Str("user_message"), StringComparison.Ordinal);
        Assert.Contains(unit.Str("id"), status.Str("verbose_message"), StringComparison.Ordinal);
        await partner.GetAsync($"/api/v2.1/tenants/{customer.Str("id")}").ExpectAsync(HttpStatusCode.OK);
    }

    [Fact]
    public async Task ServiceLevels_ListsTheCatalogue()
    {
        var (_, partner) = await PartnerAsync();

        var body = await partner.GetAsync("/api/v2.1/servicelevels").ExpectAsync(HttpStatusCode.OK);

        Assert.Equal("Okay. Returned 4 records.", body.GetProperty("status").Str("user_message"));
        Assert.Equal(["extreme", "premium", "standard", "object"],
            body.GetProperty("result").GetProperty("records").EnumerateArray().Select(r => r.Str("name")));
    }

    private static async Task AssertOnlyPartnerListedAsync(Api partner)
    {
        var list = await partner.GetAsync("/api/v2.1/tenants").ExpectAsync(HttpStatusCode.OK);
        Assert.Equal(1, list.GetProperty("result").GetProperty("total_records").GetInt32());
    }
}

public sealed class NseTenantTestsSqlite() : NseTenantTests(StorageProvider.Sqlite);

public sealed class NseTenantTestsPostgres() : NseTenantTests(StorageProvider.Postgres);
