using System.Text;

namespace Tenancy.Tests.Http;

/// <summary>Bodies the framework cannot bind are answered in the dialect's envelope, in words for API users.</summary>
public abstract class BodyBindingTests(ServerFixture fixture)
{
    private readonly TenancyServer _server = fixture.Server;

    [Theory]
    [InlineData("{\"name\": ")]
    [InlineData("{\"name\": \"x\",}")]
    [InlineData("")]
    [InlineData("\"just a string\"")]
    public async Task AnUnreadableBody_IsA400InEachDialect_NamingTheBody_WithoutParserInternals(string body)
    {
        var root = await _server.RootAsync();

        var acronis = await Send(root, "/api/2/tenants", body, "application/json").ExpectErrorAsync(HttpStatusCode.BadRequest, 400);
        var nse = await Send(root, "/api/v2.1/tenants", body, "application/json").ExpectAsync(HttpStatusCode.BadRequest);

        Assert.Equal("body", acronis.GetProperty("context").Str("field"));
        var status = nse.GetProperty("status");
        Assert.Equal(400, status.GetProperty("code").GetInt32());
        foreach (var message in new[] { acronis.GetProperty("details").Str("info"), status.Str("verbose_message") })
        {
            Assert.DoesNotContain("LineNumber", message, StringComparison.Ordinal);
            Assert.DoesNotContain("Path:", message, StringComparison.Ordinal);
            Assert.DoesNotContain("reader", message, StringComparison.OrdinalIgnoreCase);
        }
    }

    [Theory]
    [InlineData("text/plain")]
    [InlineData("application/x-www-form-urlencoded")]
    [InlineData(null)]
    public async Task ABodyThatIsNotJson_Is415InEachDialect(string? contentType)
    {
        var root = await _server.RootAsync();

        await Send(root, "/api/2/tenants", "{}", contentType).ExpectErrorAsync(HttpStatusCode.UnsupportedMediaType, 415);
        var nse = await Send(root, "/api/v2.1/tenants", "{}", contentType).ExpectAsync(HttpStatusCode.UnsupportedMediaType);

        Assert.Equal(415, nse.GetProperty("status").GetProperty("code").GetInt32());
    }

    [Theory]
    [InlineData("""{"version": "three"}""", "version", "version must be a non-negative integer.")]
    [InlineData("""{"version": 1, "parent_id": 7}""", "parent_id", "parent_id must be a string.")]
    [InlineData("""{"version": 1, "name": null}""", "name", "name must not be null.")]
    [InlineData("""{"version": 1, "contact": {"types": ["legal", 3]}}""", "contact.types", "contact.types must be an array of strings.")]
    [InlineData("""{"version": 1, "update_lock": true}""", "update_lock", "update_lock must be an object.")]
    [InlineData("""{"name": "no version"}""", "version", "version is required: quote the tenant's current version.")]
    public async Task AFieldOfTheWrongType_IsNamedAsSent_InPlainWords(string body, string field, string message)
    {
        var root = await _server.RootAsync();
        var customer = await root.CreateCustomerAsync();

        var error = await Send(root, $"/api/2/tenants/{customer.Str("id")}", body, "application/json", HttpMethod.Put)
            .ExpectErrorAsync(HttpStatusCode.BadRequest, 400);

        Assert.Equal(field, error.GetProperty("context").Str("field"));
        Assert.Equal(message, error.GetProperty("details").Str("info"));
        Assert.Equal(customer.Long("version"), (await root.GetTenantAsync(customer.Str("id"))).Long("version"));
    }

    [Fact]
    public async Task LooseTypes_OfTheOriginalClients_AreAccepted_AndAbsentFieldsStayAsTheyWere()
    {
        var root = await _server.RootAsync();
        var customer = await root.CreateCustomerAsync();
        await root.PutTenantAsync(customer.Str("id"), new { description = "kept", version = customer.Long("version") }).ExpectAsync(HttpStatusCode.OK);

        var updated = await root.PutTenantAsync(customer.Str("id"), $$"""{"version": "{{customer.Long("version") + 1}}", "enabled": "False", "brand_id": null}""")
            .ExpectAsync(HttpStatusCode.OK);

        Assert.False(updated.Bool("enabled"));
        Assert.Equal("kept", updated.Str("description"));
        Assert.Equal(customer.Str("name"), updated.Str("name"));
    }

    private static Task<HttpResponseMessage> Send(Api api, string path, string body, string? contentType, HttpMethod? method = null)
    {
        var content = new ByteArrayContent(Encoding.UTF8.GetBytes(body));
        if (contentType is not null)
        {
            content.Headers.TryAddWithoutValidation("Content-Type", contentType);
        }

        return api.Http.SendAsync(new HttpRequestMessage(method ?? HttpMethod.Post, path) { Content = content }, TestContext.Current.CancellationToken);
    }
}

public sealed class BodyBindingTestsSqlite(Providers.SqliteServer fixture) : BodyBindingTests(fixture), IClassFixture<Providers.SqliteServer>;

public sealed class BodyBindingTestsPostgres(Providers.PostgresServer fixture) : BodyBindingTests(fixture), IClassFixture<Providers.PostgresServer>;
