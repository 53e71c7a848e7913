using System.Text;

namespace Tenancy.Tests.Tenants;

/// <summary>Loosely typed and bad input, and the /api/2 envelope on errors raised outside the handlers.</summary>
public abstract class InputTests(ServerFixture fixture)
{
    private readonly TenancyServer _server = fixture.Server;

    /// <summary>A refused request must leave the tenant exactly as it was.</summary>
    private static async Task AssertUnchangedAsync(Api api, JsonElement before)
    {
        var after = await api.GetTenantAsync(before.Str("id"));
        foreach (var field in new[] { "name", "kind", "parent_id", "updated_at" })
        {
            Assert.Equal(before.Str(field), after.Str(field));
        }

        Assert.Equal(before.Long("version"), after.Long("version"));
        Assert.Equal(before.Bool("enabled"), after.Bool("enabled"));
    }

    [Theory]
    [InlineData("\"false\"")]
    [InlineData("\"False\"")]
    [InlineData("false")]
    public async Task Put_WithEnabledAsABooleanOrItsString_Suspends(string enabled)
    {
        var (root, customer) = await _server.RootWithCustomerAsync();

        var updated = await root.PutTenantAsync(customer.Str("id"), $$"""{"enabled": {{enabled}}, "version": {{customer.Long("version")}}}""")
            .ExpectAsync(HttpStatusCode.OK);

        Assert.False(updated.Bool("enabled"));
        Assert.False((await root.GetTenantAsync(customer.Str("id"))).Bool("enabled"));
    }

    [Theory]
    [InlineData("""{"enabled": "maybe", "version": 1}""", "enabled")]
    [InlineData("""{"enabled": 0, "version": 1}""", "enabled")]
    [InlineData("""{"name": 42, "version": 1}""", "name")]
    [InlineData("""{"name": "", "version": 1}""", "name")]
    [InlineData("""{"parent_id": "not-a-uuid", "version": 1}""", "parent_id")]
    [InlineData("""{"contact": "nobody", "version": 1}""", "contact")]
    public async Task Put_WithAFieldOfTheWrongShape_IsRefusedWith400_NamingTheField(string body, string field)
    {
        var (root, customer) = await _server.RootWithCustomerAsync();

        var error = await root.PutTenantAsync(customer.Str("id"), body).ExpectErrorAsync(HttpStatusCode.BadRequest, 400);

        Assert.Equal(field, error.GetProperty("context").Str("field"));
        await AssertUnchangedAsync(root, customer);
    }

    [Theory]
    [InlineData("{\"name\": \"x\", \"version\": 1")]
    [InlineData("[1, 2]")]
    [InlineData("")]
    public async Task Put_WithABodyThatIsNotAJsonObject_IsRefusedWith400(string body)
    {
        var (root, customer) = await _server.RootWithCustomerAsync();

        var error = await root.PutTenantAsync(customer.Str("id"), body).ExpectErrorAsync(HttpStatusCode.BadRequest, 400);

        Assert.Equal("body", error.GetProperty("context").Str("field"));
        await AssertUnchangedAsync(root, customer);
    }

    [Fact]
    public async Task Put_WithABodyOverOneMebibyte_IsRefusedWith413()
    {
        var (root, customer) = await _server.RootWithCustomerAsync();
        var body = $$"""{"name": "{{new string('a', (1 << 20) + 10)}}", "version": {{customer.Long("version")}}}""";

        var error = await root.PutTenantAsync(customer.Str("id"), body).ExpectErrorAsync(HttpStatusCode.RequestEntityTooLarge, 413);

        Assert.Contains("1048576", error.GetProperty("details").Str("info"), StringComparison.Ordinal);
        await AssertUnchangedAsync(root, customer);
    }

    [Fact]
    public async Task Put_WithAPlainTextBody_IsRefusedWith415()
    {
        var (root, customer) = await _server.RootWithCustomerAsync();
        using var content = new StringContent($$"""{"name": "plain", "version": {{customer.Long("version")}}}""", Encoding.UTF8, "text/plain");

        await root.Http.PutAsync($"/api/2/tenants/{customer.Str("id")}", content, TestContext.Current.CancellationToken).ExpectErrorAsync(HttpStatusCode.UnsupportedMediaType, 415);

        await AssertUnchangedAsync(root, customer);
    }

    [Fact]
    public async Task Put_WithANulCharacterInAString_IsRefusedWith400()
    {
        var (root, customer) = await _server.RootWithCustomerAsync();

        var error = await root.PutTenantAsync(customer.Str("id"), new { name = "a\u0000b", version = customer.Long("version") })
            .ExpectErrorAsync(HttpStatusCode.BadRequest, 400);

        Assert.Equal("name", error.GetProperty("context").Str("field"));
        await AssertUnchangedAsync(root, customer);
    }

