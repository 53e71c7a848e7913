using Dapper;
using Tenancy.Server.Storage;

namespace Tenancy.Tests.Lifecycle;

/// <summary>An Idempotency-Key past its lifetime no longer answers, and the cleanup removes it from the store.</summary>
public abstract class IdempotencyExpiryTests(StorageProvider provider) : ServerTests(provider)
{
    protected override IReadOnlyDictionary<string, string?>? Settings => new Dictionary<string, string?>
    {
        ["Tenancy:Idempotency:Lifetime"] = "00:00:00.200",
        ["Tenancy:Idempotency:CleanupEvery"] = "00:00:00.100",
    };

    [Fact]
    public async Task AnExpiredKey_IsCleanedAway_AndARetryRunsAgain()
    {
        var root = await Server.RootAsync();
        var parent = (await root.CreateTenantAsync(await root.OwnTenantIdAsync(), "partner")).Str("id");
        var key = Guid.NewGuid().ToString();
        var body = new { name = "Expiring " + key, kind = "customer", parent_id = parent };
        async Task<JsonElement> PostAsync()
        {
            using var request = new HttpRequestMessage(HttpMethod.Post, "/api/2/tenants") { Content = Api.Json(body) };
            request.Headers.Add("Idempotency-Key", key);
            using var response = await root.Http.SendAsync(request, TestContext.Current.CancellationToken);
            return await root.Http.ExpectAsync(response, HttpStatusCode.Created);
        }

        var first = await PostAsync();
        var deadline = DateTime.UtcNow.AddSeconds(30);
        long kept;
        while ((kept = await KeptAsync(key)) > 0 && DateTime.UtcNow < deadline)
        {
            await Task.Delay(50, TestContext.Current.CancellationToken);
        }

        var second = await PostAsync();

        Assert.Equal(0, kept);
        Assert.NotEqual(first.Str("id"), second.Str("id"));
    }

    private async Task<long> KeptAsync(string key)
    {
        await using var connection = await Server.OpenStoreAsync();
        return await connection.ExecuteScalarAsync<long>("SELECT COUNT(*) FROM idempotency_keys WHERE idempotency_key = @key", new { key });
    }
}

public sealed class IdempotencyExpiryTestsSqlite() : IdempotencyExpiryTests(StorageProvider.Sqlite);

public sealed class IdempotencyExpiryTestsPostgres() : IdempotencyExpiryTests(StorageProvider.Postgres);
