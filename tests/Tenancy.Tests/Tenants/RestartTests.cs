using Tenancy.Server.Storage;

namespace Tenancy.Tests.Tenants;

/// <summary>What survives a restart on the same data directory, and the first start's bootstrap credentials.</summary>
public abstract class RestartTests(StorageProvider provider)
{
    private static async Task<JsonElement[]> RootClientsAsync(Api api, string rootId)
    {
        var list = await api.GetAsync($"/api/2/clients?tenant_id={rootId}").ExpectAsync(HttpStatusCode.OK);
        return [.. list.GetProperty("items").EnumerateArray()];
    }

    [Fact]
    public async Task ARestartedServer_KeepsTheTree_AcceptsOldTokens_AndDoesNotRecreateTheBootstrapClient()
    {
        string rootId, rootToken;
        Subtree tree;
        string customerToken;
        JsonElement bootstrapBefore;
        await using var store = TestStore.Create(provider);
        string dir;
        await using (var first = TenancyServer.Start(store))
        {
            dir = first.CredentialsDirectory;
            var root = await first.RootAsync();
            rootId = await root.OwnTenantIdAsync();
            tree = await root.BuildSubtreeAsync();
            await root.SetEnabledAsync(tree.UnitId, false);
            rootToken = root.Http.DefaultRequestHeaders.Authorization!.Parameter!;
            customerToken = tree.CustomerAdmin.Http.DefaultRequestHeaders.Authorization!.Parameter!;
            bootstrapBefore = Assert.Single(await RootClientsAsync(root, rootId));
            tree.CustomerAdmin.Dispose();
        }

        await using var second = TenancyServer.Start(store);
        using var rootAgain = second.WithBearer(rootToken);
        using var customerAgain = second.WithBearer(customerToken);
        var ct = TestContext.Current.CancellationToken;

        var rootTenant = await rootAgain.GetAsync($"/api/2/tenants/{rootId}", ct).ExpectAsync(HttpStatusCode.OK);
        Assert.Equal("root", rootTenant.Str("kind"));
        var unit = await rootAgain.GetAsync($"/api/2/tenants/{tree.UnitId}", ct).ExpectAsync(HttpStatusCode.OK);
        Assert.False(unit.Bool("enabled"));
        Assert.Equal(tree.CustomerId, unit.Str("parent_id"));
        var customer = await customerAgain.GetAsync($"/api/2/tenants/{tree.CustomerId}", ct).ExpectAsync(HttpStatusCode.OK);
        Assert.Equal(tree.Customer.Str("name"), customer.Str("name"));
        Assert.True(customer.Bool("has_children"));

        var admin = await second.RootAsync();
        var bootstrapAfter = Assert.Single(await RootClientsAsync(admin, rootId));
        Assert.Equal(bootstrapBefore.Str("client_id"), bootstrapAfter.Str("client_id"));
        Assert.Equal(bootstrapBefore.Str("created_at"), bootstrapAfter.Str("created_at"));
        Assert.False(File.Exists(Path.Combine(dir, "bootstrap-credentials.json")));
    }

    [Fact]
    public async Task AFirstStartWithoutBootstrapCredentials_WritesWorkingCredentialsReadableByTheOwnerOnly()
    {
        var unset = new Dictionary<string, string?> { ["Tenancy:Bootstrap:ClientId"] = null, ["Tenancy:Bootstrap:ClientSecret"] = null };
        string dir, written;
        await using var store = TestStore.Create(provider);
        await using (var server = TenancyServer.Start(store, unset))
        {
            dir = server.CredentialsDirectory;
            var file = Path.Combine(dir, "bootstrap-credentials.json");
            Assert.True(File.Exists(file), $"{file} was not written");
            if (provider == StorageProvider.Sqlite)
            {
                Assert.True(File.Exists(Path.Combine(dir, "tenancy.db")), "the credentials must lie next to the database");
            }

            if (!OperatingSystem.IsWindows())
            {
                Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, File.GetUnixFileMode(file));
            }

            written = await File.ReadAllTextAsync(file, TestContext.Current.CancellationToken);
            var credentials = JsonDocument.Parse(written).RootElement;
            Assert.NotEqual(TenancyServer.RootClientId, credentials.Str("client_id"));

            var admin = await server.LoginAsync(credentials.Str("client_id"), credentials.Str("client_secret"));
            Assert.Equal(credentials.Str("tenant_id"), await admin.OwnTenantIdAsync());
            var partner = await admin.CreateTenantAsync(credentials.Str("tenant_id"), "partner");
            Assert.Equal(credentials.Str("tenant_id"), partner.Str("parent_id"));
            admin.Dispose();
        }

        // A restart finds the root and leaves the credentials as they were.
        await using var again = TenancyServer.Start(store, unset);
        Assert.Equal(written, await File.ReadAllTextAsync(Path.Combine(dir, "bootstrap-credentials.json"), TestContext.Current.CancellationToken));
        var same = JsonDocument.Parse(written).RootElement;
        using var login = await again.LoginAsync(same.Str("client_id"), same.Str("client_secret"));
        Assert.Single(await RootClientsAsync(login, same.Str("tenant_id")));
    }
}

public sealed class RestartTestsSqlite() : RestartTests(StorageProvider.Sqlite);

public sealed class RestartTestsPostgres() : RestartTests(StorageProvider.Postgres);
