namespace Tenancy.Tests.Storage;

/// <summary>
/// Sixteen writers at once through the API (SQLite's writers take turns in the process, PostgreSQL's run side
/// by side): every write succeeds, none is lost, none is applied twice.
/// </summary>
public abstract class ConcurrentWriteTests(ServerFixture fixture)
{
    private const int Writers = 16;
    private const int Rounds = 5;

    private readonly TenancyServer _server = fixture.Server;

    [Fact]
    public async Task SixteenWritersAtOnce_AllSucceed_AndEveryWriteIsThere()
    {
        var root = await _server.RootAsync();
        var partner = await root.CreateTenantAsync(await root.OwnTenantIdAsync(), "partner");
        var writers = new List<(Api Admin, JsonElement Customer)>();
        for (var i = 0; i < Writers; i++)
        {
            var customer = await root.CreateTenantAsync(partner.Str("id"), "customer");
            writers.Add((await root.CreateClientAndLoginAsync(customer.Str("id")), customer));
        }

        // Each writer, at the same time as the others: renames its customer (quoting the version of the previous
        // answer), asks for a token (which records the client's last access) and creates a unit, Rounds times.
        var units = await Task.WhenAll(writers.Select((w, i) => Task.Run(async () =>
        {
            var version = w.Customer.Long("version");
            var created = new List<string>();
            for (var round = 0; round < Rounds; round++)
            {
                var renamed = await w.Admin.PutJsonAsync($"/api/2/tenants/{w.Customer.Str("id")}", new { name = $"writer {i} round {round}", version })
                    .ExpectAsync(HttpStatusCode.OK);
                Assert.Equal(version + 1, renamed.Long("version"));
                version = renamed.Long("version");
                Assert.False(string.IsNullOrEmpty(await _server.TokenAsync(w.Admin.ClientId, w.Admin.Secret)));
                created.Add((await w.Admin.CreateTenantAsync(w.Customer.Str("id"), "unit")).Str("id"));
            }

            return created;
        })));

        for (var i = 0; i < Writers; i++)
        {
            var (admin, customer) = writers[i];
            var now = await root.GetTenantAsync(customer.Str("id"));
            Assert.Equal($"writer {i} round {Rounds - 1}", now.Str("name"));
            Assert.Equal(customer.Long("version") + Rounds, now.Long("version"));
            var children = await root.GetAsync($"/api/2/tenants/{customer.Str("id")}/children").ExpectAsync(HttpStatusCode.OK);
            Assert.Equal(units[i].Order(StringComparer.Ordinal), children.GetProperty("items").EnumerateArray().Select(c => c.GetString()!).Order(StringComparer.Ordinal));
            var client = await root.GetAsync($"/api/2/clients/{admin.ClientId}").ExpectAsync(HttpStatusCode.OK);
            Assert.NotEqual(JsonValueKind.Null, client.GetProperty("last_access_at").ValueKind);
        }

        foreach (var (admin, _) in writers)
        {
            admin.Dispose();
        }
    }
}

public sealed class ConcurrentWriteTestsSqlite(Providers.SqliteServer fixture) : ConcurrentWriteTests(fixture), IClassFixture<Providers.SqliteServer>;

public sealed class ConcurrentWriteTestsPostgres(Providers.PostgresServer fixture) : ConcurrentWriteTests(fixture), IClassFixture<Providers.PostgresServer>;
