using Tenancy.Server.Storage;

namespace Tenancy.Tests.Sessions;

/// <summary>
/// One-time tokens and sessions expire: on a server where both live one second, the test waits for that
/// second to pass (by the clock the server shares) and then sees them refused.
/// </summary>
public abstract class SessionExpiryTests(StorageProvider provider) : ServerTests(provider)
{
    private static readonly TimeSpan Lifetime = TimeSpan.FromSeconds(1);

    protected override IReadOnlyDictionary<string, string?> Settings => new Dictionary<string, string?>
    {
        ["Tenancy:Sessions:OneTimeTokenLifetime"] = "00:00:01",
        ["Tenancy:Sessions:SessionLifetime"] = "00:00:01",
    };

    [Fact]
    public async Task AOneTimeToken_UsedAfterItsLifetime_Is401_AndIsGone()
    {
        var (_, tree) = await Server.RootWithSubtreeAsync();
        var user = await tree.CustomerAdmin.CreateUserAsync(tree.CustomerId);
        var ott = (await tree.CustomerAdmin.RequestOttAsync(user.Str("login")).ExpectAsync(HttpStatusCode.OK)).Str("ott");
        var expiredBy = DateTimeOffset.UtcNow + Lifetime; // the server's expiry is at most this

        await UntilAsync(() => DateTimeOffset.UtcNow > expiredBy.AddMilliseconds(100));
        using var browser = Server.Anonymous();
        var error = await browser.OttLoginAsync(ott).ExpectErrorAsync(HttpStatusCode.Unauthorized, 401);

        Assert.Contains("expired", error.GetProperty("details").Str("info"), StringComparison.Ordinal);
        await browser.OttLoginAsync(ott).ExpectErrorAsync(HttpStatusCode.Unauthorized, 401);
        await browser.GetAsync("/api/2/users/me", TestContext.Current.CancellationToken).ExpectErrorAsync(HttpStatusCode.Unauthorized, 401);
    }

    [Fact]
    public async Task ASession_EndsAtItsExpiry()
    {
        var (_, tree) = await Server.RootWithSubtreeAsync();
        var user = await tree.CustomerAdmin.CreateUserAsync(tree.CustomerId);
        using var browser = Server.Anonymous();
        // A token may expire before a slow machine uses it; a fresh one is asked for then.
        HttpStatusCode status;
        string? cookie;
        var attempts = 0;
        do
        {
            var ott = (await tree.CustomerAdmin.RequestOttAsync(user.Str("login")).ExpectAsync(HttpStatusCode.OK)).Str("ott");
            using var login = await browser.OttLoginAsync(ott);
            status = login.StatusCode;
            cookie = login.Headers.TryGetValues("Set-Cookie", out var set) ? set.Single().Split(';')[0] : null;
        }
        while (status != HttpStatusCode.OK && ++attempts < 20);
        Assert.Equal(HttpStatusCode.OK, status);
        var loggedIn = DateTimeOffset.UtcNow;

        // The browser drops the cookie at its expiry; a copy sent by hand shows the server ends the session too.
        await UntilAsync(() => DateTimeOffset.UtcNow > loggedIn + Lifetime + TimeSpan.FromMilliseconds(100));
        using var replay = Server.Anonymous();
        replay.DefaultRequestHeaders.Add("Cookie", cookie);
        var error = await replay.GetAsync("/api/2/users/me", TestContext.Current.CancellationToken).ExpectErrorAsync(HttpStatusCode.Unauthorized, 401);

        Assert.Contains("session has ended", error.GetProperty("details").Str("info"), StringComparison.Ordinal);
    }

    private static async Task UntilAsync(Func<bool> condition)
    {
        while (!condition())
        {
            await Task.Delay(20, TestContext.Current.CancellationToken);
        }
    }
}

public sealed class SessionExpiryTestsSqlite() : SessionExpiryTests(StorageProvider.Sqlite);

public sealed class SessionExpiryTestsPostgres() : SessionExpiryTests(StorageProvider.Postgres);
