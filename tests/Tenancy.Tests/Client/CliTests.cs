using Tenancy.Cli;

namespace Tenancy.Tests.Client;

/// <summary>
/// The tenancy tool, run in-process through its entry point (TenancyCli.RunAsync) against a real server on
/// loopback, with no terminal (as in a script): profiles, tenants, clients, JSON output, exit codes.
/// </summary>
public sealed class CliTests : IAsyncLifetime
{
    private TenancyServer _server = null!;
    private string _config = null!;

    public async ValueTask InitializeAsync()
    {
        _server = TenancyServer.Start();
        _config = Path.Combine(_server.DataDirectory, "cli", "config.json");
        var login = await RunAsync(["login", "--url", _server.BaseAddress.ToString(), "--client-id", TenancyServer.RootClientId, "--secret-stdin"], _server.RootSecret);
        Assert.True(login.Code == ExitCodes.Ok, login.Error);
    }

    public async ValueTask DisposeAsync() => await _server.DisposeAsync();

    private sealed record Ran(int Code, string Out, string Error)
    {
        public JsonElement Json => JsonDocument.Parse(Out).RootElement;
    }

    private async Task<Ran> RunAsync(string[] args, string stdin = "")
    {
        using var output = new StringWriter();
        using var error = new StringWriter();
        var env = new CliEnvironment { Out = output, Error = error, In = new StringReader(stdin), Interactive = false, ConfigPath = _config };
        var code = await TenancyCli.RunAsync(args, env, TestContext.Current.CancellationToken);
        return new Ran(code, output.ToString(), error.ToString());
    }

    private async Task<string> CreatePartnerAsync(string name)
    {
        var created = await RunAsync(["tenants", "create", "--name", name, "--kind", "partner", "-o", "json"]);
        Assert.True(created.Code == ExitCodes.Ok, created.Error);
        return created.Json.Str("id");
    }

    [Fact]
    public async Task Login_KeepsTheProfileInAFileOnlyItsOwnerReads_AndNeverPrintsTheSecret()
    {
        var again = await RunAsync(["login", "--url", _server.BaseAddress.ToString(), "--client-id", TenancyServer.RootClientId,
            "--secret-stdin", "--profile", "second", "-o", "json"], _server.RootSecret);

        Assert.Equal(ExitCodes.Ok, again.Code);
        Assert.DoesNotContain(_server.RootSecret, again.Out + again.Error, StringComparison.Ordinal);
        Assert.Equal("second", again.Json.Str("profile"));
        if (!OperatingSystem.IsWindows())
        {
            Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, File.GetUnixFileMode(_config));
        }

        var file = JsonDocument.Parse(File.ReadAllText(_config)).RootElement;
        Assert.Equal("default", file.Str("default_profile"));
        Assert.Equal(TenancyServer.RootClientId, file.GetProperty("profiles").GetProperty("second").Str("client_id"));
        var root = await _server.RootAsync();
        Assert.Equal(await root.OwnTenantIdAsync(), again.Json.Str("tenant_id"));

