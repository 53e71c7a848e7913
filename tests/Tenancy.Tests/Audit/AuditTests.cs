namespace Tenancy.Tests.Audit;

/// <summary>Every change leaves exactly one audit record, written with the change; the trail is read within reach.</summary>
public abstract class AuditTests(ServerFixture fixture)
{
    private readonly TenancyServer _server = fixture.Server;

    private async Task<long> CountAsync()
    {
        var row = await _server.StoredRowAsync("SELECT COUNT(*) AS n FROM audit_log WHERE id > @min", "min", 0L);
        return long.Parse(row![0]["n=".Length..], System.Globalization.CultureInfo.InvariantCulture);
    }

    /// <summary>Runs a request that must succeed and checks it added exactly one record for <paramref name="targetId"/>.</summary>
    private async Task<JsonElement> ExpectOneRecordAsync(Api api, Func<Task<HttpResponseMessage>> request, HttpStatusCode status,
        string operation, Func<JsonElement, string> targetId)
    {
        var before = await CountAsync();
        var body = await request().ExpectAsync(status);
        Assert.Equal(before + 1, await CountAsync());
        var id = targetId(body);
        var trail = await api.GetAsync($"/api/2/audit?target_id={id}&operation={operation}&limit=1").ExpectAsync(HttpStatusCode.OK);
        var record = Assert.Single(trail.GetProperty("items").EnumerateArray());
        Assert.Equal(api.ClientId, record.GetProperty("actor").Str("id"));
        Assert.Equal("client", record.GetProperty("actor").Str("type"));
        Assert.False(string.IsNullOrEmpty(record.Str("address")));
        Assert.False(string.IsNullOrEmpty(record.Str("request_id")));
        return record;
    }

