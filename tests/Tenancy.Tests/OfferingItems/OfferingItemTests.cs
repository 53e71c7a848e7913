using System.Text.Json.Nodes;
using Tenancy.Server.Storage;
using static Tenancy.Tests.Catalog.SampleCatalog;
using static Tenancy.Tests.OfferingItems.OfferingItemSteps;

namespace Tenancy.Tests.OfferingItems;

/// <summary>Tenants' offering items down the tree, through /api/2: what a parent lacks, turning off, quotas.</summary>
public abstract class OfferingItemTests(StorageProvider provider) : ServerTests(provider)
{
    [Fact]
    public async Task Root_HasEveryItemOn_AndANewTenant_OnlyThePlatformItems()
    {
        var root = await Server.RootAsync();
        var rootId = await root.OwnTenantIdAsync();
        var partner = (await root.CreateTenantAsync(rootId, "partner")).Str("id");

        var ofRoot = await root.GetAsync(Items(rootId)).ExpectAsync(HttpStatusCode.OK);
        var ofPartner = await root.GetAsync(Items(partner)).ExpectAsync(HttpStatusCode.OK);

        Spec.AssertValid("offeringItemList", ofRoot);
        Spec.AssertValid("offeringItemList", ofPartner);
        Assert.All(ofRoot.GetProperty("items").EnumerateArray(), i => Assert.Equal(1, i.GetProperty("status").GetInt32()));
        Assert.Equal([.. PlatformItems, .. PerGigabyteItems, .. PerWorkloadItems, "local_storage", .. StorageItems, .. ServiceLevelItems], ofRoot.Names());
        Assert.Equal(PlatformItems, await root.OnAsync(partner));
        var storage = (await root.ItemsAsync(rootId))["pg_base_storage"];
        Assert.Equal("infra", storage.Str("type"));
        Assert.Equal("ee978065-8caa-463d-82d7-47006376e7f2", storage.Str("infra_id"));
        Assert.Null(storage.Limit());
        Assert.False((await root.ItemsAsync(rootId))["local_storage"].TryGetProperty("quota", out _));
    }

    [Fact]
    public async Task Put_OfItemsTheParentLacks_IsRefusedNamingThem_AndChangesNothing()
    {
        var root = await Server.RootAsync();
        var tree = await root.BuildSubtreeAsync();
        await root.PutItemsAsync(tree.PartnerId, Item("pg_base_workstations", 1)).ExpectAsync(HttpStatusCode.OK);

        var error = await root.PutItemsAsync(tree.CustomerId, Item("pg_base_workstations", 1), Item("pw_base_vms", 1), Item("pw_base_servers", 1))
            .ExpectErrorAsync(HttpStatusCode.BadRequest, 1027);

        Assert.Equal(["pw_base_vms", "pw_base_servers"], error.ContextItems());
        Assert.Contains("pw_base_vms, pw_base_servers", error.GetProperty("details").Str("info"), StringComparison.Ordinal);
        Assert.Contains(tree.PartnerId, error.GetProperty("details").Str("info"), StringComparison.Ordinal);
        Assert.Equal(PlatformItems, await root.OnAsync(tree.CustomerId));
        var vms = (await root.ItemsAsync(tree.CustomerId))["pw_base_vms"];
        Assert.True(vms.Bool("locked"));
    }

    [Fact]
    public async Task Put_OfAnItemTheCatalogLacks_Is400NamingIt()
    {
        var root = await Server.RootAsync();
        var partner = (await root.CreateTenantAsync(await root.OwnTenantIdAsync(), "partner")).Str("id");

        var unknown = await root.PutItemsAsync(partner, Item("pg_base_workstations", 1), Item("gold_bars", 1)).ExpectErrorAsync(HttpStatusCode.BadRequest, 400);
        var status = await root.PutItemsAsync(partner, Item("pg_base_workstations", 7)).ExpectErrorAsync(HttpStatusCode.BadRequest, 400);

        Assert.Contains("offering_items[1]: the catalog has no offering item 'gold_bars'", unknown.GetProperty("details").Str("info"), StringComparison.Ordinal);
        Assert.Equal("offering_items[0].status", status.GetProperty("context").Str("field"));
        Assert.Equal(PlatformItems, await root.OnAsync(partner));
    }

