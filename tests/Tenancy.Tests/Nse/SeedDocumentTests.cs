using Tenancy.Server.Storage;
using Tenancy.Tests.Usage;

namespace Tenancy.Tests.Nse;

/// <summary>The requests of the NetApp Service Engine "Tenants" document, compared field by field.</summary>
public abstract class SeedDocumentTests(StorageProvider provider) : BillingTest(provider)
{
    private static readonly object CreateBody = new
    {
        name = "MyNewTenant",
        code = "mytenant",
        zuora_account_name = "string",
        zuora_account_number = "A00000415",
        description = "DescriptionOfMyTenant",
    };

    private static readonly object ModifyBody = new
    {
        name = "MyNewTenant",
        code = "mytenant",
        zuora_account_name = "string",
        zuora_account_number = "A00000415",
        description = "New description of my tenant",
    };

    [Fact]
    public async Task Create_WithTheDocumentsExampleBody_Answers201WithTheDocumentsEnvelope()
    {
        var (_, partner) = await PartnerAsync();

        var body = await partner.PostJsonAsync("/api/v2.1/tenants", CreateBody).ExpectAsync(HttpStatusCode.Created);

        AssertStatus(body, "Okay. New resource created.", 201);
        var result = body.GetProperty("result");
        Assert.Equal(1, result.GetProperty("returned_records").GetInt32());
        var record = result.GetProperty("records")[0];
        AssertRecord(record, "DescriptionOfMyTenant");
        Assert.Equal(JsonValueKind.Null, record.GetProperty("usage").ValueKind);
        var stored = await partner.GetTenantAsync(record.Str("id"));
        Assert.Equal("customer", stored.Str("kind"));
        Assert.Equal("mytenant", stored.Str("code"));
    }

    [Fact]
    public async Task List_WithOffsetAndLimit_AnswersTheDocumentsEnvelope()
    {
        var (_, partner) = await PartnerAsync();
        var older = await CreateNseAsync(partner);
        await partner.PostJsonAsync("/api/v2.1/tenants", CreateBody).ExpectAsync(HttpStatusCode.Created);

        var body = await partner.GetAsync("/api/v2.1/tenants?offset=0&limit=2").ExpectAsync(HttpStatusCode.OK);

        AssertStatus(body, "Okay. Returned 2 records.", 200);
        var result = body.GetProperty("result");
        Assert.Equal(2, result.GetProperty("returned_records").GetInt32());
        Assert.Equal(3, result.GetProperty("total_records").GetInt32()); // the partner itself and its two customers
        Assert.Equal("created", result.Str("sort_by"));
        Assert.Equal("desc", result.Str("order_by"));
        Assert.Equal(0, result.GetProperty("offset").GetInt32());
        Assert.Equal(2, result.GetProperty("limit").GetInt32());
        var records = result.GetProperty("records");
        AssertRecord(records[0], "DescriptionOfMyTenant");
        Assert.Equal(older.Str("id"), records[1].Str("id"));
    }

    [Fact]
    public async Task Get_ById_AnswersOneRecord()
    {
        var (_, partner) = await PartnerAsync();
        var created = await partner.PostJsonAsync("/api/v2.1/tenants", CreateBody).ExpectAsync(HttpStatusCode.Created);
        var id = created.GetProperty("result").GetProperty("records")[0].Str("id");

        var body = await partner.GetAsync($"/api/v2.1/tenants/{id}").ExpectAsync(HttpStatusCode.OK);

        AssertStatus(body, "Okay. Returned 1 record.", 200);
        Assert.Equal(1, body.GetProperty("result").GetProperty("returned_records").GetInt32());
        var record = body.GetProperty("result").GetProperty("records")[0];
        Assert.Equal(id, record.Str("id"));
        AssertRecord(record, "DescriptionOfMyTenant");
    }

    [Fact]
    public async Task Modify_WithTheDocumentsExampleBody_ChangesTheDescription()
    {
        var (_, partner) = await PartnerAsync();
        var created = await partner.PostJsonAsync("/api/v2.1/tenants", CreateBody).ExpectAsync(HttpStatusCode.Created);
        var id = created.GetProperty("result").GetProperty("records")[0].Str("id");

        var body = await partner.PutJsonAsync($"/api/v2.1/tenants/{id}", ModifyBody).ExpectAsync(HttpStatusCode.OK);

        AssertStatus(body, "Okay. Returned 1 record.", 200);
        var record = body.GetProperty("result").GetProperty("records")[0];
        AssertRecord(record, "New description of my tenant");
        Assert.Equal(id, record.Str("id"));
        Assert.Equal("New description of my tenant", (await partner.GetTenantAsync(id)).Str("description"));
    }

    [Fact]
    public async Task Delete_OfALeaf_Answers204AndTheTenantIsGone()
    {
        var (_, partner) = await PartnerAsync();
        var created = await partner.PostJsonAsync("/api/v2.1/tenants", CreateBody).ExpectAsync(HttpStatusCode.Created);
        var id = created.GetProperty("result").GetProperty("records")[0].Str("id");

        using var response = await partner.DeleteAsync($"/api/v2.1/tenants/{id}");
        Assert.Equal(HttpStatusCode.NoContent, response.StatusCode);
        Assert.Empty(await response.Content.ReadAsStringAsync(TestContext.Current.CancellationToken));

        var status = await ExpectNseErrorAsync(partner.GetAsync($"/api/v2.1/tenants/{id}"), HttpStatusCode.NotFound);
        Assert.Contains(id, status.Str("verbose_message"), StringComparison.Ordinal);
        // The code is free again once the tenant is gone.
        await partner.PostJsonAsync("/api/v2.1/tenants", CreateBody).ExpectAsync(HttpStatusCode.Created);
    }

    private static void AssertStatus(JsonElement body, string message, int code)
    {
        var status = body.GetProperty("status");
        Assert.Equal(message, status.Str("user_message"));
        Assert.Equal("", status.Str("verbose_message"));
        Assert.Equal(code, status.GetProperty("code").GetInt32());
    }

    private static void AssertRecord(JsonElement record, string description)
    {
        Assert.Equal("MyNewTenant", record.Str("name"));
        Assert.Equal("mytenant", record.Str("code"));
        Assert.Equal("string", record.Str("zuora_account_name"));
        Assert.Equal("A00000415", record.Str("zuora_account_number"));
        Assert.Equal(description, record.Str("description"));
        Assert.True(record.TryGetProperty("usage", out _));
        Assert.Equal(
            ["id", "name", "zuora_account_name", "zuora_account_number", "description", "code", "usage"],
            record.EnumerateObject().Select(p => p.Name));
    }
}

public sealed class SeedDocumentTestsSqlite() : SeedDocumentTests(StorageProvider.Sqlite);

public sealed class SeedDocumentTestsPostgres() : SeedDocumentTests(StorageProvider.Postgres);
