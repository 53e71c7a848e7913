using System.Globalization;

namespace Tenancy.Tests.Search;

/// <summary>GET /api/2/search: what it finds, in which order, within whose reach, and after renames and deletes.</summary>
public abstract class SearchTests(ServerFixture fixture)
{
    private readonly TenancyServer _server = fixture.Server;

    private static List<JsonElement> Items(JsonElement body) => [.. body.GetProperty("items").EnumerateArray()];

    private static async Task<List<JsonElement>> SearchAsync(Api api, string tenant, string text, int? limit = null)
    {
        var body = await api.GetAsync($"/api/2/search?tenant={tenant}&text={Uri.EscapeDataString(text)}{(limit is null ? "" : $"&limit={limit}")}")
            .ExpectAsync(HttpStatusCode.OK);
        Spec.AssertValid("global_search", body);
        return Items(body);
    }

    private static string[] Ids(List<JsonElement> items) => [.. items.Select(i => i.Str("id"))];

    /// <summary>A partner of the test with "Acme" (exact), "Acme Holdings" (prefix), a user "acme.admin@..." (prefix) and "Big Acme" (substring).</summary>
    private async Task<(Api Root, JsonElement Partner, JsonElement Exact, JsonElement Prefix, JsonElement User, JsonElement Substring)> AcmeAsync()
    {
        var root = await _server.RootAsync();
        var partner = await root.CreateTenantAsync(await root.OwnTenantIdAsync(), "partner");
        var exact = await root.CreateTenantAsync(partner.Str("id"), "customer", "Acme");
        var substring = await root.CreateTenantAsync(partner.Str("id"), "customer", "Big Acme");
        var prefix = await root.CreateTenantAsync(partner.Str("id"), "customer", "Acme Holdings");
        await root.CreateTenantAsync(partner.Str("id"), "customer", "Other");
        var user = await root.CreateUserAsync(exact.Str("id"), $"acme.admin.{Guid.NewGuid():N}@example.test");
        return (root, partner, exact, prefix, user, substring);
    }

    [Fact]
    public async Task Search_FindsTenantsAndUsers_ExactThenPrefixThenSubstring_IgnoringCase()
    {
        var (root, partner, exact, prefix, user, substring) = await AcmeAsync();

        var items = await SearchAsync(root, partner.Str("id"), "ACME");

        Assert.Equal([exact.Str("id"), prefix.Str("id"), user.Str("id"), substring.Str("id")], Ids(items));
        var tenant = items[0];
        Assert.Equal("tenant", tenant.Str("obj_type"));
        Assert.Equal("Acme", tenant.Str("name"));
        Assert.Equal("customer", tenant.Str("kind"));
        Assert.Equal(partner.Str("id"), tenant.Str("parent_id"));
        Assert.Equal([partner.Str("name")], tenant.GetProperty("path").EnumerateArray().Select(p => p.GetString()));
        var found = items[2];
        Assert.Equal("user", found.Str("obj_type"));
        Assert.Equal(user.Str("login"), found.Str("login"));
        Assert.Equal(exact.Str("id"), found.Str("parent_id"));
        Assert.Equal([partner.Str("name"), "Acme"], found.GetProperty("path").EnumerateArray().Select(p => p.GetString()));
        Assert.Equal("Pat", found.Str("first_name"));
        Assert.Equal("Doe", found.Str("last_name"));
        Assert.Equal(JsonValueKind.Null, found.GetProperty("deleted_at").ValueKind);
        Assert.False(found.TryGetProperty("name", out _));
    }

    [Fact]
    public async Task Search_StopsAtTheLimit_AndAShortTextFindsOnlyExactAndPrefixMatches()
    {
        var (root, partner, exact, prefix, user, _) = await AcmeAsync();

        var two = await SearchAsync(root, partner.Str("id"), "acme", limit: 2);
        var shortText = await SearchAsync(root, partner.Str("id"), "ac");

        Assert.Equal([exact.Str("id"), prefix.Str("id")], Ids(two));
        Assert.Equal([exact.Str("id"), prefix.Str("id"), user.Str("id")], Ids(shortText));
    }

