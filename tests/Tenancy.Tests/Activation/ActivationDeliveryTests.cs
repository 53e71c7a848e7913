using Tenancy.Server.Storage;

namespace Tenancy.Tests.Activation;

/// <summary>
/// Delivery of activation emails when the SMTP server is down (retried with backoff, the status and
/// the log say so, delivered once it is up) and expiry of links. Each test runs its own server with
/// the settings it needs.
/// </summary>
public abstract class ActivationDeliveryTests(StorageProvider provider)
{
    [Fact]
    public async Task SmtpServerDown_EmailIsRetried_StatusShowsTheError_AndItIsDeliveredOnceTheServerIsUp()
    {
        var port = Smtp4dev.FreePort();
        var settings = ActivationSteps.Settings(port);
        settings["Tenancy:Email:RetryDelay"] = "00:00:00.200";
        settings["Tenancy:Email:MaxRetryDelay"] = "00:00:01";
        settings["Tenancy:Email:MaxAttempts"] = "1000";
        var logs = new LogCapture();
        await using var server = TenancyServer.Start(provider, settings, logs);
        var (root, tree) = await server.RootWithSubtreeAsync();
        var email = ActivationSteps.NewEmail();
        var id = (await root.CreatePersonAsync(tree.CustomerId, email)).Str("id");

        await root.SendActivationAsync(id).ExpectAsync(HttpStatusCode.NoContent);

        var failing = await root.WaitForStatusAsync(id, s => s.Long("attempts") >= 2 && s.GetProperty("last_error").ValueKind == JsonValueKind.String,
            "two failed attempts recorded");
        Assert.Equal("queued", failing.Str("status"));
        Assert.NotEqual(JsonValueKind.Null, failing.GetProperty("next_attempt_at").ValueKind);
        Assert.Contains(logs.Lines, l => l.Contains($"Activation email for user {id} not delivered (attempt 1)", StringComparison.Ordinal));

        await using var smtp = await Smtp4dev.StartAsync(port);
        var message = Assert.Single(await smtp.WaitForMessagesAsync(email));
        var sent = await root.WaitForStatusAsync(id, s => s.Str("status") == "sent", "the email recorded as sent");

        Assert.True(sent.Long("attempts") >= 2, sent.ToString());
        Assert.Equal(JsonValueKind.Null, sent.GetProperty("last_error").ValueKind);
        var link = Smtp4dev.LinkIn(message);
        (await server.OpenAsync(link)).Expect(HttpStatusCode.OK, "New password");
        Assert.DoesNotContain(logs.Lines, l => l.Contains(ActivationSteps.TokenOf(link), StringComparison.Ordinal));
        Assert.DoesNotContain(logs.Lines, l => l.Contains("/activate?", StringComparison.Ordinal));
    }

    [Fact]
    public async Task ExpiredLink_SaysSo_AndSetsNoPassword()
    {
        await using var smtp = await Smtp4dev.StartAsync();
        var settings = ActivationSteps.Settings(smtp.SmtpPort);
        settings["Tenancy:Email:ActivationLifetime"] = "00:00:01";
        await using var server = TenancyServer.Start(provider, settings);
        var (root, tree) = await server.RootWithSubtreeAsync();
        var email = ActivationSteps.NewEmail();
        var user = await root.CreatePersonAsync(tree.CustomerId, email);
        await root.SendActivationAsync(user.Str("id")).ExpectAsync(HttpStatusCode.NoContent);
        var link = Smtp4dev.LinkIn(Assert.Single(await smtp.WaitForMessagesAsync(email)));

        var expired = await Eventually.ValueAsync(() => server.OpenAsync(link), p => p.Status == HttpStatusCode.Gone, null, "the link to expire");

        expired.Expect(HttpStatusCode.Gone, "has expired");
        (await server.SubmitAsync(link, People.Password)).Expect(HttpStatusCode.Gone, "has expired");
        await server.PasswordGrantAsync(user.Str("login"), People.Password).ExpectAsync(HttpStatusCode.Unauthorized);
        var status = await root.ActivationStatusAsync(user.Str("id"));
        Assert.False(status.Bool("activated"));
        Assert.False(status.Bool("link_used"));
    }
}

public sealed class ActivationDeliveryTestsSqlite() : ActivationDeliveryTests(StorageProvider.Sqlite);

public sealed class ActivationDeliveryTestsPostgres() : ActivationDeliveryTests(StorageProvider.Postgres);
