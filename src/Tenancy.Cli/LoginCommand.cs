using System.CommandLine;
using Spectre.Console;
using Tenancy.Client;

namespace Tenancy.Cli;

/// <summary>`tenancy login`: checks credentials against the server and keeps them in a profile (file mode 0600).</summary>
internal static class LoginCommand
{
    public static Command Build(CliEnvironment env)
    {
        var url = new Option<string>("--url") { Description = "The server, e.g. http://127.0.0.1:5080", Required = true };
        var clientId = new Option<string?>("--client-id") { Description = "An API client's id (client_credentials grant)" };
        var username = new Option<string?>("--username") { Description = "A user's login (password grant)" };
        var secretStdin = new Option<bool>("--secret-stdin")
        {
            Description = "Read the client secret (or the user's password) from the first line of standard input; else it is asked for",
        };
        var command = new Command("login", "Sign in to a server and keep the credentials in a profile (never printed)")
        {
            url, clientId, username, secretStdin,
        };
        command.Action(env, async (run, ct) =>
        {
            var id = run.Get(clientId);
            var user = run.Get(username);
            if ((id is null) == (user is null))
            {
                throw new CliException("Give either --client-id or --username.", ExitCodes.Usage);
            }

            var secret = ReadSecret(run, run.Get(secretStdin), id is not null ? "Client secret" : "Password");
            var profile = new Profile
            {
                Url = run.Get(url)!.TrimEnd('/'),
                ClientId = id,
                ClientSecret = id is null ? null : secret,
                Username = user,
                Password = user is null ? null : secret,
            };
            if (!Uri.TryCreate(profile.Url, UriKind.Absolute, out _))
            {
                throw new CliException($"--url {profile.Url} is not an absolute URL.", ExitCodes.Usage);
            }

            // Signing in once proves the credentials and tells their tenant.
            using var client = TenancyClient.Create(profile.ToOptions());
            var tenantId = id is not null
                ? (await client.Clients.GetAsync(id, ct)).TenantId
                : (await client.Users.MeAsync(ct)).TenantId;
            profile = profile with { TenantId = tenantId };

            var name = run.Get(TenancyCli.ProfileOption) ?? ProfilesFile.DefaultName;
            var file = ProfilesFile.Load(run.Env.ConfigPath);
            file.Profiles[name] = profile;
            if (file.Profiles.Count == 1)
            {
                file.DefaultProfile = name;
            }

            file.Save(run.Env.ConfigPath);
            var result = new { profile = name, url = profile.Url, client_id = id, username = user, tenant_id = tenantId, config = run.Env.ConfigPath };
            Output.Record(run, result, ("profile", name), ("url", profile.Url), ("signed in as", id ?? user), ("tenant", tenantId),
                ("saved to", run.Env.ConfigPath));
            return ExitCodes.Ok;
        });
        return command;
    }

    private static string ReadSecret(Run run, bool fromStdin, string what)
    {
        if (fromStdin)
        {
            return run.Env.In.ReadLine() is { Length: > 0 } line
                ? line.TrimEnd('\r')
                : throw new CliException($"--secret-stdin: standard input gave no {what.ToLowerInvariant()}.", ExitCodes.Usage);
        }

        if (!run.Env.Interactive)
        {
            throw new CliException($"No terminal to ask for the {what.ToLowerInvariant()} on: pass it on standard input with --secret-stdin.", ExitCodes.Usage);
        }

        return run.Env.ErrorConsole.Prompt(new TextPrompt<string>($"{what}:").Secret());
    }
}