    [Fact]
    public async Task Search_FindsTenantsByCustomerIdAndContact_AndUsersByEmailAndName()
    {
        var root = await _server.RootAsync();
        var partner = await root.CreateTenantAsync(await root.OwnTenantIdAsync(), "partner");
        var marker = Guid.NewGuid().ToString("N")[..10];
        var customer = await root.PostJsonAsync("/api/2/tenants", new
        {
            name = "Plain", kind = "customer", parent_id = partner.Str("id"), customer_id = $"CID-{marker}",
            contact = new { email = $"billing.{marker}@example.test", firstname = "Ada", lastname = $"Lovelace{marker}" },
        }).ExpectAsync(HttpStatusCode.Created);
        var user = await root.PostJsonAsync("/api/2/users", new
        {
            tenant_id = customer.Str("id"), login = $"u{marker}",
            contact = new { email = $"grace.{marker}@example.test", firstname = "Grace", lastname = $"Hopper{marker}" },
        }).ExpectAsync(HttpStatusCode.OK);

        Assert.Equal([customer.Str("id")], Ids(await SearchAsync(root, partner.Str("id"), $"cid-{marker}")));
        Assert.Equal([customer.Str("id")], Ids(await SearchAsync(root, partner.Str("id"), $"billing.{marker}")));
        var byLastName = await SearchAsync(root, partner.Str("id"), $"lovelace{marker}");
        Assert.Equal("Ada", Assert.Single(byLastName).Str("first_name"));
        Assert.Equal([user.Str("id")], Ids(await SearchAsync(root, partner.Str("id"), $"grace.{marker}@example.test")));
        Assert.Equal([user.Str("id")], Ids(await SearchAsync(root, partner.Str("id"), $"hopper{marker}")));
    }

    [Fact]
    public async Task Search_FollowsRenamesContactChangesAndDeletes()
    {
        var (root, partner, exact, prefix, user, substring) = await AcmeAsync();
        var p = partner.Str("id");

        await root.PutTenantAsync(substring.Str("id"), new { name = "Zeta", version = substring.Long("version") }).ExpectAsync(HttpStatusCode.OK);
        var version = (await root.GetAsync($"/api/2/users/{user.Str("id")}").ExpectAsync(HttpStatusCode.OK)).Long("version");
        await root.PutJsonAsync($"/api/2/users/{user.Str("id")}", new { login = $"renamed.{Guid.NewGuid():N}@example.test", version })
            .ExpectAsync(HttpStatusCode.OK);

        Assert.Equal([exact.Str("id"), prefix.Str("id")], Ids(await SearchAsync(root, p, "acme")));
        Assert.Equal([substring.Str("id")], Ids(await SearchAsync(root, p, "zeta")));
        Assert.Equal([user.Str("id")], Ids(await SearchAsync(root, p, "renamed.")));

        // A deleted user and a terminated tenant (with its users) are found no more.
        var disabled = await root.SetUserEnabledAsync(user.Str("id"), false);
        await root.DeleteAsync($"/api/2/users/{user.Str("id")}?version={disabled.Long("version")}").ExpectAsync(HttpStatusCode.NoContent);
        var other = await root.CreateUserAsync(prefix.Str("id"), $"holder.{Guid.NewGuid():N}@example.test");
        Assert.Equal([other.Str("id")], Ids(await SearchAsync(root, p, "holder.")));
        await root.TerminateAsync(prefix.Str("id"));

        Assert.Empty(await SearchAsync(root, p, "renamed."));
        Assert.Empty(await SearchAsync(root, p, "holder."));
        Assert.Equal([exact.Str("id")], Ids(await SearchAsync(root, p, "acme")));
    }