    [Fact]
    public async Task TurningAnItemOffForAParent_TurnsItOffForTheWholeSubtreeAtOnce_AndOnAgainRestoresIt()
    {
        var root = await Server.RootAsync();
        var tree = await root.BuildSubtreeAsync();
        foreach (var tenant in new[] { tree.PartnerId, tree.CustomerId, tree.UnitId })
        {
            await root.PutItemsAsync(tenant, Item("pg_base_workstations", 1), Item("local_storage", 1)).ExpectAsync(HttpStatusCode.OK);
        }

        var put = await root.PutItemsAsync(tree.PartnerId, Item("pg_base_workstations", 0)).ExpectAsync(HttpStatusCode.OK);

        Spec.AssertValid("offeringItemList", put);
        Assert.Equal(0, Assert.Single(put.GetProperty("items").EnumerateArray()).GetProperty("status").GetInt32());
        Assert.Equal([.. PlatformItems, "local_storage"], await tree.CustomerAdmin.OnAsync(tree.CustomerId));
        Assert.Equal([.. PlatformItems, "local_storage"], await tree.CustomerAdmin.OnAsync(tree.UnitId));
        Assert.True((await tree.CustomerAdmin.ItemsAsync(tree.UnitId))["pg_base_workstations"].Bool("locked"));
        // One write, on the partner alone: one audit record, none below it.
        Assert.Single(await TrailAsync(root, tree.PartnerId, "offering_items.update", after: 1));
        Assert.Empty(await TrailAsync(root, tree.CustomerId, "offering_items.update", after: 0));

        await root.PutItemsAsync(tree.PartnerId, Item("pg_base_workstations", 1)).ExpectAsync(HttpStatusCode.OK);

        Assert.Equal([.. PlatformItems, "pg_base_workstations", "local_storage"], await tree.CustomerAdmin.OnAsync(tree.UnitId));
    }

    [Fact]
    public async Task TurningTheApplicationOff_TurnsItsItemsOffForTheSubtree_AndPuttingAnItemOnTurnsTheApplicationOn()
    {
        var root = await Server.RootAsync();
        var tree = await root.BuildSubtreeAsync();
        await root.PutItemsAsync(tree.PartnerId, Item("pg_base_servers", 1)).ExpectAsync(HttpStatusCode.OK);
        await root.PutItemsAsync(tree.CustomerId, Item("pg_base_servers", 1)).ExpectAsync(HttpStatusCode.OK);
        var applications = await root.GetAsync($"/api/2/tenants/{tree.CustomerId}/applications").ExpectAsync(HttpStatusCode.OK);
        Assert.Equal([Platform, Backup], applications.GetProperty("items").EnumerateArray().Select(a => a.GetString()));

        await root.DeleteAsync(Binding(Backup, tree.PartnerId)).ExpectAsync(HttpStatusCode.NoContent);

        Assert.Equal(PlatformItems, await root.OnAsync(tree.PartnerId));
        Assert.Equal(PlatformItems, await root.OnAsync(tree.CustomerId));
        await root.Http.PostAsync(Binding(Backup, tree.PartnerId), null, TestContext.Current.CancellationToken).ExpectAsync(HttpStatusCode.NoContent);
        Assert.Equal([.. PlatformItems, "pg_base_servers"], await root.OnAsync(tree.CustomerId));
    }

