using System.Text.RegularExpressions;
using Microsoft.Playwright;
using static Microsoft.Playwright.Assertions;

namespace Tenancy.Tests.WebConsole;

/// <summary>The console's way in and its tree in Chromium: sign-in, sign-out, states, paging, search, a narrow window.</summary>
public sealed class ConsoleTreeTests(BrowserFixture browser) : ConsoleTest(browser)
{
    [Fact]
    public async Task SignIn_ShowsTheTreeOfTheUsersTenant_WithItsChildrenAndTheirStates()
    {
        var world = await WorldAsync();
        await world.Root.SetEnabledAsync(world.CustomerIds[1], false);
        var page = await NewPageAsync();

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
        using var after = Browser.Server.WithBearer(token);
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
    public async Task ALargeParent_ShowsAPageOfChildren_AndLoadsMoreOnRequest()
    {
        var world = await WorldAsync(55);
        var page = await SignedInAsync(world);
        var children = Tree(page).Locator(".tree > li > ul > li[data-id]");

        await Expect(children).ToHaveCountAsync(50);
        await Tree(page).GetByRole(AriaRole.Button, new() { Name = $"Load more children of {world.PartnerName}" }).ClickAsync();

        await Expect(children).ToHaveCountAsync(55);
        await Expect(Tree(page).GetByRole(AriaRole.Button, new() { Name = $"Load more children of {world.PartnerName}" })).ToHaveCountAsync(0);
        await Expect(Tree(page).GetByRole(AriaRole.Link, new() { Name = world.CustomerNames[54], Exact = true })).ToBeVisibleAsync();
    }

    [Fact]
    public async Task ARevokedToken_ReturnsToTheSignInForm_SayingWhy()
    {
        var world = await WorldAsync(1);
        var page = await SignedInAsync(world);
        var token = await page.EvaluateAsync<string>("() => JSON.parse(sessionStorage.getItem('tenancy.console.session')).token");
        using var http = Browser.Server.WithBearer(token);
        using var revoke = await http.PostAsync("/api/2/idp/revoke_token",
            new FormUrlEncodedContent(new Dictionary<string, string> { ["token"] = token }), TestContext.Current.CancellationToken);
        Assert.Equal(HttpStatusCode.OK, revoke.StatusCode);

        await Tree(page).GetByRole(AriaRole.Link, new() { Name = world.CustomerNames[0], Exact = true }).ClickAsync();

        await Expect(page.GetByLabel("Login")).ToBeVisibleAsync();
        await Expect(page.GetByText("Your session has ended; sign in again.")).ToBeVisibleAsync();
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