    [Fact]
    public async Task Search_FindsNothingBehindABarrier_NorOutsideTheSearchRoot()
    {
        var root = await _server.RootAsync();
        var partner = await root.CreateTenantAsync(await root.OwnTenantIdAsync(), "partner");
        var partnerAdmin = await root.CreateClientAndLoginAsync(partner.Str("id"));
        var marker = "m" + Guid.NewGuid().ToString("N")[..10];
        var closed = await partnerAdmin.PostJsonAsync("/api/2/tenants",
            new { name = $"{marker} closed", kind = "customer", parent_id = partner.Str("id"), ancestral_access = false }).ExpectAsync(HttpStatusCode.Created);
        var unit = await partnerAdmin.CreateTenantAsync(closed.Str("id"), "unit", $"{marker} unit");
        var user = await partnerAdmin.CreateUserAsync(unit.Str("id"), $"{marker}@example.test");
        var open = await partnerAdmin.CreateTenantAsync(partner.Str("id"), "customer", $"{marker} open");
        var openAdmin = await root.CreateClientAndLoginAsync(open.Str("id"));

        // The root is above the barrier's parent: it finds the open customer only.
        Assert.Equal([open.Str("id")], Ids(await SearchAsync(root, partner.Str("id"), marker)));
        // The barrier's parent finds everything; a sibling finds only its own subtree.
        Assert.Equal(
            new[] { closed.Str("id"), open.Str("id"), unit.Str("id"), user.Str("id") }.Order(),
            Ids(await SearchAsync(partnerAdmin, partner.Str("id"), marker)).Order());
        Assert.Equal([open.Str("id")], Ids(await SearchAsync(openAdmin, open.Str("id"), marker)));

        await root.GetAsync($"/api/2/search?tenant={closed.Str("id")}&text={marker}").ExpectErrorAsync(HttpStatusCode.Forbidden, 1002);
        await openAdmin.GetAsync($"/api/2/search?tenant={partner.Str("id")}&text={marker}").ExpectErrorAsync(HttpStatusCode.Forbidden, 1002);
        await root.GetAsync($"/api/2/search?tenant={Guid.NewGuid()}&text={marker}").ExpectErrorAsync(HttpStatusCode.NotFound, 1005);
    }

    [Fact]
    public async Task Viewer_Searches_WithinItsTenant()
    {
        var (root, partner, exact, prefix, user, substring) = await AcmeAsync();
        var (_, viewer) = await root.CreateUserAndLoginAsync(partner.Str("id"), "viewer");

        var items = await SearchAsync(viewer, partner.Str("id"), "acme");

        Assert.Equal([exact.Str("id"), prefix.Str("id"), user.Str("id"), substring.Str("id")], Ids(items));
    }

    [Theory]
    [InlineData("text=acme", "tenant")]
    [InlineData("tenant={0}", "text")]
    [InlineData("tenant={0}&text=", "text")]
    [InlineData("tenant={0}&text=acme&limit=0", "limit")]
    [InlineData("tenant={0}&text=acme&limit=ten", "limit")]
    [InlineData("tenant={0}&text=acme&allow_deleted=maybe", "allow_deleted")]
    [InlineData("tenant=not-a-uuid&text=acme", "tenant")]
    public async Task Search_WithBadInput_Is400NamingTheParameter(string query, string field)
    {
        var root = await _server.RootAsync();

        var error = await root.GetAsync($"/api/2/search?{string.Format(CultureInfo.InvariantCulture, query, await root.OwnTenantIdAsync())}")
            .ExpectErrorAsync(HttpStatusCode.BadRequest, 400);

        Assert.Equal(field, error.GetProperty("context").Str("field"));
    }
}

public sealed class SearchTestsSqlite(Providers.SqliteServer fixture) : SearchTests(fixture), IClassFixture<Providers.SqliteServer>;

public sealed class SearchTestsPostgres(Providers.PostgresServer fixture) : SearchTests(fixture), IClassFixture<Providers.PostgresServer>;
