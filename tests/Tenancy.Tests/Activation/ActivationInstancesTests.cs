using Tenancy.Server.Storage;

namespace Tenancy.Tests.Activation;

/// <summary>Two instances on one store, both sending: each queued email is claimed and sent by one of them, once.</summary>
public abstract class ActivationInstancesTests(StorageProvider provider, SmtpFixture smtp)
{
    [Fact]
    public async Task TwoInstancesSending_DeliverEachEmailExactlyOnce()
    {
        var settings = ActivationSteps.Settings(smtp.Server.SmtpPort);
        settings["Tenancy:Email:PollInterval"] = "00:00:00.100";
        await using var store = TestStore.Create(provider);
        await using var a = TenancyServer.Start(store, settings);
        await using var b = TenancyServer.Start(store, settings);
        var (rootA, tree) = await a.RootWithSubtreeAsync();
        var rootB = await b.RootAsync();
        var people = new List<(string Id, string Email)>();
        for (var i = 0; i < 6; i++)
        {
            var email = ActivationSteps.NewEmail();
            people.Add(((await rootA.CreatePersonAsync(tree.CustomerId, email)).Str("id"), email));
        }

        await Task.WhenAll(people.Select((p, i) => (i % 2 == 0 ? rootA : rootB).SendActivationAsync(p.Id).ExpectAsync(HttpStatusCode.NoContent)));

        foreach (var (id, email) in people)
        {
            var sent = await rootB.WaitForStatusAsync(id, s => s.Str("status") == "sent", $"the email to {email} sent");
            Assert.Equal(1, sent.Long("attempts"));
            Assert.Single(await smtp.Server.MessagesToAsync(email));
        }
    }
}

public sealed class ActivationInstancesTestsSqlite(SmtpFixture smtp) : ActivationInstancesTests(StorageProvider.Sqlite, smtp), IClassFixture<SmtpFixture>;

public sealed class ActivationInstancesTestsPostgres(SmtpFixture smtp) : ActivationInstancesTests(StorageProvider.Postgres, smtp), IClassFixture<SmtpFixture>;