    [Fact]
    public async Task EveryMutatingEndpoint_LeavesExactlyOneRecordPerChange_AndRefusalsLeaveNone()
    {
        var root = await _server.RootAsync();
        var rootId = await root.OwnTenantIdAsync();
        var other = await root.CreateTenantAsync(rootId, "partner");

        var partner = await root.CreateTenantAsync(rootId, "partner");
        var create = await ExpectOneRecordAsync(root, () => root.PostJsonAsync("/api/2/tenants", new { name = "audited", kind = "customer", parent_id = partner.Str("id") }),
            HttpStatusCode.Created, "tenant.create", b => b.Str("id"));
        Assert.Equal("audited", create.GetProperty("changes").GetProperty("after").Str("name"));
        var customerId = create.GetProperty("target").Str("id");
        var customer = await root.GetTenantAsync(customerId);

        var rename = await ExpectOneRecordAsync(root, () => root.PutTenantAsync(customerId, new { name = "renamed", version = customer.Long("version") }),
            HttpStatusCode.OK, "tenant.update", b => b.Str("id"));
        Assert.Equal("audited", rename.GetProperty("changes").GetProperty("before").Str("name"));
        Assert.Equal("renamed", rename.GetProperty("changes").GetProperty("after").Str("name"));

        var count = await CountAsync();
        await root.PutTenantAsync(customerId, new { name = "stale", version = customer.Long("version") }).ExpectErrorAsync(HttpStatusCode.Conflict, 1001);
        await root.PostJsonAsync("/api/2/tenants", new { name = "bad", kind = "unit", parent_id = partner.Str("id") }).ExpectErrorAsync(HttpStatusCode.BadRequest, 1027);
        Assert.Equal(count, await CountAsync());

        var v = (await root.GetTenantAsync(customerId)).Long("version");
        await ExpectOneRecordAsync(root, () => root.PutTenantAsync(customerId, new { parent_id = other.Str("id"), version = v }), HttpStatusCode.OK, "tenant.move", b => b.Str("id"));
        await ExpectOneRecordAsync(root, () => root.PutTenantAsync(customerId, new { enabled = false, version = v + 1 }), HttpStatusCode.OK, "tenant.suspend", b => b.Str("id"));
        await ExpectOneRecordAsync(root, () => root.PutTenantAsync(customerId, new { enabled = true, version = v + 2 }), HttpStatusCode.OK, "tenant.reactivate", b => b.Str("id"));

        string? secret = null;
        var client = await ExpectOneRecordAsync(root, async () =>
        {
            var response = await root.PostJsonAsync("/api/2/clients",
                new { type = "api_client", tenant_id = customerId, token_endpoint_auth_method = "client_secret_basic" });
            secret = JsonDocument.Parse(await response.Content.ReadAsStringAsync()).RootElement.Str("client_secret");
            return response;
        }, HttpStatusCode.Created, "client.create", b => b.Str("client_id"));
        var changes = client.GetProperty("changes").GetRawText();
        Assert.DoesNotContain(secret!, changes, StringComparison.Ordinal);
        Assert.DoesNotContain("pbkdf2", changes, StringComparison.Ordinal);
        Assert.Null(await _server.StoredRowAsync("SELECT id FROM audit_log WHERE changes LIKE @s", "s", $"%{secret}%"));
        var clientId = client.GetProperty("target").Str("id");
        var token = await _server.TokenAsync(clientId, secret!);
        var before = await CountAsync();
        using (var revoke = new FormUrlEncodedContent(new Dictionary<string, string> { ["token"] = token }))
        {
            await root.Http.PostAsync("/api/2/idp/revoke_token", revoke, TestContext.Current.CancellationToken).ExpectAsync(HttpStatusCode.OK);
        }

        Assert.Equal(before + 1, await CountAsync());
        Assert.Null(await _server.StoredRowAsync("SELECT id FROM audit_log WHERE changes LIKE @s", "s", $"%{token}%"));
        await ExpectOneRecordAsync(root, () => root.PostJsonAsync($"/api/2/clients/{clientId}/secret", new { }), HttpStatusCode.OK, "client.reset_secret", b => b.Str("client_id"));
        await ExpectOneRecordAsync(root, () => root.PutJsonAsync($"/api/2/clients/{clientId}", new { status = "disabled" }), HttpStatusCode.OK, "client.update", b => b.Str("client_id"));
        before = await CountAsync();
        await root.DeleteAsync($"/api/2/clients/{clientId}").ExpectAsync(HttpStatusCode.NoContent);
        Assert.Equal(before + 1, await CountAsync());

        var number = $"A-S{Random.Shared.NextInt64(10_000_000_000, 99_999_999_999)}";
        await ExpectOneRecordAsync(root, () => root.PostJsonAsync($"/api/2/tenants/{customerId}/subscriptions", new { number }), HttpStatusCode.Created, "subscription.create", _ => number);
        await ExpectOneRecordAsync(root, () => root.PostJsonAsync($"/api/2/subscriptions/{number}/commitments", new { service_level = "standard", committed = 10 }),
            HttpStatusCode.Created, "commitment.create", _ => number);

        var code = "audit_" + Guid.NewGuid().ToString("N")[..10];
        var nse = await ExpectOneRecordAsync(root, () => root.PostJsonAsync("/api/v2.1/tenants",
            new { name = "nse", code, zuora_account_name = "n", zuora_account_number = "A1", parent_id = partner.Str("id") }),
            HttpStatusCode.Created, "tenant.create", b => b.GetProperty("result").GetProperty("records")[0].Str("id"));
        var nseId = nse.GetProperty("target").Str("id");
        await ExpectOneRecordAsync(root, () => root.PutJsonAsync($"/api/v2.1/tenants/{nseId}", new { code, name = "nse 2" }), HttpStatusCode.OK, "tenant.update",
            b => b.GetProperty("result").GetProperty("records")[0].Str("id"));
        before = await CountAsync();
        await root.DeleteAsync($"/api/v2.1/tenants/{nseId}").ExpectAsync(HttpStatusCode.NoContent);
        Assert.Equal(before + 1, await CountAsync());

        var current = await root.GetTenantAsync(customerId);
        var disabled = await root.SetEnabledAsync(customerId, false);
        before = await CountAsync();
        await root.DeleteAsync($"/api/2/tenants/{customerId}?version={disabled.Long("version")}").ExpectAsync(HttpStatusCode.NoContent);
        Assert.Equal(before + 1, await CountAsync());
        var terminated = await root.GetAsync($"/api/2/audit?target_id={customerId}&operation=tenant.terminate").ExpectAsync(HttpStatusCode.OK);
        Assert.Equal(current.Str("name"), Assert.Single(terminated.GetProperty("items").EnumerateArray()).GetProperty("changes").GetProperty("before").Str("name"));
    }

