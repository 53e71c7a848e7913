using Microsoft.Extensions.DependencyInjection;
using Tenancy.Client;
using Tenancy.Server.Demo;
using Tenancy.Server.Storage;

namespace Tenancy.Tests.Client;

/// <summary>The server's `demo` command: it fills an empty store through the services and refuses any other.</summary>
public abstract class DemoSeedTests(StorageProvider provider) : ServerTests(provider)
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task Demo_FillsAnEmptyStore_AndItsCredentialsSignIn_WithoutPrintingASecret()
    {
        using var output = new StringWriter();

        var code = await Server.Services.GetRequiredService<DemoSeed>().RunAsync(output, Ct);

        Assert.Equal(0, code);
        var path = Path.Combine(Server.CredentialsDirectory, DemoSeed.CredentialsFileName);
        if (!OperatingSystem.IsWindows())
        {
            Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, File.GetUnixFileMode(path));
        }

        var credentials = JsonDocument.Parse(await File.ReadAllTextAsync(path, Ct)).RootElement;
        var clients = credentials.GetProperty("clients").EnumerateArray().ToList();
        var users = credentials.GetProperty("users").EnumerateArray().ToList();
        Assert.Equal(3, clients.Count);
        Assert.True(users.Count >= 5);
        foreach (var secret in clients.Select(c => c.Str("client_secret")).Concat(users.Select(u => u.Str("password"))))
        {
            Assert.DoesNotContain(secret, output.ToString(), StringComparison.Ordinal);
        }

        Assert.Contains(path, output.ToString(), StringComparison.Ordinal);
        Assert.Contains("3 partners, 2 folders, 10 customers, 4 units", output.ToString(), StringComparison.Ordinal);

        using var root = Server.RootClient();
        var rootId = (await root.Clients.GetAsync(TenancyServer.RootClientId, Ct)).TenantId;
        var tree = new List<Tenant>();
        await foreach (var t in root.Tenants.SubtreeAsync(rootId, ct: Ct))
        {
            tree.Add(t);
        }

        Assert.Equal(3, tree.Count(t => t.Kind == "partner"));
        Assert.Equal(10, tree.Count(t => t.Kind == "customer"));
        Assert.Contains(tree, t => t.Name == "Contoso Retail");

        // The first partner's API client reaches its partner only; a customer's admin signs in with its password.
        var partner = await Server.LoginAsync(clients[0].Str("client_id"), clients[0].Str("client_secret"));
        Assert.Equal(clients[0].Str("tenant_id"), await partner.OwnTenantIdAsync());
        await partner.GetAsync($"/api/2/tenants/{rootId}").ExpectErrorAsync(HttpStatusCode.Forbidden, 1002);
        var contoso = users.Single(u => u.Str("login") == "contoso.admin");
        using var user = TenancyClient.Create(new TenancyClientOptions
        {
            BaseAddress = Server.BaseAddress,
            Username = "contoso.admin",
            Password = contoso.Str("password"),
        });
        Assert.Equal("Contoso Retail", (await user.Tenants.GetAsync(contoso.Str("tenant_id"), Ct)).Name);

        // Usage: a subscription per customer with samples in this month.
        var now = DateTimeOffset.UtcNow;
        var month = new DateTimeOffset(now.Year, now.Month, 1, 0, 0, 0, TimeSpan.Zero);
        var csv = await root.Usage.ReportCsvAsync(rootId, month, month.AddMonths(1), Ct);
        Assert.Contains("Contoso Retail", csv, StringComparison.Ordinal);
        Assert.Equal(11, csv.Split("\r\n", StringSplitOptions.RemoveEmptyEntries).Length);
    }

    [Fact]
    public async Task Demo_RefusesAStoreThatIsNotEmpty_AndChangesNothing()
    {
        var root = await Server.RootAsync();
        var partner = await root.CreateTenantAsync(await root.OwnTenantIdAsync(), "partner");
        using var output = new StringWriter();

        var code = await Server.Services.GetRequiredService<DemoSeed>().RunAsync(output, Ct);

        Assert.Equal(1, code);
        Assert.Contains("not empty", output.ToString(), StringComparison.Ordinal);
        var children = await root.GetAsync($"/api/2/tenants?parent_id={await root.OwnTenantIdAsync()}").ExpectAsync(HttpStatusCode.OK);
        Assert.Equal([partner.Str("id")], children.GetProperty("items").EnumerateArray().Select(t => t.Str("id")));
        Assert.False(File.Exists(Path.Combine(Server.CredentialsDirectory, DemoSeed.CredentialsFileName)));
    }
}

public sealed class DemoSeedTestsSqlite() : DemoSeedTests(StorageProvider.Sqlite);

public sealed class DemoSeedTestsPostgres() : DemoSeedTests(StorageProvider.Postgres);
