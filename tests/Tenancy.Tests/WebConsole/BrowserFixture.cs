using Deque.AxeCore.Commons;
using Deque.AxeCore.Playwright;
using Microsoft.Playwright;
using Tenancy.Server.Storage;

namespace Tenancy.Tests.WebConsole;

/// <summary>
/// A real Tenancy server (Kestrel on a loopback port, SQLite) and Debian's Chromium driven by Playwright,
/// shared by the tests of a class. No browser is downloaded: Playwright launches /usr/bin/chromium
/// (`apt-get install chromium`). Without it the tests are skipped here and fail when CI=true.
/// </summary>
public sealed class BrowserFixture : IAsyncLifetime
{
    public const string ChromiumPath = "/usr/bin/chromium";

    public const string Requirement = "Chromium is not installed: apt-get install chromium (the console's browser tests drive /usr/bin/chromium)";

    /// <summary>How long a page condition may take to appear on a busy machine before a test fails.</summary>
    public static readonly TimeSpan Patience = TimeSpan.FromSeconds(30);

    private IPlaywright? _playwright;
    private IBrowser? _browser;
    private TenancyServer? _server;

    public static bool Available => File.Exists(ChromiumPath);

    public TenancyServer Server
    {
        get
        {
            Requirements.Need(Available, Requirement);
            return _server ?? throw new InvalidOperationException("The server did not start.");
        }
    }

    public async ValueTask InitializeAsync()
    {
        if (!Available)
        {
            return;
        }

        // Webhooks created in the console point at loopback, which the address check refuses unless allowed.
        _server = TenancyServer.Start(StorageProvider.Sqlite, new Dictionary<string, string?> { ["Tenancy:Webhooks:AllowedNetworks:0"] = "127.0.0.0/8" });
        Assertions.SetDefaultExpectTimeout((float)Patience.TotalMilliseconds);
        _playwright = await Playwright.CreateAsync();
        // Running as root (CI containers) needs --no-sandbox; nothing but this server's pages is opened.
        _browser = await _playwright.Chromium.LaunchAsync(new() { ExecutablePath = ChromiumPath, Headless = true, Args = ["--no-sandbox"] });
    }

    /// <summary>A fresh browser context (its own sessionStorage) with one page on the server.</summary>
    public async Task<IPage> NewPageAsync(int width = 1280, int height = 900)
    {
        Requirements.Need(Available, Requirement);
        var context = await _browser!.NewContextAsync(new()
        {
            BaseURL = Server.BaseAddress.ToString(),
            ViewportSize = new() { Width = width, Height = height },
            AcceptDownloads = true,
        });
        context.SetDefaultTimeout((float)Patience.TotalMilliseconds);
        return await context.NewPageAsync();
    }

    public async ValueTask DisposeAsync()
    {
        if (_browser is not null)
        {
            await _browser.DisposeAsync();
        }

        _playwright?.Dispose();
        if (_server is not null)
        {
            await _server.DisposeAsync();
        }
    }
}

/// <summary>What every console test does in the browser: sign in, check accessibility, keep screenshots.</summary>
public static class ConsolePage
{
    /// <summary>Opens the server's root (which leads to the console) and signs in with the form.</summary>
    public static async Task SignInAsync(this IPage page, string login, string password = People.Password)
    {
        await page.GotoAsync("/");
        await page.GetByLabel("Login").FillAsync(login);
        await page.GetByLabel("Password").FillAsync(password);
        await page.GetByRole(AriaRole.Button, new() { Name = "Sign in" }).ClickAsync();
        await Assertions.Expect(page.GetByText($"Signed in as {login}")).ToBeVisibleAsync();
    }

    /// <summary>axe-core on the page as it is: no serious or critical violation.</summary>
    public static async Task ExpectAccessibleAsync(this IPage page, string screen)
    {
        AxeResult result = await page.RunAxe();
        var bad = result.Violations
            .Where(v => v.Impact is "serious" or "critical")
            .Select(v => $"{v.Id} ({v.Impact}): {v.Help} at {string.Join(", ", v.Nodes.Select(n => n.Target.ToString()))}")
            .ToList();
        Assert.True(bad.Count == 0, $"axe-core found on the {screen}:\n{string.Join("\n", bad)}");
    }

    /// <summary>
    /// Saves a screenshot in the directory named by TENANCY_SCREENSHOTS (docs/console.md: how the README's
    /// pictures are refreshed), else next to the test assembly, so a test run leaves the checkout as it was.
    /// </summary>
    public static async Task ScreenshotAsync(this IPage page, string name)
    {
        var configured = Environment.GetEnvironmentVariable("TENANCY_SCREENSHOTS");
        var target = string.IsNullOrEmpty(configured) ? Path.Combine(AppContext.BaseDirectory, "screenshots") : configured;
        Directory.CreateDirectory(target);
        await page.ScreenshotAsync(new() { Path = Path.Combine(target, name), FullPage = false });
    }
}