    [Fact]
    public async Task UserChanges_LeaveOneRecordEach_AndNeverThePassword()
    {
        var root = await _server.RootAsync();
        var partner = await root.CreateTenantAsync(await root.OwnTenantIdAsync(), "partner");
        var login = "audited-" + Guid.NewGuid().ToString("N")[..8];

        var created = await ExpectOneRecordAsync(root, () => root.PostJsonAsync("/api/2/users",
            new { tenant_id = partner.Str("id"), login, contact = new { email = $"{login}@example.com" } }), HttpStatusCode.OK, "user.create", b => b.Str("id"));
        var id = created.GetProperty("target").Str("id");
        var password = "Correct-Horse-" + Guid.NewGuid().ToString("N")[..8];
        var before = await CountAsync();
        await root.SetPasswordAsync(id, password).ExpectAsync(HttpStatusCode.NoContent);
        Assert.Equal(before + 1, await CountAsync());
        Assert.Null(await _server.StoredRowAsync("SELECT id FROM audit_log WHERE changes LIKE @s", "s", $"%{password}%"));
        var user = await root.GetAsync($"/api/2/users/{id}").ExpectAsync(HttpStatusCode.OK);
        var disabled = await ExpectOneRecordAsync(root, () => root.PutJsonAsync($"/api/2/users/{id}", new { enabled = false, version = user.Long("version") }),
            HttpStatusCode.OK, "user.update", b => b.Str("id"));
        Assert.True(disabled.GetProperty("changes").GetProperty("before").Bool("enabled"));
        before = await CountAsync();
        await root.DeleteAsync($"/api/2/users/{id}?version={user.Long("version") + 1}").ExpectAsync(HttpStatusCode.NoContent);
        Assert.Equal(before + 1, await CountAsync());
    }

    [Fact]
    public async Task TheTrail_IsLimitedToTheCallersReach_FilteredAndPaged()
    {
        var root = await _server.RootAsync();
        var tree = await root.BuildSubtreeAsync();
        var sibling = await root.CreateTenantAsync(tree.PartnerId, "customer");
        for (var i = 0; i < 3; i++)
        {
            var t = await tree.CustomerAdmin.GetTenantAsync(tree.UnitId);
            await tree.CustomerAdmin.PutTenantAsync(tree.UnitId, new { name = $"unit {i}", version = t.Long("version") }).ExpectAsync(HttpStatusCode.OK);
        }

        var own = await tree.CustomerAdmin.GetAsync("/api/2/audit?limit=2").ExpectAsync(HttpStatusCode.OK);
        var first = own.GetProperty("items").EnumerateArray().ToList();
        Assert.Equal(2, first.Count);
        var after = own.GetProperty("paging").GetProperty("cursors").Str("after");
        var rest = await tree.CustomerAdmin.GetAsync($"/api/2/audit?limit=100&after={after}").ExpectAsync(HttpStatusCode.OK);
        var all = first.Concat(rest.GetProperty("items").EnumerateArray()).ToList();
        Assert.All(all, r => Assert.Contains(r.GetProperty("target").Str("id"), new[] { tree.CustomerId, tree.UnitId, tree.CustomerAdmin.ClientId }));
        Assert.DoesNotContain(all, r => r.GetProperty("target").Str("id") == sibling.Str("id"));
        Assert.True(all.Select(r => r.Long("id")).SequenceEqual(all.Select(r => r.Long("id")).OrderDescending()));

        var byActor = await root.GetAsync($"/api/2/audit?subtree_id={tree.PartnerId}&actor_id={tree.CustomerAdmin.ClientId}").ExpectAsync(HttpStatusCode.OK);
        Assert.Equal(3, byActor.GetProperty("items").GetArrayLength());
        var future = DateTimeOffset.UtcNow.AddHours(1).ToString("O", System.Globalization.CultureInfo.InvariantCulture);
        var none = await root.GetAsync($"/api/2/audit?subtree_id={tree.PartnerId}&from={Uri.EscapeDataString(future)}").ExpectAsync(HttpStatusCode.OK);
        Assert.Equal(0, none.GetProperty("items").GetArrayLength());

        await tree.CustomerAdmin.GetAsync($"/api/2/audit?subtree_id={tree.PartnerId}").ExpectErrorAsync(HttpStatusCode.Forbidden, 1002);
        await root.GetAsync("/api/2/audit?from=yesterday").ExpectErrorAsync(HttpStatusCode.BadRequest, 400);
    }
}

public sealed class AuditTestsSqlite(Providers.SqliteServer fixture) : AuditTests(fixture), IClassFixture<Providers.SqliteServer>;

public sealed class AuditTestsPostgres(Providers.PostgresServer fixture) : AuditTests(fixture), IClassFixture<Providers.PostgresServer>;
