namespace Tenancy.Tests.Tenants;

/// <summary>Optimistic concurrency: every change quotes the version it was based on.</summary>
public abstract class VersionTests(ServerFixture fixture)
{
    private readonly TenancyServer _server = fixture.Server;

    [Fact]
    public async Task Put_WithAStaleVersion_IsRefusedWith1001_AndTellsTheCurrentVersion()
    {
        var (root, customer) = await _server.RootWithCustomerAsync();
        var id = customer.Str("id");
        var renamed = await root.PutTenantAsync(id, new { name = "first", version = customer.Long("version") }).ExpectAsync(HttpStatusCode.OK);

        var error = await root.PutTenantAsync(id, new { name = "second", version = customer.Long("version") })
            .ExpectErrorAsync(HttpStatusCode.Conflict, 1001);

        Assert.Equal(renamed.Long("version"), error.GetProperty("context").Long("current_version"));
        var after = await root.GetTenantAsync(id);
        Assert.Equal("first", after.Str("name"));
        Assert.Equal(renamed.Long("version"), after.Long("version"));
    }

    [Fact]
    public async Task Put_WithoutAVersion_IsRefusedWith400_AndChangesNothing()
    {
        var (root, customer) = await _server.RootWithCustomerAsync();
        var id = customer.Str("id");

        var error = await root.PutTenantAsync(id, new { name = "no version" }).ExpectErrorAsync(HttpStatusCode.BadRequest, 400);

        Assert.Equal("version", error.GetProperty("context").Str("field"));
        var after = await root.GetTenantAsync(id);
        Assert.Equal(customer.Str("name"), after.Str("name"));
        Assert.Equal(customer.Long("version"), after.Long("version"));
    }

    [Fact]
    public async Task Put_WithTheVersionAsAString_IsAccepted()
    {
        var (root, customer) = await _server.RootWithCustomerAsync();
        var version = customer.Long("version");

        var updated = await root.PutTenantAsync(customer.Str("id"), new { name = "string version", version = version.ToString(System.Globalization.CultureInfo.InvariantCulture) })
            .ExpectAsync(HttpStatusCode.OK);

        Assert.Equal("string version", updated.Str("name"));
        Assert.Equal(version + 1, updated.Long("version"));
        Spec.AssertValid("tenant", updated);
    }

    [Theory]
    [InlineData("-1")]
    [InlineData("1.5")]
    [InlineData("\"three\"")]
    [InlineData("null")]
    public async Task Put_WithAVersionThatIsNotANonNegativeInteger_IsRefusedWith400(string version)
    {
        var (root, customer) = await _server.RootWithCustomerAsync();
        var id = customer.Str("id");

        var error = await root.PutTenantAsync(id, $$"""{"name": "bad version", "version": {{version}}}""")
            .ExpectErrorAsync(HttpStatusCode.BadRequest, 400);

        Assert.Equal("version", error.GetProperty("context").Str("field"));
        Assert.Equal(customer.Long("version"), (await root.GetTenantAsync(id)).Long("version"));
    }

    [Theory]
    [InlineData("")]
    [InlineData("?version=")]
    [InlineData("?version=abc")]
    [InlineData("?version=-1")]
    public async Task Delete_WithoutAUsableVersion_IsRefusedWith400_AndKeepsTheTenant(string query)
    {
        var (root, customer) = await _server.RootWithCustomerAsync();
        var id = customer.Str("id");
        var disabled = await root.SetEnabledAsync(id, false);

        var error = await root.DeleteAsync($"/api/2/tenants/{id}{query}").ExpectErrorAsync(HttpStatusCode.BadRequest, 400);

        Assert.Equal("version", error.GetProperty("context").Str("field"));
        Assert.Equal(disabled.Long("version"), (await root.GetTenantAsync(id)).Long("version"));
    }

    [Fact]
    public async Task Delete_WithAStaleVersion_IsRefusedWith409_AndKeepsTheTenant()
    {
        var (root, customer) = await _server.RootWithCustomerAsync();
        var id = customer.Str("id");
        var disabled = await root.SetEnabledAsync(id, false);

        var error = await root.DeleteAsync($"/api/2/tenants/{id}?version={customer.Long("version")}")
            .ExpectErrorAsync(HttpStatusCode.Conflict, 1001);

        Assert.Equal(disabled.Long("version"), error.GetProperty("context").Long("current_version"));
        Assert.False((await root.GetTenantAsync(id)).Bool("enabled"));
    }

    [Fact]
    public async Task ParallelPuts_QuotingTheSameVersion_LetExactlyOneWin()
    {
        const int writers = 8;
        var (root, customer) = await _server.RootWithCustomerAsync();
        var id = customer.Str("id");
        var version = customer.Long("version");
        var clients = Enumerable.Range(0, writers).Select(_ => _server.WithBearer(root.Http.DefaultRequestHeaders.Authorization!.Parameter!)).ToList();

        var responses = await Task.WhenAll(clients.Select((http, i) =>
            http.PutAsync($"/api/2/tenants/{id}", Api.Json(new { name = $"writer {i}", version }))));
        var bodies = await Task.WhenAll(responses.Select(async r => (r.StatusCode, Body: JsonDocument.Parse(await r.Content.ReadAsStringAsync()).RootElement.Clone())));

        var winners = bodies.Where(b => b.StatusCode == HttpStatusCode.OK).ToList();
        var losers = bodies.Where(b => b.StatusCode == HttpStatusCode.Conflict).ToList();
        Assert.Single(winners);
        Assert.Equal(writers - 1, losers.Count);
        Assert.All(losers, l => Assert.Equal(1001, l.Body.GetProperty("error").GetProperty("code").GetInt32()));
        var after = await root.GetTenantAsync(id);
        Assert.Equal(version + 1, after.Long("version"));
        Assert.Equal(winners[0].Body.Str("name"), after.Str("name"));
        foreach (var (http, response) in clients.Zip(responses))
        {
            response.Dispose();
            http.Dispose();
        }
    }
}

public sealed class VersionTestsSqlite(Providers.SqliteServer fixture) : VersionTests(fixture), IClassFixture<Providers.SqliteServer>;

public sealed class VersionTestsPostgres(Providers.PostgresServer fixture) : VersionTests(fixture), IClassFixture<Providers.PostgresServer>;
