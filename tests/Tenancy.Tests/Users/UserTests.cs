namespace Tenancy.Tests.Users;

/// <summary>Users: create, read, update with versions, delete, logins, passwords, /users/me and a tenant's users.</summary>
public abstract class UserTests(ServerFixture fixture)
{
    private readonly TenancyServer _server = fixture.Server;

    [Fact]
    public async Task Create_ReturnsTheUser_WithVersion1_AndGetShowsTheSame()
    {
        var (root, tree) = await _server.RootWithSubtreeAsync();
        var login = People.NewLogin();

        var created = await root.CreateUserAsync(tree.CustomerId, login, role: "viewer");

        Spec.AssertValid("item0", created);
        Assert.Equal(login, created.Str("login"));
        Assert.Equal(tree.CustomerId, created.Str("tenant_id"));
        Assert.Equal(1, created.Long("version"));
        Assert.True(created.Bool("enabled"));
        Assert.False(created.Bool("activated"));
        Assert.Equal("viewer", created.Str("role"));
        Assert.Equal("person@example.test", created.GetProperty("contact").Str("email"));
        var fetched = await root.GetAsync($"/api/2/users/{created.Str("id")}").ExpectAsync(HttpStatusCode.OK);
        Assert.Equal(created.ToString(), fetched.ToString());
    }

    [Fact]
    public async Task Update_QuotingTheVersion_AppliesAndBumpsIt_AndAStaleVersionIs409WithTheCurrentOne()
    {
        var (root, tree) = await _server.RootWithSubtreeAsync();
        var user = await root.CreateUserAsync(tree.CustomerId);
        var path = $"/api/2/users/{user.Str("id")}";

        var updated = await root.PutJsonAsync(path, new { language = "de", contact = new { email = "new@example.test" }, version = 1 })
            .ExpectAsync(HttpStatusCode.OK);
        var stale = await root.PutJsonAsync(path, new { language = "fr", version = 1 }).ExpectErrorAsync(HttpStatusCode.Conflict, 1001);

        Assert.Equal(2, updated.Long("version"));
        Assert.Equal("new@example.test", updated.GetProperty("contact").Str("email"));
        Assert.Equal(2, stale.GetProperty("context").Long("current_version"));
        var stored = await root.GetAsync(path).ExpectAsync(HttpStatusCode.OK);
        Assert.Equal("de", stored.Str("language"));
        Assert.Equal(2, stored.Long("version"));
    }

    [Fact]
    public async Task Update_ThatChangesNothing_BumpsNoVersion_AndWritesNoAuditRecord()
    {
        var (root, tree) = await _server.RootWithSubtreeAsync();
        var user = await root.CreateUserAsync(tree.CustomerId, role: "viewer");
        var path = $"/api/2/users/{user.Str("id")}";

        var same = await root.PutJsonAsync(path, new { role = "viewer", enabled = true, language = user.Str("language"), version = 1 })
            .ExpectAsync(HttpStatusCode.OK);
        var trail = await root.GetAsync($"/api/2/audit?target_id={user.Str("id")}&operation=user.update").ExpectAsync(HttpStatusCode.OK);

        Assert.Equal(1, same.Long("version"));
        Assert.Equal(1, (await root.GetAsync(path).ExpectAsync(HttpStatusCode.OK)).Long("version"));
        Assert.Equal(0, trail.GetProperty("items").GetArrayLength());
    }

    [Fact]
    public async Task ParallelUpdates_QuotingTheSameVersion_ExactlyOneWins()
    {
        var (root, tree) = await _server.RootWithSubtreeAsync();
        var user = await root.CreateUserAsync(tree.CustomerId);
        var path = $"/api/2/users/{user.Str("id")}";

        var replies = await Task.WhenAll(Enumerable.Range(0, 12).Select(async i =>
        {
            using var response = await root.PutJsonAsync(path, new { external_id = $"writer-{i}", version = 1 });
            return (response.StatusCode, Body: await response.Content.ReadAsStringAsync(TestContext.Current.CancellationToken));
        }));

        Assert.Single(replies, r => r.StatusCode == HttpStatusCode.OK);
        Assert.All(replies.Where(r => r.StatusCode != HttpStatusCode.OK), r =>
        {
            Assert.Equal(HttpStatusCode.Conflict, r.StatusCode);
            Assert.Contains("\"code\":1001", r.Body, StringComparison.Ordinal);
        });
        var winner = JsonDocument.Parse(replies.Single(r => r.StatusCode == HttpStatusCode.OK).Body).RootElement;
        var stored = await root.GetAsync(path).ExpectAsync(HttpStatusCode.OK);
        Assert.Equal(2, stored.Long("version"));
        Assert.Equal(winner.Str("external_id"), stored.Str("external_id"));
    }

