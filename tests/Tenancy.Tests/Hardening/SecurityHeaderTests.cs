using System.Text.RegularExpressions;

namespace Tenancy.Tests.Hardening;

/// <summary>Security headers on every response, errors included; a CSP that still lets the /docs page and the console run.</summary>
public abstract partial class SecurityHeaderTests(ServerFixture fixture)
{
    private readonly TenancyServer _server = fixture.Server;

    [GeneratedRegex("<script[^>]*\\ssrc=\"([^\"]+)\"")]
    private static partial Regex ScriptSource();

    [Fact]
    public async Task EveryApiResponse_ForbidsSniffingFramingReferrersAndCaching()
    {
        var root = await _server.RootAsync();
        var rootId = await root.OwnTenantIdAsync();
        using var anonymous = _server.Anonymous();
        var ct = TestContext.Current.CancellationToken;
        var responses = new List<HttpResponseMessage>
        {
            await root.GetAsync($"/api/2/tenants/{rootId}"),
            await root.GetAsync("/api/2/no-such-thing"),
            await root.PostJsonAsync("/api/v2.1/tenants", "{"),
            await anonymous.GetAsync("/api/2/tenants", ct),
            await _server.RequestTokenAsync(root.ClientId, root.Secret),
            await _server.RequestTokenAsync(root.ClientId, "wrong"),
            await anonymous.GetAsync("/healthz", ct),
            await anonymous.GetAsync("/openapi/v1.json", ct),
        };
        Assert.Equal(
            [HttpStatusCode.OK, HttpStatusCode.NotFound, HttpStatusCode.BadRequest, HttpStatusCode.Unauthorized,
                HttpStatusCode.OK, HttpStatusCode.Unauthorized, HttpStatusCode.OK, HttpStatusCode.OK],
            responses.Select(r => r.StatusCode));
        foreach (var response in responses)
        {
            var what = $"{response.RequestMessage!.Method} {response.RequestMessage.RequestUri} ({(int)response.StatusCode})";
            Assert.True(Header(response, "X-Content-Type-Options") == "nosniff", what);
            Assert.True(Header(response, "X-Frame-Options") == "DENY", what);
            Assert.True(Header(response, "Referrer-Policy") == "no-referrer", what);
            Assert.Contains("frame-ancestors 'none'", Header(response, "Content-Security-Policy"), StringComparison.Ordinal);
            Assert.Contains("default-src 'none'", Header(response, "Content-Security-Policy"), StringComparison.Ordinal);
            Assert.True(response.Headers.CacheControl?.NoStore == true, what);
            response.Dispose();
        }
    }

    [Fact]
    public async Task DocsPage_IsServedWithAPolicyThatAllowsItsOwnScripts_AndNoFraming()
    {
        using var http = _server.Anonymous();
        var ct = TestContext.Current.CancellationToken;
        var (html, csp) = await PageAsync(http, "/docs/", ct);

        Assert.Contains("script-src 'self' 'unsafe-inline'", csp, StringComparison.Ordinal);
        Assert.Contains("connect-src 'self'", csp, StringComparison.Ordinal);
        // Every script the page loads comes from this server (allowed by 'self'), and is there.
        var scripts = ScriptSource().Matches(html).Select(m => m.Groups[1].Value).ToList();
        Assert.NotEmpty(scripts);
        foreach (var src in scripts)
        {
            Assert.False(src.Contains("://", StringComparison.Ordinal), src);
            using var script = await http.GetAsync("/docs/" + src, ct);
            Assert.Equal(HttpStatusCode.OK, script.StatusCode);
        }
    }

    [GeneratedRegex("(?:from|import)\\s+'\\./([a-z]+\\.js)'")]
    private static partial Regex ModuleImport();

    [Fact]
    public async Task ConsolePage_AllowsItsOwnScriptsAndStylesOnly_AndEveryModuleIsServedFromHere()
    {
        using var http = _server.Anonymous();
        var ct = TestContext.Current.CancellationToken;
        var (html, csp) = await PageAsync(http, "/console", ct);

        Assert.Contains("script-src 'self';", csp, StringComparison.Ordinal);
        Assert.Contains("style-src 'self';", csp, StringComparison.Ordinal);
        Assert.DoesNotContain("unsafe", csp, StringComparison.Ordinal);
        Assert.DoesNotContain("://", html, StringComparison.Ordinal);

        // The page's module and every module it imports, transitively: served here as JavaScript.
        var pending = new Queue<string>(ScriptSource().Matches(html).Select(m => m.Groups[1].Value.Replace("/console/", "", StringComparison.Ordinal)));
        var seen = new HashSet<string>(StringComparer.Ordinal);
        while (pending.TryDequeue(out var module))
        {
            if (!seen.Add(module))
            {
                continue;
            }

            using var script = await http.GetAsync("/console/" + module, ct);
            Assert.True(script.StatusCode == HttpStatusCode.OK, module);
            Assert.Equal("text/javascript", script.Content.Headers.ContentType?.MediaType);
            Assert.Contains("script-src 'self';", Header(script, "Content-Security-Policy"), StringComparison.Ordinal);
            foreach (Match import in ModuleImport().Matches(await script.Content.ReadAsStringAsync(ct)))
            {
                pending.Enqueue(import.Groups[1].Value);
            }
        }

        Assert.Contains("app.js", seen);
        Assert.Contains("lifecycle.js", seen);
        using var css = await http.GetAsync("/console/console.css", ct);
        Assert.Equal(HttpStatusCode.OK, css.StatusCode);
        Assert.DoesNotContain("://", await css.Content.ReadAsStringAsync(ct), StringComparison.Ordinal);
    }

    [Fact]
    public async Task TheReferencePage_StaysReachable_AndTheConsoleLinksToIt()
    {
        using var http = _server.Anonymous();
        var ct = TestContext.Current.CancellationToken;
        using var docs = await http.GetAsync("/docs/", ct);
        var html = await http.GetStringAsync("/console", ct);

        Assert.Equal(HttpStatusCode.OK, docs.StatusCode);
        Assert.Contains("<a href=\"/docs\">API reference</a>", html, StringComparison.Ordinal);
    }

    /// <summary>A page of the server: 200 HTML that may not be framed or sniffed; its text and its CSP.</summary>
    private static async Task<(string Html, string Csp)> PageAsync(HttpClient http, string path, CancellationToken ct)
    {
        using var page = await http.GetAsync(path, ct);
        Assert.Equal(HttpStatusCode.OK, page.StatusCode);
        Assert.Equal("text/html", page.Content.Headers.ContentType?.MediaType);
        Assert.Equal("DENY", Header(page, "X-Frame-Options"));
        Assert.Equal("nosniff", Header(page, "X-Content-Type-Options"));
        var csp = Header(page, "Content-Security-Policy");
        Assert.Contains("frame-ancestors 'none'", csp, StringComparison.Ordinal);
        return (await page.Content.ReadAsStringAsync(ct), csp);
    }

    private static string Header(HttpResponseMessage response, string name) =>
        response.Headers.TryGetValues(name, out var values) ? string.Join(",", values) : "";
}

public sealed class SecurityHeaderTestsSqlite(Providers.SqliteServer fixture) : SecurityHeaderTests(fixture), IClassFixture<Providers.SqliteServer>;

public sealed class SecurityHeaderTestsPostgres(Providers.PostgresServer fixture) : SecurityHeaderTests(fixture), IClassFixture<Providers.PostgresServer>;
