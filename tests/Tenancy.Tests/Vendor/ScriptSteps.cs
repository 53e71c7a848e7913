using System.Text.Json.Nodes;

namespace Tenancy.Tests.Vendor;

/// <summary>
/// The requests the vendor's example scripts (acronis-cyber-platform-python-examples, tenants/) send, one
/// method per request, with the paths, query strings and bodies as the scripts build them. A script runs as
/// an API client of its own tenant (cyber.platform.cfg.json's tenant); <see cref="Script"/> is that session.
/// </summary>
public static class ScriptSteps
{
    /// <summary>Google DR storage on the vendor's dev cloud: the infra the scripts filter out for customers.</summary>
    public const string GoogleDrStorage = "ba2976d0-c13e-4661-ae60-b4593583fce2";

    /// <summary>POST api/2/tenants with the scripts' body: name, parent_id, kind. The scripts read id, name and version.</summary>
    public static async Task<JsonElement> CreateTenantAsync(this Script s, string parentId, string kind)
    {
        var tenant = await s.Api.PostJsonAsync("/api/2/tenants", new { name = $"Python {kind} {Guid.NewGuid():N} v3.0", parent_id = parentId, kind })
            .ExpectAsync(HttpStatusCode.Created);
        Assert.True(tenant.GetProperty("version").ValueKind == JsonValueKind.Number && tenant.Str("name").Length > 0);
        return tenant;
    }

    /// <summary>GET api/2/tenants/{cfg.tenant_id}/offering_items/available_for_child?kind=...&amp;edition=...: its "items".</summary>
    public static async Task<JsonArray> AvailableForChildAsync(this Script s, string kind, string edition) =>
        (JsonArray)JsonNode.Parse((await s.Api.GetAsync($"/api/2/tenants/{s.TenantId}/offering_items/available_for_child?kind={kind}&edition={edition}")
            .ExpectAsync(HttpStatusCode.OK)).GetProperty("items").GetRawText())!;

    /// <summary>PUT api/2/tenants/{id}/offering_items with {"offering_items": items}, items as the scripts pass them on.</summary>
    public static Task<JsonElement> PutItemsAsync(this Script s, string tenantId, JsonArray items) =>
        s.Api.PutJsonAsync($"/api/2/tenants/{tenantId}/offering_items", new JsonObject { ["offering_items"] = items.DeepClone() }.ToJsonString())
            .ExpectAsync(HttpStatusCode.OK);

    /// <summary>The customer scripts' filters: one location and one storage of a type (no Google DR storage, no dr_ feature on it).</summary>
    public static JsonArray ForCustomer(JsonArray items) =>
        [.. items.Where(oi => (Str(oi, "type") == "infra" && Str(oi, "infra_id") != GoogleDrStorage) || Str(oi, "type") != "infra")
            .Where(oi => (Str(oi, "type") == "feature" && Dr(oi) && Str(oi, "infra_id") != GoogleDrStorage) || Str(oi, "type") != "feature" || !Dr(oi))
            .Select(oi => oi!.DeepClone())];

    /// <summary>GET api/2/tenants/{id}/children: the ids in "items".</summary>
    public static async Task<List<string>> ChildrenAsync(this Script s, string tenantId) =>
        [.. (await s.Api.GetAsync($"/api/2/tenants/{tenantId}/children").ExpectAsync(HttpStatusCode.OK)).GetProperty("items").EnumerateArray().Select(i => i.GetString()!)];

    public static string? Str(JsonNode? node, string field) => node?[field]?.GetValue<string>();

    private static bool Dr(JsonNode? item) => Str(item, "usage_name")?.StartsWith("dr_", StringComparison.Ordinal) == true;
}

/// <summary>A script's session: an API client of <paramref name="TenantId"/> (cfg.tenant_id).</summary>
public sealed record Script(Api Api, string TenantId)
{
    /// <summary>
    /// A partner of the test's own under the root, with every item of the catalog on (set as the scripts set
    /// a new partner's items), and an API client of it: the tenant the scripts run in.
    /// </summary>
    public static async Task<Script> ProviderAsync(TenancyServer server)
    {
        var root = new Script(await server.RootAsync(), "");
        root = root with { TenantId = await root.Api.OwnTenantIdAsync() };
        var provider = await root.CreateTenantAsync(root.TenantId, "partner");
        await root.PutItemsAsync(provider.Str("id"), await root.AvailableForChildAsync("partner", "*"));
        return new Script(await root.Api.CreateClientAndLoginAsync(provider.Str("id")), provider.Str("id"));
    }
}
