using System.Net.Http.Headers;
using System.Text;
using Microsoft.Extensions.DependencyInjection;
using Tenancy.Server.Storage.Caching;

namespace Tenancy.Tests.Caching;

/// <summary>Steps of the hot-path cache tests: warming an entry, and the writes whose effect must show at once.</summary>
public static class CacheSteps
{
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(60);

    /// <summary>
    /// GETs <paramref name="path"/> until one answer (200) came from the cache, so the next request would be
    /// served from memory unless the write in between makes the entry unused. On PostgreSQL the cache is
    /// trusted only once the listener listens, and a notification of an earlier write may still be on its way.
    /// </summary>
    public static async Task<JsonElement> WarmAsync(this HttpClient http, TenancyServer server, string path)
    {
        var cache = server.Services.GetRequiredService<HotCache>();
        var deadline = DateTime.UtcNow + Patience;
        while (true)
        {
            var before = cache.Hits;
            var body = await http.GetAsync(path).ExpectAsync(HttpStatusCode.OK);
            if (cache.Hits > before)
            {
                return body;
            }

            Assert.True(DateTime.UtcNow < deadline, $"{path} was never answered from the cache");
            await Task.Delay(20);
        }
    }

    public static Task<JsonElement> WarmAsync(this Api api, string path) => api.Http.WarmAsync(api.Server, path);

    /// <summary>PUT a tenant with its current version (read by <paramref name="admin"/>), expecting 200.</summary>
    public static async Task<JsonElement> ChangeTenantAsync(this Api admin, string id, Func<long, object> body)
    {
        var version = (await admin.GetTenantAsync(id)).Long("version");
        return await admin.PutTenantAsync(id, body(version)).ExpectAsync(HttpStatusCode.OK);
    }

    /// <summary>POST /api/2/idp/revoke_token for <paramref name="token"/>, authenticated as the root client.</summary>
    public static async Task RevokeAsync(this TenancyServer server, string token)
    {
        using var http = server.Anonymous();
        using var request = new HttpRequestMessage(HttpMethod.Post, "/api/2/idp/revoke_token")
        {
            Content = new FormUrlEncodedContent(new Dictionary<string, string> { ["token"] = token }),
        };
        request.Headers.Authorization = new AuthenticationHeaderValue("Basic",
            Convert.ToBase64String(Encoding.UTF8.GetBytes($"{TenancyServer.RootClientId}:{server.RootSecret}")));
        await http.SendAsync(request).ExpectAsync(HttpStatusCode.OK);
    }

    /// <summary>The 401 answer's explanation.</summary>
    public static async Task<string> LockedOutAsync(this Api api, string path) =>
        (await api.ExpectLockedOutAsync(path)).GetProperty("details").Str("info");
}
