using System.Security.Cryptography;
using System.Text;
using Tenancy.Server.Storage;

namespace Tenancy.Tests.Sessions;

/// <summary>
/// Impersonation: a one-time token from an admin whose reach includes the user, its single use, the
/// session cookie it opens, CSRF protection of unsafe requests in the session, logout, and the audit trail.
/// </summary>
public abstract class ImpersonationTests(StorageProvider provider) : ServerTests(provider)
{
    /// <summary>The root's subtree with a user in the customer, and the customer's admin client.</summary>
    private async Task<(Api Root, Subtree Tree, JsonElement User)> SetUpAsync()
    {
        var (root, tree) = await Server.RootWithSubtreeAsync();
        return (root, tree, await root.CreateUserAsync(tree.CustomerId));
    }

    [Fact]
    public async Task AnAdmin_ImpersonatesAUserWithinReach_TheSessionActsAsTheUser_AndTheAuditNamesBoth()
    {
        var (root, tree, user) = await SetUpAsync();
        var admin = tree.CustomerAdmin;

        var ott = await admin.PostJsonAsync("/api/2/idp/ott", new { purpose = "user_login", login = user.Str("login"), audit_data = "ticket 17" })
            .ExpectAsync(HttpStatusCode.OK);
        Assert.Equal(43, ott.Str("ott").Length); // 256 random bits, base64url
        using var browser = Server.Anonymous();
        using var login = await browser.OttLoginAsync(ott.Str("ott"));
        var body = await browser.ExpectAsync(login, HttpStatusCode.OK);

        Assert.Equal((user.Str("id"), user.Str("login"), user.Str("tenant_id")), (body.Str("id"), body.Str("login"), body.Str("tenant_id")));
        var cookie = login.Headers.GetValues("Set-Cookie").Single(c => c.StartsWith(Infrastructure.Sessions.CookieName + "=", StringComparison.Ordinal));
        var attributes = cookie.Split(';').Select(a => a.Trim().ToLowerInvariant()).ToList();
        Assert.Contains("httponly", attributes);
        Assert.Contains("samesite=strict", attributes);
        Assert.Contains("path=/api/2", attributes);
        Assert.DoesNotContain("secure", attributes); // plain HTTP here; under HTTPS the cookie is Secure
        var csrf = login.Headers.GetValues(Infrastructure.Sessions.CsrfHeader).Single();
        browser.DefaultRequestHeaders.Add(Infrastructure.Sessions.CsrfHeader, csrf);

        var me = await browser.GetAsync("/api/2/users/me", TestContext.Current.CancellationToken).ExpectAsync(HttpStatusCode.OK);
        Assert.Equal(user.Str("id"), me.Str("id"));
        var unit = await browser.PostAsync("/api/2/tenants", Api.Json(new { name = "made in a session", kind = "unit", parent_id = tree.CustomerId }),
            TestContext.Current.CancellationToken).ExpectAsync(HttpStatusCode.Created);

        // The impersonation is recorded with the admin as actor and the user as target; the write made in the
        // session with the user as actor and the admin as impersonator.
        var issued = (await root.GetAsync($"/api/2/audit?operation=user.impersonate&target_id={user.Str("id")}").ExpectAsync(HttpStatusCode.OK))
            .GetProperty("items").EnumerateArray().Single();
        Assert.Equal(("client", admin.ClientId), (issued.GetProperty("actor").Str("type"), issued.GetProperty("actor").Str("id")));
        Assert.Equal("ticket 17", issued.GetProperty("changes").GetProperty("after").Str("audit_data"));
        Assert.DoesNotContain(ott.Str("ott"), issued.ToString(), StringComparison.Ordinal);
        var made = (await root.GetAsync($"/api/2/audit?target_id={unit.Str("id")}").ExpectAsync(HttpStatusCode.OK))
            .GetProperty("items").EnumerateArray().Single();
        Assert.Equal(("user", user.Str("id")), (made.GetProperty("actor").Str("type"), made.GetProperty("actor").Str("id")));
        Assert.Equal($"client:{admin.ClientId}", made.GetProperty("actor").Str("impersonator"));

        // Secrets are stored as hashes only.
        var sessionId = cookie.Split(';')[0][(Infrastructure.Sessions.CookieName.Length + 1)..];
        Assert.NotNull(await Server.StoredRowAsync("SELECT user_id FROM sessions WHERE id_hash = @h", "h", Sha256(sessionId)));
        Assert.Null(await Server.StoredRowAsync("SELECT user_id FROM sessions WHERE id_hash = @h OR csrf_hash = @h", "h", sessionId));
        Assert.Null(await Server.StoredRowAsync("SELECT user_id FROM sessions WHERE csrf_hash = @h", "h", csrf));
    }

