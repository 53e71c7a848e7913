using System.Collections.Concurrent;
using System.Diagnostics;
using System.Net.Http.Json;
using System.Net.Sockets;
using System.Text.RegularExpressions;

[assembly: AssemblyFixture(typeof(Tenancy.Tests.Infrastructure.Smtp4devCleanup))]

namespace Tenancy.Tests.Infrastructure;

/// <summary>
/// A real SMTP server on loopback: smtp4dev (the repository's local dotnet tool, restored by `dotnet tool
/// restore`), with an in-memory store and its HTTP API on another loopback port to read what it received.
/// </summary>
public sealed partial class Smtp4dev : IAsyncDisposable
{
    public const string Requirement = "smtp4dev is not installed: run `dotnet tool restore` in the repository";

    private static readonly TimeSpan StartTimeout = TimeSpan.FromSeconds(90);

    private readonly Process _process;
    private readonly string _configHome;
    private readonly HttpClient _api;
    private bool _disposed;

    private Smtp4dev(Process process, string configHome, int smtpPort, Uri api)
    {
        _process = process;
        _configHome = configHome;
        SmtpPort = smtpPort;
        _api = new HttpClient { BaseAddress = api };
    }

    public int SmtpPort { get; }

    /// <summary>Whether the tool is in the repository's manifest and restored.</summary>
    public static bool Available => RepositoryRoot() is not null && ToolRestored();

    /// <summary>Starts smtp4dev with its SMTP server on <paramref name="smtpPort"/> (a free port by default) and waits until both servers listen.</summary>
    public static async Task<Smtp4dev> StartAsync(int? smtpPort = null)
    {
        Requirements.Need(Available, Requirement);
        var root = RepositoryRoot();
        var port = smtpPort ?? FreePort();
        var httpPort = FreePort();
        var configHome = Directory.CreateTempSubdirectory("tenancy-smtp4dev-").FullName;
        var start = new ProcessStartInfo("dotnet")
        {
            WorkingDirectory = root!,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
            // Its settings and data go to a folder of its own, removed with it.
            Environment = { ["XDG_CONFIG_HOME"] = configHome, ["DOTNET_CLI_TELEMETRY_OPTOUT"] = "1", ["DOTNET_NOLOGO"] = "1" },
        };
        foreach (var arg in new[]
        {
            "tool", "run", "smtp4dev", "--", $"--smtpport={port}", $"--urls=http://127.0.0.1:{httpPort}", "--db=", "--imapport=",
            "--pop3port=", "--hostname=127.0.0.1", "--bindaddress=127.0.0.1", "--nousersettings", "--messagestokeep=1000",
        })
        {
            start.ArgumentList.Add(arg);
        }

        var smtpReady = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var httpReady = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var output = new ConcurrentQueue<string>();
        var process = new Process { StartInfo = start, EnableRaisingEvents = true };
        process.OutputDataReceived += (_, e) =>
        {
            if (e.Data is not { } line)
            {
                return;
            }

            output.Enqueue(line);
            if (line.Contains("SMTP Server is listening on port", StringComparison.Ordinal)) smtpReady.TrySetResult();
            if (line.Contains("Now listening on:", StringComparison.Ordinal)) httpReady.TrySetResult();
        };
        process.ErrorDataReceived += (_, e) => { if (e.Data is not null) output.Enqueue(e.Data); };
        process.Exited += (_, _) =>
        {
            var why = new InvalidOperationException($"smtp4dev exited ({process.ExitCode}):\n{string.Join("\n", output)}");
            smtpReady.TrySetException(why);
            httpReady.TrySetException(why);
        };
        process.Start();
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        var server = new Smtp4dev(process, configHome, port, new Uri($"http://127.0.0.1:{httpPort}"));
        Smtp4devCleanup.Started.Add(server);
        try
        {
            await Task.WhenAll(smtpReady.Task, httpReady.Task).WaitAsync(StartTimeout);
        }
        catch
        {
            await server.DisposeAsync();
            throw;
        }

        return server;
    }

    /// <summary>A loopback port nothing listens on right now.</summary>
    public static int FreePort()
    {
        using var listener = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
        listener.Bind(new IPEndPoint(IPAddress.Loopback, 0));
        return ((IPEndPoint)listener.LocalEndPoint!).Port;
    }

