using System.Collections.Concurrent;

namespace Tenancy.Tests.Storage;

public sealed class DatabaseFaultTests(ITestOutputHelper output)
{
    [Fact]
    public async Task PostgresCrashUnderLoad_Gives503s_ThenRecovers_AndLosesNoAcknowledgedWrite()
    {
        Requirements.Need(PostgresCluster.CanRun, "PostgreSQL server binaries are not installed (apt-get install postgresql)");
        await using var cluster = await PostgresCluster.StartAsync(durable: true);
        await using var store = TestStore.CreatePostgres(cluster.AdminConnectionString);
        await using var server = TenancyServer.Start(store);
        var root = await server.RootAsync();
        var partner = await root.CreateTenantAsync(await root.OwnTenantIdAsync(), "partner");

        var acknowledged = new ConcurrentBag<string>();
        var statuses = new ConcurrentBag<HttpStatusCode>();
        var badBodies = new ConcurrentBag<string>();
        var restartedAt = DateTime.MaxValue;
        var successAfterRestart = 0;
        using var stop = new CancellationTokenSource(TimeSpan.FromSeconds(90));
        var workers = Enumerable.Range(0, 4).Select(w => Task.Run(async () =>
        {
            for (var i = 0; !stop.IsCancellationRequested; i++)
            {
                using var response = await root.PostJsonAsync("/api/2/tenants",
                    new { name = $"w{w}-{i}", kind = "customer", parent_id = partner.Str("id") });
                var body = await response.Content.ReadAsStringAsync();
                statuses.Add(response.StatusCode);
                if (response.StatusCode == HttpStatusCode.Created)
                {
                    acknowledged.Add(JsonDocument.Parse(body).RootElement.Str("id"));
                    if (DateTime.UtcNow > restartedAt && Interlocked.Increment(ref successAfterRestart) >= 20)
                    {
                        await stop.CancelAsync();
                    }
                }
                else if (response.StatusCode != HttpStatusCode.ServiceUnavailable
                    || JsonDocument.Parse(body).RootElement.GetProperty("error").GetProperty("code").GetInt32() != 503)
                {
                    badBodies.Add($"{(int)response.StatusCode} {body}");
                }
            }
        })).ToList();

        await Task.Delay(TimeSpan.FromSeconds(1), TestContext.Current.CancellationToken);
        await cluster.RestartAsync("immediate", down: TimeSpan.FromSeconds(2));
        restartedAt = DateTime.UtcNow;
        await Task.WhenAll(workers);

        var unavailable = statuses.Count(s => s == HttpStatusCode.ServiceUnavailable);
        output.WriteLine($"requests: {statuses.Count}, acknowledged: {acknowledged.Count}, 503: {unavailable}");
        Assert.Empty(badBodies);
        Assert.True(unavailable > 0, "no request saw the database down");
        Assert.True(successAfterRestart >= 20, "the service did not recover after the database came back");
        foreach (var id in acknowledged)
        {
            var tenant = await root.GetTenantAsync(id);
            Assert.Equal(partner.Str("id"), tenant.Str("parent_id"));
        }
    }
}
