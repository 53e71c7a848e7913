using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using Tenancy.Server.Auth;
using Tenancy.Server.Storage;

namespace Tenancy.Tests.Auth;

/// <summary>
/// Token exchange (grant_type=urn:ietf:params:oauth:grant-type:jwt-bearer): a token narrowed to a tenant's
/// subtree, which only ever subtracts from the assertion's reach and never outlives it.
/// </summary>
public abstract class TokenExchangeTests(StorageProvider provider) : ServerTests(provider)
{
    private static string Scope(string tenantId) => "urn:acronis.com:tenant-id:" + tenantId;

    [Fact]
    public async Task APartnerToken_ScopedToACustomer_ReachesThatSubtreeOnly()
    {
        var (root, tree) = await Server.RootWithSubtreeAsync();
        using var partner = await root.CreateClientAndLoginAsync(tree.PartnerId);
        var sibling = await root.CreateTenantAsync(tree.PartnerId, "customer");

        var token = await Server.ExchangeAsync(partner.Token(), Scope(tree.CustomerId)).ExpectAsync(HttpStatusCode.OK);

        Spec.AssertValid("token", token);
        var claims = People.Claims(token.Str("access_token"));
        var assertion = People.Claims(partner.Token());
        Assert.Equal(partner.ClientId, claims.Str("sub"));
        Assert.Equal(tree.PartnerId, claims.Str("tenant_id")); // still a principal of its own tenant
        Assert.Equal(tree.CustomerId, claims.Str("scope_tenant_id"));
        Assert.Contains(Scope(tree.CustomerId), claims.Str("scope"), StringComparison.Ordinal);
        Assert.True(claims.Long("exp") <= assertion.Long("exp"));
        using var scoped = new Api(Server, Server.WithBearer(token.Str("access_token")), partner.ClientId, partner.Secret);
        await scoped.GetAsync($"/api/2/tenants/{tree.CustomerId}").ExpectAsync(HttpStatusCode.OK);
        await scoped.GetAsync($"/api/2/tenants/{tree.UnitId}").ExpectAsync(HttpStatusCode.OK);
        var unit = await scoped.CreateTenantAsync(tree.CustomerId, "unit");
        foreach (var outside in new[] { tree.PartnerId, sibling.Str("id") })
        {
            var error = await scoped.GetAsync($"/api/2/tenants/{outside}").ExpectErrorAsync(HttpStatusCode.Forbidden, 1002);
            Assert.Contains("scope", error.GetProperty("details").Str("info"), StringComparison.Ordinal);
        }

        await scoped.PostJsonAsync("/api/2/tenants", new { name = "n", kind = "customer", parent_id = tree.PartnerId })
            .ExpectErrorAsync(HttpStatusCode.Forbidden, 1002);
        var listed = await scoped.GetAsync("/api/v2.1/tenants?limit=100").ExpectAsync(HttpStatusCode.OK);
        Assert.Equal(
            new[] { tree.CustomerId, tree.UnitId, unit.Str("id") }.Order(),
            listed.GetProperty("result").GetProperty("records").EnumerateArray().Select(r => r.Str("id")).Order());
    }

    [Fact]
    public async Task AScopedToken_IsNoPrincipalOfTheScopedTenant_ABarrierBelowItAndItsUpdateLockStillHold()
    {
        var (root, tree) = await Server.RootWithSubtreeAsync();
        using var partner = await root.CreateClientAndLoginAsync(tree.PartnerId);
        var closed = await partner.PostJsonAsync("/api/2/tenants",
            new { name = "closed", kind = "customer", parent_id = tree.PartnerId, ancestral_access = false }).ExpectAsync(HttpStatusCode.Created);
        var locked = await partner.PostJsonAsync("/api/2/tenants",
            new { name = "locked", kind = "customer", parent_id = tree.PartnerId, update_lock = new { enabled = true } }).ExpectAsync(HttpStatusCode.Created);

        using var scoped = await root.ScopedAsync(tree.PartnerId);

        // The partner's own admin passes both; the root's token narrowed to the partner passes neither.
        await partner.GetAsync($"/api/2/tenants/{closed.Str("id")}").ExpectAsync(HttpStatusCode.OK);
        await scoped.GetAsync($"/api/2/tenants/{closed.Str("id")}").ExpectErrorAsync(HttpStatusCode.Forbidden, 1002);
        await scoped.PutJsonAsync($"/api/2/tenants/{locked.Str("id")}", new { name = "renamed", version = locked.Long("version") })
            .ExpectErrorAsync(HttpStatusCode.Forbidden, 1012);
        Assert.Equal("locked", (await root.GetTenantAsync(locked.Str("id"))).Str("name"));
        await Server.ExchangeAsync(scoped.Token(), Scope(closed.Str("id"))).ExpectAsync(HttpStatusCode.Forbidden);
    }

