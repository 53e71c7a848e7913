using Microsoft.Extensions.DependencyInjection;
using Tenancy.Server.Deletions;
using Tenancy.Server.Storage;
using Tenancy.Server.Tenants;
using static Tenancy.Tests.Catalog.SampleCatalog;

namespace Tenancy.Tests.Deletions;

/// <summary>
/// Soft delete, restore, the purge and termination as an operation with the services' acknowledgements. The purge
/// worker is idle; each test runs its rounds itself (<see cref="DeletionWorker.RunOnceAsync"/>) at a time it names,
/// before or after the (short) restore window: no test waits on a clock.
/// </summary>
public abstract class DeletionTests(StorageProvider provider) : ServerTests(provider)
{
    private static readonly TimeSpan Window = TimeSpan.FromMinutes(10);

    private static readonly string[] Kinds = ["tenants", "users", "clients"];

    private static readonly string[] Services = [.. new[] { Backup, ObjectStorage }.Order()];

    protected override IReadOnlyDictionary<string, string?>? Settings => new Dictionary<string, string?>
    {
        ["Tenancy:Deletion:Worker"] = "false",
        ["Tenancy:Deletion:RetentionPeriod"] = "00:10:00",
        ["Tenancy:Deletion:AcknowledgementPeriod"] = "01:00:00",
        ["Tenancy:Deletion:BatchSize"] = "2",
    };

    [Fact]
    public async Task DeleteThenRestore_BringsTheSubtreeBackAsItWas_WithItsClientsAndUsers()
    {
        var (root, tree) = await Server.RootWithSubtreeAsync();
        var unitClient = await root.CreateClientAsync(tree.UnitId);
        var (user, _) = await root.CreateUserAndLoginAsync(tree.CustomerId);
        var disabled = await root.SetEnabledAsync(tree.PartnerId, false);
        var before = await VersionsAsync(root, tree);

        using var deleted = await root.DeleteAsync($"/api/2/tenants/{tree.PartnerId}?version={disabled.Long("version")}");
        Assert.Equal(HttpStatusCode.NoContent, deleted.StatusCode);
        Assert.Equal($"/api/2/tenants/{tree.PartnerId}/deletion", deleted.Headers.Location?.ToString());
        await root.GetAsync($"/api/2/tenants/{tree.UnitId}").ExpectErrorAsync(HttpStatusCode.NotFound, 1005);
        var pending = await root.GetAsync($"/api/2/tenants/{tree.PartnerId}/deletion").ExpectAsync(HttpStatusCode.OK);
        Assert.Equal("pending", pending.Str("state"));
        Assert.Equal(tree.PartnerId, pending.Str("tenant_id"));
        Assert.Equal(3, pending.GetProperty("progress").GetProperty("tenants").Long("total"));
        Assert.Equal(1, pending.GetProperty("progress").GetProperty("users").Long("total"));
        Assert.Equal(2, pending.GetProperty("progress").GetProperty("clients").Long("total"));

        await root.PostJsonAsync($"/api/2/tenants/{tree.PartnerId}/restore", new { }).ExpectAsync(HttpStatusCode.NoContent);

        Assert.Equal(before, await VersionsAsync(root, tree));
        Assert.False((await root.GetTenantAsync(tree.PartnerId)).Bool("enabled"));
        var cancelled = await root.GetAsync($"/api/2/deletions/{pending.Str("id")}").ExpectAsync(HttpStatusCode.OK);
        Assert.Equal("cancelled", cancelled.Str("state"));
        await root.SetEnabledAsync(tree.PartnerId, true);
        using var client = await Server.LoginAsync(unitClient.Str("client_id"), unitClient.Str("client_secret"));
        Assert.Equal(tree.UnitId, (await client.GetTenantAsync(tree.UnitId)).Str("id"));
        using var again = await Server.LoginUserAsync(user.Str("login"));
        Assert.Equal(user.Str("id"), (await again.GetAsync("/api/2/users/me").ExpectAsync(HttpStatusCode.OK)).Str("id"));
    }

