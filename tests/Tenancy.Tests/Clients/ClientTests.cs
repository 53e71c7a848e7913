namespace Tenancy.Tests.Clients;

/// <summary>API clients: creation with a one-time secret, listing, disabling, enabling and deleting.</summary>
public abstract class ClientTests(ServerFixture fixture)
{
    private readonly TenancyServer _server = fixture.Server;

    /// <summary>The api_clients row as stored, every column as text.</summary>
    private async Task<string> StoredRowAsync(string clientId)
    {
        var row = await _server.StoredRowAsync("SELECT * FROM api_clients WHERE id = @id", "id", clientId);
        Assert.True(row is not null, $"no api_clients row for {clientId}");
        return string.Join("|", row);
    }

    [Fact]
    public async Task Create_Returns201WithASecret_ThatIsNotStoredInClear()
    {
        var (root, tree) = await _server.RootWithSubtreeAsync();

        var created = await root.CreateClientAsync(tree.CustomerId);

        Spec.AssertValid("clientPostResult", created);
        Assert.Equal(tree.CustomerId, created.Str("tenant_id"));
        Assert.Equal("api_client", created.Str("type"));
        Assert.Equal("enabled", created.Str("status"));
        Assert.Equal(root.ClientId, created.Str("created_by"));
        var secret = created.Str("client_secret");
        Assert.True(secret.Length >= 32, secret);

        var row = await StoredRowAsync(created.Str("client_id"));
        Assert.DoesNotContain(secret, row, StringComparison.OrdinalIgnoreCase);
        // ASP.NET Core Identity's hash format v3: base64 of a 0x01 marker, the PRF, the iteration count, salt and hash.
        Assert.Contains("secret_hash=AQAAAA", row, StringComparison.Ordinal);

        // The secret works at the token endpoint, and GET never shows it again.
        var api = await _server.LoginAsync(created.Str("client_id"), secret);
        Assert.Equal(tree.CustomerId, await api.OwnTenantIdAsync());
        var fetched = await root.GetAsync($"/api/2/clients/{created.Str("client_id")}").ExpectAsync(HttpStatusCode.OK);
        Spec.AssertValid("client", fetched);
        Assert.False(fetched.TryGetProperty("client_secret", out _));
        Assert.Equal(tree.CustomerId, fetched.Str("tenant_id"));
        Assert.NotEqual(System.Text.Json.JsonValueKind.Null, fetched.GetProperty("last_access_at").ValueKind);
    }

    [Fact]
    public async Task List_ByTenantId_ReturnsTheTenantsClientsOnly()
    {
        var (root, tree) = await _server.RootWithSubtreeAsync();
        var second = await root.CreateClientAsync(tree.CustomerId);
        var elsewhere = await root.CreateClientAsync(tree.UnitId);

        var list = await root.GetAsync($"/api/2/clients?tenant_id={tree.CustomerId}").ExpectAsync(HttpStatusCode.OK);

        Spec.AssertValid("clientBatch", list);
        var ids = list.GetProperty("items").EnumerateArray().Select(i => i.Str("client_id")).ToList();
        Assert.Equal(new[] { tree.CustomerAdmin.ClientId, second.Str("client_id") }.Order(), ids.Order());
        Assert.DoesNotContain(elsewhere.Str("client_id"), ids);
        Assert.All(list.GetProperty("items").EnumerateArray(), i => Assert.False(i.TryGetProperty("client_secret", out _)));
    }