    [Fact]
    public async Task AQuotaAboveTheParents_IsRefused_AndTheParentsLimitHoldsBelowIt()
    {
        var root = await Server.RootAsync();
        var tree = await root.BuildSubtreeAsync();
        await root.PutItemsAsync(tree.PartnerId, Item("pg_base_workstations", 1, Quota(10, 2))).ExpectAsync(HttpStatusCode.OK);

        var error = await root.PutItemsAsync(tree.CustomerId, Item("pg_base_workstations", 1, Quota(11, 0)))
            .ExpectErrorAsync(HttpStatusCode.BadRequest, 1027);
        var overage = await root.PutItemsAsync(tree.CustomerId, Item("pg_base_workstations", 1, Quota(5, 3)))
            .ExpectErrorAsync(HttpStatusCode.BadRequest, 1027);
        var equal = await root.PutItemsAsync(tree.CustomerId, Item("pg_base_workstations", 1, Quota(10, 2))).ExpectAsync(HttpStatusCode.OK);
        await root.PutItemsAsync(tree.UnitId, Item("pg_base_workstations", 1)).ExpectAsync(HttpStatusCode.OK);

        Assert.Equal(["pg_base_workstations"], error.ContextItems());
        Assert.Contains("pg_base_workstations (the parent's quota: value 10, overage 2)", error.GetProperty("details").Str("info"), StringComparison.Ordinal);
        Assert.Equal(["pg_base_workstations"], overage.ContextItems());
        var set = equal.GetProperty("items")[0];
        Assert.Equal((10, 2), (set.Limit(), set.Limit("overage")));
        Assert.True(set.GetProperty("quota").Long("version") > 0);
        // The unit set no quota of its own: the customer's limit is its limit.
        var unit = (await root.ItemsAsync(tree.UnitId))["pg_base_workstations"];
        Assert.Equal((10L, 2L), (unit.Limit(), unit.Limit("overage")));
        // The partner lowers its own: the limit below follows at once.
        var partnerVersion = (await root.ItemsAsync(tree.PartnerId))["pg_base_workstations"].GetProperty("quota").Long("version");
        await root.PutItemsAsync(tree.PartnerId, Item("pg_base_workstations", 1, Quota(4, 0, partnerVersion))).ExpectAsync(HttpStatusCode.OK);
        Assert.Equal(4, (await root.ItemsAsync(tree.UnitId))["pg_base_workstations"].Limit());
    }

    [Fact]
    public async Task AQuotaChange_QuotingAStaleVersion_Is409WithTheCurrentVersion()
    {
        var root = await Server.RootAsync();
        var partner = (await root.CreateTenantAsync(await root.OwnTenantIdAsync(), "partner")).Str("id");
        var first = await root.PutItemsAsync(partner, Item("pw_base_vms", 1, Quota(100))).ExpectAsync(HttpStatusCode.OK);
        var version = first.GetProperty("items")[0].GetProperty("quota").Long("version");

        var stale = await root.PutItemsAsync(partner, Item("pw_base_vms", 1, Quota(50, null, version - 1))).ExpectErrorAsync(HttpStatusCode.Conflict, 1001);
        var fresh = await root.PutItemsAsync(partner, Item("pw_base_vms", 1, Quota(50, null, version))).ExpectAsync(HttpStatusCode.OK);

        Assert.Equal(version, stale.GetProperty("context").Long("current_version"));
        Assert.Equal(50, fresh.GetProperty("items")[0].Limit());
        Assert.True(fresh.GetProperty("items")[0].GetProperty("quota").Long("version") > version);
    }

    [Fact]
    public async Task Filters_NarrowTheList_AsTheQueryParametersSay()
    {
        var root = await Server.RootAsync();
        var partner = (await root.CreateTenantAsync(await root.OwnTenantIdAsync(), "partner")).Str("id");
        await root.PutItemsAsync(partner, Item("pg_base_storage", 1), Item("pw_base_storage", 1), Item("storage_eu", 1, application: ObjectStorage))
            .ExpectAsync(HttpStatusCode.OK);

        Assert.Equal([.. PlatformItems, .. PerGigabyteItems, "local_storage", .. StorageItems, .. ServiceLevelItems], (await root.ItemsAsync(partner, $"?edition={PerGigabyte}")).Keys);
        Assert.Equal(["pg_base_storage", "pw_base_storage", "storage_eu", "storage_us"], (await root.ItemsAsync(partner, "?usage_names=storage")).Keys);
        Assert.Equal([.. PlatformItems, "pg_base_storage", "pw_base_storage", "storage_eu"], (await root.ItemsAsync(partner, "?status=1")).Keys);
        Assert.Equal(["pg_base_storage", "pw_base_storage"], (await root.ItemsAsync(partner, "?type=infra&infra_uuid=ee978065-8caa-463d-82d7-47006376e7f2")).Keys);
        await root.GetAsync(Items(partner, "?status=2")).ExpectErrorAsync(HttpStatusCode.BadRequest, 400);
        await root.GetAsync(Items(partner, "?type=gold")).ExpectErrorAsync(HttpStatusCode.BadRequest, 400);
    }

