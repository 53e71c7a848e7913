using System.Text.Json.Nodes;
using Tenancy.Server.Storage;
using static Tenancy.Tests.Catalog.SampleCatalog;
using static Tenancy.Tests.OfferingItems.OfferingItemSteps;
using static Tenancy.Tests.Vendor.ScriptSteps;

namespace Tenancy.Tests.Vendor;

/// <summary>
/// The vendor's scripts that create tenants with editions and switch them, step by step
/// (tenants/create_*_and_assign_*.py, switch_edition_for_customer*.py, update_your_partners_*.py), with the
/// defaults of cyber.platform.cfg.json: edition pck_per_gigabyte, switch_edition pck_per_workload.
/// </summary>
public abstract class EditionScriptTests(StorageProvider provider) : ServerTests(provider)
{
    private static readonly string[] NoEditionItems = ["local_storage", .. StorageItems, .. ServiceLevelItems];

    [Fact]
    public async Task CreatePartnerTenantAndAssignSpecificEdition()
    {
        var s = await Script.ProviderAsync(Server);

        var partner = await s.CreateTenantAsync(s.TenantId, "partner");
        var items = await s.AvailableForChildAsync("partner", PerGigabyte);
        var put = await s.PutItemsAsync(partner.Str("id"), items);

        Spec.AssertValid("offeringItemList", put);
        Assert.Equal([.. PlatformItems, .. PerGigabyteItems, .. NoEditionItems], await s.Api.OnAsync(partner.Str("id")));
    }

    [Fact]
    public async Task CreatePartnerTenantAndAssignAllEditionsAvailable()
    {
        var s = await Script.ProviderAsync(Server);

        var partner = await s.CreateTenantAsync(s.TenantId, "partner");
        var items = await s.AvailableForChildAsync("partner", "*");
        await s.PutItemsAsync(partner.Str("id"), items);

        Assert.Equal([.. PlatformItems, .. PerGigabyteItems, .. PerWorkloadItems, .. NoEditionItems], await s.Api.OnAsync(partner.Str("id")));
    }

    [Fact]
    public async Task CreateCustomerTenantAndAssignSpecificEdition_ThenProductionPricing()
    {
        var s = await Script.ProviderAsync(Server);
        var partner = await s.CreateTenantAsync(s.TenantId, "partner"); // partner.json, from create_partner_tenant_and_assign_specific_edition
        await s.PutItemsAsync(partner.Str("id"), await s.AvailableForChildAsync("partner", PerGigabyte));

        var customer = await s.CreateTenantAsync(partner.Str("id"), "customer");
        var items = ForCustomer(await s.AvailableForChildAsync("customer", PerGigabyte));
        await s.PutItemsAsync(customer.Str("id"), items);
        var pricing = (JsonObject)JsonNode.Parse((await s.Api.GetAsync($"/api/2/tenants/{customer.Str("id")}/pricing").ExpectAsync(HttpStatusCode.OK)).GetRawText())!;
        pricing["mode"] = "production";
        var production = await s.Api.PutJsonAsync($"/api/2/tenants/{customer.Str("id")}/pricing", pricing.ToJsonString()).ExpectAsync(HttpStatusCode.OK);

        Assert.Equal([.. PlatformItems, .. PerGigabyteItems, .. NoEditionItems], await s.Api.OnAsync(customer.Str("id")));
        Assert.Equal("production", production.Str("mode"));
        Assert.Equal(JsonValueKind.String, production.GetProperty("production_start_date").ValueKind);
    }

    [Fact]
    public async Task SwitchEditionForCustomer()
    {
        var s = await Script.ProviderAsync(Server);

        var customer = (await s.CreateTenantAsync(s.TenantId, "customer")).Str("id");
        await s.PutItemsAsync(customer, ForCustomer(await s.AvailableForChildAsync("customer", PerGigabyte)));
        await s.Api.GetAsync($"/api/2/tenants/{customer}/edition?application_id={Backup}&target_edition={PerWorkload}").ExpectAsync(HttpStatusCode.OK);
        var switched = await s.Api.PutJsonAsync($"/api/2/tenants/{customer}/edition", new { application_id = Backup, target_edition = PerWorkload })
            .ExpectAsync(HttpStatusCode.OK);

        Spec.AssertValid("offeringItemList", switched);
        Assert.Equal([.. PlatformItems, .. PerWorkloadItems, .. NoEditionItems], await s.Api.OnAsync(customer));
    }

