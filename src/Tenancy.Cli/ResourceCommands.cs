using System.CommandLine;
using System.Globalization;
using System.Text.Json;
using Tenancy.Client;

namespace Tenancy.Cli;

/// <summary>`tenancy clients|users|usage|events ...`.</summary>
internal static class ResourceCommands
{
    private static Option<string?> Tenant(string description) => new("--tenant") { Description = description };

    public static Command Clients(CliEnvironment env)
    {
        var tenant = Tenant("The tenant the client acts for (the profile's tenant by default)");
        var name = new Option<string?>("--name") { Description = "A name for the client (data.client_name)" };
        var role = new Option<string?>("--role") { Description = "admin (default) or viewer" };
        var create = new Command("create", "Create an API client; its secret is shown this once") { tenant, name, role };
        create.Action(env, async (run, ct) =>
        {
            var created = await run.Client.Clients.CreateAsync(new ClientCreate
            {
                TenantId = run.Get(tenant) ?? run.HomeTenant,
                Role = run.Get(role),
                Data = run.Get(name) is { } n ? new Dictionary<string, string> { ["client_name"] = n } : null,
            }, ct);
            Output.Record(run, created, ("client_id", created.ClientId), ("client_secret", created.ClientSecret),
                ("tenant_id", created.TenantId), ("role", created.Role));
            if (!run.Json)
            {
                run.Env.Error.WriteLine("The secret is shown this once: keep it now (the server stores only its hash).");
            }

            return ExitCodes.Ok;
        });
        return new Command("clients", "API clients") { create };
    }

    public static Command Users(CliEnvironment env)
    {
        var tenant = Tenant("The tenant (the profile's tenant by default)");
        var subtree = new Option<bool>("--subtree") { Description = "The users of the tenant's whole subtree" };
        var list = new Command("list", "List users, following the server's cursors") { tenant, subtree };
        list.Action(env, async (run, ct) =>
        {
            var users = new List<User>();
            await foreach (var u in run.Client.Users.ListAsync(run.Get(tenant) ?? run.HomeTenant, run.Get(subtree), ct: ct))
            {
                users.Add(u);
            }

            Output.List(run, users, ["id", "login", "tenant_id", "role", "enabled", "activated"],
                u => [u.Id, u.Login, u.TenantId, u.Role, u.Enabled, u.Activated]);
            return ExitCodes.Ok;
        });

        var createTenant = Tenant("The user's tenant (the profile's tenant by default)");
        var login = new Option<string>("--login") { Description = "The login (unique on the server)", Required = true };
        var email = new Option<string>("--email") { Description = "The contact email (activation is sent there)", Required = true };
        var role = new Option<string?>("--role") { Description = "admin (default) or viewer" };
        var create = new Command("create", "Create a user") { createTenant, login, email, role };
        create.Action(env, async (run, ct) =>
        {
            var user = await run.Client.Users.CreateAsync(new UserCreate
            {
                TenantId = run.Get(createTenant) ?? run.HomeTenant,
                Login = run.Get(login)!,
                Contact = new Contact { Email = run.Get(email) },
                Role = run.Get(role),
            }, ct);
            Output.Record(run, user, ("id", user.Id), ("login", user.Login), ("tenant_id", user.TenantId), ("role", user.Role),
                ("enabled", user.Enabled), ("activated", user.Activated));
            return ExitCodes.Ok;
        });
        return new Command("users", "Users") { list, create };
    }

    public static Command Usage(CliEnvironment env)
    {
        var tenant = Tenant("The subtree's root (the profile's tenant by default)");
        var period = new Option<string>("--period") { Description = "The month, YYYY-MM (UTC)", Required = true };
        var format = new Option<string>("--format") { Description = "csv (default) or json", DefaultValueFactory = _ => "csv" };
        format.AcceptOnlyFromAmong("csv", "json");
        var report = new Command("report", "Average and peak usage of a month per tenant, subscription and service level") { tenant, period, format };
        report.Action(env, async (run, ct) =>
        {
            if (!DateTime.TryParseExact(run.Get(period), "yyyy-MM", CultureInfo.InvariantCulture,
                DateTimeStyles.AdjustToUniversal | DateTimeStyles.AssumeUniversal, out var month))
            {
                throw new CliException($"--period {run.Get(period)}: expected a month as YYYY-MM.", ExitCodes.Usage);
            }

            var from = new DateTimeOffset(month.Year, month.Month, 1, 0, 0, 0, TimeSpan.Zero);
            var tenantId = run.Get(tenant) ?? run.HomeTenant;
            if (run.Get(format) == "csv")
            {
                await run.Env.Out.WriteAsync(await run.Client.Usage.ReportCsvAsync(tenantId, from, from.AddMonths(1), ct));
            }
            else
            {
                Output.Json(run, await run.Client.Usage.ReportAsync(tenantId, from, from.AddMonths(1), ct));
            }

            return ExitCodes.Ok;
        });
        return new Command("usage", "Usage") { report };
    }

    public static Command Events(CliEnvironment env)
    {
        var after = new Option<string?>("--after") { Description = "Start after this cursor (from the start by default)" };
        var wait = new Option<int>("--wait") { Description = "Seconds each request waits for new events", DefaultValueFactory = _ => 30 };
        var max = new Option<int?>("--max") { Description = "Stop after this many events (runs until Ctrl+C by default)" };
        var tail = new Command("tail", "Print events as they happen, one JSON object a line") { after, wait, max };
        tail.Action(env, async (run, ct) =>
        {
            var seen = 0;
            var limit = run.Get(max);
            if (limit is <= 0)
            {
                return ExitCodes.Ok;
            }

            await foreach (var e in run.Client.Events.TailAsync(run.Get(after), TimeSpan.FromSeconds(run.Get(wait)), ct))
            {
                await run.Env.Out.WriteLineAsync(JsonSerializer.Serialize(e));
                await run.Env.Out.FlushAsync(ct);
                if (++seen == limit)
                {
                    break;
                }
            }

            return ExitCodes.Ok;
        });
        return new Command("events", "The server's event stream") { tail };
    }
}
