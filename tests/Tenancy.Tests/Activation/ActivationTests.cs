using Tenancy.Server.Storage;

namespace Tenancy.Tests.Activation;

/// <summary>
/// POST /api/2/users/{id}/send-activation-email through a real SMTP server (smtp4dev on loopback): the
/// email arrives, its link opens the page, the form sets the password, and the password grant works.
/// </summary>
public abstract class ActivationTests(StorageProvider provider, SmtpFixture smtp) : ServerTests(provider)
{
    private Smtp4dev Smtp => smtp.Server;

    protected override IReadOnlyDictionary<string, string?> Settings => ActivationSteps.Settings(Smtp.SmtpPort);

    protected override bool CaptureLogs => true;

    [Fact]
    public async Task Email_Arrives_ItsLinkSetsThePassword_AndThenThePasswordGrantWorks()
    {
        var (root, tree) = await Server.RootWithSubtreeAsync();
        var email = ActivationSteps.NewEmail();
        var user = await root.CreatePersonAsync(tree.CustomerId, email);
        var id = user.Str("id");

        var sent = await root.SendActivationAsync(id).ExpectAsync(HttpStatusCode.NoContent);

        Assert.Equal(JsonValueKind.Undefined, sent.ValueKind);
        var message = Assert.Single(await Smtp.WaitForMessagesAsync(email));
        Assert.Contains($"login {user.Str("login")}", message, StringComparison.Ordinal);
        var link = Smtp4dev.LinkIn(message);
        var page = (await Server.OpenAsync(link)).Expect(HttpStatusCode.OK, "<label for=\"password\">New password</label>");
        Assert.Contains("<label for=\"confirmation\">Repeat the password</label>", page.Html, StringComparison.Ordinal);
        Assert.Contains("<form method=\"post\">", page.Html, StringComparison.Ordinal);
        Assert.DoesNotContain("<script", page.Html, StringComparison.OrdinalIgnoreCase);
        var status = await root.WaitForStatusAsync(id, s => s.Str("status") == "sent", "the email recorded as sent");
        Assert.False(status.Bool("activated"));

        (await Server.SubmitAsync(link, People.Password)).Expect(HttpStatusCode.OK, "Your account is activated");

        var token = await Server.PasswordGrantAsync(user.Str("login"), People.Password).ExpectAsync(HttpStatusCode.OK);
        Assert.Equal(id, People.Claims(token.Str("access_token")).GetProperty("sub").GetString());
        Assert.True((await root.GetAsync($"/api/2/users/{id}").ExpectAsync(HttpStatusCode.OK)).Bool("activated"));
        var after = await root.ActivationStatusAsync(id);
        Assert.Equal(("sent", email, 1L, true, true), (after.Str("status"), after.Str("recipient"), after.Long("attempts"), after.Bool("activated"), after.Bool("link_used")));
        var trail = await root.GetAsync($"/api/2/audit?target_id={id}").ExpectAsync(HttpStatusCode.OK);
        var operations = trail.GetProperty("items").EnumerateArray().Select(r => r.Str("operation")).ToList();
        Assert.Contains("user.send_activation_email", operations);
        Assert.Contains("user.activate", operations);
        var secret = ActivationSteps.TokenOf(link);
        Assert.DoesNotContain(secret, trail.ToString(), StringComparison.Ordinal);
        Assert.DoesNotContain(Logs!.Lines, l => l.Contains(secret, StringComparison.Ordinal));
        Assert.Contains(Logs.Lines, l => l.Contains($"Activation email for user {id} handed to the SMTP server", StringComparison.Ordinal));
        Assert.Null(await Server.StoredRowAsync("SELECT user_id FROM user_activations WHERE token_hash = @t", "@t", secret));
    }

    [Fact]
    public async Task Link_WorksOnce_ThenSaysItWasUsed_AndChangesNothing()
    {
        var (root, tree) = await Server.RootWithSubtreeAsync();
        var email = ActivationSteps.NewEmail();
        var user = await root.CreatePersonAsync(tree.UnitId, email);
        await root.SendActivationAsync(user.Str("id")).ExpectAsync(HttpStatusCode.NoContent);
        var link = Smtp4dev.LinkIn(Assert.Single(await Smtp.WaitForMessagesAsync(email)));
        (await Server.SubmitAsync(link, People.Password)).Expect(HttpStatusCode.OK, "Your account is activated");

        (await Server.OpenAsync(link)).Expect(HttpStatusCode.Gone, "already used");
        (await Server.SubmitAsync(link, "Another-Horse-77")).Expect(HttpStatusCode.Gone, "already used");

        await Server.PasswordGrantAsync(user.Str("login"), "Another-Horse-77").ExpectAsync(HttpStatusCode.Unauthorized);
        await Server.PasswordGrantAsync(user.Str("login"), People.Password).ExpectAsync(HttpStatusCode.OK);
    }

