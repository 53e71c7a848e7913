using System.Diagnostics;

namespace Tenancy.Tests.Tenants;

/// <summary>The core's lifecycle commands as both dialects reach them: no-op changes, and the v2.1 suspend.</summary>
public abstract class CommandTests(ServerFixture fixture)
{
    private readonly TenancyServer _server = fixture.Server;

    private static async Task<int> AuditCountAsync(Api api, string id, string operation)
    {
        var trail = await api.GetAsync($"/api/2/audit?target_id={id}&operation={operation}&limit=100").ExpectAsync(HttpStatusCode.OK);
        return trail.GetProperty("items").GetArrayLength();
    }

    [Fact]
    public async Task AChangeThatChangesNothing_BumpsNoVersion_AndWritesNoAuditRecord()
    {
        var root = await _server.RootAsync();
        var customer = await root.CreateCustomerAsync();
        var id = customer.Str("id");
        var renamed = await root.PutTenantAsync(id, new { name = "Same name", version = customer.Long("version") }).ExpectAsync(HttpStatusCode.OK);
        Assert.Equal(customer.Long("version") + 1, renamed.Long("version"));

        var again = await root.PutTenantAsync(id, new { name = "Same name", version = renamed.Long("version") }).ExpectAsync(HttpStatusCode.OK);
        var suspended = await root.PutTenantAsync(id, new { enabled = true, version = renamed.Long("version") }).ExpectAsync(HttpStatusCode.OK);

        Assert.Equal(renamed.Long("version"), again.Long("version"));
        Assert.Equal("Same name", again.Str("name"));
        Assert.Equal(renamed.Long("version"), suspended.Long("version"));
        Assert.Equal(renamed.Long("version"), (await root.GetTenantAsync(id)).Long("version"));
        Assert.Equal(1, await AuditCountAsync(root, id, "tenant.update"));
        Assert.Equal(0, await AuditCountAsync(root, id, "tenant.reactivate"));
    }

    [Fact]
    public async Task AStaleNoOpChange_IsStillAVersionConflict()
    {
        var root = await _server.RootAsync();
        var customer = await root.CreateCustomerAsync();
        var id = customer.Str("id");
        await root.PutTenantAsync(id, new { name = "New", version = customer.Long("version") }).ExpectAsync(HttpStatusCode.OK);

        var stale = await root.PutTenantAsync(id, new { name = "New", version = customer.Long("version") })
            .ExpectErrorAsync(HttpStatusCode.Conflict, 1001);

        Assert.Equal(customer.Long("version") + 1, stale.GetProperty("context").Long("current_version"));
    }

    [Fact]
    public async Task V21Put_WithEnabled_SuspendsAndReactivates_ThroughTheSameCommand()
    {
        var root = await _server.RootAsync();
        var partner = await root.CreateTenantAsync(await root.OwnTenantIdAsync(), "partner");
        var code = $"c{Guid.NewGuid():N}"[..20];
        var created = await root.PostJsonAsync("/api/2/tenants", new { name = "Acme", kind = "customer", parent_id = partner.Str("id"), code })
            .ExpectAsync(HttpStatusCode.Created);
        var id = created.Str("id");
        var unit = await root.CreateTenantAsync(id, "unit");

        var suspended = await root.PutJsonAsync($"/api/v2.1/tenants/{id}", new { code, enabled = false, unknown_field = 1 }).ExpectAsync(HttpStatusCode.OK);

        Assert.Equal(id, suspended.GetProperty("result").GetProperty("records")[0].Str("id"));
        var tenant = await root.GetTenantAsync(id);
        Assert.False(tenant.Bool("enabled"));
        Assert.Equal(created.Long("version") + 1, tenant.Long("version"));
        Assert.Equal(id, (await root.GetTenantAsync(unit.Str("id"))).Str("disabled_by"));
        Assert.Equal(1, await AuditCountAsync(root, id, "tenant.suspend"));

        await root.PutJsonAsync($"/api/v2.1/tenants/{id}", new { code, enabled = true }).ExpectAsync(HttpStatusCode.OK);
        Assert.True((await root.GetTenantAsync(id)).Bool("effectively_enabled"));
        Assert.Equal(1, await AuditCountAsync(root, id, "tenant.reactivate"));
    }