    [Fact]
    public async Task Disable_RefusesItsTokenAtOnce_AndEnableLetsItBackIn()
    {
        var (root, tree) = await _server.RootWithSubtreeAsync();
        var client = tree.CustomerAdmin;
        var path = $"/api/2/clients/{client.ClientId}";

        var disabled = await root.PutJsonAsync(path, new { status = "disabled" }).ExpectAsync(HttpStatusCode.OK);
        Assert.Equal("disabled", disabled.Str("status"));
        Spec.AssertValid("client", disabled);

        await client.ExpectLockedOutAsync($"/api/2/tenants/{tree.CustomerId}");
        await _server.ExpectInvalidClientAsync(client.ClientId, client.Secret);
        Assert.Equal("disabled", (await root.GetAsync(path).ExpectAsync(HttpStatusCode.OK)).Str("status"));

        var enabled = await root.PutJsonAsync(path, new { status = "enabled" }).ExpectAsync(HttpStatusCode.OK);
        Assert.Equal("enabled", enabled.Str("status"));
        Assert.Equal(tree.CustomerId, (await client.GetTenantAsync(tree.CustomerId)).Str("id"));
        await _server.TokenAsync(client.ClientId, client.Secret);
    }

    [Fact]
    public async Task Put_WithAnUnknownStatus_IsRefusedWith400_AndChangesNothing()
    {
        var (root, tree) = await _server.RootWithSubtreeAsync();
        var path = $"/api/2/clients/{tree.CustomerAdmin.ClientId}";

        var error = await root.PutJsonAsync(path, new { status = "paused" }).ExpectErrorAsync(HttpStatusCode.BadRequest, 400);

        Assert.Equal("status", error.GetProperty("context").Str("field"));
        Assert.Equal("enabled", (await root.GetAsync(path).ExpectAsync(HttpStatusCode.OK)).Str("status"));
        await tree.CustomerAdmin.GetTenantAsync(tree.CustomerId);
    }

    [Fact]
    public async Task Delete_Returns204_AndItsTokenStopsWorking()
    {
        var (root, tree) = await _server.RootWithSubtreeAsync();
        var client = tree.CustomerAdmin;

        var body = await root.DeleteAsync($"/api/2/clients/{client.ClientId}").ExpectAsync(HttpStatusCode.NoContent);

        Assert.Equal(System.Text.Json.JsonValueKind.Undefined, body.ValueKind);
        await client.ExpectLockedOutAsync($"/api/2/tenants/{tree.CustomerId}");
        await _server.ExpectInvalidClientAsync(client.ClientId, client.Secret);
        await root.GetAsync($"/api/2/clients/{client.ClientId}").ExpectErrorAsync(HttpStatusCode.NotFound, 1005);
        await root.DeleteAsync($"/api/2/clients/{client.ClientId}").ExpectErrorAsync(HttpStatusCode.NotFound, 1005);
    }

    [Theory]
    [InlineData("""{"type": "robot", "token_endpoint_auth_method": "client_secret_basic"}""", "type")]
    [InlineData("""{"type": "api_client", "token_endpoint_auth_method": "private_key_jwt"}""", "token_endpoint_auth_method")]
    [InlineData("""{"token_endpoint_auth_method": "client_secret_basic"}""", "type")]
    [InlineData("""{"type": "api_client"}""", "token_endpoint_auth_method")]
    public async Task Create_WithABadField_IsRefusedWith400_AndCreatesNothing(string fields, string field)
    {
        var (root, tree) = await _server.RootWithSubtreeAsync();
        var body = fields.Replace("{", $$"""{"tenant_id": "{{tree.UnitId}}", """, StringComparison.Ordinal);

        var error = await root.PostJsonAsync("/api/2/clients", body).ExpectErrorAsync(HttpStatusCode.BadRequest, 400);

        Assert.Equal(field, error.GetProperty("context").Str("field"));
        var list = await root.GetAsync($"/api/2/clients?tenant_id={tree.UnitId}").ExpectAsync(HttpStatusCode.OK);
        Assert.Empty(list.GetProperty("items").EnumerateArray());
    }
}

public sealed class ClientTestsSqlite(Providers.SqliteServer fixture) : ClientTests(fixture), IClassFixture<Providers.SqliteServer>;

public sealed class ClientTestsPostgres(Providers.PostgresServer fixture) : ClientTests(fixture), IClassFixture<Providers.PostgresServer>;
