using Microsoft.Playwright;
using static Microsoft.Playwright.Assertions;

namespace Tenancy.Tests.WebConsole;

/// <summary>
/// The web console in a real browser (<see cref="BrowserFixture"/>): each test builds its own partner with
/// customers and a partner admin with a password, and signs in as that admin. The console's test classes
/// share one server and one Chromium and run one after the other.
/// </summary>
[Collection(SharedBrowser.Name)]
public abstract class ConsoleTest(BrowserFixture browser) : IAsyncDisposable
{
    private readonly List<IPage> _pages = [];

    protected BrowserFixture Browser { get; } = browser;

    /// <summary>A page in a browser context of its own, closed after the test.</summary>
    protected async Task<IPage> NewPageAsync(int width = 1280)
    {
        var page = await Browser.NewPageAsync(width);
        _pages.Add(page);
        return page;
    }

    public async ValueTask DisposeAsync()
    {
        foreach (var page in _pages)
        {
            await page.Context.CloseAsync();
        }

        GC.SuppressFinalize(this);
    }

    protected sealed record World(Api Root, string PartnerId, string PartnerName, string[] CustomerIds, string[] CustomerNames, string Login);

    protected async Task<World> WorldAsync(int customers = 3)
    {
        var root = await Browser.Server.RootAsync();
        var run = Guid.NewGuid().ToString("N")[..6];
        var partnerName = $"Partner {run}";
        var partner = await root.CreateTenantAsync(await root.OwnTenantIdAsync(), "partner", partnerName);
        var names = Enumerable.Range(1, customers).Select(i => $"Customer {run}-{i}").ToArray();
        var ids = new string[customers];
        for (var i = 0; i < customers; i++)
        {
            ids[i] = (await root.CreateTenantAsync(partner.Str("id"), "customer", names[i])).Str("id");
        }

        var user = await root.CreateUserAsync(partner.Str("id"));
        await root.SetPasswordAsync(user.Str("id"), People.Password).ExpectAsync(HttpStatusCode.NoContent);
        return new World(root, partner.Str("id"), partnerName, ids, names, user.Str("login"));
    }

    protected async Task<IPage> SignedInAsync(World world, int width = 1280)
    {
        var page = await NewPageAsync(width);
        await page.SignInAsync(world.Login);
        return page;
    }

    protected static ILocator Tree(IPage page) => page.GetByRole(AriaRole.Navigation, new() { Name = "Tenants" });

    protected static ILocator Dialog(IPage page) => page.GetByRole(AriaRole.Dialog);

    protected static async Task OpenTenantAsync(IPage page, string name)
    {
        await Tree(page).GetByRole(AriaRole.Link, new() { Name = name, Exact = true }).ClickAsync();
        await Expect(page.GetByRole(AriaRole.Heading, new() { Name = name, Level = 1 })).ToBeVisibleAsync();
    }
}

[CollectionDefinition(Name)]
public sealed class SharedBrowser : ICollectionFixture<BrowserFixture>
{
    public const string Name = "Browser";
}
