using Microsoft.Playwright;
using static Microsoft.Playwright.Assertions;

namespace Tenancy.Tests.WebConsole;

/// <summary>
/// Lifecycle actions from a tenant's page in Chromium: the server's preview first, then a confirmation
/// that names the tenant, then the change (seen through the API), and version conflicts.
/// </summary>
public sealed class ConsoleLifecycleTests(BrowserFixture browser) : ConsoleTest(browser)
{
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
        // The server's dry run: what the suspend would cut off, the customer itself among it.
        await Expect(dialog.Locator(".impact")).ToContainTextAsync("tenants (this one and its subtree)");
        await Expect(dialog.Locator(".message.warning")).ToHaveCountAsync(0);
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

        // The suspend's dry run quotes the version the page shows: the server refuses it as stale (1001).
        await page.GetByRole(AriaRole.Button, new() { Name = "Suspend", Exact = true }).ClickAsync();

        var alert = page.Locator(".message.warning[role=alert]");
        await Expect(alert).ToContainTextAsync($"Someone changed “{world.CustomerNames[0]}” since this page was loaded");
        await Expect(alert).ToContainTextAsync($"name: \"{world.CustomerNames[0]}\" → \"Renamed meanwhile\"");
        await Expect(page.GetByRole(AriaRole.Heading, new() { Name = "Renamed meanwhile", Level = 1 })).ToBeVisibleAsync();
        Assert.True((await world.Root.GetTenantAsync(world.CustomerIds[0])).GetProperty("enabled").GetBoolean());
    }

    [Fact]
    public async Task Move_AsksForTheNewParent_ShowsThePreview_AndMovesTheTenant()
    {
        var world = await WorldAsync(1);
        var folder = await world.Root.CreateTenantAsync(world.PartnerId, "folder", $"Folder of {world.PartnerName}");
        var page = await SignedInAsync(world);
        await OpenTenantAsync(page, world.CustomerNames[0]);

        await page.GetByRole(AriaRole.Button, new() { Name = "Move" }).ClickAsync();
        await page.GetByLabel("New parent tenant ID").FillAsync(folder.Str("id"));
        await Dialog(page).GetByRole(AriaRole.Button, new() { Name = "Preview the move" }).ClickAsync();
        await Expect(Dialog(page)).ToContainTextAsync($"Move “{world.CustomerNames[0]}” and its subtree under {folder.Str("id")}.");
        await Dialog(page).GetByRole(AriaRole.Button, new() { Name = $"Move {world.CustomerNames[0]}" }).ClickAsync();

        // The notice on the page; the same words also go to the screen-reader status region.
        await Expect(page.Locator("#main").GetByText("Move: done.")).ToBeVisibleAsync();
        Assert.Equal(folder.Str("id"), (await world.Root.GetTenantAsync(world.CustomerIds[0])).Str("parent_id"));
        // The tree shows it under its new parent once that is opened.
        await Tree(page).GetByRole(AriaRole.Button, new() { Name = $"Children of Folder of {world.PartnerName}" }).ClickAsync();
        await Expect(Tree(page).Locator("li", new() { Has = page.GetByRole(AriaRole.Link, new() { Name = $"Folder of {world.PartnerName}", Exact = true }) })
            .GetByRole(AriaRole.Link, new() { Name = world.CustomerNames[0], Exact = true })).ToBeVisibleAsync();
    }
}
