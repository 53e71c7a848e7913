using System.Diagnostics;

namespace Tenancy.Tests.Infrastructure;

/// <summary>A PostgreSQL cluster of a test's own (via .ci/postgres), for tests that stop and start it.</summary>
public sealed class PostgresCluster : IAsyncDisposable
{
    private readonly string _directory;

    private PostgresCluster(string directory, string adminConnectionString)
    {
        _directory = directory;
        AdminConnectionString = adminConnectionString;
    }

    public string AdminConnectionString { get; }

    public static bool CanRun => Directory.Exists("/usr/lib/postgresql") && Script is not null;

    private static string? Script { get; } = FindScript();

    public static async Task<PostgresCluster> StartAsync(bool durable)
    {
        var dir = NewDirectory();
        var output = await RunAsync("start", dir, durable ? "durable" : "");
        return new PostgresCluster(dir, output.Trim().Split('\n')[^1]);
    }

    /// <summary>
    /// A streaming hot standby of this (durable) cluster, on a port of its own; synchronous: this cluster
    /// waits for it at every commit. Its <see cref="AdminConnectionString"/> names both servers, this one
    /// first, with Target Session Attributes=read-write.
    /// </summary>
    public async Task<PostgresCluster> StartStandbyAsync(bool synchronous)
    {
        var dir = NewDirectory();
        var output = await RunAsync("replica", dir, _directory, synchronous ? "sync" : "");
        return new PostgresCluster(dir, output.Trim().Split('\n')[^1]);
    }

    /// <summary>kill -9 of the postmaster: the server is gone at once, as in a crash of its machine.</summary>
    public Task KillAsync() => RunAsync("kill", _directory);

    /// <summary>Promotes a standby; returns once it accepts writes.</summary>
    public Task PromoteAsync() => RunAsync("promote", _directory);

    /// <summary>Stops the cluster (immediate = as in a crash), keeps it down a while, starts it again.</summary>
    public Task RestartAsync(string mode, TimeSpan down) =>
        RunAsync("restart", _directory, mode, ((int)down.TotalSeconds).ToString(System.Globalization.CultureInfo.InvariantCulture));

    public async ValueTask DisposeAsync()
    {
        await RunAsync("stop", _directory);
        Directory.Delete(Path.GetDirectoryName(_directory)!, recursive: true);
    }

    private static string NewDirectory()
    {
        var parent = Directory.CreateTempSubdirectory("tenancy-pg-");
        // The server runs as the postgres user, which must be able to enter the folder.
        if (!OperatingSystem.IsWindows())
        {
            File.SetUnixFileMode(parent.FullName, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute
                | UnixFileMode.GroupRead | UnixFileMode.GroupExecute | UnixFileMode.OtherRead | UnixFileMode.OtherExecute);
        }

        return Path.Combine(parent.FullName, "cluster");
    }

    private static async Task<string> RunAsync(params string[] args)
    {
        var info = new ProcessStartInfo("bash") { RedirectStandardOutput = true, RedirectStandardError = true };
        info.ArgumentList.Add(Script!);
        foreach (var a in args.Where(a => a.Length > 0))
        {
            info.ArgumentList.Add(a);
        }

        using var process = Process.Start(info)!;
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        await process.WaitForExitAsync();
        Assert.True(process.ExitCode == 0, $".ci/postgres {string.Join(' ', args)} failed: {await stderr}");
        return await stdout;
    }

    private static string? FindScript()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            var candidate = Path.Combine(dir.FullName, ".ci", "postgres");
            if (File.Exists(candidate))
            {
                return candidate;
            }
        }

        return null;
    }
}
