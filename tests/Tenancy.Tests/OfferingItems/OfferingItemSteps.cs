using static Tenancy.Tests.Catalog.SampleCatalog;

namespace Tenancy.Tests.OfferingItems;

/// <summary>Requests the offering item tests send, and how they read the answers.</summary>
public static class OfferingItemSteps
{
    public static string Items(string tenant, string query = "") => $"/api/2/tenants/{tenant}/offering_items{query}";

    public static string ForChild(string tenant, string kind, string edition) =>
        $"/api/2/tenants/{tenant}/offering_items/available_for_child?kind={kind}&edition={edition}";

    /// <summary>One item of a PUT body (Cyber Protection unless said otherwise).</summary>
    public static object Item(string name, int status, object? quota = null, string application = Backup) =>
        quota is null ? new { application_id = application, name, status } : new { application_id = application, name, status, quota };

    public static object Quota(long? value, long? overage = null, long version = 0) => new { value, overage, version };

    public static Task<HttpResponseMessage> PutItemsAsync(this Api api, string tenant, params object[] items) =>
        api.PutJsonAsync(Items(tenant), new { offering_items = items });

    /// <summary>The tenant's items by name, as <paramref name="api"/> reads them.</summary>
    public static async Task<Dictionary<string, JsonElement>> ItemsAsync(this Api api, string tenant, string query = "")
    {
        var list = await api.GetAsync(Items(tenant, query)).ExpectAsync(HttpStatusCode.OK);
        return list.GetProperty("items").EnumerateArray().ToDictionary(i => i.Str("name"));
    }

    /// <summary>The names of the items that are on for the tenant, in catalog order.</summary>
    public static async Task<List<string>> OnAsync(this Api api, string tenant) =>
        [.. (await api.ItemsAsync(tenant)).Values.Where(i => i.GetProperty("status").GetInt32() == 1).Select(i => i.Str("name"))];

    public static long? Limit(this JsonElement item, string field = "value") =>
        item.GetProperty("quota").GetProperty(field) is { ValueKind: JsonValueKind.Number } n ? n.GetInt64() : null;

    public static List<string> Names(this JsonElement list) => [.. list.GetProperty("items").EnumerateArray().Select(i => i.Str("name"))];

    public static List<string> ContextItems(this JsonElement error) =>
        [.. error.GetProperty("context").GetProperty("offering_items").EnumerateArray().Select(i => i.GetString()!)];

    /// <summary>The sample catalog's items, by edition.</summary>
    public static readonly string[] PlatformItems = ["tenants"];
    public static readonly string[] PerGigabyteItems = ["pg_base_workstations", "pg_base_servers", "pg_base_storage"];
    public static readonly string[] PerWorkloadItems = ["pw_base_workstations", "pw_base_servers", "pw_base_vms", "pw_base_storage"];
    public static readonly string[] StorageItems = ["storage_eu", "storage_us", "egress"];

    /// <summary>The /api/v2.1 service levels as offering items (the last application of the sample).</summary>
    public static readonly string[] ServiceLevelItems = ["extreme", "premium", "standard", "object"];
}
