namespace Tenancy.Tests.Vendor;

/// <summary>
/// The vendor's example scripts tenants/search_for_tenant_or_user.py and users/search_for_tenant_or_user.py
/// (the same requests), step by step: the API client and token the examples' config files hold, then
/// GET api/2/search?text={query}&amp;tenant={the client's tenant_id} with the text typed in as is, and the
/// whole answer printed.
/// </summary>
public abstract class SearchScriptTests(ServerFixture fixture)
{
    private readonly TenancyServer _server = fixture.Server;

    /// <summary>api_client.json and api_token.json of the examples: a partner's API client, its tenant_id and a token.</summary>
    private async Task<(Api Client, string TenantId, Api Root)> ConfigAsync()
    {
        var root = await _server.RootAsync();
        var partner = await root.CreateTenantAsync(await root.OwnTenantIdAsync(), "partner");
        var client = await root.CreateClientAsync(partner.Str("id"));
        var token = await _server.RequestTokenAsync(client.Str("client_id"), client.Str("client_secret")).ExpectAsync(HttpStatusCode.OK);
        var session = new Api(_server, _server.WithBearer(token.Str("access_token")), client.Str("client_id"), client.Str("client_secret"));
        return (session, client.Str("tenant_id"), root);
    }

    /// <summary>The script's one request; the query goes into the URL as typed (spaces and all).</summary>
    private static async Task<JsonElement> SearchAsync(Api api, string tenantId, string query)
    {
        var body = await api.GetAsync($"api/2/search?text={query}&tenant={tenantId}").ExpectAsync(HttpStatusCode.OK);
        Spec.AssertValid("global_search", body);
        return body;
    }

    [Fact]
    public async Task TenantsScript_FindsACustomerByName()
    {
        var (client, tenantId, _) = await ConfigAsync();
        var marker = Guid.NewGuid().ToString("N")[..8];
        var customer = await client.CreateTenantAsync(tenantId, "customer", $"Northwind {marker}");

        var body = await SearchAsync(client, tenantId, $"Northwind {marker}");

        var item = Assert.Single(body.GetProperty("items").EnumerateArray());
        Assert.Equal("tenant", item.Str("obj_type"));
        Assert.Equal(customer.Str("id"), item.Str("id"));
        Assert.Equal($"Northwind {marker}", item.Str("name"));
        Assert.Equal("customer", item.Str("kind"));
        Assert.Equal(tenantId, item.Str("parent_id"));
    }

    [Fact]
    public async Task UsersScript_FindsAUserByLoginAndEmail_WithItsTenantsPath()
    {
        var (client, tenantId, _) = await ConfigAsync();
        var marker = Guid.NewGuid().ToString("N")[..8];
        var customer = await client.CreateTenantAsync(tenantId, "customer", $"Contoso {marker}");
        var user = await client.PostJsonAsync("/api/2/users", new
        {
            tenant_id = customer.Str("id"), login = $"jsmith{marker}",
            contact = new { email = $"j.smith.{marker}@example.test", firstname = "John", lastname = "Smith" },
        }).ExpectAsync(HttpStatusCode.OK);
        var partnerName = (await client.GetTenantAsync(tenantId)).Str("name");

        var byLogin = await SearchAsync(client, tenantId, $"jsmith{marker}");
        var byEmail = await SearchAsync(client, tenantId, $"j.smith.{marker}@example.test");

        foreach (var body in new[] { byLogin, byEmail })
        {
            var item = Assert.Single(body.GetProperty("items").EnumerateArray());
            Assert.Equal("user", item.Str("obj_type"));
            Assert.Equal(user.Str("id"), item.Str("id"));
            Assert.Equal($"jsmith{marker}", item.Str("login"));
            Assert.Equal("John", item.Str("first_name"));
            Assert.Equal("Smith", item.Str("last_name"));
            Assert.Equal(customer.Str("id"), item.Str("parent_id"));
            Assert.Equal([partnerName, $"Contoso {marker}"], item.GetProperty("path").EnumerateArray().Select(p => p.GetString()));
        }
    }
}

public sealed class SearchScriptTestsSqlite(Providers.SqliteServer fixture) : SearchScriptTests(fixture), IClassFixture<Providers.SqliteServer>;

public sealed class SearchScriptTestsPostgres(Providers.PostgresServer fixture) : SearchScriptTests(fixture), IClassFixture<Providers.PostgresServer>;