    [Fact]
    public async Task AOneTimeToken_WorksOnce_AndAnUnknownOneIsRefused()
    {
        var (_, tree, user) = await SetUpAsync();
        var ott = (await tree.CustomerAdmin.RequestOttAsync(user.Str("login")).ExpectAsync(HttpStatusCode.OK)).Str("ott");
        using var first = Server.Anonymous();
        using var second = Server.Anonymous();

        await first.OttLoginAsync(ott).ExpectAsync(HttpStatusCode.OK);
        var again = await second.OttLoginAsync(ott).ExpectErrorAsync(HttpStatusCode.Unauthorized, 401);
        var unknown = await second.OttLoginAsync("bm90IGEgdG9rZW4").ExpectErrorAsync(HttpStatusCode.Unauthorized, 401);

        Assert.Contains("already been used", again.GetProperty("details").Str("info"), StringComparison.Ordinal);
        Assert.Contains("not valid", unknown.GetProperty("details").Str("info"), StringComparison.Ordinal);
        Assert.Null(await Server.StoredRowAsync("SELECT user_id FROM one_time_tokens WHERE token_hash = @h", "h", Sha256(ott)));
        await second.GetAsync("/api/2/users/me", TestContext.Current.CancellationToken).ExpectErrorAsync(HttpStatusCode.Unauthorized, 401);
    }

    [Fact]
    public async Task AnUnsafeRequestInASession_WithoutTheCsrfValue_Is403_AndChangesNothing()
    {
        var (root, tree, user) = await SetUpAsync();
        using var session = await tree.CustomerAdmin.ImpersonateAsync(user.Str("login"));
        var csrf = session.Http.DefaultRequestHeaders.GetValues(Infrastructure.Sessions.CsrfHeader).Single();
        var children = $"/api/2/tenants/{tree.CustomerId}/children";
        var before = (await root.GetAsync(children).ExpectAsync(HttpStatusCode.OK)).GetProperty("items").ToString();

        foreach (var sent in new[] { null, "", "wrong-value" })
        {
            session.Http.DefaultRequestHeaders.Remove(Infrastructure.Sessions.CsrfHeader);
            if (sent is not null)
            {
                session.Http.DefaultRequestHeaders.Add(Infrastructure.Sessions.CsrfHeader, sent);
            }

            var error = await session.PostJsonAsync("/api/2/tenants", new { name = "forged", kind = "unit", parent_id = tree.CustomerId })
                .ExpectErrorAsync(HttpStatusCode.Forbidden, 1002);
            Assert.Contains("X-CSRF-Token", error.GetProperty("details").Str("info"), StringComparison.Ordinal);
        }

        // Reads need no value; the write with it goes through.
        await session.GetAsync("/api/2/users/me").ExpectAsync(HttpStatusCode.OK);
        Assert.Equal(before, (await root.GetAsync(children).ExpectAsync(HttpStatusCode.OK)).GetProperty("items").ToString());
        session.Http.DefaultRequestHeaders.Remove(Infrastructure.Sessions.CsrfHeader);
        session.Http.DefaultRequestHeaders.Add(Infrastructure.Sessions.CsrfHeader, csrf);
        await session.PostJsonAsync("/api/2/tenants", new { name = "meant", kind = "unit", parent_id = tree.CustomerId }).ExpectAsync(HttpStatusCode.Created);
    }

    [Fact]
    public async Task Logout_RevokesTheSessionOnTheServer_SoItsCookieOpensNothing()
    {
        var (root, tree, user) = await SetUpAsync();
        var ott = (await tree.CustomerAdmin.RequestOttAsync(user.Str("login")).ExpectAsync(HttpStatusCode.OK)).Str("ott");
        using var browser = Server.Anonymous();
        using var login = await browser.OttLoginAsync(ott);
        await browser.ExpectAsync(login, HttpStatusCode.OK);
        var cookie = login.Headers.GetValues("Set-Cookie").Single().Split(';')[0];

        using var logout = await browser.GetAsync("/api/2/idp/logout", TestContext.Current.CancellationToken);

        Assert.Equal(HttpStatusCode.OK, logout.StatusCode);
        Assert.Equal("text/html", logout.Content.Headers.ContentType?.MediaType);
        Assert.Contains(logout.Headers.GetValues("Set-Cookie"), c => c.StartsWith(Infrastructure.Sessions.CookieName + "=;", StringComparison.Ordinal));
        // A copy of the old cookie, sent by hand, is refused: the session itself has ended.
        using var replay = Server.Anonymous();
        replay.DefaultRequestHeaders.Add("Cookie", cookie);
        var refused = await replay.GetAsync("/api/2/users/me", TestContext.Current.CancellationToken).ExpectErrorAsync(HttpStatusCode.Unauthorized, 401);
        Assert.Contains("session has ended", refused.GetProperty("details").Str("info"), StringComparison.Ordinal);
        var ended = (await root.GetAsync($"/api/2/audit?operation=session.delete&target_id={user.Str("id")}").ExpectAsync(HttpStatusCode.OK))
            .GetProperty("items").EnumerateArray().Single();
        Assert.Equal($"client:{tree.CustomerAdmin.ClientId}", ended.GetProperty("actor").Str("impersonator"));
    }