    [Fact]
    public async Task TokensInsideADeletedTenant_AreRefusedOnTheNextRequest()
    {
        // The /api/v2.1 delete takes an enabled leaf: deletion alone locks it out, as suspension would.
        var (root, customer) = await Server.RootWithCustomerAsync();
        var id = customer.Str("id");
        using var client = await root.CreateClientAndLoginAsync(id);
        var (_, userSession) = await root.CreateUserAndLoginAsync(id);
        await client.GetTenantAsync(id);
        await userSession.GetAsync("/api/2/users/me").ExpectAsync(HttpStatusCode.OK);

        await root.DeleteAsync($"/api/v2.1/tenants/{id}").ExpectAsync(HttpStatusCode.NoContent);

        var refused = await client.ExpectLockedOutAsync($"/api/2/tenants/{id}");
        Assert.Contains(id, refused.GetProperty("details").Str("info"), StringComparison.Ordinal);
        await userSession.GetAsync("/api/2/users/me").ExpectErrorAsync(HttpStatusCode.Unauthorized, 401);
        await Server.ExpectInvalidClientAsync(client.ClientId, client.Secret);
        var shown = await root.GetAsync($"/api/2/tenants/{id}?allow_deleted=true").ExpectAsync(HttpStatusCode.OK);
        Assert.True(shown.Bool("enabled"));
        Assert.False(shown.Bool("effectively_enabled"));
    }

    [Fact]
    public async Task DeletedTenants_AreHiddenFromReadsAndLists_UnlessAllowDeleted()
    {
        var (root, tree) = await Server.RootWithSubtreeAsync();
        var user = await root.CreateUserAsync(tree.CustomerId);
        await root.TerminateAsync(tree.CustomerId);

        var children = await root.GetAsync($"/api/2/tenants?parent_id={tree.PartnerId}").ExpectAsync(HttpStatusCode.OK);
        var withDeleted = await root.GetAsync($"/api/2/tenants?parent_id={tree.PartnerId}&allow_deleted=true").ExpectAsync(HttpStatusCode.OK);
        var subtree = await root.GetAsync($"/api/2/tenants?subtree_root_id={tree.PartnerId}").ExpectAsync(HttpStatusCode.OK);
        var byIds = await root.GetAsync($"/api/2/tenants?uuids={tree.CustomerId},{tree.UnitId}&allow_deleted=true").ExpectAsync(HttpStatusCode.OK);
        var nse = await root.GetAsync("/api/v2.1/tenants?limit=1000").ExpectAsync(HttpStatusCode.OK);
        var users = await root.GetAsync($"/api/2/users?subtree_root_tenant_id={tree.PartnerId}").ExpectAsync(HttpStatusCode.OK);
        var found = await root.GetAsync($"/api/2/search?tenant={tree.PartnerId}&text={Uri.EscapeDataString(tree.Customer.Str("name"))}")
            .ExpectAsync(HttpStatusCode.OK);

        Assert.Empty(Ids(children));
        Assert.Equal([tree.CustomerId], Ids(withDeleted));
        Assert.False(string.IsNullOrEmpty(withDeleted.GetProperty("items")[0].Str("deleted_at")));
        Assert.Equal([tree.PartnerId], Ids(subtree));
        Assert.Equal([tree.CustomerId, tree.UnitId], Ids(byIds));
        Assert.DoesNotContain(nse.GetProperty("result").GetProperty("records").EnumerateArray(), r => r.Str("id") == tree.CustomerId);
        Assert.DoesNotContain(user.Str("id"), Ids(users));
        Assert.Empty(Ids(found));
        await root.GetAsync($"/api/2/users/{user.Str("id")}").ExpectErrorAsync(HttpStatusCode.NotFound, 1005);
        await root.GetAsync($"/api/2/clients?tenant_id={tree.CustomerId}").ExpectErrorAsync(HttpStatusCode.NotFound, 1005);
        await root.PutTenantAsync(tree.CustomerId, new { name = "back", version = 1 }).ExpectErrorAsync(HttpStatusCode.NotFound, 1005);
        await root.PostJsonAsync("/api/2/tenants", new { name = "under", kind = "unit", parent_id = tree.CustomerId })
            .ExpectErrorAsync(HttpStatusCode.NotFound, 1005);
        await root.GetAsync($"/api/2/tenants/{tree.CustomerId}?allow_deleted=maybe").ExpectErrorAsync(HttpStatusCode.BadRequest, 400);
    }

