namespace Tenancy.Tests.Auth;

/// <summary>The viewer role: every mutating endpoint of both dialects refuses it, reads work.</summary>
public abstract class ViewerRoleTests(ServerFixture fixture)
{
    private readonly TenancyServer _server = fixture.Server;

    /// <summary>Every write of both dialects; {placeholders} name the test's own objects.</summary>
    public static TheoryData<string, string, string> Writes => new()
    {
        { "POST", "/api/2/tenants", """{"name": "x", "kind": "customer", "parent_id": "{partner}"}""" },
        { "PUT", "/api/2/tenants/{unit}", """{"enabled": false, "version": 1}""" },
        { "DELETE", "/api/2/tenants/{unit}?version=1", "" },
        { "POST", "/api/2/tenants/{unit}/restore", "" },
        { "POST", "/api/2/deletions/{unit}/acknowledgements/6e6d758d-8e74-3ae3-ac84-50eb0dff12eb", "" },
        { "POST", "/api/2/clients", """{"type": "api_client", "tenant_id": "{unit}", "token_endpoint_auth_method": "client_secret_basic"}""" },
        { "PUT", "/api/2/clients/{client}", """{"status": "disabled"}""" },
        { "DELETE", "/api/2/clients/{client}", "" },
        { "POST", "/api/2/clients/{client}/secret", "" },
        { "POST", "/api/2/users", """{"tenant_id": "{unit}", "login": "{login}", "contact": {"email": "a@b.c"}}""" },
        { "PUT", "/api/2/users/{user}", """{"enabled": false, "version": 1}""" },
        { "DELETE", "/api/2/users/{user}?version=1", "" },
        { "POST", "/api/2/users/{user}/restore", "" },
        { "POST", "/api/2/users/{user}/password", """{"password": "Viewer-Cannot-42"}""" },
        { "POST", "/api/2/users/{user}/send-activation-email", "" },
        { "PUT", "/api/2/users/{user}/access_policies", """{"items": [{"tenant_id": "{unit}", "role_id": "backup_user"}]}""" },
        { "POST", "/api/2/tenants/{customer}/subscriptions", """{"number": "A-S99999999999"}""" },
        { "POST", "/api/2/subscriptions/{subscription}/commitments", """{"service_level": "premium", "committed": 5}""" },
        { "POST", "/api/2/usage", """{"items": [{"tenant_id": "{customer}", "subscription": "{subscription}", "service_level": "premium", "consumed": 1, "timestamp": "2026-01-01T00:00:00Z"}]}""" },
        { "PUT", "/api/2/tenants/usages", """{"items": [{"tenant_id": "{customer}", "offering_item": "pg_base_servers", "usage_value": 1}]}""" },
        { "POST", "/api/2/applications/6e6d758d-8e74-3ae3-ac84-50eb0dff12eb/bindings/tenants/{unit}", "" },
        { "DELETE", "/api/2/applications/cc29685d-a9ca-3e87-a83d-069f18b588f0/bindings/tenants/{unit}", "" },
        { "PUT", "/api/2/tenants/{unit}/pricing", """{"mode": "production", "version": 1}""" },
        { "PUT", "/api/2/tenants/{unit}/offering_items", """{"offering_items": [{"application_id": "cc29685d-a9ca-3e87-a83d-069f18b588f0", "name": "storage_eu", "status": 0}]}""" },
        { "PUT", "/api/2/tenants/{unit}/edition", """{"application_id": "6e6d758d-8e74-3ae3-ac84-50eb0dff12eb", "target_edition": "pck_per_workload"}""" },
        { "POST", "/api/2/reports", """{"parameters": {"kind": "usage_current", "tenant_id": "{unit}", "level": "accounts", "formats": ["csv_v2_0"]}, "schedule": {"type": "once"}, "result_action": "save"}""" },
        { "PUT", "/api/2/reports/{report}", """{"parameters": {"hide_zero_usage": true}}""" },
        { "DELETE", "/api/2/reports/{report}?version=1", "" },
        { "POST", "/api/2/webhooks", """{"url": "https://hooks.example.com/x", "subtree_root_id": "{unit}"}""" },
        { "PUT", "/api/2/webhooks/0d5c8a52-3f0e-4a5e-9b1e-1c2d3e4f5a6b", """{"enabled": false, "version": 1}""" },
        { "DELETE", "/api/2/webhooks/0d5c8a52-3f0e-4a5e-9b1e-1c2d3e4f5a6b?version=1", "" },
        { "POST", "/api/2/webhooks/0d5c8a52-3f0e-4a5e-9b1e-1c2d3e4f5a6b/deliveries/1/redeliver", "" },
        { "POST", "/api/2/idp/ott", """{"purpose": "user_login", "user_id": "{user}"}""" },
        { "POST", "/api/v2.1/tenants", """{"code": "t_viewer", "name": "x", "parent_id": "{partner}"}""" },
        { "PUT", "/api/v2.1/tenants/{unit}", """{"name": "renamed"}""" },
        { "DELETE", "/api/v2.1/tenants/{unit}", "" },
    };

