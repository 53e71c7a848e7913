using System.Net.Http.Headers;
using Tenancy.Server.Storage;
using Tenancy.Tests.Activation;

namespace Tenancy.Tests.Vendor;

/// <summary>
/// The vendor's example users/create_user_for_customer_activate_assign_backup_user_role.py, request by
/// request, up to and including the activation email: a partner's API client checks the login, creates
/// the user in its customer, and asks for the activation email (POST with a JSON content type and no
/// body). Then the person does what the email says. The script's last step (PUT
/// /api/2/users/{id}/access_policies, the backup_user role) is not part of this test.
/// </summary>
public abstract class ActivationScriptTests(StorageProvider provider, SmtpFixture smtp) : ServerTests(provider)
{
    private Smtp4dev Smtp => smtp.Server;

    protected override IReadOnlyDictionary<string, string?> Settings => ActivationSteps.Settings(Smtp.SmtpPort);

    [Fact]
    public async Task CreateUserForCustomer_AndSendTheActivationEmail_AsTheScriptDoes_ThenThePersonActivates()
    {
        // The scripts' setup: a partner, its API client (api_client.json, token.json) and a customer (customer.json).
        var root = await Server.RootAsync();
        var partner = await root.CreateTenantAsync(await root.OwnTenantIdAsync(), "partner");
        var acronis = await root.CreateClientAndLoginAsync(partner.Str("id"));
        var customer = await acronis.CreateTenantAsync(partner.Str("id"), "customer");
        var login = $"script.{Guid.NewGuid():N}";
        var email = ActivationSteps.NewEmail();

        // response = acronis.get(f"api/2/users/check_login?username={login}"); proceeds on 204 only.
        using (var check = await acronis.GetAsync($"/api/2/users/check_login?username={login}"))
        {
            Assert.Equal(HttpStatusCode.NoContent, check.StatusCode);
        }

        // acronis.post('api/2/users', data=json.dumps(user)); the script saves the answer as user.json.
        var user = await acronis.PostJsonAsync("/api/2/users", new
        {
            tenant_id = customer.Str("id"),
            login,
            contact = new { email, firstname = $"First {login}", lastname = $"Last {login}" },
        }).ExpectAsync(HttpStatusCode.OK);
        // User(user.json) reads id, login and personal_tenant_id.
        Assert.Equal(login, user.Str("login"));
        Assert.True(user.TryGetProperty("personal_tenant_id", out _));
        var id = user.Str("id");

        // acronis.post(f'api/2/users/{new_user.id}/send-activation-email'): Content-Type application/json, no body.
        using var request = new HttpRequestMessage(HttpMethod.Post, $"/api/2/users/{id}/send-activation-email")
        {
            Content = new ByteArrayContent([]) { Headers = { ContentType = new MediaTypeHeaderValue("application/json") } },
        };
        using var sent = await acronis.Http.SendAsync(request, TestContext.Current.CancellationToken);
        Assert.True(sent.IsSuccessStatusCode, $"{(int)sent.StatusCode}: {await sent.Content.ReadAsStringAsync(TestContext.Current.CancellationToken)}");
        Assert.Equal(HttpStatusCode.NoContent, sent.StatusCode);

        // The person: the email, the link, the password; then the password grant.
        var message = Assert.Single(await Smtp.WaitForMessagesAsync(email));
        Assert.Contains($"Hello First {login}", message, StringComparison.Ordinal);
        var link = Smtp4dev.LinkIn(message);
        (await Server.OpenAsync(link)).Expect(HttpStatusCode.OK, login);
        (await Server.SubmitAsync(link, People.Password)).Expect(HttpStatusCode.OK, "Your account is activated");
        var session = await Server.LoginUserAsync(login);
        var me = await session.GetAsync("/api/2/users/me").ExpectAsync(HttpStatusCode.OK);
        Assert.Equal((id, customer.Str("id"), true), (me.Str("id"), me.Str("tenant_id"), me.Bool("activated")));
    }
}

public sealed class ActivationScriptTestsSqlite(SmtpFixture smtp) : ActivationScriptTests(StorageProvider.Sqlite, smtp), IClassFixture<SmtpFixture>;

public sealed class ActivationScriptTestsPostgres(SmtpFixture smtp) : ActivationScriptTests(StorageProvider.Postgres, smtp), IClassFixture<SmtpFixture>;
