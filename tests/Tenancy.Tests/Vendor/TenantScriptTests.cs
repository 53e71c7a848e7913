using Tenancy.Server.Storage;
using static Tenancy.Tests.Catalog.SampleCatalog;
using static Tenancy.Tests.OfferingItems.OfferingItemSteps;
using static Tenancy.Tests.Vendor.ScriptSteps;

namespace Tenancy.Tests.Vendor;

/// <summary>
/// The vendor's scripts that walk, lock, empty and price tenants, step by step (tenants/create_partner_tenant_and_lock.py,
/// delete_all_tenant_underneath.py, disable_all_applications_for_customer.py, get_trial_end_date_for_customer*.py,
/// navigate_through_tenants.py): the exact requests, and the response fields the scripts read.
/// </summary>
public abstract class TenantScriptTests(StorageProvider provider) : ServerTests(provider)
{
    [Fact]
    public async Task CreatePartnerTenantAndLock()
    {
        var s = await Script.ProviderAsync(Server);

        var partner = await s.CreateTenantAsync(s.TenantId, "partner");
        var id = partner.Str("id");
        await s.PutItemsAsync(id, await s.AvailableForChildAsync("partner", PerGigabyte));
        var locked = await s.Api.PutJsonAsync($"/api/2/tenants/{id}", new { update_lock = new { owner_id = s.TenantId, enabled = "true" }, version = "1" })
            .ExpectAsync(HttpStatusCode.OK);
        var unlocked = await s.Api.PutJsonAsync($"/api/2/tenants/{id}", new { update_lock = new { enabled = "false" }, version = $"{locked.Long("version")}" })
            .ExpectAsync(HttpStatusCode.OK);
        var disabled = await s.Api.PutJsonAsync($"/api/2/tenants/{id}", new { enabled = "false", version = $"{unlocked.Long("version")}" })
            .ExpectAsync(HttpStatusCode.OK);
        await s.Api.DeleteAsync($"/api/2/tenants/{id}?version={disabled.Long("version")}").ExpectAsync(HttpStatusCode.NoContent);

        Assert.True(locked.GetProperty("update_lock").Bool("enabled"));
        Assert.False(unlocked.GetProperty("update_lock").Bool("enabled"));
        Assert.False(disabled.Bool("enabled"));
        await s.Api.GetAsync($"/api/2/tenants/{id}").ExpectErrorAsync(HttpStatusCode.NotFound, 1005);
    }

    [Fact]
    public async Task DeleteAllTenantUnderneath()
    {
        var s = await Script.ProviderAsync(Server);
        for (var i = 0; i < 3; i++)
        {
            var child = await s.CreateTenantAsync(s.TenantId, i == 0 ? "partner" : "customer");
            await s.PutItemsAsync(child.Str("id"), await s.AvailableForChildAsync(i == 0 ? "partner" : "customer", PerGigabyte));
        }

        Assert.False(string.IsNullOrEmpty((await s.Api.GetAsync($"/api/2/tenants/{s.TenantId}").ExpectAsync(HttpStatusCode.OK)).Str("name")));
        foreach (var child in await s.ChildrenAsync(s.TenantId))
        {
            var tenant = await s.Api.GetAsync($"/api/2/tenants/{child}").ExpectAsync(HttpStatusCode.OK);
            await s.Api.PutJsonAsync($"/api/2/tenants/{child}", new { version = $"{tenant.Long("version")}", enabled = "false" }).ExpectAsync(HttpStatusCode.OK);
            tenant = await s.Api.GetAsync($"/api/2/tenants/{child}").ExpectAsync(HttpStatusCode.OK);
            await s.Api.DeleteAsync($"/api/2/tenants/{child}?version={tenant.Long("version")}").ExpectAsync(HttpStatusCode.NoContent);
        }

        Assert.Empty(await s.ChildrenAsync(s.TenantId));
    }