    [Fact]
    public async Task Delete_OfAnEnabledUser_Is400_AndOfADisabledOneQuotingItsVersion_RemovesIt()
    {
        var (root, tree) = await _server.RootWithSubtreeAsync();
        var user = await root.CreateUserAsync(tree.CustomerId);
        var path = $"/api/2/users/{user.Str("id")}";

        await root.DeleteAsync($"{path}?version=1").ExpectErrorAsync(HttpStatusCode.BadRequest, 1006);
        var disabled = await root.SetUserEnabledAsync(user.Str("id"), false);
        await root.DeleteAsync($"{path}?version=1").ExpectErrorAsync(HttpStatusCode.Conflict, 1001);
        await root.DeleteAsync(path).ExpectErrorAsync(HttpStatusCode.BadRequest, 400);
        await root.DeleteAsync($"{path}?version={disabled.Long("version")}").ExpectAsync(HttpStatusCode.NoContent);

        await root.GetAsync(path).ExpectErrorAsync(HttpStatusCode.NotFound, 1005);
        // Deleted softly: the row stays, restorable, until the purge (docs/lifecycle.md).
        Assert.NotNull(await _server.StoredRowAsync("SELECT id FROM users WHERE id = @id AND deleted_at IS NOT NULL", "id", user.Str("id")));
    }

    [Fact]
    public async Task Logins_AreUniqueInstallationWide_WithoutRegardToCase_AndCheckLoginTellsIt()
    {
        var (root, tree) = await _server.RootWithSubtreeAsync();
        var other = await root.BuildSubtreeAsync();
        var login = People.NewLogin();
        await root.CheckLoginAsync(login).ExpectAsync(HttpStatusCode.NoContent);
        await root.CreateUserAsync(tree.CustomerId, login);

        var clash = await root.PostUserAsync(other.UnitId, login.ToUpperInvariant()).ExpectErrorAsync(HttpStatusCode.Conflict, 409);

        Assert.Equal("login", clash.GetProperty("context").Str("field"));
        await root.CheckLoginAsync(login.ToUpperInvariant()).ExpectErrorAsync(HttpStatusCode.Conflict, 409);
        await other.CustomerAdmin.CheckLoginAsync(login).ExpectErrorAsync(HttpStatusCode.Conflict, 409);
        var ids = await root.GetAsync($"/api/2/tenants/{other.UnitId}/users").ExpectAsync(HttpStatusCode.OK);
        Assert.Empty(ids.GetProperty("items").EnumerateArray());
        // A rename onto a taken login is refused too, and changes nothing.
        var second = await root.CreateUserAsync(other.UnitId);
        await root.PutJsonAsync($"/api/2/users/{second.Str("id")}", new { login, version = 1 }).ExpectErrorAsync(HttpStatusCode.Conflict, 409);
        Assert.Equal(second.Str("login"), (await root.GetAsync($"/api/2/users/{second.Str("id")}").ExpectAsync(HttpStatusCode.OK)).Str("login"));
    }