    [Fact]
    public async Task DisablingTheUser_OrSuspendingItsTenant_EndsTheSessionAtOnce()
    {
        var (root, tree, user) = await SetUpAsync();
        using var session = await tree.CustomerAdmin.ImpersonateAsync(user.Str("login"));
        await session.GetAsync("/api/2/users/me").ExpectAsync(HttpStatusCode.OK);

        await root.SetEnabledAsync(tree.PartnerId, false);
        var suspended = await session.GetAsync("/api/2/users/me").ExpectErrorAsync(HttpStatusCode.Unauthorized, 401);
        Assert.Contains("disabled", suspended.GetProperty("details").Str("info"), StringComparison.Ordinal);

        await root.SetEnabledAsync(tree.PartnerId, true);
        await session.GetAsync("/api/2/users/me").ExpectAsync(HttpStatusCode.OK);
        await root.SetUserEnabledAsync(user.Str("id"), false);
        await session.GetAsync("/api/2/users/me").ExpectErrorAsync(HttpStatusCode.Unauthorized, 401);
    }

    [Fact]
    public async Task Impersonation_OutsideReach_BehindABarrier_OrFromASession_Is403_AndUnknownUsersAre404()
    {
        var (root, tree, user) = await SetUpAsync();
        var above = await root.CreateUserAsync(tree.PartnerId);
        var closed = await root.PostJsonAsync("/api/2/tenants",
            new { name = "closed", kind = "customer", parent_id = tree.PartnerId, ancestral_access = false }).ExpectAsync(HttpStatusCode.Created);
        using var partnerAdmin = await root.CreateClientAndLoginAsync(tree.PartnerId);
        var behind = await partnerAdmin.CreateUserAsync(closed.Str("id"));
        var admin = await root.CreateUserAsync(tree.CustomerId);
        using var session = await tree.CustomerAdmin.ImpersonateAsync(admin.Str("login"));

        await tree.CustomerAdmin.RequestOttAsync(above.Str("login")).ExpectErrorAsync(HttpStatusCode.Forbidden, 1002);
        var barred = await root.RequestOttAsync(behind.Str("login")).ExpectErrorAsync(HttpStatusCode.Forbidden, 1002);
        Assert.Contains(closed.Str("id"), barred.GetProperty("details").Str("info"), StringComparison.Ordinal);
        await session.RequestOttAsync(user.Str("login")).ExpectErrorAsync(HttpStatusCode.Forbidden, 1002);
        await root.RequestOttAsync(People.NewLogin()).ExpectErrorAsync(HttpStatusCode.NotFound, 1005);
        await root.PostJsonAsync("/api/2/idp/ott", new { purpose = "verify", login = user.Str("login") }).ExpectErrorAsync(HttpStatusCode.BadRequest, 400);
        await root.PostJsonAsync("/api/2/idp/ott", new { purpose = "user_login" }).ExpectErrorAsync(HttpStatusCode.BadRequest, 400);

        // Nothing was issued for any of them.
        var issued = await root.GetAsync($"/api/2/audit?operation=user.impersonate&subtree_id={tree.PartnerId}").ExpectAsync(HttpStatusCode.OK);
        Assert.Equal([admin.Str("id")], issued.GetProperty("items").EnumerateArray().Select(r => r.GetProperty("target").Str("id")));
    }

    /// <summary>How the server keys one-time tokens and sessions: SHA-256 of the secret, lower-case hex.</summary>
    private static string Sha256(string secret) => Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(secret)));
}

public sealed class ImpersonationTestsSqlite() : ImpersonationTests(StorageProvider.Sqlite);

public sealed class ImpersonationTestsPostgres() : ImpersonationTests(StorageProvider.Postgres);
