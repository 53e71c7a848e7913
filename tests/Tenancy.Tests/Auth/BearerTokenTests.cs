using System.Net;
using System.Security.Claims;
using System.Security.Cryptography;
using Microsoft.Data.Sqlite;
using Microsoft.IdentityModel.JsonWebTokens;
using Microsoft.IdentityModel.Tokens;
using Tenancy.Tests.Infrastructure;

namespace Tenancy.Tests.Auth;

/// <summary>Bearer tokens the API must refuse: signed by another key, or expired.</summary>
public sealed class BearerTokenTests(ServerFixture fixture) : IClassFixture<ServerFixture>
{
    private readonly TenancyServer _server = fixture.Server;

    /// <summary>The server's current signing key, read from its store (what an attacker must not have).</summary>
    private RsaSecurityKey ServerKey()
    {
        var file = Path.Combine(_server.DataDirectory, "tenancy.db");
        using var connection = new SqliteConnection($"Data Source={file};Mode=ReadOnly;Pooling=False");
        connection.Open();
        using var command = connection.CreateCommand();
        command.CommandText = "SELECT kid, private_key FROM signing_keys ORDER BY created_at DESC LIMIT 1";
        using var reader = command.ExecuteReader();
        Assert.True(reader.Read(), "no signing key stored");
        var rsa = RSA.Create();
        rsa.ImportPkcs8PrivateKey(Convert.FromBase64String(reader.GetString(1)), out _);
        return new RsaSecurityKey(rsa) { KeyId = reader.GetString(0) };
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
        using var http = _server.WithBearer(Forge(ServerKey(), root.ClientId, now.AddMinutes(-1), now.AddMinutes(10)));

        var tenant = await http.GetAsync(path, TestContext.Current.CancellationToken).ExpectAsync(HttpStatusCode.OK);

        Assert.Equal("root", tenant.Str("kind"));
    }

    [Fact]
    public async Task ATokenSignedByAnotherKey_Is401()
    {
        var (root, path) = await TargetAsync();
        var now = DateTime.UtcNow;
        using var otherRsa = RSA.Create(2048);
        var serverKid = ServerKey().KeyId;

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
        using var http = _server.WithBearer(Forge(ServerKey(), root.ClientId, now.AddHours(-3), now.AddHours(-1)));

        var error = await http.GetAsync(path, TestContext.Current.CancellationToken).ExpectErrorAsync(HttpStatusCode.Unauthorized, 401);

        Assert.Contains("expired", error.GetProperty("details").Str("info"), StringComparison.OrdinalIgnoreCase);
    }

    [Fact]
    public async Task AValidlySignedTokenOfAClientThatNeverExisted_Is401()
    {
        var (_, path) = await TargetAsync();
        var now = DateTime.UtcNow;
        using var http = _server.WithBearer(Forge(ServerKey(), Guid.NewGuid().ToString(), now.AddMinutes(-1), now.AddMinutes(10)));

        await http.GetAsync(path, TestContext.Current.CancellationToken).ExpectErrorAsync(HttpStatusCode.Unauthorized, 401);
    }
}
