namespace Tenancy.Tests.Hardening;

/// <summary>Length limits on string fields and query strings, refused in the dialect's envelope.</summary>
public abstract class InputLimitTests(ServerFixture fixture)
{
    private readonly TenancyServer _server = fixture.Server;

    [Theory]
    [InlineData("firstname")]
    [InlineData("address1")]
    [InlineData("email")]
    public async Task Create_WithAnOverlongContactField_IsRefusedWith400_NamingTheField(string field)
    {
        var root = await _server.RootAsync();
        var partner = await root.CreateTenantAsync(await root.OwnTenantIdAsync(), "partner");
        var contact = new Dictionary<string, object> { ["email"] = "a@b.c", [field] = new string('x', 256) + "@b.c" };

        var error = await root.PostJsonAsync("/api/2/tenants", new { name = "long", kind = "customer", parent_id = partner.Str("id"), contact })
            .ExpectErrorAsync(HttpStatusCode.BadRequest, 400);

        Assert.Equal($"contact.{field}", error.GetProperty("context").Str("field"));
        var children = await root.GetAsync($"/api/2/tenants?parent_id={partner.Str("id")}").ExpectAsync(HttpStatusCode.OK);
        Assert.Empty(children.GetProperty("items").EnumerateArray());
    }

    [Fact]
    public async Task Client_WithOverlongData_IsRefusedWith400()
    {
        var root = await _server.RootAsync();
        var tree = await root.BuildSubtreeAsync();
        var data = new { client_name = new string('x', 17 * 1024) };

        var created = await root.PostJsonAsync("/api/2/clients", new
        {
            type = "api_client", tenant_id = tree.UnitId, token_endpoint_auth_method = "client_secret_basic", data,
        }).ExpectErrorAsync(HttpStatusCode.BadRequest, 400);
        var updated = await root.PutJsonAsync($"/api/2/clients/{tree.CustomerAdmin.ClientId}", new { data })
            .ExpectErrorAsync(HttpStatusCode.BadRequest, 400);

        Assert.Equal("data", created.GetProperty("context").Str("field"));
        Assert.Equal("data", updated.GetProperty("context").Str("field"));
    }

    [Fact]
    public async Task OverlongQueryString_Is414_InEachDialect()
    {
        var root = await _server.RootAsync();
        var ids = string.Join(',', Enumerable.Repeat(Guid.NewGuid().ToString(), 200));

        await root.GetAsync($"/api/2/tenants?uuids={ids}").ExpectErrorAsync(HttpStatusCode.RequestUriTooLong, 414);
        var nse = await root.GetAsync($"/api/v2.1/tenants?sort_by={ids}").ExpectAsync(HttpStatusCode.RequestUriTooLong);
        Assert.Equal(414, nse.GetProperty("status").GetProperty("code").GetInt32());
    }
}

public sealed class InputLimitTestsSqlite(Providers.SqliteServer fixture) : InputLimitTests(fixture), IClassFixture<Providers.SqliteServer>;

public sealed class InputLimitTestsPostgres(Providers.PostgresServer fixture) : InputLimitTests(fixture), IClassFixture<Providers.PostgresServer>;