    [Fact]
    public async Task DisabledBy_NamesTheNearestDisabledTenant()
    {
        var root = await _server.RootAsync();
        var tree = await root.BuildSubtreeAsync();
        await root.SetEnabledAsync(tree.PartnerId, false);
        await root.SetEnabledAsync(tree.CustomerId, false);

        var unit = await root.GetTenantAsync(tree.UnitId);
        var customer = await root.GetTenantAsync(tree.CustomerId);

        Assert.Equal(tree.CustomerId, unit.Str("disabled_by"));
        Assert.Equal(tree.CustomerId, customer.Str("disabled_by"));
        Assert.False(unit.Bool("effectively_enabled"));
        var refused = await tree.CustomerAdmin.GetAsync($"/api/2/tenants/{tree.UnitId}").ExpectErrorAsync(HttpStatusCode.Unauthorized, 401);
        Assert.Contains(tree.CustomerId, refused.GetProperty("details").Str("info"), StringComparison.Ordinal);
    }
}

public sealed class CommandTestsSqlite(Providers.SqliteServer fixture) : CommandTests(fixture), IClassFixture<Providers.SqliteServer>;

public sealed class CommandTestsPostgres(Providers.PostgresServer fixture) : CommandTests(fixture), IClassFixture<Providers.PostgresServer>;

/// <summary>
/// How many store round trips a suspend costs, counted on PostgreSQL: Npgsql reports every command it sends
/// (one batch is one command) as an activity, and the request's own trace id ties them to the request.
/// </summary>
public sealed class RoundTripTests(Providers.PostgresServer fixture, ITestOutputHelper output) : IClassFixture<Providers.PostgresServer>
{
    private readonly TenancyServer _server = fixture.Server;

    [Fact]
    public async Task ASuspend_MakesTwoStoreRoundTrips_ThePrincipalCheckAndTheWriteWithItsReadBack()
    {
        var root = await _server.RootAsync();
        var customer = await root.CreateCustomerAsync();
        var id = customer.Str("id");
        await root.GetTenantAsync(id);

        var commands = new List<string>();
        var traceId = ActivityTraceId.CreateRandom();
        using var listener = new ActivityListener
        {
            ShouldListenTo = source => source.Name is "Npgsql" or "Microsoft.AspNetCore",
            Sample = (ref ActivityCreationOptions<ActivityContext> _) => ActivitySamplingResult.AllDataAndRecorded,
            ActivityStopped = activity =>
            {
                // Commands carry their SQL text (db.statement, or db.query.text in newer conventions); a
                // physical connection open, if one happens, does not and is not a command.
                var sql = activity.Tags.FirstOrDefault(t => t.Key is "db.statement" or "db.query.text").Value;
                if (activity.Source.Name == "Npgsql" && activity.TraceId == traceId && sql is not null)
                {
                    lock (commands)
                    {
                        commands.Add(sql);
                    }
                }
            },
        };
        ActivitySource.AddActivityListener(listener);

        using var request = new HttpRequestMessage(HttpMethod.Put, $"/api/2/tenants/{id}")
        {
            Content = Api.Json(new { enabled = false, version = customer.Long("version") }),
        };
        request.Headers.Add("traceparent", $"00-{traceId}-{ActivitySpanId.CreateRandom()}-01");
        var body = await root.Http.ExpectAsync(await root.Http.SendAsync(request, TestContext.Current.CancellationToken), HttpStatusCode.OK);

        Assert.False(body.Bool("enabled"));
        Assert.Equal(customer.Long("version") + 1, body.Long("version"));
        Assert.False((await root.GetTenantAsync(id)).Bool("effectively_enabled"));
        lock (commands)
        {
            foreach (var sql in commands)
            {
                output.WriteLine($"round trip: {sql[..Math.Min(100, sql.Length)]}...");
            }

            output.WriteLine($"a suspend through PUT /api/2/tenants/{{id}}: {commands.Count} store round trips");
            Assert.Equal(2, commands.Count);
        }
    }
}
