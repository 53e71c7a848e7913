namespace Tenancy.Tests.Auth;

/// <summary>The OAuth2 token endpoint (client credentials) and OpenID discovery.</summary>
public abstract class TokenEndpointTests(ServerFixture fixture)
{
    private readonly TenancyServer _server = fixture.Server;

    private async Task<JsonElement> NewClientAsync()
    {
        var root = await _server.RootAsync();
        var partner = await root.CreateTenantAsync(await root.OwnTenantIdAsync(), "partner");
        return await root.CreateClientAsync(partner.Str("id"), "client_secret_post");
    }

    private async Task<HttpResponseMessage> PostFormAsync(Dictionary<string, string> fields)
    {
        using var http = _server.Anonymous();
        using var content = new FormUrlEncodedContent(fields);
        return await http.PostAsync("/api/2/idp/token", content, TestContext.Current.CancellationToken);
    }

    private static void AssertTokenResponse(JsonElement token)
    {
        Spec.AssertValid("token", token);
        Assert.Equal("bearer", token.Str("token_type"));
        Assert.Equal(7200, token.Long("expires_in"));
        var expectedExpiry = DateTimeOffset.UtcNow.ToUnixTimeSeconds() + 7200;
        Assert.InRange(token.Long("expires_on"), expectedExpiry - 60, expectedExpiry + 5);
        Assert.Equal(3, token.Str("access_token").Split('.').Length);
    }

    [Fact]
    public async Task ClientSecretBasic_IssuesAValidToken_ThatTheApiAccepts()
    {
        var client = await NewClientAsync();

        var token = await _server.RequestTokenAsync(client.Str("client_id"), client.Str("client_secret")).ExpectAsync(HttpStatusCode.OK);

        AssertTokenResponse(token);
        using var http = _server.WithBearer(token.Str("access_token"));
        var own = await http.GetAsync($"/api/2/clients/{client.Str("client_id")}", TestContext.Current.CancellationToken).ExpectAsync(HttpStatusCode.OK);
        Assert.Equal(client.Str("tenant_id"), own.Str("tenant_id"));
    }

    [Fact]
    public async Task ClientSecretPost_FormFields_IssueAValidToken()
    {
        var client = await NewClientAsync();

        var token = await PostFormAsync(new()
        {
            ["grant_type"] = "client_credentials",
            ["client_id"] = client.Str("client_id"),
            ["client_secret"] = client.Str("client_secret"),
        }).ExpectAsync(HttpStatusCode.OK);

        AssertTokenResponse(token);
        using var http = _server.WithBearer(token.Str("access_token"));
        var tenant = await http.GetAsync($"/api/2/tenants/{client.Str("tenant_id")}", TestContext.Current.CancellationToken).ExpectAsync(HttpStatusCode.OK);
        Assert.Equal("partner", tenant.Str("kind"));
    }

    [Fact]
    public async Task AWrongSecretOrUnknownClient_Is401InvalidClient()
    {
        var client = await NewClientAsync();

        await _server.ExpectInvalidClientAsync(client.Str("client_id"), client.Str("client_secret") + "x");
        await _server.ExpectInvalidClientAsync(Guid.NewGuid().ToString(), client.Str("client_secret"));
        await _server.ExpectInvalidClientAsync("not-a-uuid", "whatever");

        using var response = await _server.RequestTokenAsync(client.Str("client_id"), "wrong");
        Assert.Equal("no-store", response.Headers.CacheControl?.ToString());
        Assert.Contains("Basic", response.Headers.WwwAuthenticate.ToString(), StringComparison.Ordinal);

        var posted = await PostFormAsync(new() { ["grant_type"] = "client_credentials", ["client_id"] = client.Str("client_id"), ["client_secret"] = "wrong" })
            .ExpectAsync(HttpStatusCode.Unauthorized);
        // RFC 6749 5.2 codes; the published tokenError enum lists only the interactive-login ones.
        Assert.Equal("invalid_client", posted.Str("error"));
        Assert.False(string.IsNullOrWhiteSpace(posted.Str("error_description")));
    }

    [Theory]
    [InlineData("password", "invalid_request")]
    [InlineData("authorization_code", "unsupported_grant_type")]
    [InlineData("", "invalid_request")]
    public async Task AnUnsupportedOrMissingGrantType_OrAPasswordGrantWithoutUsername_Is400(string grantType, string error)
    {
        var client = await NewClientAsync();

        var body = await _server.RequestTokenAsync(client.Str("client_id"), client.Str("client_secret"), grantType).ExpectAsync(HttpStatusCode.BadRequest);

        Assert.Equal(error, body.Str("error"));
        Assert.False(string.IsNullOrWhiteSpace(body.Str("error_description")));
        Assert.False(body.TryGetProperty("access_token", out _));
    }

    [Fact]
    public async Task ATokenRequestThatIsNotAForm_Is400InvalidRequest()
    {
        var client = await NewClientAsync();
        using var http = _server.Anonymous();

        var body = await http.PostAsync("/api/2/idp/token", Api.Json(new { grant_type = "client_credentials", client_id = client.Str("client_id"), client_secret = client.Str("client_secret") }), TestContext.Current.CancellationToken)
            .ExpectAsync(HttpStatusCode.BadRequest);

        Assert.Equal("invalid_request", body.Str("error"));
    }

    [Fact]
    public async Task Discovery_PointsAtTheTokenEndpointAndAJwksThatVerifiesIssuedTokens()
    {
        using var http = _server.Anonymous();
        var ct = TestContext.Current.CancellationToken;

        var discovery = await http.GetAsync("/.well-known/openid-configuration", ct).ExpectAsync(HttpStatusCode.OK);

        Spec.AssertValid("openidConfiguration", discovery);
        Assert.Equal(new Uri(_server.BaseAddress, "/api/2/idp/token"), new Uri(discovery.Str("token_endpoint")));
        Assert.Contains("client_credentials", discovery.GetProperty("grant_types_supported").EnumerateArray().Select(g => g.GetString()));
        var jwks = await http.GetAsync(new Uri(discovery.Str("jwks_uri")), ct).ExpectAsync(HttpStatusCode.OK);
        var keys = jwks.GetProperty("keys").EnumerateArray().ToList();
        Assert.NotEmpty(keys);
        Assert.All(keys, k =>
        {
            Assert.Equal("RSA", k.Str("kty"));
            Assert.False(k.TryGetProperty("d", out _), "the JWKS must not publish private key material");
        });

        var root = await _server.RootAsync();
        var token = await _server.TokenAsync(root.ClientId, root.Secret);
        var header = JsonDocument.Parse(Convert.FromBase64String(Pad(token.Split('.')[0]))).RootElement;
        Assert.Equal("RS256", header.Str("alg"));
        Assert.Contains(header.Str("kid"), keys.Select(k => k.Str("kid")));
    }

    private static string Pad(string base64Url)
    {
        var s = base64Url.Replace('-', '+').Replace('_', '/');
        return s.PadRight(s.Length + (4 - s.Length % 4) % 4, '=');
    }
}

public sealed class TokenEndpointTestsSqlite(Providers.SqliteServer fixture) : TokenEndpointTests(fixture), IClassFixture<Providers.SqliteServer>;

public sealed class TokenEndpointTestsPostgres(Providers.PostgresServer fixture) : TokenEndpointTests(fixture), IClassFixture<Providers.PostgresServer>;