    private sealed record Setup(Api Root, Subtree Tree, JsonElement Client, JsonElement User, string Subscription, string Report)
    {
        public string Fill(string text) => text
            .Replace("{partner}", Tree.PartnerId, StringComparison.Ordinal).Replace("{customer}", Tree.CustomerId, StringComparison.Ordinal)
            .Replace("{unit}", Tree.UnitId, StringComparison.Ordinal).Replace("{client}", Client.Str("client_id"), StringComparison.Ordinal)
            .Replace("{user}", User.Str("id"), StringComparison.Ordinal).Replace("{subscription}", Subscription, StringComparison.Ordinal)
            .Replace("{report}", Report, StringComparison.Ordinal)
            .Replace("{login}", People.NewLogin(), StringComparison.Ordinal);

        /// <summary>Everything a refused write could have touched, as the admin sees it.</summary>
        public async Task<string> SnapshotAsync()
        {
            var parts = new List<string>();
            foreach (var path in new[]
            {
                $"/api/2/tenants/{Tree.UnitId}", $"/api/2/tenants/{Tree.PartnerId}/children", $"/api/2/tenants/{Tree.UnitId}/users",
                $"/api/2/clients?tenant_id={Tree.UnitId}", $"/api/2/users/{User.Str("id")}", $"/api/2/users/{User.Str("id")}/access_policies", $"/api/2/subscriptions/{Subscription}",
                $"/api/2/tenants/{Tree.CustomerId}/subscriptions", $"/api/2/subscriptions/{Subscription}/commitments",
                $"/api/2/tenants/{Tree.UnitId}/applications", $"/api/2/tenants/{Tree.UnitId}/pricing", $"/api/2/users/{User.Str("id")}/activation-email",
                $"/api/2/tenants/{Tree.UnitId}/offering_items",
                $"/api/2/tenants/{Tree.UnitId}/reports", $"/api/2/reports/{Report}",
                $"/api/2/tenants/{Tree.CustomerId}/usages",
            })
            {
                var body = await Root.GetAsync(path).ExpectAsync(HttpStatusCode.OK);
                // Batches carry the time of the answer; their items are what matters.
                parts.Add((body.TryGetProperty("timestamp", out _) ? body.GetProperty("items") : body).ToString());
            }

            return string.Join("\n", parts);
        }
    }

    private async Task<Setup> SetUpAsync()
    {
        var root = await _server.RootAsync();
        var tree = await root.BuildSubtreeAsync();
        var client = await root.CreateClientAsync(tree.UnitId);
        var user = await root.CreateUserAsync(tree.UnitId);
        var number = $"A-S{Random.Shared.NextInt64(10_000_000_000, 99_999_999_999)}";
        await root.PostJsonAsync($"/api/2/tenants/{tree.CustomerId}/subscriptions", new { number }).ExpectAsync(HttpStatusCode.Created);
        foreach (var tenant in new[] { tree.PartnerId, tree.CustomerId, tree.UnitId })
        {
            // The object storage application on down to the unit, for the viewer to try turning it off.
            await root.Http.PostAsync($"/api/2/applications/cc29685d-a9ca-3e87-a83d-069f18b588f0/bindings/tenants/{tenant}", null, TestContext.Current.CancellationToken)
                .ExpectAsync(HttpStatusCode.NoContent);
        }

        var report = await root.PostJsonAsync("/api/2/reports", $$"""
            {"parameters": {"kind": "usage_current", "tenant_id": "{{tree.UnitId}}", "level": "accounts"}, "schedule": {"type": "monthly"}, "result_action": "save"}
            """).ExpectAsync(HttpStatusCode.OK);
        return new Setup(root, tree, client, user, number, report.Str("id"));
    }

