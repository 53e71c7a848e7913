using Tenancy.Server.Storage;
using static Tenancy.Tests.Catalog.SampleCatalog;
using static Tenancy.Tests.OfferingItems.OfferingItemSteps;

namespace Tenancy.Tests.OfferingItems;

/// <summary>Switching a tenant's edition of an application (/api/2/tenants/{id}/edition).</summary>
public abstract class EditionTests(StorageProvider provider) : ServerTests(provider)
{
    [Fact]
    public async Task Check_SaysWhatWouldChange_AndChangesNothing_ThenTheSwitchDoesIt()
    {
        var root = await Server.RootAsync();
        var tree = await root.BuildSubtreeAsync();
        await root.PutItemsAsync(tree.PartnerId, [.. PerGigabyteItems.Concat(PerWorkloadItems).Select(n => Item(n, 1, Quota(100))), Item("local_storage", 1)])
            .ExpectAsync(HttpStatusCode.OK);
        await root.PutItemsAsync(tree.CustomerId, Item("pg_base_workstations", 1, Quota(7, 1)), Item("pg_base_storage", 1), Item("local_storage", 1))
            .ExpectAsync(HttpStatusCode.OK);
        var before = await root.GetAsync(Items(tree.CustomerId)).ExpectAsync(HttpStatusCode.OK);

        var check = await root.GetAsync(Edition(tree.CustomerId, PerWorkload)).ExpectAsync(HttpStatusCode.OK);

        Spec.AssertValid("editionSwitchWarnings", check);
        Assert.Equal(["NewFeaturesBecomeAvailable", "UsageStatisticsWillMigrate"], Strings(check, "warnings"));
        Assert.Equal(["pg_base_workstations", "pg_base_storage"], Strings(check, "turned_off"));
        Assert.Equal(PerWorkloadItems, Strings(check, "turned_on"));
        Assert.Equal(before.GetProperty("items").ToString(), (await root.GetAsync(Items(tree.CustomerId)).ExpectAsync(HttpStatusCode.OK)).GetProperty("items").ToString());

        var switched = await root.PutJsonAsync($"/api/2/tenants/{tree.CustomerId}/edition", new { application_id = Backup, target_edition = PerWorkload })
            .ExpectAsync(HttpStatusCode.OK);

        Spec.AssertValid("offeringItemList", switched);
        Assert.Equal([.. PlatformItems, .. PerWorkloadItems, "local_storage"], await root.OnAsync(tree.CustomerId));
        var items = await root.ItemsAsync(tree.CustomerId);
        Assert.Equal((7L, 1L), (items["pw_base_workstations"].Limit(), items["pw_base_workstations"].Limit("overage")));
        Assert.Equal(100, items["pw_base_vms"].Limit());
        var record = Assert.Single((await root.GetAsync($"/api/2/audit?target_id={tree.CustomerId}&operation=edition.switch").ExpectAsync(HttpStatusCode.OK))
            .GetProperty("items").EnumerateArray());
        Assert.Equal(6, record.GetProperty("changes").GetProperty("after").GetProperty("offering_items").GetArrayLength());
        // Switching to the edition it has changes nothing.
        var again = await root.GetAsync(Edition(tree.CustomerId, PerWorkload)).ExpectAsync(HttpStatusCode.OK);
        Assert.Empty(Strings(again, "turned_on"));
    }

    [Fact]
    public async Task Switch_WhenTheParentLacksTheReplacements_IsRefusedNamingThem_AndChangesNothing()
    {
        var root = await Server.RootAsync();
        var tree = await root.BuildSubtreeAsync();
        await root.PutItemsAsync(tree.PartnerId, Item("pg_base_workstations", 1), Item("pg_base_servers", 1), Item("pw_base_vms", 1)).ExpectAsync(HttpStatusCode.OK);
        await root.PutItemsAsync(tree.CustomerId, Item("pg_base_workstations", 1), Item("pg_base_servers", 1)).ExpectAsync(HttpStatusCode.OK);

        var check = await root.GetAsync(Edition(tree.CustomerId, PerWorkload)).ExpectErrorAsync(HttpStatusCode.BadRequest, 1027);
        var put = await root.PutJsonAsync($"/api/2/tenants/{tree.CustomerId}/edition", new { application_id = Backup, target_edition = PerWorkload })
            .ExpectErrorAsync(HttpStatusCode.BadRequest, 1027);

        Assert.Equal(["pw_base_workstations", "pw_base_servers"], check.ContextItems());
        Assert.Equal(["pw_base_workstations", "pw_base_servers"], put.ContextItems());
        Assert.Equal([.. PlatformItems, "pg_base_workstations", "pg_base_servers"], await root.OnAsync(tree.CustomerId));
    }

    [Fact]
    public async Task UnknownEditionOrApplication_IsRefused_AndAViewerMayCheckButNotSwitch()
    {
        var root = await Server.RootAsync();
        var partner = (await root.CreateTenantAsync(await root.OwnTenantIdAsync(), "partner")).Str("id");
        var (_, viewer) = await root.CreateUserAndLoginAsync(partner, "viewer");

        var edition = await root.GetAsync(Edition(partner, "gold")).ExpectErrorAsync(HttpStatusCode.BadRequest, 400);
        await root.GetAsync($"/api/2/tenants/{partner}/edition?application_id={Guid.NewGuid()}&target_edition=gold").ExpectErrorAsync(HttpStatusCode.NotFound, 1005);
        await root.GetAsync($"/api/2/tenants/{partner}/edition?application_id={Backup}").ExpectErrorAsync(HttpStatusCode.BadRequest, 400);
        await viewer.GetAsync(Edition(partner, PerGigabyte)).ExpectAsync(HttpStatusCode.OK);
        await viewer.PutJsonAsync($"/api/2/tenants/{partner}/edition", new { application_id = Backup, target_edition = PerGigabyte })
            .ExpectErrorAsync(HttpStatusCode.Forbidden, 1002);

        Assert.Contains("pck_per_gigabyte, pck_per_workload", edition.GetProperty("details").Str("info"), StringComparison.Ordinal);
        Assert.Equal(PlatformItems, await root.OnAsync(partner));
    }

    private static string Edition(string tenant, string target) => $"/api/2/tenants/{tenant}/edition?application_id={Backup}&target_edition={target}";

    private static List<string> Strings(JsonElement e, string field) => [.. e.GetProperty(field).EnumerateArray().Select(s => s.GetString()!)];
}

public sealed class EditionTestsSqlite() : EditionTests(StorageProvider.Sqlite);

public sealed class EditionTestsPostgres() : EditionTests(StorageProvider.Postgres);
