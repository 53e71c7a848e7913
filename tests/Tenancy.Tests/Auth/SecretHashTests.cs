using System.Net.Http.Headers;
using System.Text;
using Dapper;
using Tenancy.Tests.Users;

namespace Tenancy.Tests.Auth;

/// <summary>
/// One hasher for passwords and client secrets: secrets made now and secrets stored by the first
/// version (PBKDF2-HMAC-SHA256 in their own format) both authenticate, through the token endpoint and
/// through HTTP Basic on /api/v2.1.
/// </summary>
public abstract class SecretHashTests(ServerFixture fixture)
{
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
            await c.ExecuteAsync("UPDATE api_clients SET secret_hash = @hash WHERE id = @clientId", new { hash = PasswordHashTests.FirstVersionHash, clientId });
        }

        await AuthenticatesAsync(clientId, PasswordHashTests.FirstVersionSecret);
        await _server.RequestTokenAsync(clientId, PasswordHashTests.FirstVersionSecret + "x").ExpectAsync(HttpStatusCode.Unauthorized);
    }
}

public sealed class SecretHashTestsSqlite(Providers.SqliteServer fixture) : SecretHashTests(fixture), IClassFixture<Providers.SqliteServer>;

public sealed class SecretHashTestsPostgres(Providers.PostgresServer fixture) : SecretHashTests(fixture), IClassFixture<Providers.PostgresServer>;