    [Fact]
    public async Task Purge_AfterTheWindow_RemovesTheRowsInBatches_AndKeepsTheBillingHistory()
    {
        var (root, tree) = await Server.RootWithSubtreeAsync();
        await root.CreateTenantAsync(tree.CustomerId, "unit");
        await root.CreateUserAsync(tree.UnitId);
        await root.TerminateAsync(tree.PartnerId);
        var id = (await root.GetAsync($"/api/2/tenants/{tree.PartnerId}/deletion").ExpectAsync(HttpStatusCode.OK)).Str("id");

        await RunPurgeAsync(DateTimeOffset.UtcNow);
        var early = await root.GetAsync($"/api/2/deletions/{id}").ExpectAsync(HttpStatusCode.OK);
        var keptBefore = await CountAsync($"SELECT COUNT(*) FROM tenants WHERE path LIKE (SELECT path FROM tenants WHERE id = '{tree.PartnerId}') || '%'");
        await RunPurgeAsync(DateTimeOffset.UtcNow + Window + TimeSpan.FromMinutes(1));
        var done = await root.GetAsync($"/api/2/deletions/{id}").ExpectAsync(HttpStatusCode.OK);

        Assert.Equal("pending", early.Str("state"));
        Assert.Equal(4, keptBefore);
        Assert.Equal("done", done.Str("state"));
        var progress = done.GetProperty("progress");
        Assert.Equal("4/4 1/1 1/1", string.Join(" ", Kinds.Select(k => $"{progress.GetProperty(k).Long("total")}/{progress.GetProperty(k).Long("purged")}")));
        Assert.Equal(0, await CountAsync($"SELECT COUNT(*) FROM tenants WHERE id IN ('{tree.PartnerId}', '{tree.CustomerId}', '{tree.UnitId}')"));
        Assert.Equal(0, await CountAsync($"SELECT COUNT(*) FROM api_clients WHERE tenant_id = '{tree.CustomerId}'"));
        Assert.Equal(4, await CountAsync($"SELECT COUNT(*) FROM tenant_archive WHERE id_path LIKE '%/{tree.PartnerId}/%'"));
        await root.PostJsonAsync($"/api/2/tenants/{tree.PartnerId}/restore", new { }).ExpectErrorAsync(HttpStatusCode.NotFound, 1005);
        Assert.Equal("done", (await root.GetAsync($"/api/2/tenants/{tree.PartnerId}/deletion").ExpectAsync(HttpStatusCode.OK)).Str("state"));
    }

