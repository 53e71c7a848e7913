using Tenancy.Server.Bench;

namespace Tenancy.Tests.Bench;

/// <summary>The benchmark's ceiling endpoint exists only when bench mode is switched on.</summary>
public sealed class BenchEndpointTests
{
    [Fact]
    public async Task Ceiling_IsAbsentByDefault()
    {
        await using var server = TenancyServer.Start();
        using var http = server.Anonymous();

        using var response = await http.GetAsync(BenchEndpoints.CeilingPath, TestContext.Current.CancellationToken);

        Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
    }

    [Fact]
    public async Task Ceiling_InBenchMode_AnswersATenantWithoutAuthentication()
    {
        await using var server = TenancyServer.Start(settings: new Dictionary<string, string?> { [BenchEndpoints.EnabledKey] = "true" });
        using var http = server.Anonymous();

        var tenant = await http.GetAsync(BenchEndpoints.CeilingPath, TestContext.Current.CancellationToken).ExpectAsync(HttpStatusCode.OK);

        Assert.Equal("customer", tenant.Str("kind"));
        Assert.True(tenant.GetProperty("effectively_enabled").GetBoolean());
    }
}
