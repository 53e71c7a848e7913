namespace Tenancy.Tests.Auth;

/// <summary>The password grant for users: good and bad credentials, disabled users, suspended subtrees, scopes.</summary>
public abstract class PasswordGrantTests(ServerFixture fixture)
{
    private readonly TenancyServer _server = fixture.Server;

    [Fact]
    public async Task AGoodPassword_IssuesAUserToken_WithSubTenantRoleAndScope()
    {
        var root = await _server.RootAsync();
        var tree = await root.BuildSubtreeAsync();
        var user = await root.CreateUserAsync(tree.CustomerId, role: "viewer");
        await root.SetPasswordAsync(user.Str("id"), People.Password).ExpectAsync(HttpStatusCode.NoContent);

        var token = await _server.PasswordGrantAsync(user.Str("login").ToUpperInvariant(), People.Password).ExpectAsync(HttpStatusCode.OK);

        Spec.AssertValid("token", token);
        var claims = People.Claims(token.Str("access_token"));
        Assert.Equal(user.Str("id"), claims.Str("sub"));
        Assert.Equal(tree.CustomerId, claims.Str("tenant_id"));
        Assert.Equal("viewer", claims.Str("role"));
        Assert.Equal("urn:acronis.com::account-server::tenant_viewer", claims.Str("scope"));
        using var http = _server.WithBearer(token.Str("access_token"));
        var me = await http.GetAsync("/api/2/users/me", TestContext.Current.CancellationToken).ExpectAsync(HttpStatusCode.OK);
        Assert.Equal(user.Str("id"), me.Str("id"));
    }

    [Fact]
    public async Task ClientTokens_CarryTheAdminOrViewerScope_OfTheClientsRole()
    {
        var root = await _server.RootAsync();
        var tree = await root.BuildSubtreeAsync();
        var viewer = await root.PostJsonAsync("/api/2/clients", new
        {
            type = "api_client", tenant_id = tree.CustomerId, token_endpoint_auth_method = "client_secret_basic", role = "viewer",
        }).ExpectAsync(HttpStatusCode.Created);

        var adminClaims = People.Claims(await _server.TokenAsync(tree.CustomerAdmin.ClientId, tree.CustomerAdmin.Secret));
        var viewerClaims = People.Claims(await _server.TokenAsync(viewer.Str("client_id"), viewer.Str("client_secret")));

        Assert.Equal("viewer", viewer.Str("role"));
        Assert.Equal("urn:acronis.com::account-server::tenant_admin", adminClaims.Str("scope"));
        Assert.Equal("urn:acronis.com::account-server::tenant_viewer", viewerClaims.Str("scope"));
        Assert.Equal(viewer.Str("client_id"), viewerClaims.Str("sub"));
    }

    [Fact]
    public async Task AWrongPassword_AnUnknownLogin_OrNoPasswordSet_Is401InvalidGrant()
    {
        var root = await _server.RootAsync();
        var tree = await root.BuildSubtreeAsync();
        var user = await root.CreateUserAsync(tree.CustomerId);
        var unset = await root.CreateUserAsync(tree.CustomerId);
        await root.SetPasswordAsync(user.Str("id"), People.Password).ExpectAsync(HttpStatusCode.NoContent);

        foreach (var (login, password) in new[] { (user.Str("login"), "Wrong-Password-1"), (People.NewLogin(), People.Password), (unset.Str("login"), People.Password) })
        {
            var body = await _server.PasswordGrantAsync(login, password).ExpectAsync(HttpStatusCode.Unauthorized);
            Assert.Equal("invalid_grant", body.Str("error"));
            Assert.Equal("The username or password is wrong.", body.Str("error_description"));
        }
    }

    [Fact]
    public async Task ADisabledUser_CannotLogIn_AndItsLiveTokenIsRefusedAtOnce_UntilEnabledAgain()
    {
        var root = await _server.RootAsync();
        var tree = await root.BuildSubtreeAsync();
        var (user, session) = await root.CreateUserAndLoginAsync(tree.CustomerId);

        await root.SetUserEnabledAsync(user.Str("id"), false);

        var refused = await _server.PasswordGrantAsync(user.Str("login"), People.Password).ExpectAsync(HttpStatusCode.Unauthorized);
        Assert.Contains("disabled", refused.Str("error_description"), StringComparison.Ordinal);
        await session.ExpectLockedOutAsync("/api/2/users/me");
        await root.SetUserEnabledAsync(user.Str("id"), true);
        await session.GetAsync("/api/2/users/me").ExpectAsync(HttpStatusCode.OK);
    }

