using Tenancy.Server.Storage;

namespace Tenancy.Tests.Storage;

/// <summary>The health endpoints of a healthy instance, without authentication: liveness, readiness, and /healthz as before.</summary>
public abstract class HealthTests(StorageProvider provider) : ServerTests(provider)
{
    [Theory]
    [InlineData("/healthz/live")]
    [InlineData("/healthz/ready")]
    [InlineData("/healthz")]
    public async Task AHealthyInstance_Answers200Ok_WithItsProvider_NeverCached(string path)
    {
        using var anonymous = Server.Anonymous();

        using var response = await anonymous.GetAsync(path, TestContext.Current.CancellationToken);
        var body = await anonymous.ExpectAsync(response, HttpStatusCode.OK);

        Assert.Equal("ok", body.Str("status"));
        Assert.Equal(Provider == StorageProvider.Postgres ? "postgres" : "sqlite", body.Str("provider"));
        Assert.False(body.TryGetProperty("detail", out _));
        Assert.True(response.Headers.CacheControl?.NoStore);
        Assert.Null(response.Headers.RetryAfter);
    }
}

public sealed class HealthTestsSqlite() : HealthTests(StorageProvider.Sqlite);

public sealed class HealthTestsPostgres() : HealthTests(StorageProvider.Postgres);