        var wrong = await RunAsync(["login", "--url", _server.BaseAddress.ToString(), "--client-id", TenancyServer.RootClientId, "--secret-stdin"], "not-the-secret");
        Assert.Equal(ExitCodes.NotSignedIn, wrong.Code);
        Assert.Contains("error:", wrong.Error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task TenantsCreateAndGet_PrintJsonOrATable()
    {
        var id = await CreatePartnerAsync("CLI partner");

        var json = await RunAsync(["tenants", "get", id, "--output", "json"]);
        var table = await RunAsync(["tenants", "get", id]);
        var tree = await RunAsync(["tenants", "tree", id, "-o", "json"]);

        Assert.Equal(ExitCodes.Ok, json.Code);
        Assert.Equal("CLI partner", json.Json.Str("name"));
        Assert.Equal("partner", json.Json.Str("kind"));
        Assert.Contains("CLI partner", table.Out, StringComparison.Ordinal);
        Assert.Contains(id, table.Out, StringComparison.Ordinal);
        Assert.Equal(id, tree.Json[0].Str("id"));
        var stored = await (await _server.RootAsync()).GetTenantAsync(id);
        Assert.Equal("CLI partner", stored.Str("name"));
    }

    [Fact]
    public async Task Suspend_WithYes_Suspends_AndWithoutATerminalOrYes_IsRefusedWithExitCode5()
    {
        var id = await CreatePartnerAsync("To suspend");

        var refused = await RunAsync(["tenants", "suspend", id]);
        var root = await _server.RootAsync();
        Assert.Equal(ExitCodes.NotConfirmed, refused.Code);
        Assert.Contains("--yes", refused.Error, StringComparison.Ordinal);
        Assert.True((await root.GetTenantAsync(id)).Bool("enabled"));

        var suspended = await RunAsync(["tenants", "suspend", id, "--yes", "-o", "json"]);

        Assert.Equal(ExitCodes.Ok, suspended.Code);
        // The server's dry run, shown before the suspend: allowed, with what it would cut off.
        Assert.Contains("suspend: allowed", suspended.Error, StringComparison.Ordinal);
        Assert.False(suspended.Json.Bool("enabled"));
        Assert.False((await root.GetTenantAsync(id)).Bool("enabled"));
        var reactivated = await RunAsync(["tenants", "reactivate", id, "-o", "json"]);
        Assert.True(reactivated.Json.Bool("enabled"));
    }

    [Fact]
    public async Task Terminate_WithYes_RemovesTheSubtree_AndWithoutYes_ChangesNothing()
    {
        var id = await CreatePartnerAsync("To terminate");
        var child = (await RunAsync(["tenants", "create", "--name", "Child", "--kind", "customer", "--parent", id, "-o", "json"])).Json.Str("id");
        var root = await _server.RootAsync();

        var refused = await RunAsync(["tenants", "terminate", id]);
        Assert.Equal(ExitCodes.NotConfirmed, refused.Code);
        Assert.True((await root.GetTenantAsync(id)).Bool("enabled"));

        var terminated = await RunAsync(["tenants", "terminate", id, "--yes", "-o", "json"]);

        Assert.True(terminated.Code == ExitCodes.Ok, terminated.Error);
        Assert.True(terminated.Json.Bool("terminated"));
        Assert.Contains("deleting", terminated.Error, StringComparison.Ordinal);
        await root.GetAsync($"/api/2/tenants/{id}").ExpectErrorAsync(HttpStatusCode.NotFound, 1005);
        await root.GetAsync($"/api/2/tenants/{child}").ExpectErrorAsync(HttpStatusCode.NotFound, 1005);
        Assert.Equal(ExitCodes.NotFound, (await RunAsync(["tenants", "get", id])).Code);
    }

    [Fact]
    public async Task ClientsCreate_ShowsTheSecretOnce_AndTheClientSignsInWithIt()
    {
        var id = await CreatePartnerAsync("Has a client");

        var created = await RunAsync(["clients", "create", "--tenant", id, "--name", "sync", "-o", "json"]);

        Assert.Equal(ExitCodes.Ok, created.Code);
        var clientId = created.Json.Str("client_id");
        var secret = created.Json.Str("client_secret");
        Assert.Equal(id, created.Json.Str("tenant_id"));
        var api = await _server.LoginAsync(clientId, secret);
        Assert.Equal(id, await api.OwnTenantIdAsync());
        var read = await (await _server.RootAsync()).GetAsync($"/api/2/clients/{clientId}").ExpectAsync(HttpStatusCode.OK);
        Assert.False(read.TryGetProperty("client_secret", out _));
        var table = await RunAsync(["clients", "create", "--tenant", id]);
        Assert.Contains("shown this once", table.Error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task UsersCreateAndList_WorkOnATenant()
    {
        var id = await CreatePartnerAsync("Has users");
        var login = People.NewLogin();

        var created = await RunAsync(["users", "create", "--tenant", id, "--login", login, "--email", "ada@example.com", "-o", "json"]);
        var listed = await RunAsync(["users", "list", "--tenant", id, "-o", "json"]);

        Assert.True(created.Code == ExitCodes.Ok, created.Error);
        Assert.Equal(login, created.Json.Str("login"));
        Assert.Equal([login], listed.Json.EnumerateArray().Select(u => u.Str("login")));
    }

    [Fact]
    public async Task ExitCodes_TellWhatWentWrong()
    {
        var id = await CreatePartnerAsync("Parent");
        var customer = (await RunAsync(["tenants", "create", "--name", "C", "--kind", "customer", "--parent", id, "-o", "json"])).Json.Str("id");

        var missing = await RunAsync(["tenants", "get", Guid.NewGuid().ToString()]);
        var badOption = await RunAsync(["tenants", "get", id, "--no-such-option"]);
        var badKind = await RunAsync(["tenants", "create", "--name", "X", "--kind", "planet"]);
        var refused = await RunAsync(["tenants", "create", "--name", "X", "--kind", "partner", "--parent", customer]);
        var noProfile = await RunAsync(["tenants", "get", id, "--profile", "nobody"]);
        var badPeriod = await RunAsync(["usage", "report", "--tenant", id, "--period", "November"]);

        Assert.Equal(ExitCodes.NotFound, missing.Code);
        Assert.Equal(ExitCodes.Usage, badOption.Code);
        Assert.Contains("--no-such-option", badOption.Error, StringComparison.Ordinal);
        Assert.Equal(ExitCodes.Usage, badKind.Code);
        Assert.Equal(ExitCodes.Refused, refused.Code);
        Assert.Contains("error:", refused.Error, StringComparison.Ordinal);
        Assert.Equal(ExitCodes.NotSignedIn, noProfile.Code);
        Assert.Contains("tenancy login", noProfile.Error, StringComparison.Ordinal);
        Assert.Equal(ExitCodes.Usage, badPeriod.Code);
    }

    [Fact]
    public async Task UsageReport_PrintsTheMonthAsCsv_AndCompletionPrintsAScript()
    {
        var id = await CreatePartnerAsync("Usage");

        var report = await RunAsync(["usage", "report", "--tenant", id, "--period", "2026-11", "--format", "csv"]);
        var completion = await RunAsync(["completion", "bash"]);

        Assert.True(report.Code == ExitCodes.Ok, report.Error);
        Assert.StartsWith("tenant_id", report.Out, StringComparison.Ordinal);
        Assert.Contains("[suggest:", completion.Out, StringComparison.Ordinal);
        Assert.Contains("complete -o default -F _tenancy_complete tenancy", completion.Out, StringComparison.Ordinal);
    }
}
