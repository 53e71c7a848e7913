using System.CommandLine;
using System.Net;
using Tenancy.Client;

namespace Tenancy.Cli;

/// <summary>The tenancy tool: the command tree, global options, and the mapping of failures to exit codes.</summary>
public static class TenancyCli
{
    public static readonly Option<string> OutputOption = new Option<string>("--output", "-o")
    {
        Description = "How results are printed: table (for people) or json (for scripts)",
        DefaultValueFactory = _ => "table",
        Recursive = true,
    }.AcceptOnlyFromAmong("table", "json");

    public static readonly Option<string?> ProfileOption = new("--profile")
    {
        Description = "The profile to use (see `tenancy login`); the file's default profile otherwise",
        Recursive = true,
    };

    public static Task<int> Main(string[] args) => RunAsync(args, CliEnvironment.FromProcess());

    /// <summary>Runs one command line; returns its exit code (<see cref="ExitCodes"/>).</summary>
    public static async Task<int> RunAsync(string[] args, CliEnvironment env, CancellationToken ct = default)
    {
        ArgumentNullException.ThrowIfNull(env);
        var root = new RootCommand("Manage a Tenancy server: tenants, API clients, users, usage and events. Exit codes: docs/cli.md.");
        root.Options.Add(OutputOption);
        root.Options.Add(ProfileOption);
        root.Subcommands.Add(LoginCommand.Build(env));
        root.Subcommands.Add(TenantCommands.Build(env));
        root.Subcommands.Add(ResourceCommands.Clients(env));
        root.Subcommands.Add(ResourceCommands.Users(env));
        root.Subcommands.Add(ResourceCommands.Usage(env));
        root.Subcommands.Add(ResourceCommands.Events(env));
        root.Subcommands.Add(Completion.Build(env));

        var parsed = root.Parse(args);
        var config = new InvocationConfiguration { Output = env.Out, Error = env.Error };
        if (parsed.Errors.Count > 0)
        {
            foreach (var error in parsed.Errors)
            {
                await env.Error.WriteLineAsync(error.Message);
            }

            await env.Error.WriteLineAsync("See `tenancy --help`.");
            return ExitCodes.Usage;
        }

        return await parsed.InvokeAsync(config, ct);
    }

    /// <summary>Sets a command's action: a run with the parsed line, its failures turned into messages and exit codes.</summary>
    internal static void Action(this Command command, CliEnvironment env, Func<Run, CancellationToken, Task<int>> action) =>
        command.SetAction(async (parse, ct) =>
        {
            try
            {
                using var run = new Run(env, parse);
                return await action(run, ct);
            }
            catch (TenancyApiException e)
            {
                await env.Error.WriteLineAsync($"error: {e.Message} (HTTP {(int)e.Status}, code {e.Code})");
                return e.Status switch
                {
                    HttpStatusCode.NotFound => ExitCodes.NotFound,
                    HttpStatusCode.Unauthorized => ExitCodes.NotSignedIn,
                    >= HttpStatusCode.InternalServerError => ExitCodes.Unavailable,
                    _ => ExitCodes.Refused,
                };
            }
            catch (HttpRequestException e)
            {
                await env.Error.WriteLineAsync($"error: the server could not be reached: {e.Message}");
                return ExitCodes.Unavailable;
            }
            catch (CliException e)
            {
                await env.Error.WriteLineAsync($"error: {e.Message}");
                return e.ExitCode;
            }
            catch (OperationCanceledException) when (ct.IsCancellationRequested)
            {
                await env.Error.WriteLineAsync("interrupted");
                return ExitCodes.Interrupted;
            }
        });
}

/// <summary>A failure the tool explains itself, with its exit code.</summary>
public sealed class CliException(string message, int exitCode) : Exception(message)
{
    public int ExitCode { get; } = exitCode;
}

/// <summary>One command's run: the parsed line, the profile and a client for it.</summary>
internal sealed class Run(CliEnvironment env, ParseResult parse) : IDisposable
{
    private TenancyClient? _client;

    public CliEnvironment Env { get; } = env;

    public ParseResult Parse { get; } = parse;

    public bool Json => Parse.GetValue(TenancyCli.OutputOption) == "json";

    public T? Get<T>(Option<T> option) => Parse.GetValue(option);

    public T? Get<T>(Argument<T> argument) => Parse.GetValue(argument);

    public Profile Profile
    {
        get
        {
            var file = ProfilesFile.Load(Env.ConfigPath);
            var name = Parse.GetValue(TenancyCli.ProfileOption) ?? file.DefaultProfile;
            return file.Profiles.TryGetValue(name, out var profile)
                ? profile
                : throw new CliException($"No profile \"{name}\" in {Env.ConfigPath}: run `tenancy login` first.", ExitCodes.NotSignedIn);
        }
    }

    public TenancyClient Client => _client ??= TenancyClient.Create(Profile.ToOptions());

    /// <summary>The profile's own tenant (where its credentials belong).</summary>
    public string HomeTenant => Profile.TenantId
        ?? throw new CliException("The profile names no tenant: run `tenancy login` again or name the tenant.", ExitCodes.Usage);

    /// <summary>Asks before a change that is hard to undo; without a terminal only --yes lets it go ahead.</summary>
    public int? Confirm(bool yes, string question)
    {
        if (yes)
        {
            return null;
        }

        if (!Env.Interactive)
        {
            Env.Error.WriteLine("error: this needs confirmation and standard input is not a terminal: add --yes to go ahead.");
            return ExitCodes.NotConfirmed;
        }

        if (new Spectre.Console.ConfirmationPrompt(question) { DefaultValue = false }.Show(Env.ErrorConsole))
        {
            return null;
        }

        Env.Error.WriteLine("Not confirmed: nothing was changed.");
        return ExitCodes.NotConfirmed;
    }

    public void Dispose() => _client?.Dispose();
}