    [Theory]
    [InlineData("short-Pw1", "min_length")]
    [InlineData("aaaaaaaaaaaaaaaa", "character_classes")]
    [InlineData("1234567890123", "character_classes")]
    [InlineData("LOGIN", "not_login")]
    public async Task SetPassword_AgainstThePolicy_Is400NamingTheRule_AndSetsNothing(string password, string rule)
    {
        var (root, tree) = await _server.RootWithSubtreeAsync();
        var login = "Login-" + Guid.NewGuid().ToString("N")[..10];
        var user = await root.CreateUserAsync(tree.CustomerId, login);
        password = password == "LOGIN" ? login.ToLowerInvariant() : password;

        var error = await root.SetPasswordAsync(user.Str("id"), password).ExpectErrorAsync(HttpStatusCode.BadRequest, 400);

        Assert.Equal("password", error.GetProperty("context").Str("field"));
        Assert.Contains($"rule: {rule}", error.GetProperty("details").Str("info"), StringComparison.Ordinal);
        Assert.False((await root.GetAsync($"/api/2/users/{user.Str("id")}").ExpectAsync(HttpStatusCode.OK)).Bool("activated"));
        await _server.PasswordGrantAsync(login, password).ExpectAsync(HttpStatusCode.Unauthorized);
    }

    [Fact]
    public async Task SetPassword_StoresAStandardHash_NeverTheClearText_AndActivatesTheUser()
    {
        var (root, tree) = await _server.RootWithSubtreeAsync();
        var user = await root.CreateUserAsync(tree.CustomerId);

        await root.SetPasswordAsync(user.Str("id"), People.Password).ExpectAsync(HttpStatusCode.NoContent);

        var row = string.Join("|", (await _server.StoredRowAsync("SELECT password_hash FROM users WHERE id = @id", "id", user.Str("id")))!);
        Assert.DoesNotContain(People.Password, row, StringComparison.Ordinal);
        // ASP.NET Core Identity v3 format: base64 starting with the 0x01 marker byte.
        Assert.StartsWith("password_hash=AQAAAA", row, StringComparison.Ordinal);
        Assert.True((await root.GetAsync($"/api/2/users/{user.Str("id")}").ExpectAsync(HttpStatusCode.OK)).Bool("activated"));
    }

    [Fact]
    public async Task Me_ForAUserToken_ShowsTheUserAndItsTenant_AndForAClientTokenIs403()
    {
        var (root, tree) = await _server.RootWithSubtreeAsync();
        var (user, session) = await root.CreateUserAndLoginAsync(tree.CustomerId);

        var me = await session.GetAsync("/api/2/users/me").ExpectAsync(HttpStatusCode.OK);

        Spec.AssertValid("userMe", me);
        Assert.Equal(user.Str("id"), me.Str("id"));
        Assert.Equal("customer", me.Str("tenant_kind"));
        Assert.True(me.Bool("activated"));
        await root.GetAsync("/api/2/users/me").ExpectErrorAsync(HttpStatusCode.Forbidden, 1002);
    }

    [Fact]
    public async Task TenantUsers_ListsTheIdsOfTheTenantsOwnUsers_WithinReachOnly()
    {
        var (root, tree) = await _server.RootWithSubtreeAsync();
        var first = await root.CreateUserAsync(tree.CustomerId);
        var second = await tree.CustomerAdmin.CreateUserAsync(tree.CustomerId);
        await root.CreateUserAsync(tree.UnitId);

        var ids = await tree.CustomerAdmin.GetAsync($"/api/2/tenants/{tree.CustomerId}/users").ExpectAsync(HttpStatusCode.OK);

        Assert.Equal([first.Str("id"), second.Str("id")], ids.GetProperty("items").EnumerateArray().Select(i => i.GetString()!));
        await tree.CustomerAdmin.GetAsync($"/api/2/tenants/{tree.PartnerId}/users").ExpectErrorAsync(HttpStatusCode.Forbidden, 1002);
        await tree.CustomerAdmin.GetAsync($"/api/2/users/{(await root.CreateUserAsync(tree.PartnerId)).Str("id")}")
            .ExpectErrorAsync(HttpStatusCode.Forbidden, 1002);
    }

