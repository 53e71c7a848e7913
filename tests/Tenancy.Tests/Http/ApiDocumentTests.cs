namespace Tenancy.Tests.Http;

/// <summary>The served OpenAPI document and the browsable reference page (no storage involved: SQLite only).</summary>
public sealed class ApiDocumentTests(Providers.SqliteServer fixture, ITestOutputHelper output) : IClassFixture<Providers.SqliteServer>
{
    private readonly TenancyServer _server = fixture.Server;

    [Fact]
    public async Task TheOpenApiDocument_DescribesBothDialects_AndHowToAuthenticate()
    {
        using var http = _server.Anonymous();

        var doc = await http.GetAsync("/openapi/v1.json", TestContext.Current.CancellationToken).ExpectAsync(HttpStatusCode.OK);

        var paths = doc.GetProperty("paths").EnumerateObject().Select(p => p.Name).ToList();
        foreach (var expected in new[] { "/api/2/idp/token", "/api/2/tenants", "/api/2/tenants/{tenant_id}", "/api/2/clients", "/api/v2.1/tenants", "/api/2/usage" })
        {
            Assert.Contains(expected, paths);
        }

        var schemes = doc.GetProperty("components").GetProperty("securitySchemes");
        Assert.Equal("bearer", schemes.GetProperty("bearer").Str("scheme"));
        var get = doc.GetProperty("paths").GetProperty("/api/2/tenants/{tenant_id}").GetProperty("get");
        Assert.True(get.GetProperty("security")[0].TryGetProperty("bearer", out _));
        Assert.False(string.IsNullOrEmpty(get.Str("summary")));
    }

    [Fact]
    public async Task TheReferencePage_IsServedWithItsScripts_FromThisServer()
    {
        using var http = _server.Anonymous();

        using var page = await http.GetAsync("/docs/", TestContext.Current.CancellationToken);
        var html = await page.Content.ReadAsStringAsync(TestContext.Current.CancellationToken);

        Assert.Equal(HttpStatusCode.OK, page.StatusCode);
        Assert.Contains("text/html", page.Content.Headers.ContentType?.MediaType, StringComparison.Ordinal);
        Assert.Contains("scalar.js", html, StringComparison.Ordinal);
        using var script = await http.GetAsync("/docs/scalar.js", TestContext.Current.CancellationToken);
        Assert.Equal(HttpStatusCode.OK, script.StatusCode);
    }

    /// <summary>The OAuth endpoints take forms; the identity documents, logout and the health check are open to all and answer no 4xx.</summary>
    private static readonly string[] Forms = ["/api/2/idp/token", "/api/2/idp/introspect_token", "/api/2/idp/revoke_token"];

    private static readonly string[] Open = ["/.well-known/openid-configuration", "/api/2/idp/keys", "/api/2/idp/logout", "/healthz", "/healthz/live", "/healthz/ready"];

    /// <summary>POSTs that take no body: the action is the address.</summary>
    private static readonly string[] BodyLess = ["/api/2/clients/{client_id}/secret", "/api/2/applications/{application_id}/bindings/tenants/{tenant_id}", "/api/2/users/{user_id}/send-activation-email",
        "/api/2/tenants/{tenant_id}/restore", "/api/2/users/{user_id}/restore", "/api/2/deletions/{deletion_id}/acknowledgements/{application_id}",
        "/api/2/webhooks/{webhook_id}/deliveries/{delivery_id}/redeliver"];

