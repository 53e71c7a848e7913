using System.Text.RegularExpressions;
using Microsoft.Playwright;
using static Microsoft.Playwright.Assertions;

namespace Tenancy.Tests.WebConsole;

/// <summary>
/// The web console in a real browser: sign in with the form, browse and search the tree, suspend with
/// its preview, reactivate, terminate, create an API client and see its secret once, see the usage
/// chart; axe-core on every screen. Each test builds its own partner with customers and a partner
/// admin with a password, and signs in as that admin.
/// </summary>
public sealed partial class ConsoleTests(BrowserFixture browser) : IClassFixture<BrowserFixture>
{
    private sealed record World(Api Root, string PartnerId, string PartnerName, string[] CustomerIds, string[] CustomerNames, string Login);

    private async Task<World> WorldAsync(int customers = 3)
    {
        var root = await browser.Server.RootAsync();
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

    private async Task<IPage> SignedInAsync(World world, int width = 1280)
    {
        var page = await browser.NewPageAsync(width);
        await page.SignInAsync(world.Login);
        return page;
    }

    private static ILocator Tree(IPage page) => page.GetByRole(AriaRole.Navigation, new() { Name = "Tenants" });

    private static ILocator Dialog(IPage page) => page.GetByRole(AriaRole.Dialog);

    private static async Task OpenTenantAsync(IPage page, string name)
    {
        await Tree(page).GetByRole(AriaRole.Link, new() { Name = name, Exact = true }).ClickAsync();
        await Expect(page.GetByRole(AriaRole.Heading, new() { Name = name, Level = 1 })).ToBeVisibleAsync();
    }

    [Fact]
    public async Task SignIn_ShowsTheTreeOfTheUsersTenant_WithItsChildrenAndTheirStates()
    {
        var world = await WorldAsync();
        await world.Root.SetEnabledAsync(world.CustomerIds[1], false);
        var page = await browser.NewPageAsync();

        await page.GotoAsync("/");
        await Expect(page).ToHaveURLAsync(new Regex("/console"));
        await page.ExpectAccessibleAsync("sign-in page");
        await page.GetByLabel("Login").FillAsync(world.Login);
        await page.GetByLabel("Password").FillAsync("Wrong-Password-99");
        await page.GetByRole(AriaRole.Button, new() { Name = "Sign in" }).ClickAsync();
        await Expect(page.GetByRole(AriaRole.Alert)).ToContainTextAsync("The username or password is wrong.");
        await page.SignInAsync(world.Login);

        // The user's tenant is the root of the tree, opened a page of children at a time.
        await Expect(page.GetByRole(AriaRole.Heading, new() { Name = world.PartnerName, Level = 1 })).ToBeVisibleAsync();
        var tree = Tree(page);
        foreach (var name in world.CustomerNames)
        {
            await Expect(tree.GetByRole(AriaRole.Link, new() { Name = name, Exact = true })).ToBeVisibleAsync();
        }

        var suspended = tree.Locator(".row", new() { Has = page.GetByRole(AriaRole.Link, new() { Name = world.CustomerNames[1], Exact = true }) });
        await Expect(suspended.Locator(".badge")).ToHaveTextAsync("Suspended");
        await Expect(tree.GetByRole(AriaRole.Button, new() { Name = $"Children of {world.PartnerName}" })).ToHaveAttributeAsync("aria-expanded", "true");
        await page.ExpectAccessibleAsync("tenant tree");
        await page.ScreenshotAsync("tree.png");

        // The token is in sessionStorage; signing out revokes it on the server.
        var token = await page.EvaluateAsync<string>("() => JSON.parse(sessionStorage.getItem('tenancy.console.session')).token");
        await page.GetByRole(AriaRole.Button, new() { Name = "Sign out" }).ClickAsync();
        await Expect(page.GetByLabel("Login")).ToBeVisibleAsync();
        using var after = browser.Server.WithBearer(token);
        using var response = await after.GetAsync("/api/2/users/me", TestContext.Current.CancellationToken);
        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
    }

    [Fact]
    public async Task Search_FindsATenantBelowTheUsersTenant_AndOpensItsPage()
    {
        var world = await WorldAsync();
        var page = await SignedInAsync(world);

        await page.GetByLabel("Search tenants and users").FillAsync(world.CustomerNames[2]);
        await page.GetByRole(AriaRole.Button, new() { Name = "Search", Exact = true }).ClickAsync();
        var results = page.GetByRole(AriaRole.List, new() { Name = $"Search results for “{world.CustomerNames[2]}”" });
        await results.GetByRole(AriaRole.Link, new() { Name = world.CustomerNames[2], Exact = true }).ClickAsync();

        await Expect(page.GetByRole(AriaRole.Heading, new() { Name = world.CustomerNames[2], Level = 1 })).ToBeVisibleAsync();
        await Expect(page.GetByText(world.CustomerIds[2], new() { Exact = true })).ToBeVisibleAsync();
        await page.ExpectAccessibleAsync("search results and tenant overview");
    }

    [Fact]
    public async Task Suspend_ShowsThePreviewFirst_ThenSuspends_AndReactivateRestores()
    {
        var world = await WorldAsync();
        var customer = world.CustomerIds[0];
        var before = await world.Root.GetTenantAsync(customer);
        var page = await SignedInAsync(world);
        await OpenTenantAsync(page, world.CustomerNames[0]);

        await page.GetByRole(AriaRole.Button, new() { Name = "Suspend", Exact = true }).ClickAsync();
        var dialog = Dialog(page);
        await Expect(dialog.GetByRole(AriaRole.Heading)).ToHaveTextAsync($"Suspend {world.CustomerNames[0]}?");
        await Expect(dialog).ToContainTextAsync($"Suspend “{world.CustomerNames[0]}” and its subtree.");
        // The server's impact when it answers dry runs; otherwise it says the preview is unavailable.
        await Expect(dialog.Locator(".impact, .message.warning")).ToBeVisibleAsync();
        await page.ExpectAccessibleAsync("suspend preview");
        await page.ScreenshotAsync("suspend-preview.png");

        // The preview changed nothing.
        Assert.Equal(before.GetProperty("version").GetInt64(), (await world.Root.GetTenantAsync(customer)).GetProperty("version").GetInt64());
        Assert.True((await world.Root.GetTenantAsync(customer)).GetProperty("enabled").GetBoolean());

        await dialog.GetByRole(AriaRole.Button, new() { Name = $"Suspend {world.CustomerNames[0]}" }).ClickAsync();
        await Expect(page.Locator(".tenant-head .badge")).ToHaveTextAsync("Suspended");
        await Expect(page.GetByRole(AriaRole.Button, new() { Name = "Reactivate" })).ToBeVisibleAsync();
        var suspended = await world.Root.GetTenantAsync(customer);
        Assert.False(suspended.GetProperty("enabled").GetBoolean());
        Assert.Equal(before.GetProperty("version").GetInt64() + 1, suspended.GetProperty("version").GetInt64());
        var row = Tree(page).Locator(".row", new() { Has = page.GetByRole(AriaRole.Link, new() { Name = world.CustomerNames[0], Exact = true }) });
        await Expect(row.Locator(".badge")).ToHaveTextAsync("Suspended");

        await page.GetByRole(AriaRole.Button, new() { Name = "Reactivate" }).ClickAsync();
        await Expect(Dialog(page)).ToContainTextAsync($"Reactivate “{world.CustomerNames[0]}” and its subtree.");
        await Dialog(page).GetByRole(AriaRole.Button, new() { Name = $"Reactivate {world.CustomerNames[0]}" }).ClickAsync();
        await Expect(page.Locator(".tenant-head .badge")).ToHaveTextAsync("Enabled");
        Assert.True((await world.Root.GetTenantAsync(customer)).GetProperty("enabled").GetBoolean());
    }

    [Fact]
    public async Task Cancel_OnThePreview_ChangesNothing()
    {
        var world = await WorldAsync(1);
        var before = await world.Root.GetTenantAsync(world.CustomerIds[0]);
        var page = await SignedInAsync(world);
        await OpenTenantAsync(page, world.CustomerNames[0]);

        await page.GetByRole(AriaRole.Button, new() { Name = "Terminate" }).ClickAsync();
        await Expect(Dialog(page)).ToContainTextAsync("with its whole subtree");
        await page.Keyboard.PressAsync("Escape");
        await Expect(Dialog(page)).ToHaveCountAsync(0);

        var after = await world.Root.GetTenantAsync(world.CustomerIds[0]);
        Assert.Equal(before.GetProperty("version").GetInt64(), after.GetProperty("version").GetInt64());
        Assert.True(after.GetProperty("enabled").GetBoolean());
    }

    [Fact]
    public async Task Terminate_SuspendsThenDeletes_AndTheTreeDropsTheTenant()
    {
        var world = await WorldAsync();
        var page = await SignedInAsync(world);
        await OpenTenantAsync(page, world.CustomerNames[1]);

        await page.GetByRole(AriaRole.Button, new() { Name = "Terminate" }).ClickAsync();
        await Expect(Dialog(page)).ToContainTextAsync($"Terminate “{world.CustomerNames[1]}”: suspend it, then delete it with its whole subtree.");
        await Dialog(page).GetByRole(AriaRole.Button, new() { Name = $"Terminate {world.CustomerNames[1]}" }).ClickAsync();

        await Expect(page.GetByText($"“{world.CustomerNames[1]}” was terminated with its subtree.")).ToBeVisibleAsync();
        await Expect(Tree(page).GetByRole(AriaRole.Link, new() { Name = world.CustomerNames[1], Exact = true })).ToHaveCountAsync(0);
        using var response = await world.Root.GetAsync($"/api/2/tenants/{world.CustomerIds[1]}");
        var body = await response.Content.ReadAsStringAsync(TestContext.Current.CancellationToken);
        // Gone (404), or, where deletion is soft, marked deleted.
        Assert.True(response.StatusCode == HttpStatusCode.NotFound || JsonDocument.Parse(body).RootElement.GetProperty("deleted_at").ValueKind == JsonValueKind.String, body);
    }

    [Fact]
    public async Task AVersionConflict_ReloadsTheTenant_AndSaysWhatChanged()
    {
        var world = await WorldAsync(1);
        var page = await SignedInAsync(world);
        await OpenTenantAsync(page, world.CustomerNames[0]);
        var current = await world.Root.GetTenantAsync(world.CustomerIds[0]);
        await world.Root.PutTenantAsync(world.CustomerIds[0], new { name = "Renamed meanwhile", version = current.GetProperty("version").GetInt64() })
            .ExpectAsync(HttpStatusCode.OK);

        await page.GetByRole(AriaRole.Button, new() { Name = "Suspend", Exact = true }).ClickAsync();
        var confirm = Dialog(page).GetByRole(AriaRole.Button, new() { Name = $"Suspend {world.CustomerNames[0]}" });
        if (await confirm.IsEnabledAsync())
        {
            await confirm.ClickAsync();
        }

        var alert = page.Locator(".message.warning[role=alert]");
        await Expect(alert).ToContainTextAsync($"Someone changed “{world.CustomerNames[0]}” since this page was loaded");
        await Expect(alert).ToContainTextAsync($"name: \"{world.CustomerNames[0]}\" → \"Renamed meanwhile\"");
        await Expect(page.GetByRole(AriaRole.Heading, new() { Name = "Renamed meanwhile", Level = 1 })).ToBeVisibleAsync();
        Assert.True((await world.Root.GetTenantAsync(world.CustomerIds[0])).GetProperty("enabled").GetBoolean());
    }

    [Fact]
    public async Task CreateClient_ShowsItsSecretOnce_AndTheSecretWorks()
    {
        var world = await WorldAsync(1);
        var page = await SignedInAsync(world);
        await OpenTenantAsync(page, world.CustomerNames[0]);
        await page.GetByRole(AriaRole.Link, new() { Name = "API clients" }).ClickAsync();
        await page.ExpectAccessibleAsync("API clients");

        await page.GetByLabel("Client name").FillAsync("Backup agent");
        await page.GetByRole(AriaRole.Button, new() { Name = "Create API client" }).ClickAsync();
        var secret = page.Locator("#client-secret");
        await Expect(secret).ToBeVisibleAsync();
        var clientId = await page.Locator("#client-id").TextContentAsync();
        var secretText = await secret.TextContentAsync();
        await Expect(page.GetByRole(AriaRole.Table, new() { Name = $"API clients of {world.CustomerNames[0]}" })).ToContainTextAsync("Backup agent");

        // The secret is the client's: it gets a token.
        using var token = await browser.Server.RequestTokenAsync(clientId!, secretText!);
        Assert.Equal(HttpStatusCode.OK, token.StatusCode);

        // Once: leaving the section and coming back shows the client, never its secret.
        await page.GetByRole(AriaRole.Link, new() { Name = "Overview" }).ClickAsync();
        await page.GetByRole(AriaRole.Link, new() { Name = "API clients" }).ClickAsync();
        await Expect(page.GetByRole(AriaRole.Table, new() { Name = $"API clients of {world.CustomerNames[0]}" })).ToContainTextAsync(clientId!);
        Assert.DoesNotContain(secretText!, await page.ContentAsync(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task UsagePage_DrawsTheUsageOverTheLastMonths()
    {
        var world = await WorldAsync(1);
        var customer = world.CustomerIds[0];
        var number = $"A-S{Random.Shared.NextInt64(10_000_000_000, 99_999_999_999)}";
        await world.Root.PostJsonAsync($"/api/2/tenants/{customer}/subscriptions", new { number }).ExpectAsync(HttpStatusCode.Created);
        var now = DateTimeOffset.UtcNow;
        var month = new DateTimeOffset(now.Year, now.Month, 1, 12, 0, 0, TimeSpan.Zero);
        var items = new[] { (3, 4.0), (2, 9.5), (1, 7.25), (0, 12.0) }.Select(s => new
        {
            tenant_id = customer, subscription = number, service_level = "standard", consumed = s.Item2,
            timestamp = month.AddMonths(-s.Item1).AddDays(1).ToString("O"),
        }).Where(s => DateTimeOffset.Parse(s.timestamp, System.Globalization.CultureInfo.InvariantCulture) < now).ToArray();
        var ingest = await world.Root.PostJsonAsync("/api/2/usage", new { items }).ExpectAsync(HttpStatusCode.OK);
        Assert.Equal(items.Length, ingest.GetProperty("applied").GetInt32());
        var page = await SignedInAsync(world);
        await OpenTenantAsync(page, world.CustomerNames[0]);

        await page.GetByRole(AriaRole.Link, new() { Name = "Offering items and usage" }).ClickAsync();
        var chart = page.GetByRole(AriaRole.Img, new() { Name = $"Peak usage per service level of {world.CustomerNames[0]} and its subtree, by month" });
        await Expect(chart).ToBeVisibleAsync();
        await Expect(chart.Locator("circle")).ToHaveCountAsync(items.Length);
        await Expect(page.GetByRole(AriaRole.Table, new() { Name = "Offering items turned on" })).ToBeVisibleAsync();
        await page.ExpectAccessibleAsync("usage page");
        await chart.ScrollIntoViewIfNeededAsync();
        await page.ScreenshotAsync("tenant-usage.png");
    }

    [Fact]
    public async Task AuditUsersAndReports_AreReachableFromTheTenantPage()
    {
        var world = await WorldAsync(1);
        var page = await SignedInAsync(world);
        await Expect(page.GetByRole(AriaRole.Heading, new() { Name = world.PartnerName, Level = 1 })).ToBeVisibleAsync();

        await page.GetByRole(AriaRole.Link, new() { Name = "Users" }).ClickAsync();
        await Expect(page.GetByRole(AriaRole.Table, new() { Name = $"Users of {world.PartnerName}" })).ToContainTextAsync(world.Login);
        await page.ExpectAccessibleAsync("users");

        await page.GetByRole(AriaRole.Link, new() { Name = "Audit trail" }).ClickAsync();
        await Expect(page.GetByRole(AriaRole.Table)).ToContainTextAsync("tenant.create");
        await page.ExpectAccessibleAsync("audit trail");

        await page.GetByRole(AriaRole.Link, new() { Name = "Usage reports", Exact = true }).First.ClickAsync();
        await page.GetByLabel("Kind").SelectOptionAsync("usage_current");
        await page.GetByRole(AriaRole.Button, new() { Name = "Create report" }).ClickAsync();
        var download = page.GetByRole(AriaRole.Button, new() { NameRegex = new Regex("^Download csv_v2_0") });
        await Expect(download).ToBeVisibleAsync();
        var file = await page.RunAndWaitForDownloadAsync(() => download.ClickAsync());
        Assert.EndsWith(".csv", file.SuggestedFilename, StringComparison.Ordinal);
        await page.ExpectAccessibleAsync("usage reports");

        await page.GetByRole(AriaRole.Link, new() { Name = "Events and webhooks" }).ClickAsync();
        await Expect(page.GetByRole(AriaRole.Heading, new() { Name = "Events and webhooks", Level = 1 })).ToBeVisibleAsync();
        await page.ExpectAccessibleAsync("events");
    }

    [Fact]
    public async Task ANarrowWindow_ShowsEveryScreenWithoutSidewaysScrolling()
    {
        var world = await WorldAsync(2);
        var page = await SignedInAsync(world, width: 400);
        await Expect(Tree(page).GetByRole(AriaRole.Link, new() { Name = world.CustomerNames[1], Exact = true })).ToBeVisibleAsync();
        await page.ExpectAccessibleAsync("tenant tree at 400px");
        await OpenTenantAsync(page, world.CustomerNames[1]);
        var wide = await page.EvaluateAsync<string[]>(
            "() => [...document.querySelectorAll('body *')].filter(e => e.getBoundingClientRect().right > window.innerWidth + 1)"
            + ".map(e => e.tagName + '.' + e.className + ' ' + Math.round(e.getBoundingClientRect().right))");
        Assert.True(wide.Length == 0, "wider than the 400px window: " + string.Join(", ", wide));
        await page.GetByRole(AriaRole.Button, new() { Name = "Suspend", Exact = true }).ClickAsync();
        await Expect(Dialog(page)).ToBeVisibleAsync();
        await page.ExpectAccessibleAsync("suspend preview at 400px");
        await page.Keyboard.PressAsync("Escape");

        // Keyboard only: Tab reaches the tree's links and Enter opens a tenant.
        var link = Tree(page).GetByRole(AriaRole.Link, new() { Name = world.CustomerNames[0], Exact = true });
        await link.FocusAsync();
        await page.Keyboard.PressAsync("Enter");
        await Expect(page.GetByRole(AriaRole.Heading, new() { Name = world.CustomerNames[0], Level = 1 })).ToBeVisibleAsync();
    }
}
