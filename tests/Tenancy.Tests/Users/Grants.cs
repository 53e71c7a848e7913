namespace Tenancy.Tests.Users;

/// <summary>Steps a test takes through the API with users' roles on tenants (access policies).</summary>
public static class Grants
{
    public static string PathOf(string userId) => $"/api/2/users/{userId}/access_policies";

    /// <summary>PUT /api/2/users/{id}/access_policies with (tenant, role) items shaped as the vendor's scripts send them.</summary>
    public static Task<HttpResponseMessage> PutGrantsAsync(this Api api, string userId, params (string TenantId, string Role)[] grants) =>
        api.PutJsonAsync(PathOf(userId), new
        {
            items = grants.Select(g => new
            {
                id = "00000000-0000-0000-0000-000000000000", issuer_id = "00000000-0000-0000-0000-000000000000",
                role_id = g.Role, tenant_id = g.TenantId, trustee_id = userId, trustee_type = "user", version = 0,
            }),
        });

    /// <summary>The user's (tenant, role) pairs as GET answers them, sorted.</summary>
    public static async Task<List<(string TenantId, string Role)>> GrantsOfAsync(this Api api, string userId)
    {
        var body = await api.GetAsync(PathOf(userId)).ExpectAsync(HttpStatusCode.OK);
        return Pairs(body);
    }

    public static List<(string TenantId, string Role)> Pairs(JsonElement list) =>
        [.. list.GetProperty("items").EnumerateArray().Select(i => (i.Str("tenant_id"), i.Str("role_id"))).Order()];

    public static List<(string TenantId, string Role)> Sorted(params (string TenantId, string Role)[] grants) => [.. grants.Order()];

    /// <summary>The published accessPoliciesList: a timestamp and items with exactly the fields of an access policy, each valid.</summary>
    public static void AssertShape(JsonElement list)
    {
        Assert.Matches(@"^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}", list.Str("timestamp"));
        foreach (var item in list.GetProperty("items").EnumerateArray())
        {
            Assert.Equal(
                ["created_at", "deleted_at", "id", "issuer_id", "role_id", "tenant_id", "trustee_id", "trustee_type", "updated_at", "version"],
                item.EnumerateObject().Select(p => p.Name).Order());
            Spec.AssertValid("items_1", item);
        }
    }

    /// <summary>A user of <paramref name="homeId"/> holding exactly <paramref name="grants"/>, logged in.</summary>
    public static async Task<(string Id, Api Session)> UserHoldingAsync(this Api admin, string homeId, params (string TenantId, string Role)[] grants)
    {
        var (user, session) = await admin.CreateUserAndLoginAsync(homeId);
        await admin.PutGrantsAsync(user.Str("id"), grants).ExpectAsync(HttpStatusCode.OK);
        return (user.Str("id"), session);
    }
}
