using System.Net.Http.Headers;
using System.Text;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Console;
using Microsoft.Extensions.Options;

namespace Tenancy.Tests.Http;

/// <summary>The default log: one line per request, and never a credential or a query string.</summary>
public sealed class RequestLogTests
{
    private sealed class Factory(string dataDirectory, LogCapture capture) : WebApplicationFactory<Program>
    {
        protected override void ConfigureWebHost(IWebHostBuilder builder)
        {
            builder.UseContentRoot(dataDirectory);
            builder.UseEnvironment("Production");
            builder.UseSetting("Tenancy:Storage:ConnectionString", $"Data Source={Path.Combine(dataDirectory, "tenancy.db")}");
            builder.UseSetting("Tenancy:Bootstrap:ClientId", TenancyServer.RootClientId);
            builder.UseSetting("Tenancy:Bootstrap:ClientSecret", "log-test-root-secret");
            builder.ConfigureServices(s => s.AddSingleton<ILoggerProvider>(capture));
        }
    }

    [Fact]
    public async Task EachRequest_IsOneLine_WithMethodPathAndStatus_AndNoCredentialOrQuery()
    {
        var data = Directory.CreateTempSubdirectory("tenancy-log-").FullName;
        var capture = new LogCapture();
        await using var factory = new Factory(data, capture);
        using var http = factory.CreateClient();
        var basic = Convert.ToBase64String(Encoding.UTF8.GetBytes($"{TenancyServer.RootClientId}:log-test-root-secret"));
        capture.Lines.Clear();

        using var tokenRequest = new HttpRequestMessage(HttpMethod.Post, "/api/2/idp/token")
        {
            Content = new FormUrlEncodedContent(new Dictionary<string, string> { ["grant_type"] = "client_credentials" }),
        };
        tokenRequest.Headers.Authorization = new AuthenticationHeaderValue("Basic", basic);
        var token = (await http.SendAsync(tokenRequest, TestContext.Current.CancellationToken).ExpectAsync(HttpStatusCode.OK)).Str("access_token");
        http.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", token);
        await http.GetAsync($"/api/2/clients/{TenancyServer.RootClientId}?secret=in-a-query", TestContext.Current.CancellationToken)
            .ExpectAsync(HttpStatusCode.OK);
        http.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", token + "x");
        await http.GetAsync("/api/v2.1/tenants", TestContext.Current.CancellationToken).ExpectAsync(HttpStatusCode.Unauthorized);

        // One entry per request, which the console writes on one line.
        var lines = capture.Lines.ToArray();
        Assert.Equal(3, lines.Length);
        Assert.Equal("simple", factory.Services.GetRequiredService<IOptions<ConsoleLoggerOptions>>().Value.FormatterName);
        Assert.True(factory.Services.GetRequiredService<IOptionsMonitor<SimpleConsoleFormatterOptions>>().CurrentValue.SingleLine);
        Assert.Contains("POST", lines[0], StringComparison.Ordinal);
        Assert.Contains("/api/2/idp/token", lines[0], StringComparison.Ordinal);
        Assert.Contains("StatusCode: 200", lines[0], StringComparison.Ordinal);
        Assert.Contains("StatusCode: 401", lines[2], StringComparison.Ordinal);
        foreach (var secret in new[] { token[..20], basic, "log-test-root-secret", "in-a-query", "Authorization", "Bearer" })
        {
            Assert.DoesNotContain(lines, l => l.Contains(secret, StringComparison.Ordinal));
        }

        Directory.Delete(data, recursive: true);
    }
}
