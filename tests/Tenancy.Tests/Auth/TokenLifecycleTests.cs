using System.Net.Http.Headers;
using System.Text;

namespace Tenancy.Tests.Auth;

/// <summary>Introspection (RFC 7662), revocation (RFC 7009) and secret reset.</summary>
public abstract class TokenLifecycleTests(ServerFixture fixture)
{
    private readonly TenancyServer _server = fixture.Server;

    /// <summary>POSTs token=... to an idp endpoint, authenticated as the root client with HTTP Basic unless given a client.</summary>
    private async Task<HttpResponseMessage> PostTokenAsync(string endpoint, string token, HttpClient? as_ = null)
    {
        using var own = as_ is null ? _server.Anonymous() : null;
        var http = as_ ?? own!;
        using var request = new HttpRequestMessage(HttpMethod.Post, $"/api/2/idp/{endpoint}")
        {
            Content = new FormUrlEncodedContent(new Dictionary<string, string> { ["token"] = token }),
        };
        if (as_ is null)
        {
            request.Headers.Authorization = new AuthenticationHeaderValue("Basic",
                Convert.ToBase64String(Encoding.UTF8.GetBytes($"{TenancyServer.RootClientId}:{_server.RootSecret}")));
        }

        return await http.SendAsync(request, TestContext.Current.CancellationToken);
    }

    private async Task<JsonElement> IntrospectAsync(string token) =>
        await PostTokenAsync("introspect_token", token).ExpectAsync(HttpStatusCode.OK);

    private async Task AssertInactiveAsync(string token)
    {
        var answer = await IntrospectAsync(token);
        Assert.False(answer.Bool("active"));
        Assert.Single(answer.EnumerateObject());
    }

    [Fact]
    public async Task Introspect_OfALiveClientToken_IsActive_WithItsClaims()
    {
        var root = await _server.RootAsync();
        var tree = await root.BuildSubtreeAsync();
        var token = tree.CustomerAdmin.Token();

        var answer = await IntrospectAsync(token);

        var claims = People.Claims(token);
        Assert.True(answer.Bool("active"));
        Assert.Equal(tree.CustomerAdmin.ClientId, answer.Str("sub"));
        Assert.Equal(tree.CustomerAdmin.ClientId, answer.Str("client_id"));
        Assert.Equal(tree.CustomerId, answer.Str("tenant_id"));
        Assert.Equal("urn:acronis.com::account-server::tenant_admin", answer.Str("scope"));
        Assert.Equal(claims.Long("exp"), answer.Long("exp"));
        Assert.Equal(claims.Long("iat"), answer.Long("iat"));
    }

    [Fact]
    public async Task Introspect_ReportsInactive_OnceTheSubtreeIsSuspended_AndActiveAgainAfterReactivation()
    {
        var root = await _server.RootAsync();
        var tree = await root.BuildSubtreeAsync();
        var (_, session) = await root.CreateUserAndLoginAsync(tree.UnitId);

        await root.SetEnabledAsync(tree.PartnerId, false);
        await AssertInactiveAsync(tree.CustomerAdmin.Token());
        await AssertInactiveAsync(session.Token());
        await root.SetEnabledAsync(tree.PartnerId, true);

        Assert.True((await IntrospectAsync(session.Token())).Bool("active"));
        Assert.Equal(tree.UnitId, (await IntrospectAsync(session.Token())).Str("tenant_id"));
    }

    [Fact]
    public async Task Introspect_ReportsInactive_ForADeletedTenantsTokens()
    {
        var root = await _server.RootAsync();
        var tree = await root.BuildSubtreeAsync();
        var (_, session) = await root.CreateUserAndLoginAsync(tree.CustomerId);

        await root.TerminateAsync(tree.PartnerId);

        await AssertInactiveAsync(tree.CustomerAdmin.Token());
        await AssertInactiveAsync(session.Token());
    }

    [Fact]
    public async Task Introspect_ReportsInactive_ForADisabledClient_AndADeletedUser()
    {
        var root = await _server.RootAsync();
        var tree = await root.BuildSubtreeAsync();
        var (user, session) = await root.CreateUserAndLoginAsync(tree.CustomerId);

        await root.PutJsonAsync($"/api/2/clients/{tree.CustomerAdmin.ClientId}", new { status = "disabled" }).ExpectAsync(HttpStatusCode.OK);
        var disabled = await root.SetUserEnabledAsync(user.Str("id"), false);
        await root.DeleteAsync($"/api/2/users/{user.Str("id")}?version={disabled.Long("version")}").ExpectAsync(HttpStatusCode.NoContent);

        await AssertInactiveAsync(tree.CustomerAdmin.Token());
        await AssertInactiveAsync(session.Token());
        await session.ExpectLockedOutAsync("/api/2/users/me");
    }

