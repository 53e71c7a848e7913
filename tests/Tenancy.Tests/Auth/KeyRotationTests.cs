using System.Net.Http.Headers;
using Microsoft.IdentityModel.JsonWebTokens;
using Tenancy.Server.Storage;

namespace Tenancy.Tests.Auth;

public abstract class KeyRotationTests(StorageProvider provider) : ServerTests(provider)
{
    protected override IReadOnlyDictionary<string, string?> Settings { get; } =
        new Dictionary<string, string?> { ["Tenancy:Auth:KeyRotation"] = "00:00:01" };

    [Fact]
    public async Task AfterRotation_ANewKeySigns_AndTokensOfTheOldKeyStillVerify()
    {
        var first = await Server.TokenAsync(TenancyServer.RootClientId, Server.RootSecret);
        await Task.Delay(TimeSpan.FromSeconds(1.5), TestContext.Current.CancellationToken);

        var second = await Server.TokenAsync(TenancyServer.RootClientId, Server.RootSecret);

        var oldKid = new JsonWebToken(first).Kid;
        var newKid = new JsonWebToken(second).Kid;
        Assert.NotEqual(oldKid, newKid);
        foreach (var token in new[] { first, second })
        {
            using var http = Server.Anonymous();
            http.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", token);
            await http.GetAsync($"/api/2/clients/{TenancyServer.RootClientId}", TestContext.Current.CancellationToken)
                .ExpectAsync(HttpStatusCode.OK);
        }

        using var anonymous = Server.Anonymous();
        var jwks = await anonymous.GetAsync("/api/2/idp/keys", TestContext.Current.CancellationToken).ExpectAsync(HttpStatusCode.OK);
        var kids = jwks.GetProperty("keys").EnumerateArray().Select(k => k.Str("kid")).ToList();
        Assert.Contains(oldKid, kids);
        Assert.Contains(newKid, kids);
    }
}

public sealed class KeyRotationTestsSqlite() : KeyRotationTests(StorageProvider.Sqlite);

public sealed class KeyRotationTestsPostgres() : KeyRotationTests(StorageProvider.Postgres);