    /// <summary>The plain text of the messages received for <paramref name="recipient"/>, oldest first.</summary>
    public async Task<IReadOnlyList<string>> MessagesToAsync(string recipient)
    {
        var list = await _api.GetFromJsonAsync<JsonElement>("/api/messages?page=1&pageSize=1000");
        var texts = new List<string>();
        foreach (var message in list.GetProperty("results").EnumerateArray()
            .Where(m => m.GetProperty("to").EnumerateArray().Any(t => string.Equals(t.GetString(), recipient, StringComparison.OrdinalIgnoreCase)))
            .OrderBy(m => m.GetProperty("receivedDate").GetDateTimeOffset()))
        {
            texts.Add(await _api.GetStringAsync($"/api/messages/{message.Str("id")}/plaintext"));
        }

        return texts;
    }

    /// <summary>Waits until <paramref name="count"/> messages for <paramref name="recipient"/> arrived, and returns them.</summary>
    public async Task<IReadOnlyList<string>> WaitForMessagesAsync(string recipient, int count = 1, TimeSpan? timeout = null)
    {
        var messages = await Eventually.ValueAsync(() => MessagesToAsync(recipient), m => m.Count >= count, timeout,
            $"{count} email(s) to {recipient}");
        return messages;
    }

    /// <summary>The activation link in a message.</summary>
    public static Uri LinkIn(string message)
    {
        var match = LinkPattern().Match(message);
        Assert.True(match.Success, $"no activation link in:\n{message}");
        return new Uri(match.Value);
    }

    [GeneratedRegex(@"https?://\S+/activate\?token=[A-Za-z0-9_-]+")]
    private static partial Regex LinkPattern();

    public async ValueTask DisposeAsync()
    {
        if (_disposed)
        {
            return;
        }

        _disposed = true;
        try
        {
            if (!_process.HasExited)
            {
                _process.Kill(entireProcessTree: true);
                await _process.WaitForExitAsync();
            }
        }
        catch (InvalidOperationException)
        {
            // Never started or already gone.
        }

        _process.Dispose();
        _api.Dispose();
        try
        {
            Directory.Delete(_configHome, recursive: true);
        }
        catch (IOException)
        {
        }
    }

    private static string? RepositoryRoot()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            if (File.Exists(Path.Combine(dir.FullName, ".config", "dotnet-tools.json")))
            {
                return dir.FullName;
            }
        }

        return null;
    }

    /// <summary>Whether `dotnet tool restore` has put the tool's package in the NuGet cache.</summary>
    private static bool ToolRestored()
    {
        var packages = Environment.GetEnvironmentVariable("NUGET_PACKAGES")
            ?? Path.Combine(Environment.GetFolderPath(Environment.SpecialFolder.UserProfile), ".nuget", "packages");
        return Directory.Exists(Path.Combine(packages, "rnwood.smtp4dev"));
    }
}

/// <summary>Stops every smtp4dev a test left running when the run ends.</summary>
public sealed class Smtp4devCleanup : IAsyncDisposable
{
    internal static ConcurrentBag<Smtp4dev> Started { get; } = [];

    public async ValueTask DisposeAsync()
    {
        foreach (var server in Started)
        {
            await server.DisposeAsync();
        }
    }
}

/// <summary>Waits for a condition, never for a fixed time: polls until it holds or the (generous) timeout ends.</summary>
public static class Eventually
{
    public static readonly TimeSpan DefaultTimeout = TimeSpan.FromSeconds(90);

    public static async Task<T> ValueAsync<T>(Func<Task<T>> read, Func<T, bool> done, TimeSpan? timeout, string what)
    {
        var deadline = DateTime.UtcNow + (timeout ?? DefaultTimeout);
        while (true)
        {
            var value = await read();
            if (done(value))
            {
                return value;
            }

            Assert.True(DateTime.UtcNow < deadline, $"waited in vain for {what}; last seen: {value}");
            await Task.Delay(100);
        }
    }
}

/// <summary>One smtp4dev for a test class; a missing tool is a skip (a failure in CI) when a test asks for it.</summary>
public sealed class SmtpFixture : IAsyncLifetime
{
    private Smtp4dev? _server;

    public Smtp4dev Server
    {
        get
        {
            Requirements.Need(_server is not null, Smtp4dev.Requirement);
            return _server!;
        }
    }

    public async ValueTask InitializeAsync()
    {
        if (Smtp4dev.Available)
        {
            _server = await Smtp4dev.StartAsync();
        }
    }

    public async ValueTask DisposeAsync()
    {
        if (_server is not null)
        {
            await _server.DisposeAsync();
        }
    }
}
