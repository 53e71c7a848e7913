using System.Text.RegularExpressions;
using Microsoft.Playwright;
using static Microsoft.Playwright.Assertions;

namespace Tenancy.Tests.WebConsole;

/// <summary>
/// The sections of a tenant's page in Chromium: API clients (the secret once), the usage chart over seeded
/// samples, users, the audit trail, a report created and downloaded; the events feed and a webhook created and deleted.
/// </summary>
public sealed class ConsoleSectionTests(BrowserFixture browser) : ConsoleTest(browser)
{
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
        using var token = await Browser.Server.RequestTokenAsync(clientId!, secretText!);
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
    public async Task AuditUsersReportsEventsAndWebhooks_AreReachableFromTheConsole()
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
        // The feed of the user's reach: its customers' creation among it.
        var events = page.GetByRole(AriaRole.Table, new() { Name = "Events" });
        await Expect(events).ToContainTextAsync("tenancy.tenant.created");
        await Expect(events).ToContainTextAsync(world.CustomerIds[0]);
        await page.ExpectAccessibleAsync("events");

        // A webhook: its signing secret shown once, then listed (never with the secret) and deleted.
        var url = $"http://127.0.0.1:9/{world.CustomerIds[0]}";
        await page.GetByLabel("Receiver URL").FillAsync(url);
        await page.GetByLabel("Event types (comma-separated; empty: all)").FillAsync("tenancy.tenant.suspended");
        await page.GetByRole(AriaRole.Button, new() { Name = "Create webhook" }).ClickAsync();
        await Expect(page.Locator("#webhook-secret")).ToContainTextAsync("whsec_");
        var hooks = page.GetByRole(AriaRole.Table, new() { Name = "Webhooks" });
        await Expect(hooks).ToContainTextAsync(url);
        await Expect(hooks).ToContainTextAsync("tenancy.tenant.suspended");
        await page.ExpectAccessibleAsync("webhooks");
        await page.GetByRole(AriaRole.Button, new() { Name = "I have stored the secret: hide it" }).ClickAsync();
        await Expect(page.Locator("#webhook-secret")).ToHaveCountAsync(0);
        await page.GetByRole(AriaRole.Button, new() { Name = $"Delete the webhook to {url}" }).ClickAsync();
        await Expect(page.GetByText("No webhooks.")).ToBeVisibleAsync();
    }
}
