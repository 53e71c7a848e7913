using Tenancy.Server.Storage;
using static Tenancy.Tests.Catalog.SampleCatalog;

namespace Tenancy.Tests.Catalog;

/// <summary>The catalog's applications and turning them on and off for tenants, through /api/2.</summary>
public abstract class ApplicationTests(StorageProvider provider) : ServerTests(provider)
{
    private static readonly string[] Required = ["id", "name", "type", "api_base_url"];

    [Fact]
    public async Task Catalog_ListsTheSampleApplications_WithEditionsAndOfferingItems()
    {
        var (_, partner) = await PartnerAsync();

        var list = await partner.GetAsync("/api/2/applications").ExpectAsync(HttpStatusCode.OK);
        var backup = await partner.GetAsync($"/api/2/applications/{Backup}").ExpectAsync(HttpStatusCode.OK);

        var items = list.GetProperty("items").EnumerateArray().ToList();
        Assert.Equal([Platform, Backup, ObjectStorage, ServiceLevels], items.Select(a => a.Str("id")));
        Assert.Equal(Platform, Assert.Single(items, a => a.Str("type") == "platform").Str("id"));
        foreach (var application in items)
        {
            Assert.All(Required, f => Assert.False(string.IsNullOrEmpty(application.Str(f))));
            Assert.Equal(JsonValueKind.Array, application.GetProperty("usages").ValueKind);
        }

        Assert.Equal("Cyber Protection", backup.Str("name"));
        Assert.Equal([PerGigabyte, PerWorkload], backup.GetProperty("editions").EnumerateArray().Select(e => e.Str("name")));
        var offering = backup.GetProperty("offering_items").EnumerateArray().ToList();
        Assert.True(offering.Count >= 6);
        Assert.Contains(offering, i => i.Str("type") == "infra" && i.Str("infra_id").Length == 36 && i.Str("measurement_unit") == "bytes");
        Assert.Contains(offering, i => i.Str("type") == "feature" && i.GetProperty("edition").ValueKind == JsonValueKind.Null);
        Assert.Contains("workstations", backup.GetProperty("usages").EnumerateArray().Select(u => u.GetString()));
    }

    [Fact]
    public async Task UnknownApplication_Is404With1005()
    {
        var (_, partner) = await PartnerAsync();

        await partner.GetAsync($"/api/2/applications/{Guid.NewGuid()}").ExpectErrorAsync(HttpStatusCode.NotFound, 1005);
    }

    [Fact]
    public async Task Root_HasEveryApplicationOn_AndANewTenantOnlyThePlatform()
    {
        var root = await Server.RootAsync();
        var (partnerId, _) = await PartnerAsync();

        var ofRoot = await root.GetAsync($"/api/2/tenants/{await root.OwnTenantIdAsync()}/applications").ExpectAsync(HttpStatusCode.OK);
        var ofPartner = await root.GetAsync($"/api/2/tenants/{partnerId}/applications").ExpectAsync(HttpStatusCode.OK);

        Spec.AssertValid("uuidList", ofPartner);
        Assert.Equal([Platform, Backup, ObjectStorage, ServiceLevels], Ids(ofRoot));
        Assert.Equal([Platform], Ids(ofPartner));
    }

    [Fact]
    public async Task TurnOn_WhenTheParentLacksIt_IsRefusedNamingTheApplication()
    {
        var root = await Server.RootAsync();
        var tree = await root.BuildSubtreeAsync();

        var error = await PostAsync(root, Binding(Backup, tree.CustomerId)).ExpectErrorAsync(HttpStatusCode.BadRequest, 1027);

        Assert.Contains("Cyber Protection", error.GetProperty("details").Str("info"), StringComparison.Ordinal);
        Assert.Contains(tree.PartnerId, error.GetProperty("details").Str("info"), StringComparison.Ordinal);
        Assert.Equal([Platform], await OnAsync(root, tree.CustomerId));
    }