    [Fact]
    public async Task EveryOperation_DeclaresItsBody_ItsErrors_AndSnakeCaseParameters()
    {
        using var http = _server.Anonymous();
        var doc = await http.GetAsync("/openapi/v1.json", TestContext.Current.CancellationToken).ExpectAsync(HttpStatusCode.OK);
        var schemas = doc.GetProperty("components").GetProperty("schemas");

        var (operations, withBody, with4xx) = (0, 0, 0);
        var problems = new List<string>();
        foreach (var path in doc.GetProperty("paths").EnumerateObject())
        {
            foreach (var op in path.Value.EnumerateObject())
            {
                operations++;
                var name = $"{op.Name.ToUpperInvariant()} {path.Name}";
                var hasBody = op.Value.TryGetProperty("requestBody", out var body);
                withBody += hasBody ? 1 : 0;
                if (op.Name is "post" or "put" && !BodyLess.Contains(path.Name))
                {
                    var media = Forms.Contains(path.Name) ? "application/x-www-form-urlencoded" : "application/json";
                    if (!hasBody || !body.GetProperty("content").TryGetProperty(media, out var content) || !content.TryGetProperty("schema", out _))
                    {
                        problems.Add($"{name}: no {media} request body schema");
                    }
                    else if (!content.TryGetProperty("example", out _))
                    {
                        problems.Add($"{name}: no example request body");
                    }
                }

                var errors = op.Value.GetProperty("responses").EnumerateObject().Where(r => r.Name.StartsWith('4')).ToList();
                with4xx += errors.Count > 0 ? 1 : 0;
                if (errors.Count == 0 && !Open.Contains(path.Name))
                {
                    problems.Add($"{name}: no 4xx response");
                }

                var envelope = Forms.Contains(path.Name) && op.Name == "post" ? "OAuthErrorJson"
                    : path.Name.StartsWith("/api/v2.1/", StringComparison.Ordinal) ? "NseErrorBody" : "AcronisErrorBody";
                foreach (var error in errors)
                {
                    var reference = error.Value.GetProperty("content").GetProperty("application/json").GetProperty("schema").Str("$ref");
                    if (reference != $"#/components/schemas/{envelope}")
                    {
                        problems.Add($"{name}: {error.Name} answers {reference}, not the dialect's {envelope}");
                    }
                }

                foreach (var parameter in op.Value.TryGetProperty("parameters", out var ps) ? ps.EnumerateArray() : default)
                {
                    if (parameter.Str("name").Any(char.IsUpper))
                    {
                        problems.Add($"{name}: parameter {parameter.Str("name")} is not as sent");
                    }
                }
            }
        }

        output.WriteLine($"operations: {operations}, with request body: {withBody}, with 4xx responses: {with4xx}");
        Assert.Empty(problems);
        Assert.True(schemas.TryGetProperty("AcronisErrorBody", out _));
        Assert.True(schemas.TryGetProperty("NseErrorBody", out _));
        // A partial-update field is shown as the value it takes, not as a wrapper object.
        var update = schemas.GetProperty("TenantUpdateRequest").GetProperty("properties");
        Assert.Equal("string", update.GetProperty("name").Str("type"));
        Assert.Equal("boolean", update.GetProperty("enabled").Str("type"));
    }

    [Fact]
    public async Task TheRoot_RedirectsToTheConsole()
    {
        // The test server is a real Kestrel: a client of its own, so that the redirect is seen and not followed.
        using var handler = new SocketsHttpHandler { AllowAutoRedirect = false };
        using var http = new HttpClient(handler) { BaseAddress = _server.BaseAddress };

        using var response = await http.GetAsync("/", TestContext.Current.CancellationToken);

        Assert.Equal(HttpStatusCode.Found, response.StatusCode);
        Assert.Equal("/console", response.Headers.Location?.OriginalString);
    }

    [Fact]
    public async Task TheReferencePage_HidesWhatOnlyTheHostedServiceOffers()
    {
        using var http = _server.Anonymous();

        var html = await http.GetStringAsync("/docs/", TestContext.Current.CancellationToken);
        // The page hands its configuration to Scalar as one JSON object literal.
        var start = html.IndexOf("{\"", StringComparison.Ordinal);
        Assert.True(start >= 0, "no configuration in the page");
        var reader = new Utf8JsonReader(System.Text.Encoding.UTF8.GetBytes(html[start..]));
        using var config = JsonDocument.ParseValue(ref reader);
        var c = config.RootElement;

        Assert.True(c.GetProperty("hideClientButton").GetBoolean());
        Assert.Equal("never", c.Str("showDeveloperTools"));
        Assert.False(c.GetProperty("telemetry").GetBoolean());
        Assert.False(c.GetProperty("withDefaultFonts").GetBoolean());
        Assert.True(c.GetProperty("agent").GetProperty("disabled").GetBoolean());
        Assert.True(c.GetProperty("mcp").GetProperty("disabled").GetBoolean());
    }
}