    [Fact]
    public async Task DisableAllApplicationsForCustomer()
    {
        var s = await Script.ProviderAsync(Server);
        var customer = (await s.CreateTenantAsync(s.TenantId, "customer")).Str("id"); // customer.json
        await s.PutItemsAsync(customer, ForCustomer(await s.AvailableForChildAsync("customer", PerGigabyte)));

        var applications = await s.Api.GetAsync("/api/2/applications").ExpectAsync(HttpStatusCode.OK);
        var platform = Assert.Single(applications.GetProperty("items").EnumerateArray(), a => a.Str("type") == "platform").Str("id");
        var ofCustomer = await s.Api.GetAsync($"/api/2/tenants/{customer}/applications").ExpectAsync(HttpStatusCode.OK);
        foreach (var application in ofCustomer.GetProperty("items").EnumerateArray().Select(a => a.GetString()!).Where(a => a != platform))
        {
            await s.Api.DeleteAsync($"/api/2/applications/{application}/bindings/tenants/{customer}").ExpectAsync(HttpStatusCode.NoContent);
        }

        Assert.Equal([Platform, Backup, ObjectStorage, ServiceLevels], ofCustomer.GetProperty("items").EnumerateArray().Select(a => a.GetString()));
        var after = await s.Api.GetAsync($"/api/2/tenants/{customer}/applications").ExpectAsync(HttpStatusCode.OK);
        Assert.Equal([platform], after.GetProperty("items").EnumerateArray().Select(a => a.GetString()));
        Assert.Equal(PlatformItems, await s.Api.OnAsync(customer));
    }

    [Fact]
    public async Task GetTrialEndDateForCustomer()
    {
        var s = await Script.ProviderAsync(Server);
        var customer = (await s.CreateTenantAsync(s.TenantId, "customer")).Str("id");

        var trial = await s.Api.GetAsync($"/api/2/tenants/{customer}/pricing").ExpectAsync(HttpStatusCode.OK);
        var version = trial.Long("version");
        await s.Api.PutJsonAsync($"/api/2/tenants/{customer}/pricing", new { mode = "production", version }).ExpectAsync(HttpStatusCode.OK);
        var production = await s.Api.GetAsync($"/api/2/tenants/{customer}/pricing").ExpectAsync(HttpStatusCode.OK);

        Assert.Equal(JsonValueKind.Null, trial.GetProperty("production_start_date").ValueKind);
        Assert.True(DateTimeOffset.TryParse(production.Str("production_start_date"), System.Globalization.CultureInfo.InvariantCulture, out _));
    }

    [Fact]
    public async Task GetTrialEndDateForCustomer_Legacy_ReadsTheCreationTimeFromTheVersion()
    {
        var s = await Script.ProviderAsync(Server);
        var before = DateTimeOffset.UtcNow.ToUnixTimeMilliseconds();
        var customer = (await s.CreateTenantAsync(s.TenantId, "customer")).Str("id");
        var after = DateTimeOffset.UtcNow.ToUnixTimeMilliseconds();

        var pricing = await s.Api.GetAsync($"/api/2/tenants/{customer}/pricing").ExpectAsync(HttpStatusCode.OK);
        var creation = DateTimeOffset.FromUnixTimeMilliseconds(pricing.Long("version"));

        Assert.InRange(creation.ToUnixTimeMilliseconds(), before - 1000, after + 1000);
    }

    [Fact]
    public async Task NavigateThroughTenants()
    {
        var s = await Script.ProviderAsync(Server);
        var partner = await s.CreateTenantAsync(s.TenantId, "partner");
        var customer = await s.CreateTenantAsync(partner.Str("id"), "customer");
        var direct = await s.CreateTenantAsync(s.TenantId, "customer");
        var user = await s.Api.CreateUserAsync(customer.Str("id"));
        var other = await s.Api.CreateUserAsync(direct.Str("id"));

        var seen = new List<string>();
        Assert.False(string.IsNullOrEmpty((await s.Api.GetAsync($"/api/2/tenants/{s.TenantId}").ExpectAsync(HttpStatusCode.OK)).Str("name")));
        await WalkAsync(s, s.TenantId, seen);

        Assert.Equal([partner.Str("name"), customer.Str("name"), $"user {user.Str("login")}", direct.Str("name"), $"user {other.Str("login")}"], seen);
    }

    /// <summary>get_child_tenants: each child's name, its users' logins, then its own children.</summary>
    private static async Task WalkAsync(Script s, string tenantId, List<string> seen)
    {
        foreach (var child in await s.ChildrenAsync(tenantId))
        {
            seen.Add((await s.Api.GetAsync($"/api/2/tenants/{child}").ExpectAsync(HttpStatusCode.OK)).Str("name"));
            var users = await s.Api.GetAsync($"/api/2/tenants/{child}/users").ExpectAsync(HttpStatusCode.OK);
            foreach (var userId in users.GetProperty("items").EnumerateArray().Select(u => u.GetString()!))
            {
                seen.Add($"user {(await s.Api.GetAsync($"/api/2/users/{userId}").ExpectAsync(HttpStatusCode.OK)).Str("login")}");
            }

            await WalkAsync(s, child, seen);
        }
    }
}

public sealed class TenantScriptTestsSqlite() : TenantScriptTests(StorageProvider.Sqlite);

public sealed class TenantScriptTestsPostgres() : TenantScriptTests(StorageProvider.Postgres);