    [Fact]
    public async Task SwitchEditionForCustomer_Legacy()
    {
        var s = await Script.ProviderAsync(Server);

        var customer = (await s.CreateTenantAsync(s.TenantId, "customer")).Str("id");
        var set = ForCustomer(await s.AvailableForChildAsync("customer", PerGigabyte));
        await s.PutItemsAsync(customer, set);
        var next = await s.AvailableForChildAsync("customer", PerWorkload);
        var disabled = set.Where(oi => ScriptSteps.Str(oi, "edition") == PerGigabyte).Select(oi => oi!.DeepClone()).ToList();
        disabled.ForEach(oi => oi["status"] = 0);
        var enabled = next.Where(oi => ScriptSteps.Str(oi, "edition") == PerWorkload).Select(oi => oi!.DeepClone()).ToList();
        enabled.ForEach(oi => oi["status"] = 1);
        await s.PutItemsAsync(customer, [.. disabled, .. ForCustomer([.. enabled]).Select(oi => oi!.DeepClone())]);

        Assert.Equal([.. PlatformItems, .. PerWorkloadItems, .. NoEditionItems], await s.Api.OnAsync(customer));
    }

    [Fact]
    public async Task UpdateYourPartnersToAllAvailableEditions()
    {
        var s = await Script.ProviderAsync(Server);
        var first = await s.CreateTenantAsync(s.TenantId, "partner");
        await s.PutItemsAsync(first.Str("id"), await s.AvailableForChildAsync("partner", PerGigabyte));
        await s.CreateTenantAsync(s.TenantId, "partner");

        var children = await s.ChildrenAsync(s.TenantId);
        var items = await s.AvailableForChildAsync("partner", "*");
        JsonArray withEdition = [.. items.Where(i => i!["edition"] is not null).Select(i => i!.DeepClone())];
        foreach (var child in children)
        {
            await s.PutItemsAsync(child, withEdition);
        }

        Assert.Equal(2, children.Count);
        Assert.Equal([.. PlatformItems, .. PerGigabyteItems, .. PerWorkloadItems, .. NoEditionItems], await s.Api.OnAsync(first.Str("id")));
        Assert.Equal([.. PlatformItems, .. PerGigabyteItems, .. PerWorkloadItems], await s.Api.OnAsync(children.Single(c => c != first.Str("id"))));
    }

    [Fact]
    public async Task UpdateYourPartnersToAllOfferingItemsForSpecificEdition()
    {
        var s = await Script.ProviderAsync(Server);
        var partial = await s.CreateTenantAsync(s.TenantId, "partner");
        await s.Api.PutJsonAsync($"/api/2/tenants/{partial.Str("id")}/offering_items", new { offering_items = new[] { Item("pg_base_servers", 1) } })
            .ExpectAsync(HttpStatusCode.OK);
        await s.CreateTenantAsync(s.TenantId, "customer");

        var children = await s.ChildrenAsync(s.TenantId);
        foreach (var child in children)
        {
            var items = (JsonArray)JsonNode.Parse((await s.Api.GetAsync($"/api/2/tenants/{child}/offering_items?edition={PerGigabyte}")
                .ExpectAsync(HttpStatusCode.OK)).GetProperty("items").GetRawText())!;
            JsonArray notEnabled = [.. items.Where(i => i!["status"]!.GetValue<int>() == 0).Select(i => i!.DeepClone())];
            if (notEnabled.Count > 0)
            {
                foreach (var item in notEnabled)
                {
                    item!["status"] = 1;
                }

                await s.PutItemsAsync(child, notEnabled);
            }
        }

        Assert.Equal(2, children.Count);
        foreach (var child in children)
        {
            Assert.Equal([.. PlatformItems, .. PerGigabyteItems, .. NoEditionItems], await s.Api.OnAsync(child));
        }
    }
}

public sealed class EditionScriptTestsSqlite() : EditionScriptTests(StorageProvider.Sqlite);

public sealed class EditionScriptTestsPostgres() : EditionScriptTests(StorageProvider.Postgres);
