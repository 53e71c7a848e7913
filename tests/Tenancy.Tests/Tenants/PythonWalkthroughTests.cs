using System.Diagnostics;
using Tenancy.Server.Storage;

namespace Tenancy.Tests.Tenants;

/// <summary>
/// Runs the original tutorial's Python requests walkthrough, unchanged in style, against a live server.
/// Needs /usr/bin/python3 with requests (Debian package python3-requests; .ci/run installs it).
/// </summary>
public abstract class PythonWalkthroughTests(StorageProvider provider)
{
    [Fact]
    public async Task TheTutorialsPythonScript_RunsUnchanged_AgainstTenancy()
    {
        Requirements.Need(PythonHasRequests(), "python3 with the requests package is not installed (apt-get install python3-requests)");
        await using var server = TenancyServer.Start(provider);
        var script = Path.Combine(AppContext.BaseDirectory, "Scripts", "acronis_walkthrough.py");
        var origin = server.BaseAddress.ToString().TrimEnd('/');

        var (exit, output) = await RunAsync("/usr/bin/python3", script, origin, TenancyServer.RootClientId, server.RootSecret);

        Assert.True(exit == 0, output);
        Assert.Contains("suspend: 200", output, StringComparison.Ordinal);
        Assert.Contains("customer locked out: 401", output, StringComparison.Ordinal);
        Assert.Contains("terminate: 204", output, StringComparison.Ordinal);
        Assert.Contains("walkthrough complete", output, StringComparison.Ordinal);
    }

    private static bool PythonHasRequests() =>
        File.Exists("/usr/bin/python3") && RunAsync("/usr/bin/python3", "-c", "import requests").GetAwaiter().GetResult().Exit == 0;

    private static async Task<(int Exit, string Output)> RunAsync(string file, params string[] args)
    {
        var info = new ProcessStartInfo(file) { RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (var a in args)
        {
            info.ArgumentList.Add(a);
        }

        using var process = Process.Start(info)!;
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        using var timeout = new CancellationTokenSource(TimeSpan.FromMinutes(2));
        await process.WaitForExitAsync(timeout.Token);
        return (process.ExitCode, await stdout + await stderr);
    }
}

public sealed class PythonWalkthroughTestsSqlite() : PythonWalkthroughTests(StorageProvider.Sqlite);

public sealed class PythonWalkthroughTestsPostgres() : PythonWalkthroughTests(StorageProvider.Postgres);