    [Fact]
    public async Task Put_WithUnknownKeys_IgnoresThem_AndAppliesTheRest()
    {
        var (root, customer) = await _server.RootWithCustomerAsync();

        var updated = await root.PutTenantAsync(customer.Str("id"), new { name = "known", favourite_colour = "teal", version = customer.Long("version") })
            .ExpectAsync(HttpStatusCode.OK);

        Assert.Equal("known", updated.Str("name"));
        Assert.False(updated.TryGetProperty("favourite_colour", out _));
        Assert.Equal("known", (await root.GetTenantAsync(customer.Str("id"))).Str("name"));
    }

    [Fact]
    public async Task Post_WithUnknownKeysAndLooseTypes_CreatesTheTenant()
    {
        var (root, customer) = await _server.RootWithCustomerAsync();

        var created = await root.PostJsonAsync("/api/2/tenants", new { name = "loose", kind = "unit", parent_id = customer.Str("id"), enabled = "true", shoe_size = 44 })
            .ExpectAsync(HttpStatusCode.Created);

        Assert.True(created.Bool("enabled"));
        Spec.AssertValid("tenant", created);
        Assert.Equal("loose", (await root.GetTenantAsync(created.Str("id"))).Str("name"));
    }

    [Fact]
    public async Task ABadUuidInThePath_IsRefusedWith400_OnEveryMethod()
    {
        var root = await _server.RootAsync();

        await root.GetAsync("/api/2/tenants/not-a-uuid").ExpectErrorAsync(HttpStatusCode.BadRequest, 400);
        await root.PutTenantAsync("not-a-uuid", new { name = "x", version = 1 }).ExpectErrorAsync(HttpStatusCode.BadRequest, 400);
        await root.DeleteAsync("/api/2/tenants/not-a-uuid?version=1").ExpectErrorAsync(HttpStatusCode.BadRequest, 400);
        await root.GetAsync("/api/2/tenants/not-a-uuid/children").ExpectErrorAsync(HttpStatusCode.BadRequest, 400);
        await root.GetAsync("/api/2/clients/not-a-uuid").ExpectErrorAsync(HttpStatusCode.BadRequest, 400);
    }

    [Fact]
    public async Task AnUnknownTenant_Is404WithTheEnvelope()
    {
        var root = await _server.RootAsync();
        var id = Guid.NewGuid().ToString();

        var error = await root.GetAsync($"/api/2/tenants/{id}").ExpectErrorAsync(HttpStatusCode.NotFound, 1005);
        Assert.Contains(id, error.GetProperty("details").Str("info"), StringComparison.Ordinal);
        await root.PutTenantAsync(id, new { name = "x", version = 1 }).ExpectErrorAsync(HttpStatusCode.NotFound, 1005);
    }

    [Fact]
    public async Task AnUnknownRouteUnderApi2_Is404WithTheEnvelope()
    {
        var root = await _server.RootAsync();

        var error = await root.GetAsync("/api/2/no-such-thing").ExpectErrorAsync(HttpStatusCode.NotFound, 1005);

        Assert.Contains("/api/2/no-such-thing", error.GetProperty("details").Str("info"), StringComparison.Ordinal);
    }

    [Fact]
    public async Task AWrongMethod_Is405WithTheEnvelope()
    {
        var (root, customer) = await _server.RootWithCustomerAsync();
        using var request = new HttpRequestMessage(HttpMethod.Patch, $"/api/2/tenants/{customer.Str("id")}") { Content = Api.Json(new { name = "patched" }) };

        var error = await root.Http.SendAsync(request, TestContext.Current.CancellationToken).ExpectErrorAsync(HttpStatusCode.MethodNotAllowed, 405);

        Assert.Contains("PATCH", error.GetProperty("details").Str("info"), StringComparison.Ordinal);
        await AssertUnchangedAsync(root, customer);
    }

    [Theory]
    [InlineData(null)]
    [InlineData("garbage")]
    [InlineData("eyJhbGciOiJub25lIn0.eyJjbGllbnRfaWQiOiJ4In0.")]
    public async Task ARequestWithoutAValidBearerToken_Is401WithTheEnvelope(string? token)
    {
        var (root, customer) = await _server.RootWithCustomerAsync();
        using var http = token is null ? _server.Anonymous() : _server.WithBearer(token);

        using var response = await http.GetAsync($"/api/2/tenants/{customer.Str("id")}", TestContext.Current.CancellationToken);
        Assert.Contains("Bearer", response.Headers.WwwAuthenticate.ToString(), StringComparison.Ordinal);
        await Task.FromResult(response).ExpectErrorAsync(HttpStatusCode.Unauthorized, 401);
        await http.PutAsync($"/api/2/tenants/{customer.Str("id")}", Api.Json(new { name = "anon", version = customer.Long("version") }), TestContext.Current.CancellationToken)
            .ExpectErrorAsync(HttpStatusCode.Unauthorized, 401);

        await AssertUnchangedAsync(root, customer);
    }
}

public sealed class InputTestsSqlite(Providers.SqliteServer fixture) : InputTests(fixture), IClassFixture<Providers.SqliteServer>;

public sealed class InputTestsPostgres(Providers.PostgresServer fixture) : InputTests(fixture), IClassFixture<Providers.PostgresServer>;
