using System.Net;
using System.Net.Http.Headers;
using System.Text;
using Dapper;
using Microsoft.Extensions.Options;
using Tenancy.Server.Users;
using Tenancy.Tests.Infrastructure;

namespace Tenancy.Tests.Auth;

/// <summary>
/// One hasher for passwords and client secrets: secrets made now and secrets stored by the first
/// version (PBKDF2-HMAC-SHA256 in their own format) both authenticate, through the token endpoint and
/// through HTTP Basic on /api/v2.1.
/// </summary>
public abstract class SecretHashTests(ServerFixture fixture)
{
    /// <summary>"s3cret-of-the-old-version" as the first version hashed a generated client secret.</summary>
    private const string FirstVersionSecret = "s3cret-of-the-old-version";
    private const string FirstVersionHash = "pbkdf2-sha256$1$VZ0uW1ElOO3CNKLiv1FpPw==$xGpAuM0ptQYaNolOygT9AeI3zFjA9tPqrhszcsvVRkk=";

    private readonly TenancyServer _server = fixture.Server;

    private async Task AuthenticatesAsync(string clientId, string secret)
    {
        await _server.RequestTokenAsync(clientId, secret).ExpectAsync(HttpStatusCode.OK);
        using var http = _server.Anonymous();
        http.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue(
            "Basic", Convert.ToBase64String(Encoding.UTF8.GetBytes($"{clientId}:{secret}")));
        await http.GetAsync("/api/v2.1/tenants", TestContext.Current.CancellationToken).ExpectAsync(HttpStatusCode.OK);
    }

    private async Task<string> StoredHashAsync(string clientId)
    {
        await using var c = await _server.OpenStoreAsync();
        return await c.QuerySingleAsync<string>("SELECT secret_hash FROM api_clients WHERE id = @clientId", new { clientId });
    }

    [Fact]
    public async Task ASecretMadeNow_IsStoredAsAnIdentityV3Hash_AndAuthenticates()
    {
        var root = await _server.RootAsync();
        var client = await root.CreateClientAsync(await root.OwnTenantIdAsync());

        var stored = await StoredHashAsync(client.Str("client_id"));
        Assert.Equal(0x01, Convert.FromBase64String(stored)[0]);
        Assert.DoesNotContain(client.Str("client_secret"), stored, StringComparison.Ordinal);
        await AuthenticatesAsync(client.Str("client_id"), client.Str("client_secret"));
    }

    [Fact]
    public async Task ASecretStoredByTheFirstVersion_StillAuthenticates_AndAWrongOneDoesNot()
    {
        var root = await _server.RootAsync();
        var clientId = (await root.CreateClientAsync(await root.OwnTenantIdAsync())).Str("client_id");
        await using (var c = await _server.OpenStoreAsync())
        {
            await c.ExecuteAsync("UPDATE api_clients SET secret_hash = @FirstVersionHash WHERE id = @clientId", new { FirstVersionHash, clientId });
        }

        await AuthenticatesAsync(clientId, FirstVersionSecret);
        await _server.RequestTokenAsync(clientId, FirstVersionSecret + "x").ExpectAsync(HttpStatusCode.Unauthorized);
    }

    [Fact]
    public void APasswordHashedAtALowerCost_Verifies_AndAsksForARehash_WhileAGeneratedSecretVerifiesAtItsOwnCost()
    {
        var cheap = new Passwords(Options.Create(new PasswordOptions { Iterations = 1_000 }));
        var dear = new Passwords(Options.Create(new PasswordOptions { Iterations = 2_000 }));
        var hash = cheap.Hash("Correct-Horse-42");

        Assert.Equal(PasswordCheck.Right, cheap.Verify(hash, "Correct-Horse-42"));
        Assert.Equal(PasswordCheck.RightRehash, dear.Verify(hash, "Correct-Horse-42"));
        Assert.Equal(PasswordCheck.Wrong, dear.Verify(hash, "Correct-Horse-43"));
        Assert.Equal(PasswordCheck.Wrong, dear.Verify(null, "Correct-Horse-42"));

        var secret = Passwords.NewSecret();
        Assert.NotEqual(PasswordCheck.Wrong, dear.Verify(Passwords.HashGenerated(secret), secret));
        Assert.Equal(PasswordCheck.Wrong, dear.Verify(Passwords.HashGenerated(secret), secret + "0"));
        Assert.Equal(PasswordCheck.RightRehash, dear.Verify(FirstVersionHash, FirstVersionSecret));
    }
}

public sealed class SecretHashTestsSqlite(Providers.SqliteServer fixture) : SecretHashTests(fixture), IClassFixture<Providers.SqliteServer>;

public sealed class SecretHashTestsPostgres(Providers.PostgresServer fixture) : SecretHashTests(fixture), IClassFixture<Providers.PostgresServer>;
