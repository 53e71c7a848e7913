using System.Net;
using Tenancy.Tests.Infrastructure;

namespace Tenancy.Tests.Http;

/// <summary>The served OpenAPI document and the browsable reference page (no storage involved: SQLite only).</summary>
public sealed class ApiDocumentTests(Providers.SqliteServer fixture) : IClassFixture<Providers.SqliteServer>
{
    private readonly TenancyServer _server = fixture.Server;

    [Fact]
    public async Task TheOpenApiDocument_DescribesBothDialects_AndHowToAuthenticate()
    {
        using var http = _server.Anonymous();

        var doc = await http.GetAsync("/openapi/v1.json", TestContext.Current.CancellationToken).ExpectAsync(HttpStatusCode.OK);

        var paths = doc.GetProperty("paths").EnumerateObject().Select(p => p.Name).ToList();
        foreach (var expected in new[] { "/api/2/idp/token", "/api/2/tenants", "/api/2/tenants/{tenantId}", "/api/2/clients", "/api/v2.1/tenants", "/api/2/usage" })
        {
            Assert.Contains(expected, paths);
        }

        var schemes = doc.GetProperty("components").GetProperty("securitySchemes");
        Assert.Equal("bearer", schemes.GetProperty("bearer").Str("scheme"));
        var get = doc.GetProperty("paths").GetProperty("/api/2/tenants/{tenantId}").GetProperty("get");
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
}
