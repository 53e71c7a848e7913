using System.Security.Claims;
using System.Security.Cryptography;
using Microsoft.IdentityModel.JsonWebTokens;
using Microsoft.IdentityModel.Tokens;

namespace Tenancy.Tests.Auth;

/// <summary>Bearer tokens the API must refuse: signed by another key, or expired.</summary>
public abstract class BearerTokenTests(ServerFixture fixture)
{
    private readonly TenancyServer _server = fixture.Server;

    /// <summary>The server's current signing key, read from its store (what an attacker must not have).</summary>
    private async Task<RsaSecurityKey> ServerKeyAsync()
    {
        var row = await _server.StoredRowAsync(
            "SELECT kid, private_key FROM signing_keys WHERE created_at >= @since ORDER BY created_at DESC LIMIT 1", "since", 0L);
        Assert.True(row is not null, "no signing key stored");
        var rsa = RSA.Create();
        rsa.ImportPkcs8PrivateKey(Convert.FromBase64String(row[1]["private_key=".Length..]), out _);
        return new RsaSecurityKey(rsa) { KeyId = row[0]["kid=".Length..] };
    }

    /// <summary>An access token shaped like the server's, for a client, signed with <paramref name="key"/>.</summary>
    private static string Forge(SecurityKey key, string clientId, DateTime notBefore, DateTime expires) =>
        new JsonWebTokenHandler { SetDefaultTimesOnTokenCreation = false }.CreateToken(new SecurityTokenDescriptor
        {
            Issuer = "https://elsewhere.test",
            Audience = "tenancy",
            Subject = new ClaimsIdentity([new Claim("sub", clientId)]),
            Claims = new Dictionary<string, object> { ["client_id"] = clientId },
            IssuedAt = notBefore,
            NotBefore = notBefore,
            Expires = expires,
            TokenType = "at+jwt",
            SigningCredentials = new SigningCredentials(key, SecurityAlgorithms.RsaSha256),
        });

    private async Task<(Api Root, string TenantPath)> TargetAsync()
    {
        var root = await _server.RootAsync();
        return (root, $"/api/2/tenants/{await root.OwnTenantIdAsync()}");
    }

    [Fact]
    public async Task ATokenForgedWithTheServersKey_IsAccepted_SoTheRefusalsBelowAreAboutKeyAndExpiry()
    {
        var (root, path) = await TargetAsync();
        var now = DateTime.UtcNow;
        using var http = _server.WithBearer(Forge(await ServerKeyAsync(), root.ClientId, now.AddMinutes(-1), now.AddMinutes(10)));

        var tenant = await http.GetAsync(path, TestContext.Current.CancellationToken).ExpectAsync(HttpStatusCode.OK);

        Assert.Equal("root", tenant.Str("kind"));
    }

    [Fact]
    public async Task ATokenSignedByAnotherKey_Is401()
    {
        var (root, path) = await TargetAsync();
        var now = DateTime.UtcNow;
        using var otherRsa = RSA.Create(2048);
        var serverKid = (await ServerKeyAsync()).KeyId;

        // Another key under an unknown kid, and another key claiming the server's kid.
        foreach (var key in new[] { new RsaSecurityKey(otherRsa) { KeyId = "someone-else" }, new RsaSecurityKey(otherRsa) { KeyId = serverKid } })
        {
            using var http = _server.WithBearer(Forge(key, root.ClientId, now.AddMinutes(-1), now.AddMinutes(10)));
            var error = await http.GetAsync(path, TestContext.Current.CancellationToken).ExpectErrorAsync(HttpStatusCode.Unauthorized, 401);
            Assert.DoesNotContain("root", error.ToString(), StringComparison.Ordinal);
        }
    }

    [Fact]
    public async Task AnExpiredToken_Is401_SayingItExpired()
    {
        var (root, path) = await TargetAsync();
        var now = DateTime.UtcNow;
        using var http = _server.WithBearer(Forge(await ServerKeyAsync(), root.ClientId, now.AddHours(-3), now.AddHours(-1)));

        var error = await http.GetAsync(path, TestContext.Current.CancellationToken).ExpectErrorAsync(HttpStatusCode.Unauthorized, 401);

        Assert.Contains("expired", error.GetProperty("details").Str("info"), StringComparison.OrdinalIgnoreCase);
    }

    [Fact]
    public async Task AValidlySignedTokenOfAClientThatNeverExisted_Is401()
    {
        var (_, path) = await TargetAsync();
        var now = DateTime.UtcNow;
        using var http = _server.WithBearer(Forge(await ServerKeyAsync(), Guid.NewGuid().ToString(), now.AddMinutes(-1), now.AddMinutes(10)));

        await http.GetAsync(path, TestContext.Current.CancellationToken).ExpectErrorAsync(HttpStatusCode.Unauthorized, 401);
    }
}

public sealed class BearerTokenTestsSqlite(Providers.SqliteServer fixture) : BearerTokenTests(fixture), IClassFixture<Providers.SqliteServer>;

public sealed class BearerTokenTestsPostgres(Providers.PostgresServer fixture) : BearerTokenTests(fixture), IClassFixture<Providers.PostgresServer>;
