using Xunit.Sdk;

namespace Tenancy.Tests.Tenants;

/// <summary>Responses against the published /api/2 schemas, and proof that the validator does refuse.</summary>
public abstract class SchemaTests(ServerFixture fixture)
{
    private static readonly string[] LegalOnly = ["legal"];

    private readonly TenancyServer _server = fixture.Server;

    private static JsonElement Parse(string json) => JsonDocument.Parse(json).RootElement.Clone();

    [Fact]
    public async Task TenantResponses_OfGetPostPutAndLists_MatchThePublishedSchemas()
    {
        var root = await _server.RootAsync();
        var partner = await root.PostJsonAsync("/api/2/tenants", new
        {
            name = "Schema Partner",
            kind = "partner",
            parent_id = await root.OwnTenantIdAsync(),
            customer_id = "ext-1",
            internal_tag = "tag",
            language = "pt_BR",
            contact = new { email = "su@test.com", address1 = "Home", phone = "123456789", types = LegalOnly },
        }).ExpectAsync(HttpStatusCode.Created);
        Spec.AssertValid("tenant", partner);
        Assert.Equal("su@test.com", partner.GetProperty("contact").Str("email"));

        var fetched = await root.GetTenantAsync(partner.Str("id"));
        Spec.AssertValid("tenant", fetched);
        var put = await root.PutTenantAsync(partner.Str("id"), new { name = "Renamed", customer_id = (string?)null, version = fetched.Long("version") })
            .ExpectAsync(HttpStatusCode.OK);
        Spec.AssertValid("tenant", put);
        Assert.Equal(JsonValueKind.Null, put.GetProperty("customer_id").ValueKind);
        Assert.Equal("pt_BR", put.Str("language"));

        await root.CreateTenantAsync(partner.Str("id"), "customer");
        foreach (var query in new[] { $"subtree_root_id={partner.Str("id")}", $"parent_id={partner.Str("id")}", $"uuids={partner.Str("id")}" })
        {
            var batch = await root.GetAsync($"/api/2/tenants?{query}").ExpectAsync(HttpStatusCode.OK);
            Spec.AssertValid("tenantBatch", batch);
            Assert.NotEmpty(batch.GetProperty("items").EnumerateArray());
        }
    }

    [Fact]
    public async Task ClientTokenAndErrorResponses_MatchThePublishedSchemas()
    {
        var root = await _server.RootAsync();
        var partner = await root.CreateTenantAsync(await root.OwnTenantIdAsync(), "partner");

        var created = await root.CreateClientAsync(partner.Str("id"));
        Spec.AssertValid("clientPostResult", created);
        var token = await _server.RequestTokenAsync(created.Str("client_id"), created.Str("client_secret")).ExpectAsync(HttpStatusCode.OK);
        Spec.AssertValid("token", token);
        Spec.AssertValid("client", await root.GetAsync($"/api/2/clients/{created.Str("client_id")}").ExpectAsync(HttpStatusCode.OK));

        // ExpectErrorAsync validates each envelope against errorScheme.
        await root.PutTenantAsync(partner.Str("id"), new { name = "x", version = 99 }).ExpectErrorAsync(HttpStatusCode.Conflict, 1001);
        await root.GetAsync($"/api/2/tenants/{Guid.NewGuid()}").ExpectErrorAsync(HttpStatusCode.NotFound, 1005);
        await root.GetAsync("/api/2/tenants").ExpectErrorAsync(HttpStatusCode.BadRequest, 400);
    }

    [Fact]
    public void TheValidator_RejectsATenantMissingRequiredFields()
    {
        var incomplete = Parse("""{"id": "f313ecf6-9256-4afd-9d47-72e032ee81d0", "name": "half a tenant"}""");

        var failure = Assert.Throws<FailException>(() => Spec.AssertValid("tenant", incomplete));

        Assert.Contains("required", failure.Message, StringComparison.OrdinalIgnoreCase);
    }

    [Fact]
    public void TheValidator_RejectsAnErrorEnvelopeWithoutACode_AndATokenOfTheWrongType()
    {
        Assert.Throws<FailException>(() => Spec.AssertValid("errorScheme", Parse("""{"error": {"message": "m", "domain": "d", "details": {}}}""")));
        Assert.Throws<FailException>(() => Spec.AssertValid("token", Parse("""{"access_token": "a", "token_type": "bearer", "id_token": "i", "expires_in": "7200"}""")));
        Assert.Throws<FailException>(() => Spec.AssertValid("tenantBatch", Parse("""{"timestamp": "2020-01-01T00:00:00", "items": [{"id": "x"}]}""")));
    }
}

public sealed class SchemaTestsSqlite(Providers.SqliteServer fixture) : SchemaTests(fixture), IClassFixture<Providers.SqliteServer>;

public sealed class SchemaTestsPostgres(Providers.PostgresServer fixture) : SchemaTests(fixture), IClassFixture<Providers.PostgresServer>;