    [Fact]
    public async Task AScopeOutsideReach_BehindABarrier_OrMalformed_IsRefusedInTheOAuthShape()
    {
        var (root, tree) = await Server.RootWithSubtreeAsync();
        using var partner = await root.CreateClientAndLoginAsync(tree.PartnerId);
        var closed = await partner.PostJsonAsync("/api/2/tenants",
            new { name = "closed", kind = "customer", parent_id = tree.PartnerId, ancestral_access = false }).ExpectAsync(HttpStatusCode.Created);

        await ExpectRefusalAsync(tree.CustomerAdmin.Token(), Scope(tree.PartnerId), HttpStatusCode.Forbidden, "invalid_scope");
        await ExpectRefusalAsync(root.Token(), Scope(closed.Str("id")), HttpStatusCode.Forbidden, "invalid_scope");
        foreach (var bad in new[] { "", "urn:acronis.com:tenant-id:not-a-uuid", $"{Scope(tree.CustomerId)} {Scope(tree.UnitId)}", "openid" })
        {
            await ExpectRefusalAsync(root.Token(), bad, HttpStatusCode.BadRequest, "invalid_scope");
        }

        await ExpectRefusalAsync(root.Token(), Scope(Guid.NewGuid().ToString()), HttpStatusCode.BadRequest, "invalid_scope");
        await ExpectRefusalAsync("", Scope(tree.CustomerId), HttpStatusCode.BadRequest, "invalid_request");
        await ExpectRefusalAsync("not.a.token", Scope(tree.CustomerId), HttpStatusCode.BadRequest, "invalid_grant");
    }

    [Fact]
    public async Task AnExpiredAssertion_IsInvalidGrant_AndAnExchangedTokenNeverOutlivesItsAssertion()
    {
        var (root, tree) = await Server.RootWithSubtreeAsync();
        var tenantId = await root.OwnTenantIdAsync();
        var generation = People.Claims(root.Token()).Long("gen");
        var holder = new TokenHolder(PrincipalKind.Client, root.ClientId, tenantId, "admin", generation, root.ClientId);
        var keys = Server.Services.GetRequiredService<SigningKeys>();
        // Tokens signed with the server's keys, by a token service whose clock and lifetime the test sets.
        var expired = await new TokenService(keys, Options.Create(new TokenOptions { TokenLifetime = TimeSpan.FromMinutes(1) }),
            new FixedClock(DateTimeOffset.UtcNow.AddHours(-1))).IssueAsync(holder, "http://test", TestContext.Current.CancellationToken);
        var brief = await new TokenService(keys, Options.Create(new TokenOptions { TokenLifetime = TimeSpan.FromMinutes(5) }),
            TimeProvider.System).IssueAsync(holder, "http://test", TestContext.Current.CancellationToken);

        await ExpectRefusalAsync(expired.AccessToken, Scope(tree.CustomerId), HttpStatusCode.BadRequest, "invalid_grant");
        var token = await Server.ExchangeAsync(brief.AccessToken, Scope(tree.CustomerId)).ExpectAsync(HttpStatusCode.OK);

        Assert.Equal(brief.ExpiresOn, People.Claims(token.Str("access_token")).Long("exp"));
        Assert.Equal(brief.ExpiresOn, token.Long("expires_on"));
        Assert.InRange(token.Long("expires_in"), 0, 300);
    }

    [Fact]
    public async Task AScopedToken_IsRefusedAtOnce_WhenItsHoldersTenantIsDisabled()
    {
        var (root, tree) = await Server.RootWithSubtreeAsync();
        using var partner = await root.CreateClientAndLoginAsync(tree.PartnerId);
        using var scoped = await partner.ScopedAsync(tree.CustomerId);
        await scoped.GetAsync($"/api/2/tenants/{tree.CustomerId}").ExpectAsync(HttpStatusCode.OK);

        await root.SetEnabledAsync(tree.PartnerId, false);

        await scoped.GetAsync($"/api/2/tenants/{tree.CustomerId}").ExpectErrorAsync(HttpStatusCode.Unauthorized, 401);
    }

    private async Task ExpectRefusalAsync(string assertion, string scope, HttpStatusCode status, string error)
    {
        var body = await Server.ExchangeAsync(assertion, scope).ExpectAsync(status);
        Assert.Equal(error, body.Str("error"));
        Assert.False(string.IsNullOrWhiteSpace(body.Str("error_description")));
        Assert.False(body.TryGetProperty("access_token", out _));
    }

    private sealed class FixedClock(DateTimeOffset now) : TimeProvider
    {
        public override DateTimeOffset GetUtcNow() => now;
    }
}

public sealed class TokenExchangeTestsSqlite() : TokenExchangeTests(StorageProvider.Sqlite);

public sealed class TokenExchangeTestsPostgres() : TokenExchangeTests(StorageProvider.Postgres);