    [Fact]
    public async Task DeletionList_PagesWithItsCursor_EachDeletionOnce_OldestFirst()
    {
        var root = await Server.RootAsync();
        var rootId = await root.OwnTenantIdAsync();
        var deleted = new List<string>();
        for (var i = 0; i < 5; i++)
        {
            var partner = await root.CreateTenantAsync(rootId, "partner");
            await root.TerminateAsync(partner.Str("id"));
            deleted.Add((await root.GetAsync($"/api/2/tenants/{partner.Str("id")}/deletion").ExpectAsync(HttpStatusCode.OK)).Str("id"));
        }

        var seen = new List<string>();
        var pages = 0;
        string? after = null;
        do
        {
            var page = await root.GetAsync($"/api/2/deletions?state=pending&limit=2{(after is null ? "" : $"&after={after}")}").ExpectAsync(HttpStatusCode.OK);
            pages++;
            seen.AddRange(page.GetProperty("items").EnumerateArray().Select(d => d.Str("id")));
            after = page.GetProperty("paging").GetProperty("cursors").TryGetProperty("after", out var next) && next.ValueKind == JsonValueKind.String
                ? next.GetString()
                : null;
        }
        while (after is not null);

        Assert.Equal(deleted, seen);
        Assert.Equal(3, pages);
        var bad = await root.GetAsync("/api/2/deletions?state=pending&after=not-a-cursor").ExpectErrorAsync(HttpStatusCode.BadRequest, 400);
        Assert.Contains("after", bad.ToString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Termination_WithTwoBoundServices_CompletesOnlyAfterBothAcknowledge()
    {
        var (root, partner, backup, storage) = await BoundPartnerAsync();
        await root.TerminateAsync(partner);
        var deletion = await root.GetAsync($"/api/2/tenants/{partner}/deletion").ExpectAsync(HttpStatusCode.OK);
        var id = deletion.Str("id");
        Assert.Equal(Services, deletion.GetProperty("services").EnumerateArray().Select(s => s.Str("application_id")).Order().ToArray());

        // Within the window the services keep their data: an acknowledgement is refused.
        var early = await backup.PostJsonAsync(Ack(id, Backup), new { }).ExpectErrorAsync(HttpStatusCode.BadRequest, 1027);
        Assert.Contains("restore window", early.GetProperty("details").Str("info"), StringComparison.Ordinal);
        await RunPurgeAsync(DateTimeOffset.UtcNow + Window + TimeSpan.FromMinutes(1));
        var purging = await backup.GetAsync("/api/2/deletions?state=purging").ExpectAsync(HttpStatusCode.OK);
        Assert.Contains(id, purging.GetProperty("items").EnumerateArray().Select(d => d.Str("id")));
        var shown = await root.GetAsync($"/api/2/tenants/{partner}?allow_deleted=true").ExpectAsync(HttpStatusCode.OK);
        Assert.Equal("deleting", shown.Str("external_operation_status"));

        var one = await backup.PostJsonAsync(Ack(id, Backup), new { }).ExpectAsync(HttpStatusCode.OK);
        await backup.PostJsonAsync(Ack(id, ObjectStorage), new { }).ExpectErrorAsync(HttpStatusCode.Forbidden, 1002);
        await root.PostJsonAsync(Ack(id, ObjectStorage), new { }).ExpectErrorAsync(HttpStatusCode.Forbidden, 1002);
        await RunPurgeAsync(DateTimeOffset.UtcNow + Window + TimeSpan.FromMinutes(2));
        var waiting = await root.GetAsync($"/api/2/deletions/{id}").ExpectAsync(HttpStatusCode.OK);
        await storage.PostJsonAsync(Ack(id, ObjectStorage), new { }).ExpectAsync(HttpStatusCode.OK);
        await RunPurgeAsync(DateTimeOffset.UtcNow + Window + TimeSpan.FromMinutes(3));
        var done = await root.GetAsync($"/api/2/deletions/{id}").ExpectAsync(HttpStatusCode.OK);

        Assert.Equal("purging", one.Str("state"));
        Assert.Equal(1, one.GetProperty("services").EnumerateArray().Count(s => s.GetProperty("acknowledged_at").ValueKind == JsonValueKind.String));
        Assert.Equal("purging", waiting.Str("state"));
        Assert.Equal(0, waiting.GetProperty("progress").GetProperty("tenants").Long("purged"));
        Assert.Equal("done", done.Str("state"));
        Assert.All(done.GetProperty("services").EnumerateArray(), s => Assert.StartsWith("client:", s.Str("acknowledged_by"), StringComparison.Ordinal));
        Assert.Equal(0, await CountAsync($"SELECT COUNT(*) FROM tenants WHERE id = '{partner}'"));
    }

    [Fact]
    public async Task ARestoreDuringTheTermination_CancelsIt()
    {
        var (root, partner, backup, _) = await BoundPartnerAsync();
        await root.TerminateAsync(partner);
        var id = (await root.GetAsync($"/api/2/tenants/{partner}/deletion").ExpectAsync(HttpStatusCode.OK)).Str("id");

        await root.PostJsonAsync($"/api/2/tenants/{partner}/restore", new { }).ExpectAsync(HttpStatusCode.NoContent);
        await RunPurgeAsync(DateTimeOffset.UtcNow + Window + TimeSpan.FromHours(2));

        var cancelled = await root.GetAsync($"/api/2/deletions/{id}").ExpectAsync(HttpStatusCode.OK);
        Assert.Equal("cancelled", cancelled.Str("state"));
        Assert.Equal(0, cancelled.GetProperty("progress").GetProperty("tenants").Long("purged"));
        Assert.Equal(partner, (await root.GetTenantAsync(partner)).Str("id"));
        var refused = await backup.PostJsonAsync(Ack(id, Backup), new { }).ExpectErrorAsync(HttpStatusCode.BadRequest, 1027);
        Assert.Contains("cancelled", refused.GetProperty("details").Str("info"), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Restore_WhoseParentIsDeleted_OrOfAPartDeletedWithAnAncestor_IsRefused()
    {
        var (root, tree) = await Server.RootWithSubtreeAsync();
        await root.TerminateAsync(tree.CustomerId);
        await root.TerminateAsync(tree.PartnerId);

        var parentDeleted = await root.PostJsonAsync($"/api/2/tenants/{tree.CustomerId}/restore", new { })
            .ExpectErrorAsync(HttpStatusCode.BadRequest, 1027);
        var withAncestor = await root.PostJsonAsync($"/api/2/tenants/{tree.UnitId}/restore", new { })
            .ExpectErrorAsync(HttpStatusCode.BadRequest, 1027);
        await root.PostJsonAsync($"/api/2/tenants/{tree.PartnerId}/restore", new { }).ExpectAsync(HttpStatusCode.NoContent);
        await root.PostJsonAsync($"/api/2/tenants/{tree.CustomerId}/restore", new { }).ExpectAsync(HttpStatusCode.NoContent);

        Assert.Contains($"parent tenant {tree.PartnerId}", parentDeleted.GetProperty("details").Str("info"), StringComparison.Ordinal);
        Assert.Contains($"deleted with tenant {tree.CustomerId}", withAncestor.GetProperty("details").Str("info"), StringComparison.Ordinal);
        Assert.Equal(tree.UnitId, (await root.GetTenantAsync(tree.UnitId)).Str("id"));
        await root.PostJsonAsync($"/api/2/tenants/{tree.CustomerId}/restore", new { }).ExpectErrorAsync(HttpStatusCode.BadRequest, 1027);
    }

    [Fact]
    public async Task AUser_IsDeletedSoftly_RestoredAsItWas_AndPurgedAfterTheWindow()
    {
        var (root, customer) = await Server.RootWithCustomerAsync();
        var (user, session) = await root.CreateUserAndLoginAsync(customer.Str("id"));
        var id = user.Str("id");
        var disabled = await root.SetUserEnabledAsync(id, false);

        await root.DeleteAsync($"/api/2/users/{id}?version={disabled.Long("version")}").ExpectAsync(HttpStatusCode.NoContent);
        await root.GetAsync($"/api/2/users/{id}").ExpectErrorAsync(HttpStatusCode.NotFound, 1005);
        await root.PostJsonAsync($"/api/2/users/{id}/restore", new { }).ExpectAsync(HttpStatusCode.NoContent);
        var restored = await root.GetAsync($"/api/2/users/{id}").ExpectAsync(HttpStatusCode.OK);
        await root.SetUserEnabledAsync(id, true);
        using var again = await Server.LoginUserAsync(user.Str("login"));
        var disabledAgain = await root.SetUserEnabledAsync(id, false);
        await root.DeleteAsync($"/api/2/users/{id}?version={disabledAgain.Long("version")}").ExpectAsync(HttpStatusCode.NoContent);
        await RunPurgeAsync(DateTimeOffset.UtcNow + Window + TimeSpan.FromMinutes(1));

        Assert.Equal(disabled.Long("version"), restored.Long("version"));
        Assert.False(restored.Bool("enabled"));
        await root.PostJsonAsync($"/api/2/users/{id}/restore", new { }).ExpectErrorAsync(HttpStatusCode.NotFound, 1005);
        Assert.Equal(0, await CountAsync($"SELECT COUNT(*) FROM users WHERE id = '{id}'"));
        session.Dispose();
    }

    /// <summary>A partner with backup and object storage on, and an API client of each service at the root.</summary>
    private async Task<(Api Root, string Partner, Api Backup, Api Storage)> BoundPartnerAsync()
    {
        var root = await Server.RootAsync();
        var rootId = await root.OwnTenantIdAsync();
        var partner = (await root.CreateTenantAsync(rootId, "partner")).Str("id");
        await root.CreateTenantAsync(partner, "customer");
        foreach (var application in new[] { Backup, ObjectStorage })
        {
            await root.PostJsonAsync(Binding(application, partner), new { }).ExpectAsync(HttpStatusCode.NoContent);
        }

        return (root, partner, await ServiceClientAsync(root, rootId, Backup), await ServiceClientAsync(root, rootId, ObjectStorage));
    }

    private async Task<Api> ServiceClientAsync(Api root, string tenantId, string application)
    {
        var client = await root.PostJsonAsync("/api/2/clients", new
        {
            type = "api_client", tenant_id = tenantId, token_endpoint_auth_method = "client_secret_basic",
            data = new { client_name = "purge acknowledgements", application_id = application },
        }).ExpectAsync(HttpStatusCode.Created);
        return await Server.LoginAsync(client.Str("client_id"), client.Str("client_secret"));
    }

    private static string Ack(string deletion, string application) => $"/api/2/deletions/{deletion}/acknowledgements/{application}";

    /// <summary>One round of the purge as of <paramref name="at"/>; this instance holds the lease.</summary>
    private async Task RunPurgeAsync(DateTimeOffset at) =>
        Assert.True(await Server.Services.GetRequiredService<DeletionWorker>().RunOnceAsync(Timestamps.ToMicros(at), TestContext.Current.CancellationToken));

    private async Task<long> CountAsync(string sql)
    {
        await using var connection = await Server.OpenStoreAsync();
        await using var command = connection.CreateCommand();
        command.CommandText = sql;
        return Convert.ToInt64(await command.ExecuteScalarAsync(TestContext.Current.CancellationToken), System.Globalization.CultureInfo.InvariantCulture);
    }

    private static async Task<string> VersionsAsync(Api root, Subtree tree) =>
        string.Join(",", await Task.WhenAll(new[] { tree.PartnerId, tree.CustomerId, tree.UnitId }
            .Select(async id => (await root.GetTenantAsync(id)).Long("version"))));

    private static List<string> Ids(JsonElement list) =>
        [.. list.GetProperty("items").EnumerateArray().Select(i => i.ValueKind == JsonValueKind.String ? i.GetString()! : i.Str("id"))];
}

public sealed class DeletionTestsSqlite() : DeletionTests(StorageProvider.Sqlite);

public sealed class DeletionTestsPostgres() : DeletionTests(StorageProvider.Postgres);
