using System.Net.Http.Headers;

namespace Tenancy.Tests.Infrastructure;

/// <summary>Steps a test takes through the API to make users, give them passwords and log them in.</summary>
public static class People
{
    /// <summary>Meets the password policy: 12+ characters, several character classes.</summary>
    public const string Password = "Correct-Horse-42";

    public static string NewLogin() => $"user.{Guid.NewGuid():N}@example.test";

    public static Task<HttpResponseMessage> PostUserAsync(this Api api, string tenantId, string login, string role = "admin") =>
        api.PostJsonAsync("/api/2/users", new
        {
            tenant_id = tenantId,
            login,
            role,
            contact = new { email = "person@example.test", firstname = "Pat", lastname = "Doe" },
        });

    /// <summary>Creates a user through POST /api/2/users, expecting 200, and returns it.</summary>
    public static Task<JsonElement> CreateUserAsync(this Api api, string tenantId, string? login = null, string role = "admin") =>
        api.PostUserAsync(tenantId, login ?? NewLogin(), role).ExpectAsync(HttpStatusCode.OK);

    public static Task<HttpResponseMessage> SetPasswordAsync(this Api api, string userId, string password) =>
        api.PostJsonAsync($"/api/2/users/{userId}/password", new { password });

    /// <summary>Creates a user with <see cref="Password"/> and logs it in with the password grant.</summary>
    public static async Task<(JsonElement User, Api Session)> CreateUserAndLoginAsync(this Api api, string tenantId, string role = "admin")
    {
        var user = await api.CreateUserAsync(tenantId, role: role);
        await api.SetPasswordAsync(user.Str("id"), Password).ExpectAsync(HttpStatusCode.NoContent);
        return (user, await api.Server.LoginUserAsync(user.Str("login")));
    }

    /// <summary>A raw password grant request, without client authentication unless given.</summary>
    public static async Task<HttpResponseMessage> PasswordGrantAsync(
        this TenancyServer server, string username, string password, (string Id, string Secret)? client = null)
    {
        using var http = server.Anonymous();
        using var request = new HttpRequestMessage(HttpMethod.Post, "/api/2/idp/token")
        {
            Content = new FormUrlEncodedContent(new Dictionary<string, string>
            {
                ["grant_type"] = "password",
                ["username"] = username,
                ["password"] = password,
            }),
        };
        if (client is { } c)
        {
            request.Headers.Authorization = new AuthenticationHeaderValue(
                "Basic", Convert.ToBase64String(System.Text.Encoding.UTF8.GetBytes($"{c.Id}:{c.Secret}")));
        }

        return await http.SendAsync(request);
    }

    /// <summary>Logs a user in (password grant) and returns a session that sends its token.</summary>
    public static async Task<Api> LoginUserAsync(this TenancyServer server, string login, string password = Password)
    {
        var token = await server.PasswordGrantAsync(login, password).ExpectAsync(HttpStatusCode.OK);
        return new Api(server, server.WithBearer(token.Str("access_token")), login, password);
    }

    /// <summary>The claims of a JWT's payload (not verified: the server does that).</summary>
    public static JsonElement Claims(string jwt)
    {
        var payload = jwt.Split('.')[1].Replace('-', '+').Replace('_', '/');
        payload = payload.PadRight(payload.Length + (4 - payload.Length % 4) % 4, '=');
        return JsonDocument.Parse(Convert.FromBase64String(payload)).RootElement.Clone();
    }

    /// <summary>The bearer token a session sends.</summary>
    public static string Token(this Api api) => api.Http.DefaultRequestHeaders.Authorization!.Parameter!;

    /// <summary>Reads the user's version and sets its enabled flag, expecting 200.</summary>
    public static async Task<JsonElement> SetUserEnabledAsync(this Api api, string userId, bool enabled)
    {
        var version = (await api.GetAsync($"/api/2/users/{userId}").ExpectAsync(HttpStatusCode.OK)).Long("version");
        return await api.PutJsonAsync($"/api/2/users/{userId}", new { enabled, version }).ExpectAsync(HttpStatusCode.OK);
    }
}