    [Fact]
    public async Task TurnOff_ForAParent_TurnsItOffForTheWholeSubtreeAtOnce_AndTurningItBackOnRestoresIt()
    {
        var root = await Server.RootAsync();
        var tree = await root.BuildSubtreeAsync();
        foreach (var tenant in new[] { tree.PartnerId, tree.CustomerId, tree.UnitId })
        {
            await PostAsync(root, Binding(Backup, tenant)).ExpectAsync(HttpStatusCode.NoContent);
        }

        await PostAsync(root, Binding(ObjectStorage, tree.PartnerId)).ExpectAsync(HttpStatusCode.NoContent);
        Assert.Equal([Platform, Backup], await OnAsync(tree.CustomerAdmin, tree.UnitId));

        await root.DeleteAsync(Binding(Backup, tree.PartnerId)).ExpectAsync(HttpStatusCode.NoContent);

        Assert.Equal([Platform, ObjectStorage], await OnAsync(root, tree.PartnerId));
        Assert.Equal([Platform], await OnAsync(tree.CustomerAdmin, tree.CustomerId));
        Assert.Equal([Platform], await OnAsync(tree.CustomerAdmin, tree.UnitId));
        // Under a tenant that has it off, nothing can turn it on.
        await PostAsync(tree.CustomerAdmin, Binding(Backup, tree.UnitId)).ExpectErrorAsync(HttpStatusCode.BadRequest, 1027);

        await PostAsync(root, Binding(Backup, tree.PartnerId)).ExpectAsync(HttpStatusCode.NoContent);

        Assert.Equal([Platform, Backup], await OnAsync(tree.CustomerAdmin, tree.CustomerId));
        Assert.Equal([Platform, Backup], await OnAsync(tree.CustomerAdmin, tree.UnitId));
    }

    [Fact]
    public async Task Platform_CannotBeTurnedOff_NorAnythingForTheRoot()
    {
        var root = await Server.RootAsync();
        var rootId = await root.OwnTenantIdAsync();
        var (partnerId, _) = await PartnerAsync();

        var platform = await root.DeleteAsync(Binding(Platform, partnerId)).ExpectErrorAsync(HttpStatusCode.BadRequest, 1027);
        await root.DeleteAsync(Binding(Backup, rootId)).ExpectErrorAsync(HttpStatusCode.BadRequest, 1027);
        await PostAsync(root, Binding(Platform, partnerId)).ExpectAsync(HttpStatusCode.NoContent);

        Assert.Contains("always on", platform.GetProperty("details").Str("info"), StringComparison.Ordinal);
        Assert.Equal([Platform], await OnAsync(root, partnerId));
        Assert.Equal([Platform, Backup, ObjectStorage, ServiceLevels], await OnAsync(root, rootId));
    }

    [Fact]
    public async Task TurningOnAndOff_IsAudited_AndRepeatingItRecordsNothing()
    {
        var root = await Server.RootAsync();
        var (partnerId, _) = await PartnerAsync();

        await PostAsync(root, Binding(ObjectStorage, partnerId)).ExpectAsync(HttpStatusCode.NoContent);
        await PostAsync(root, Binding(ObjectStorage, partnerId)).ExpectAsync(HttpStatusCode.NoContent);
        await root.DeleteAsync(Binding(ObjectStorage, partnerId)).ExpectAsync(HttpStatusCode.NoContent);
        await root.DeleteAsync(Binding(ObjectStorage, partnerId)).ExpectAsync(HttpStatusCode.NoContent);

        var on = await TrailAsync(root, partnerId, "application.turn_on");
        var off = await TrailAsync(root, partnerId, "application.turn_off");
        var record = Assert.Single(on);
        Assert.Single(off);
        Assert.Equal(root.ClientId, record.GetProperty("actor").Str("id"));
        Assert.Equal(ObjectStorage, record.GetProperty("changes").GetProperty("after").Str("application_id"));
        Assert.True(record.GetProperty("changes").GetProperty("after").Bool("on"));
    }

