using System.Web;

namespace Tenancy.Tests.Activation;

/// <summary>What an answer of the activation page says: its status and its HTML.</summary>
public sealed record PageAnswer(HttpStatusCode Status, string Html)
{
    public PageAnswer Expect(HttpStatusCode status, string text)
    {
        Assert.True(Status == status, $"expected {(int)status} but got {(int)Status}:\n{Html}");
        Assert.Contains(text, Html, StringComparison.Ordinal);
        return this;
    }
}

/// <summary>Steps a test takes as the person who gets an activation email, and as the admin who sends it.</summary>
public static class ActivationSteps
{
    /// <summary>Where the tests' servers say people reach them; links are followed on the server under test.</summary>
    public const string PublicUrl = "https://tenancy.example.test";

    /// <summary>Email settings for a server that sends through the SMTP server on <paramref name="smtpPort"/>.</summary>
    public static Dictionary<string, string?> Settings(int smtpPort) => new()
    {
        ["Tenancy:PublicUrl"] = PublicUrl,
        ["Tenancy:Email:SmtpHost"] = "127.0.0.1",
        ["Tenancy:Email:SmtpPort"] = smtpPort.ToString(System.Globalization.CultureInfo.InvariantCulture),
        ["Tenancy:Email:From"] = "Tenancy <noreply@tenancy.example.test>",
        ["Tenancy:Passwords:Iterations"] = "1000",
    };

    public static string NewEmail() => $"person.{Guid.NewGuid():N}@example.test";

    /// <summary>Creates a user with a contact email of its own, expecting 200.</summary>
    public static Task<JsonElement> CreatePersonAsync(this Api api, string tenantId, string email, string? login = null) =>
        api.PostJsonAsync("/api/2/users", new
        {
            tenant_id = tenantId,
            login = login ?? People.NewLogin(),
            contact = new { email, firstname = "Pat", lastname = "Doe" },
        }).ExpectAsync(HttpStatusCode.OK);

    public static Task<HttpResponseMessage> SendActivationAsync(this Api api, string userId) =>
        api.Http.PostAsync($"/api/2/users/{userId}/send-activation-email", null);

    public static Task<JsonElement> ActivationStatusAsync(this Api api, string userId) =>
        api.GetAsync($"/api/2/users/{userId}/activation-email").ExpectAsync(HttpStatusCode.OK);

    public static string TokenOf(Uri link) => HttpUtility.ParseQueryString(link.Query)["token"]!;

    /// <summary>Opens an emailed link on the server under test (its path and query; the host is the configured public one).</summary>
    public static async Task<PageAnswer> OpenAsync(this TenancyServer server, Uri link)
    {
        Assert.StartsWith(PublicUrl + "/", link.ToString(), StringComparison.Ordinal);
        using var http = server.Anonymous();
        using var response = await http.GetAsync(link.PathAndQuery);
        Assert.StartsWith("text/html", response.Content.Headers.ContentType?.ToString(), StringComparison.Ordinal);
        return new PageAnswer(response.StatusCode, await response.Content.ReadAsStringAsync());
    }

    /// <summary>Posts the page's form as a browser without JavaScript does.</summary>
    public static async Task<PageAnswer> SubmitAsync(this TenancyServer server, Uri link, string password, string? confirmation = null)
    {
        using var http = server.Anonymous();
        using var form = new FormUrlEncodedContent(new Dictionary<string, string>
        {
            ["token"] = TokenOf(link),
            ["password"] = password,
            ["confirmation"] = confirmation ?? password,
        });
        using var response = await http.PostAsync(link.PathAndQuery, form);
        return new PageAnswer(response.StatusCode, await response.Content.ReadAsStringAsync());
    }

    /// <summary>Waits until the user's activation email has the status, and returns the status object.</summary>
    public static Task<JsonElement> WaitForStatusAsync(this Api api, string userId, Func<JsonElement, bool> done, string what) =>
        Eventually.ValueAsync(() => api.ActivationStatusAsync(userId), done, null, what);
}