    /// <summary>A viewer of the partner: an API client or a user.</summary>
    private async Task<Api> ViewerAsync(Setup s, string kind)
    {
        if (kind == "user")
        {
            return (await s.Root.CreateUserAndLoginAsync(s.Tree.PartnerId, role: "viewer")).Session;
        }

        var created = await s.Root.PostJsonAsync("/api/2/clients", new
        {
            type = "api_client", tenant_id = s.Tree.PartnerId, token_endpoint_auth_method = "client_secret_basic", role = "viewer",
        }).ExpectAsync(HttpStatusCode.Created);
        return await _server.LoginAsync(created.Str("client_id"), created.Str("client_secret"));
    }

    [Theory]
    [MemberData(nameof(Writes))]
    public async Task EveryWrite_ByAViewerClientOrUser_Is403_AndChangesNothing(string method, string path, string body)
    {
        var s = await SetUpAsync();
        var before = await s.SnapshotAsync();

        foreach (var kind in new[] { "client", "user" })
        {
            using var viewer = await ViewerAsync(s, kind);
            using var request = new HttpRequestMessage(new HttpMethod(method), s.Fill(path))
            {
                Content = body.Length == 0 ? null : Api.Json(s.Fill(body)),
            };
            var reply = viewer.Http.SendAsync(request, TestContext.Current.CancellationToken);

            if (path.StartsWith("/api/v2.1", StringComparison.Ordinal))
            {
                var status = (await reply.ExpectAsync(HttpStatusCode.Forbidden)).GetProperty("status");
                Assert.Equal(403, status.GetProperty("code").GetInt32());
                Assert.Matches("viewer|readonly_admin", status.Str("verbose_message")); // a viewer user holds readonly_admin
            }
            else
            {
                var error = await reply.ExpectErrorAsync(HttpStatusCode.Forbidden, 1002);
                Assert.Matches("viewer|readonly_admin", error.GetProperty("details").Str("info"));
            }
        }

        Assert.Equal(before, await s.SnapshotAsync());
    }

    [Fact]
    public async Task AViewer_ReadsItsSubtree_InBothDialects()
    {
        var s = await SetUpAsync();
        foreach (var kind in new[] { "client", "user" })
        {
            using var viewer = await ViewerAsync(s, kind);
            Assert.Equal(s.Tree.UnitId, (await viewer.GetAsync($"/api/2/tenants/{s.Tree.UnitId}").ExpectAsync(HttpStatusCode.OK)).Str("id"));
            Assert.Equal(s.User.Str("id"), (await viewer.GetAsync($"/api/2/users/{s.User.Str("id")}").ExpectAsync(HttpStatusCode.OK)).Str("id"));
            await viewer.GetAsync($"/api/2/clients/{s.Client.Str("client_id")}").ExpectAsync(HttpStatusCode.OK);
            await viewer.GetAsync($"/api/2/tenants/{s.Tree.CustomerId}/subscriptions").ExpectAsync(HttpStatusCode.OK);
            await viewer.GetAsync($"/api/2/tenants/{s.Tree.CustomerId}/usages").ExpectAsync(HttpStatusCode.OK);
            var nse = await viewer.GetAsync($"/api/v2.1/tenants/{s.Tree.UnitId}").ExpectAsync(HttpStatusCode.OK);
            Assert.Equal(s.Tree.UnitId, nse.GetProperty("result").GetProperty("records")[0].Str("id"));
        }
    }

    [Fact]
    public async Task ARoleChange_AppliesToALiveToken_OnItsNextRequest()
    {
        var s = await SetUpAsync();
        var (user, session) = await s.Root.CreateUserAndLoginAsync(s.Tree.PartnerId);
        await session.CreateTenantAsync(s.Tree.PartnerId, "customer");

        await s.Root.PutJsonAsync($"/api/2/users/{user.Str("id")}", new { role = "viewer", version = 1 }).ExpectAsync(HttpStatusCode.OK);

        await session.PostJsonAsync("/api/2/tenants", new { name = "n", kind = "customer", parent_id = s.Tree.PartnerId })
            .ExpectErrorAsync(HttpStatusCode.Forbidden, 1002);
        await session.GetAsync($"/api/2/tenants/{s.Tree.PartnerId}").ExpectAsync(HttpStatusCode.OK);
    }
}

public sealed class ViewerRoleTestsSqlite(Providers.SqliteServer fixture) : ViewerRoleTests(fixture), IClassFixture<Providers.SqliteServer>;

public sealed class ViewerRoleTestsPostgres(Providers.PostgresServer fixture) : ViewerRoleTests(fixture), IClassFixture<Providers.PostgresServer>;
