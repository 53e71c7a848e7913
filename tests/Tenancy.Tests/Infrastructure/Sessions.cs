using System.Net.Http.Headers;
using System.Text;

namespace Tenancy.Tests.Infrastructure;

/// <summary>Steps a test takes to impersonate a user, exchange tokens and use a user's password in HTTP Basic.</summary>
public static class Sessions
{
    public const string CsrfHeader = "X-CSRF-Token";
    public const string CookieName = "tenancy_session";
    public const string ExchangeGrant = "urn:ietf:params:oauth:grant-type:jwt-bearer";

    /// <summary>POST /api/2/idp/ott for a user by login.</summary>
    public static Task<HttpResponseMessage> RequestOttAsync(this Api admin, string login) =>
        admin.PostJsonAsync("/api/2/idp/ott", new { purpose = "user_login", login });

    /// <summary>POST /api/2/idp/ott/login on a client that keeps cookies.</summary>
    public static Task<HttpResponseMessage> OttLoginAsync(this HttpClient http, string ott) =>
        http.PostAsync("/api/2/idp/ott/login", Api.Json(new { ott }));

    /// <summary>
    /// Impersonates the user: a one-time token from <paramref name="admin"/>, then a login on a new client
    /// that keeps the session cookie and sends the CSRF value on every request.
    /// </summary>
    public static async Task<Api> ImpersonateAsync(this Api admin, string login)
    {
        var ott = (await admin.RequestOttAsync(login).ExpectAsync(HttpStatusCode.OK)).Str("ott");
        var http = admin.Server.Anonymous();
        using var response = await http.OttLoginAsync(ott);
        await http.ExpectAsync(response, HttpStatusCode.OK);
        http.DefaultRequestHeaders.Add(CsrfHeader, response.Headers.GetValues(CsrfHeader).Single());
        return new Api(admin.Server, http, login, "");
    }

    /// <summary>A client that sends a user's login and password in HTTP Basic.</summary>
    public static HttpClient WithBasic(this TenancyServer server, string login, string password)
    {
        var http = server.Anonymous();
        http.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue(
            "Basic", Convert.ToBase64String(Encoding.UTF8.GetBytes($"{login}:{password}")));
        return http;
    }

    /// <summary>POST /api/2/idp/token with grant_type=jwt-bearer.</summary>
    public static async Task<HttpResponseMessage> ExchangeAsync(this TenancyServer server, string assertion, string scope)
    {
        using var http = server.Anonymous();
        return await http.PostAsync("/api/2/idp/token", new FormUrlEncodedContent(new Dictionary<string, string>
        {
            ["grant_type"] = ExchangeGrant, ["assertion"] = assertion, ["scope"] = scope,
        }));
    }

    /// <summary>A token narrowed to <paramref name="tenantId"/>'s subtree, as a session that sends it.</summary>
    public static async Task<Api> ScopedAsync(this Api api, string tenantId)
    {
        var token = await api.Server.ExchangeAsync(api.Token(), "urn:acronis.com:tenant-id:" + tenantId).ExpectAsync(HttpStatusCode.OK);
        return new Api(api.Server, api.Server.WithBearer(token.Str("access_token")), api.ClientId, api.Secret);
    }
}