    [Fact]
    public async Task AvailableForChild_IsWhatTheTenantHasOn_InTheEditionAsked()
    {
        var root = await Server.RootAsync();
        var partner = (await root.CreateTenantAsync(await root.OwnTenantIdAsync(), "partner")).Str("id");
        await root.PutItemsAsync(partner, Item("pg_base_workstations", 1, Quota(20)), Item("pw_base_vms", 1), Item("local_storage", 1))
            .ExpectAsync(HttpStatusCode.OK);

        var pg = await root.GetAsync(ForChild(partner, "customer", PerGigabyte)).ExpectAsync(HttpStatusCode.OK);
        var all = await root.GetAsync(ForChild(partner, "partner", "*")).ExpectAsync(HttpStatusCode.OK);
        var error = await root.GetAsync(ForChild(partner, "unit", "*")).ExpectErrorAsync(HttpStatusCode.BadRequest, 400);

        Spec.AssertValid("offeringItemList", pg);
        Assert.Equal([.. PlatformItems, "pg_base_workstations", "local_storage"], pg.Names());
        Assert.Equal(20, pg.GetProperty("items")[1].Limit());
        Assert.Equal([.. PlatformItems, "pg_base_workstations", "pw_base_vms", "local_storage"], all.Names());
        Assert.Equal("kind", error.GetProperty("context").Str("field"));
    }

    [Fact]
    public async Task Viewer_ReadsItems_ButCannotSetThem_AndAnotherSubtreeIsOutOfReach()
    {
        var root = await Server.RootAsync();
        var partner = (await root.CreateTenantAsync(await root.OwnTenantIdAsync(), "partner")).Str("id");
        var other = (await root.CreateTenantAsync(await root.OwnTenantIdAsync(), "partner")).Str("id");
        var (_, viewer) = await root.CreateUserAndLoginAsync(partner, "viewer");
        var admin = await root.CreateClientAndLoginAsync(partner);

        Assert.Equal(PlatformItems, await viewer.OnAsync(partner));
        await viewer.PutItemsAsync(partner, Item("local_storage", 1)).ExpectErrorAsync(HttpStatusCode.Forbidden, 1002);
        await admin.GetAsync(Items(other)).ExpectErrorAsync(HttpStatusCode.Forbidden, 1002);
        await admin.PutItemsAsync(other, Item("local_storage", 1)).ExpectErrorAsync(HttpStatusCode.Forbidden, 1002);
        await root.PutItemsAsync(await root.OwnTenantIdAsync(), Item("local_storage", 0)).ExpectErrorAsync(HttpStatusCode.BadRequest, 1027);

        Assert.Equal(PlatformItems, await root.OnAsync(partner));
        Assert.Equal(PlatformItems, await root.OnAsync(other));
    }