    [Fact]
    public async Task Terminate_DeletesTheSubtreesUsers_AndTheirTokensStopWorking()
    {
        var (root, tree) = await _server.RootWithSubtreeAsync();
        var (unitUser, unitSession) = await root.CreateUserAndLoginAsync(tree.UnitId);
        await unitSession.GetAsync("/api/2/users/me").ExpectAsync(HttpStatusCode.OK);

        await root.TerminateAsync(tree.PartnerId);

        await unitSession.GetAsync("/api/2/users/me").ExpectErrorAsync(HttpStatusCode.Unauthorized, 401);
        await root.GetAsync($"/api/2/users/{unitUser.Str("id")}").ExpectErrorAsync(HttpStatusCode.NotFound, 1005);
        await _server.PasswordGrantAsync(unitUser.Str("login"), People.Password).ExpectAsync(HttpStatusCode.Unauthorized);
        await root.CheckLoginAsync(unitUser.Str("login")).ExpectAsync(HttpStatusCode.NoContent);
    }

    [Theory]
    [InlineData("""{"login": "x"}""", "tenant_id")]
    [InlineData("""{"tenant_id": "TENANT", "contact": {"email": "a@b.c"}}""", "login")]
    [InlineData("""{"tenant_id": "TENANT", "login": "has space", "contact": {"email": "a@b.c"}}""", "login")]
    [InlineData("""{"tenant_id": "TENANT", "login": "LOGIN"}""", "contact.email")]
    [InlineData("""{"tenant_id": "TENANT", "login": "LOGIN", "contact": {"email": "nope"}}""", "contact.email")]
    [InlineData("""{"tenant_id": "TENANT", "login": "LOGIN", "contact": {"email": "a@b.c"}, "role": "owner"}""", "role")]
    [InlineData("""{"tenant_id": "TENANT", "login": "LOGIN", "contact": {"email": "a@b.c"}, "enabled": "maybe"}""", "enabled")]
    [InlineData("""{"tenant_id": "not-a-uuid", "login": "LOGIN", "contact": {"email": "a@b.c"}}""", "tenant_id")]
    public async Task Create_WithBadInput_Is400NamingTheField_AndCreatesNothing(string body, string field)
    {
        var (root, tree) = await _server.RootWithSubtreeAsync();
        var login = People.NewLogin();
        body = body.Replace("TENANT", tree.UnitId, StringComparison.Ordinal).Replace("LOGIN", login, StringComparison.Ordinal);

        var error = await root.PostJsonAsync("/api/2/users", body).ExpectErrorAsync(HttpStatusCode.BadRequest, 400);

        Assert.Equal(field, error.GetProperty("context").Str("field"));
        await root.CheckLoginAsync(login).ExpectAsync(HttpStatusCode.NoContent);
        var ids = await root.GetAsync($"/api/2/tenants/{tree.UnitId}/users").ExpectAsync(HttpStatusCode.OK);
        Assert.Empty(ids.GetProperty("items").EnumerateArray());
    }

    [Fact]
    public async Task SendActivationEmail_WithoutEmailConfigured_Is503SayingSo_AndQueuesNothing()
    {
        var (root, tree) = await _server.RootWithSubtreeAsync();
        var user = await root.CreateUserAsync(tree.CustomerId);

        var error = await root.Http.PostAsync($"/api/2/users/{user.Str("id")}/send-activation-email", null, TestContext.Current.CancellationToken)
            .ExpectErrorAsync(HttpStatusCode.ServiceUnavailable, 503);

        Assert.Contains("Email is not configured", error.GetProperty("details").Str("info"), StringComparison.Ordinal);
        Assert.Contains("Tenancy:Email:SmtpHost", error.GetProperty("details").Str("info"), StringComparison.Ordinal);
        var status = await root.GetAsync($"/api/2/users/{user.Str("id")}/activation-email").ExpectAsync(HttpStatusCode.OK);
        Assert.Equal(("none", 0L), (status.Str("status"), status.Long("attempts")));
    }
}

internal static class LoginChecks
{
    public static Task<HttpResponseMessage> CheckLoginAsync(this Api api, string login) =>
        api.GetAsync($"/api/2/users/check_login?username={Uri.EscapeDataString(login)}");
}

public sealed class UserTestsSqlite(Providers.SqliteServer fixture) : UserTests(fixture), IClassFixture<Providers.SqliteServer>;

public sealed class UserTestsPostgres(Providers.PostgresServer fixture) : UserTests(fixture), IClassFixture<Providers.PostgresServer>;