    [Fact]
    public async Task AUserOfASuspendedSubtree_CannotLogIn_ItsLiveTokenIsRefused_AndReactivationRestoresBoth()
    {
        var root = await _server.RootAsync();
        var tree = await root.BuildSubtreeAsync();
        var (user, session) = await root.CreateUserAndLoginAsync(tree.UnitId);

        await root.SetEnabledAsync(tree.PartnerId, false);

        var locked = await session.ExpectLockedOutAsync($"/api/2/tenants/{tree.UnitId}");
        Assert.Contains(tree.PartnerId, locked.GetProperty("details").Str("info"), StringComparison.Ordinal);
        var refused = await _server.PasswordGrantAsync(user.Str("login"), People.Password).ExpectAsync(HttpStatusCode.Unauthorized);
        Assert.Equal("invalid_grant", refused.Str("error"));
        await root.SetEnabledAsync(tree.PartnerId, true);
        await session.GetAsync($"/api/2/tenants/{tree.UnitId}").ExpectAsync(HttpStatusCode.OK);
        await _server.PasswordGrantAsync(user.Str("login"), People.Password).ExpectAsync(HttpStatusCode.OK);
    }

    [Fact]
    public async Task ANewPassword_EndsTheUsersExistingTokens_AndTheOldPasswordNoLongerWorks()
    {
        var root = await _server.RootAsync();
        var tree = await root.BuildSubtreeAsync();
        var (user, session) = await root.CreateUserAndLoginAsync(tree.CustomerId);

        await root.SetPasswordAsync(user.Str("id"), "Another-Secret-77").ExpectAsync(HttpStatusCode.NoContent);

        await session.ExpectLockedOutAsync("/api/2/users/me");
        await _server.PasswordGrantAsync(user.Str("login"), People.Password).ExpectAsync(HttpStatusCode.Unauthorized);
        await _server.PasswordGrantAsync(user.Str("login"), "Another-Secret-77").ExpectAsync(HttpStatusCode.OK);
    }

    [Fact]
    public async Task WithClientAuthentication_TheClientMustBeRight_AndTheUserWithinItsReach()
    {
        var root = await _server.RootAsync();
        var tree = await root.BuildSubtreeAsync();
        var partnerUser = await root.CreateUserAsync(tree.PartnerId);
        await root.SetPasswordAsync(partnerUser.Str("id"), People.Password).ExpectAsync(HttpStatusCode.NoContent);
        var client = (tree.CustomerAdmin.ClientId, tree.CustomerAdmin.Secret);

        var wrongClient = await _server.PasswordGrantAsync(partnerUser.Str("login"), People.Password, (client.ClientId, "wrong"))
            .ExpectAsync(HttpStatusCode.Unauthorized);
        var outOfReach = await _server.PasswordGrantAsync(partnerUser.Str("login"), People.Password, client)
            .ExpectAsync(HttpStatusCode.Unauthorized);
        var partnerClient = await root.CreateClientAsync(tree.PartnerId);
        var good = await _server.PasswordGrantAsync(partnerUser.Str("login"), People.Password,
            (partnerClient.Str("client_id"), partnerClient.Str("client_secret"))).ExpectAsync(HttpStatusCode.OK);

        Assert.Equal("invalid_client", wrongClient.Str("error"));
        Assert.Equal("invalid_grant", outOfReach.Str("error"));
        Assert.Equal(partnerClient.Str("client_id"), People.Claims(good.Str("access_token")).Str("client_id"));
    }
}

public sealed class PasswordGrantTestsSqlite(Providers.SqliteServer fixture) : PasswordGrantTests(fixture), IClassFixture<Providers.SqliteServer>;

public sealed class PasswordGrantTestsPostgres(Providers.PostgresServer fixture) : PasswordGrantTests(fixture), IClassFixture<Providers.PostgresServer>;