    [Fact]
    public async Task Introspect_OfGarbage_OrOfATokenOutsideTheCallersReach_IsInactive_AndNeedsAnAuthenticatedClient()
    {
        var root = await _server.RootAsync();
        var tree = await root.BuildSubtreeAsync();
        var other = await root.BuildSubtreeAsync();
        var (_, session) = await root.CreateUserAndLoginAsync(tree.CustomerId);

        await AssertInactiveAsync("not.a.token");
        var outside = await PostTokenAsync("introspect_token", other.CustomerAdmin.Token(), tree.CustomerAdmin.Http).ExpectAsync(HttpStatusCode.OK);
        Assert.False(outside.Bool("active"));
        using var anonymous = _server.Anonymous();
        var unauthenticated = await PostTokenAsync("introspect_token", session.Token(), anonymous).ExpectAsync(HttpStatusCode.Unauthorized);
        Assert.Equal("invalid_client", unauthenticated.Str("error"));
        var byUser = await PostTokenAsync("introspect_token", session.Token(), session.Http).ExpectAsync(HttpStatusCode.Unauthorized);
        Assert.Equal("invalid_client", byUser.Str("error"));
    }

    [Fact]
    public async Task Revoke_OfOwnToken_Is200_AndTheTokenIsRefusedNextRequest_WhileANewOneWorks()
    {
        var root = await _server.RootAsync();
        var tree = await root.BuildSubtreeAsync();
        var (user, session) = await root.CreateUserAndLoginAsync(tree.CustomerId);

        var reply = await PostTokenAsync("revoke_token", session.Token(), session.Http).ExpectAsync(HttpStatusCode.OK);

        Assert.Equal(JsonValueKind.Undefined, reply.ValueKind);
        var locked = await session.ExpectLockedOutAsync("/api/2/users/me");
        Assert.Contains("revoked", locked.GetProperty("details").Str("info"), StringComparison.Ordinal);
        await AssertInactiveAsync(session.Token());
        using var fresh = await _server.LoginUserAsync(user.Str("login"));
        await fresh.GetAsync("/api/2/users/me").ExpectAsync(HttpStatusCode.OK);
        // Revoking again, or revoking garbage, is still 200 (RFC 7009 2.2).
        await PostTokenAsync("revoke_token", session.Token(), fresh.Http).ExpectAsync(HttpStatusCode.OK);
        await PostTokenAsync("revoke_token", "garbage", fresh.Http).ExpectAsync(HttpStatusCode.OK);
    }

    [Fact]
    public async Task Revoke_ByAnAdminAbove_Works_ButNotByAnOutsider()
    {
        var root = await _server.RootAsync();
        var tree = await root.BuildSubtreeAsync();
        var other = await root.BuildSubtreeAsync();
        using var unitClient = await root.CreateClientAndLoginAsync(tree.UnitId);
        using var second = await root.CreateClientAndLoginAsync(tree.UnitId);

        await PostTokenAsync("revoke_token", unitClient.Token(), other.CustomerAdmin.Http).ExpectAsync(HttpStatusCode.OK);
        await unitClient.GetAsync($"/api/2/tenants/{tree.UnitId}").ExpectAsync(HttpStatusCode.OK);
        await PostTokenAsync("revoke_token", unitClient.Token(), tree.CustomerAdmin.Http).ExpectAsync(HttpStatusCode.OK);

        await unitClient.ExpectLockedOutAsync($"/api/2/tenants/{tree.UnitId}");
        await second.GetAsync($"/api/2/tenants/{tree.UnitId}").ExpectAsync(HttpStatusCode.OK);
    }

    [Fact]
    public async Task SecretReset_ReturnsANewSecretOnce_AndRefusesTheOldTokenAndTheOldSecret()
    {
        var root = await _server.RootAsync();
        var tree = await root.BuildSubtreeAsync();
        var client = tree.CustomerAdmin;

        var reset = await root.PostJsonAsync($"/api/2/clients/{client.ClientId}/secret", new { }).ExpectAsync(HttpStatusCode.OK);

        Assert.Equal(client.ClientId, reset.Str("client_id"));
        Assert.NotEqual(client.Secret, reset.Str("client_secret"));
        await client.ExpectLockedOutAsync($"/api/2/tenants/{tree.CustomerId}");
        await AssertInactiveAsync(client.Token());
        await _server.ExpectInvalidClientAsync(client.ClientId, client.Secret);
        using var renewed = await _server.LoginAsync(client.ClientId, reset.Str("client_secret"));
        await renewed.GetAsync($"/api/2/tenants/{tree.CustomerId}").ExpectAsync(HttpStatusCode.OK);
        var fetched = await root.GetAsync($"/api/2/clients/{client.ClientId}").ExpectAsync(HttpStatusCode.OK);
        Assert.False(fetched.TryGetProperty("client_secret", out _));
    }
}

public sealed class TokenLifecycleTestsSqlite(Providers.SqliteServer fixture) : TokenLifecycleTests(fixture), IClassFixture<Providers.SqliteServer>;

public sealed class TokenLifecycleTestsPostgres(Providers.PostgresServer fixture) : TokenLifecycleTests(fixture), IClassFixture<Providers.PostgresServer>;