    [Fact]
    public async Task Batch_ListsTheSubtreeLevelByLevel_PageByPage()
    {
        var root = await Server.RootAsync();
        var tree = await root.BuildSubtreeAsync();
        await root.PutItemsAsync(tree.PartnerId, Item("local_storage", 1)).ExpectAsync(HttpStatusCode.OK);
        await root.PutItemsAsync(tree.CustomerId, Item("local_storage", 1)).ExpectAsync(HttpStatusCode.OK);

        var seen = new List<(string Tenant, string Item, int Status)>();
        var next = $"/api/2/tenants/offering_items?subtree_root_tenant_id={tree.PartnerId}&usage_names=local_storage,tenants&limit=4";
        for (var pages = 0; next is not null; pages++)
        {
            Assert.True(pages < 5, "paging does not end");
            var page = await root.GetAsync(next).ExpectAsync(HttpStatusCode.OK);
            Spec.AssertValid("offeringItemList", page);
            seen.AddRange(page.GetProperty("items").EnumerateArray().Select(i => (i.Str("tenant_id"), i.Str("name"), i.GetProperty("status").GetInt32())));
            next = page.GetProperty("paging").GetProperty("cursors").TryGetProperty("after", out var after)
                ? $"/api/2/tenants/offering_items?after={after.GetString()}" : null;
        }

        Assert.Equal(
        [
            (tree.PartnerId, "tenants", 1), (tree.PartnerId, "local_storage", 1),
            (tree.CustomerId, "tenants", 1), (tree.CustomerId, "local_storage", 1),
            (tree.UnitId, "tenants", 1), (tree.UnitId, "local_storage", 0),
        ], seen);
        await tree.CustomerAdmin.GetAsync($"/api/2/tenants/offering_items?subtree_root_tenant_id={tree.PartnerId}").ExpectErrorAsync(HttpStatusCode.Forbidden, 1002);
    }

    [Fact]
    public async Task AnItemRemovedFromTheCatalog_IsRetired_AndTenantsSettingsOfItAreKept()
    {
        var root = await Server.RootAsync();
        var partner = (await root.CreateTenantAsync(await root.OwnTenantIdAsync(), "partner")).Str("id");
        await root.PutItemsAsync(partner, Item("pw_base_vms", 1, Quota(5)), Item("local_storage", 1)).ExpectAsync(HttpStatusCode.OK);
        var reduced = Path.Combine(Server.DataDirectory, "reduced-catalog.json");
        var catalog = JsonNode.Parse(File.ReadAllText(Path.Combine(AppContext.BaseDirectory, "catalog.json")), null,
            new JsonDocumentOptions { CommentHandling = JsonCommentHandling.Skip })!;
        var items = catalog["applications"]!.AsArray().Single(a => a!["id"]!.GetValue<string>() == Backup)!["offering_items"]!.AsArray();
        items.Remove(items.Single(i => i!["name"]!.GetValue<string>() == "pw_base_vms"));
        await File.WriteAllTextAsync(reduced, catalog.ToJsonString(), TestContext.Current.CancellationToken);

        // A second instance on the same store, started with the item removed from its catalog file.
        await using (var without = TenancyServer.Start(Server.Store, new Dictionary<string, string?> { ["Tenancy:Catalog:Path"] = reduced }))
        {
            var other = await without.RootAsync();
            Assert.Equal([.. PlatformItems, "local_storage"], await other.OnAsync(partner));
            Assert.DoesNotContain("pw_base_vms", (await other.ItemsAsync(partner)).Keys);
            await other.PutItemsAsync(partner, Item("pw_base_vms", 1)).ExpectErrorAsync(HttpStatusCode.BadRequest, 400);
            await other.PutItemsAsync(partner, Item("local_storage", 0)).ExpectAsync(HttpStatusCode.OK);
        }

        var vms = (await root.ItemsAsync(partner))["pw_base_vms"];
        Assert.Equal((1, 5L), (vms.GetProperty("status").GetInt32(), vms.Limit()));
        Assert.Equal([.. PlatformItems, "pw_base_vms"], await root.OnAsync(partner));
    }

    private static async Task<List<JsonElement>> TrailAsync(Api api, string tenantId, string operation, int after) =>
        [.. (await api.GetAsync($"/api/2/audit?target_id={tenantId}&operation={operation}").ExpectAsync(HttpStatusCode.OK))
            .GetProperty("items").EnumerateArray()
            .Where(r => r.GetProperty("changes").GetProperty("after").GetProperty("offering_items")[0].GetProperty("status").GetInt32() == after)];
}

public sealed class OfferingItemTestsSqlite() : OfferingItemTests(StorageProvider.Sqlite);

public sealed class OfferingItemTestsPostgres() : OfferingItemTests(StorageProvider.Postgres);