    [Fact]
    public async Task NewerEmail_ReplacesTheOlderLink()
    {
        var (root, tree) = await Server.RootWithSubtreeAsync();
        var email = ActivationSteps.NewEmail();
        var id = (await root.CreatePersonAsync(tree.CustomerId, email)).Str("id");
        await root.SendActivationAsync(id).ExpectAsync(HttpStatusCode.NoContent);
        var first = Smtp4dev.LinkIn(Assert.Single(await Smtp.WaitForMessagesAsync(email)));
        await root.WaitForStatusAsync(id, s => s.Str("status") == "sent", "the first email sent");

        await root.SendActivationAsync(id).ExpectAsync(HttpStatusCode.NoContent);
        var second = Smtp4dev.LinkIn((await Smtp.WaitForMessagesAsync(email, 2))[1]);

        Assert.NotEqual(first, second);
        (await Server.OpenAsync(first)).Expect(HttpStatusCode.NotFound, "not valid");
        (await Server.SubmitAsync(first, People.Password)).Expect(HttpStatusCode.NotFound, "not valid");
        Assert.False((await root.ActivationStatusAsync(id)).Bool("activated"));
        (await Server.SubmitAsync(second, People.Password)).Expect(HttpStatusCode.OK, "Your account is activated");
    }

    [Theory]
    [InlineData("short-1A", "short-1A", "at least 12 characters")]
    [InlineData("aaaaaaaaaaaaaaaa", "aaaaaaaaaaaaaaaa", "at least two of")]
    [InlineData("Correct-Horse-42", "Correct-Horse-43", "the two passwords differ")]
    public async Task PasswordRefusedByThePage_SaysWhy_AndTheLinkStillWorks(string password, string confirmation, string why)
    {
        var (root, tree) = await Server.RootWithSubtreeAsync();
        var email = ActivationSteps.NewEmail();
        var user = await root.CreatePersonAsync(tree.CustomerId, email);
        await root.SendActivationAsync(user.Str("id")).ExpectAsync(HttpStatusCode.NoContent);
        var link = Smtp4dev.LinkIn(Assert.Single(await Smtp.WaitForMessagesAsync(email)));

        var refused = (await Server.SubmitAsync(link, password, confirmation)).Expect(HttpStatusCode.BadRequest, why);

        Assert.Contains("role=\"alert\"", refused.Html, StringComparison.Ordinal);
        Assert.Contains("aria-describedby=\"rules error\"", refused.Html, StringComparison.Ordinal);
        Assert.False((await root.ActivationStatusAsync(user.Str("id"))).Bool("activated"));
        (await Server.OpenAsync(link)).Expect(HttpStatusCode.OK, "New password");
        (await Server.SubmitAsync(link, People.Password)).Expect(HttpStatusCode.OK, "Your account is activated");
    }

    [Fact]
    public async Task UnknownLink_SaysItIsNotValid()
    {
        (await Server.OpenAsync(new Uri($"{ActivationSteps.PublicUrl}/activate?token=not-a-token"))).Expect(HttpStatusCode.NotFound, "not valid");
        (await Server.OpenAsync(new Uri($"{ActivationSteps.PublicUrl}/activate"))).Expect(HttpStatusCode.NotFound, "not valid");
    }

    [Fact]
    public async Task ActivatedUser_GetsNoActivationEmail()
    {
        var (root, tree) = await Server.RootWithSubtreeAsync();
        var user = await root.CreatePersonAsync(tree.CustomerId, ActivationSteps.NewEmail());
        await root.SetPasswordAsync(user.Str("id"), People.Password).ExpectAsync(HttpStatusCode.NoContent);

        var error = await root.SendActivationAsync(user.Str("id")).ExpectErrorAsync(HttpStatusCode.BadRequest, 1027);

        Assert.Contains("already activated", error.GetProperty("details").Str("info"), StringComparison.Ordinal);
        Assert.Equal("none", (await root.ActivationStatusAsync(user.Str("id"))).Str("status"));
    }

    [Fact]
    public async Task UserOutsideTheCallersReach_Is403_AndAViewer_Is403()
    {
        var (root, tree) = await Server.RootWithSubtreeAsync();
        var user = await root.CreatePersonAsync(tree.PartnerId, ActivationSteps.NewEmail());
        var (_, viewer) = await root.CreateUserAndLoginAsync(tree.PartnerId, "viewer");

        await tree.CustomerAdmin.SendActivationAsync(user.Str("id")).ExpectErrorAsync(HttpStatusCode.Forbidden, 1002);
        await viewer.SendActivationAsync(user.Str("id")).ExpectErrorAsync(HttpStatusCode.Forbidden, 1002);
        await root.SendActivationAsync(Guid.NewGuid().ToString()).ExpectErrorAsync(HttpStatusCode.NotFound, 1005);

        Assert.Equal("none", (await root.ActivationStatusAsync(user.Str("id"))).Str("status"));
    }
}

public sealed class ActivationTestsSqlite(SmtpFixture smtp) : ActivationTests(StorageProvider.Sqlite, smtp), IClassFixture<SmtpFixture>;

public sealed class ActivationTestsPostgres(SmtpFixture smtp) : ActivationTests(StorageProvider.Postgres, smtp), IClassFixture<SmtpFixture>;