    [Fact]
    public async Task Viewer_ReadsApplications_ButCannotTurnThemOnOrOff()
    {
        var root = await Server.RootAsync();
        var (partnerId, _) = await PartnerAsync();
        await PostAsync(root, Binding(Backup, partnerId)).ExpectAsync(HttpStatusCode.NoContent);
        var (_, viewer) = await root.CreateUserAndLoginAsync(partnerId, "viewer");

        Assert.Equal([Platform, Backup], await OnAsync(viewer, partnerId));
        await PostAsync(viewer, Binding(ObjectStorage, partnerId)).ExpectErrorAsync(HttpStatusCode.Forbidden, 1002);
        await viewer.DeleteAsync(Binding(Backup, partnerId)).ExpectErrorAsync(HttpStatusCode.Forbidden, 1002);

        Assert.Equal([Platform, Backup], await OnAsync(root, partnerId));
        Assert.Empty(await TrailAsync(root, partnerId, "application.turn_off"));
    }

    [Fact]
    public async Task Bindings_OfAnotherSubtree_AreOutOfReach()
    {
        var root = await Server.RootAsync();
        var (_, partner) = await PartnerAsync();
        var (otherId, _) = await PartnerAsync();

        await partner.GetAsync($"/api/2/tenants/{otherId}/applications").ExpectErrorAsync(HttpStatusCode.Forbidden, 1002);
        await PostAsync(partner, Binding(Backup, otherId)).ExpectErrorAsync(HttpStatusCode.Forbidden, 1002);
        Assert.Equal([Platform], await OnAsync(root, otherId));
    }

    [Fact]
    public async Task Terminating_ATenant_TakesItsBindingsAlong()
    {
        var root = await Server.RootAsync();
        var tree = await root.BuildSubtreeAsync();
        await PostAsync(root, Binding(Backup, tree.PartnerId)).ExpectAsync(HttpStatusCode.NoContent);
        await PostAsync(root, Binding(Backup, tree.CustomerId)).ExpectAsync(HttpStatusCode.NoContent);

        await root.SetEnabledAsync(tree.PartnerId, false);
        await root.TerminateAsync(tree.PartnerId);

        await root.GetAsync($"/api/2/tenants/{tree.CustomerId}/applications").ExpectErrorAsync(HttpStatusCode.NotFound, 1005);
    }

    /// <summary>A partner under the root, and an API client logged in to it.</summary>
    private async Task<(string Id, Api Api)> PartnerAsync()
    {
        var root = await Server.RootAsync();
        var partner = await root.CreateTenantAsync(await root.OwnTenantIdAsync(), "partner");
        return (partner.Str("id"), await root.CreateClientAndLoginAsync(partner.Str("id")));
    }

    private static Task<HttpResponseMessage> PostAsync(Api api, string path) => api.Http.PostAsync(path, null, TestContext.Current.CancellationToken);

    private static async Task<List<string>> OnAsync(Api api, string tenantId) =>
        Ids(await api.GetAsync($"/api/2/tenants/{tenantId}/applications").ExpectAsync(HttpStatusCode.OK));

    private static List<string> Ids(JsonElement list) => [.. list.GetProperty("items").EnumerateArray().Select(i => i.GetString()!)];

    private static async Task<List<JsonElement>> TrailAsync(Api api, string tenantId, string operation) =>
        [.. (await api.GetAsync($"/api/2/audit?target_id={tenantId}&operation={operation}").ExpectAsync(HttpStatusCode.OK))
            .GetProperty("items").EnumerateArray()];
}

public sealed class ApplicationTestsSqlite() : ApplicationTests(StorageProvider.Sqlite);

public sealed class ApplicationTestsPostgres() : ApplicationTests(StorageProvider.Postgres);
