using System.CommandLine;
using Spectre.Console;
using Tenancy.Client;

namespace Tenancy.Cli;

/// <summary>`tenancy tenants ...`: the tenant tree and the lifecycle (suspend, reactivate, terminate, move, restore).</summary>
internal static class TenantCommands
{
    private static Argument<string> Id() => new("id") { Description = "The tenant's id" };

    private static Option<bool> Yes() => new("--yes", "-y") { Description = "Go ahead without asking (needed when standard input is not a terminal)" };

    public static Command Build(CliEnvironment env)
    {
        var tenants = new Command("tenants", "The tenant tree and each tenant's lifecycle");
        tenants.Subcommands.Add(Tree(env));
        tenants.Subcommands.Add(Get(env));
        tenants.Subcommands.Add(Create(env));
        tenants.Subcommands.Add(Update(env));
        tenants.Subcommands.Add(Suspend(env));
        tenants.Subcommands.Add(Reactivate(env));
        tenants.Subcommands.Add(Terminate(env));
        tenants.Subcommands.Add(Move(env));
        tenants.Subcommands.Add(Restore(env));
        return tenants;
    }

    private static Command Tree(CliEnvironment env)
    {
        var root = new Argument<string?>("root") { Description = "The subtree's root (the profile's tenant by default)", Arity = ArgumentArity.ZeroOrOne };
        var command = new Command("tree", "Show a tenant's subtree") { root };
        command.Action(env, async (run, ct) =>
        {
            var rootId = run.Get(root) ?? run.HomeTenant;
            var all = new List<Tenant>();
            await foreach (var t in run.Client.Tenants.SubtreeAsync(rootId, ct: ct))
            {
                all.Add(t);
            }

            if (run.Json)
            {
                Output.Json(run, all);
                return ExitCodes.Ok;
            }

            var children = all.Skip(1).ToLookup(t => t.ParentId);
            var tree = new Tree(Label(all[0]));
            void Add(IHasTreeNodes node, Tenant parent)
            {
                foreach (var child in children[parent.Id])
                {
                    Add(node.AddNode(Label(child)), child);
                }
            }

            Add(tree, all[0]);
            run.Env.Console.Write(tree);
            return ExitCodes.Ok;
        });
        return command;
    }

    private static string Label(Tenant t) =>
        Markup.Escape($"{t.Name} ({t.Kind}, {t.Id}){(t.EffectivelyEnabled ? "" : t.Enabled ? " [disabled by an ancestor]" : " [suspended]")}");

    private static Command Get(CliEnvironment env)
    {
        var id = Id();
        var command = new Command("get", "Show a tenant") { id };
        command.Action(env, async (run, ct) =>
        {
            Output.Tenant(run, await run.Client.Tenants.GetAsync(run.Get(id)!, ct));
            return ExitCodes.Ok;
        });
        return command;
    }

    private static Command Create(CliEnvironment env)
    {
        var name = new Option<string>("--name") { Description = "The tenant's name", Required = true };
        var kind = new Option<string>("--kind") { Description = "partner, folder, customer or unit", Required = true };
        kind.AcceptOnlyFromAmong("partner", "folder", "customer", "unit");
        var parent = new Option<string?>("--parent") { Description = "The parent tenant (the profile's tenant by default)" };
        var description = new Option<string?>("--description") { Description = "A description" };
        var command = new Command("create", "Create a tenant") { name, kind, parent, description };
        command.Action(env, async (run, ct) =>
        {
            var created = await run.Client.Tenants.CreateAsync(new TenantCreate
            {
                Name = run.Get(name)!,
                Kind = run.Get(kind)!,
                ParentId = run.Get(parent) ?? run.HomeTenant,
                Description = run.Get(description),
            }, ct);
            Output.Tenant(run, created);
            return ExitCodes.Ok;
        });
        return command;
    }

    private static Command Update(CliEnvironment env)
    {
        var id = Id();
        var name = new Option<string?>("--name") { Description = "A new name" };
        var description = new Option<string?>("--description") { Description = "A new description" };
        var customerId = new Option<string?>("--customer-id") { Description = "A new customer id (the reseller's own reference)" };
        var tag = new Option<string?>("--internal-tag") { Description = "A new internal tag" };
        var command = new Command("update", "Change a tenant's fields (re-read and retried when another writer got there first)")
        {
            id, name, description, customerId, tag,
        };
        command.Action(env, async (run, ct) =>
        {
            var change = new TenantChange
            {
                Name = run.Get(name),
                Description = run.Get(description),
                CustomerId = run.Get(customerId),
                InternalTag = run.Get(tag),
            };
            if (change == new TenantChange())
            {
                throw new CliException("Nothing to change: give at least one of --name, --description, --customer-id, --internal-tag.", ExitCodes.Usage);
            }

            Output.Tenant(run, await run.Client.Tenants.UpdateAsync(run.Get(id)!, change, ct));
            return ExitCodes.Ok;
        });
        return command;
    }

    private static Command Suspend(CliEnvironment env)
    {
        var id = Id();
        var yes = Yes();
        var command = new Command("suspend", "Suspend a tenant: it and its subtree lose access at once (data is kept)") { id, yes };
        command.Action(env, async (run, ct) =>
        {
            var tenantId = run.Get(id)!;
            Output.Preview(run, "suspend", await run.Client.Tenants.DryRunUpdateAsync(tenantId, new TenantChange { Enabled = false }, ct));
            if (run.Confirm(run.Get(yes), $"Suspend tenant {tenantId} and its subtree?") is { } refused)
            {
                return refused;
            }

            Output.Tenant(run, await run.Client.Tenants.SuspendAsync(tenantId, ct));
            return ExitCodes.Ok;
        });
        return command;
    }

    private static Command Reactivate(CliEnvironment env)
    {
        var id = Id();
        var command = new Command("reactivate", "Reactivate a suspended tenant") { id };
        command.Action(env, async (run, ct) =>
        {
            Output.Tenant(run, await run.Client.Tenants.ReactivateAsync(run.Get(id)!, ct));
            return ExitCodes.Ok;
        });
        return command;
    }

    private static Command Terminate(CliEnvironment env)
    {
        var id = Id();
        var yes = Yes();
        var command = new Command("terminate", "Terminate a tenant with its subtree: disable, delete, wait until the deletion has ended") { id, yes };
        command.Action(env, async (run, ct) =>
        {
            var tenantId = run.Get(id)!;
            var tenant = await run.Client.Tenants.GetAsync(tenantId, ct);
            Output.Preview(run, "terminate", await run.Client.Tenants.DryRunDeleteAsync(tenantId, ct));
            if (run.Confirm(run.Get(yes), $"Terminate {tenant.Name} ({tenantId}) with its whole subtree? This cannot be undone.") is { } refused)
            {
                return refused;
            }

            await Progress.RunAsync(run, "Terminating " + tenant.Name, progress => run.Client.Tenants.TerminateAsync(tenantId, progress, ct));
            var result = new { id = tenantId, terminated = true };
            Output.Record(run, result, ("id", tenantId), ("terminated", true));
            return ExitCodes.Ok;
        });
        return command;
    }

    private static Command Move(CliEnvironment env)
    {
        var id = Id();
        var to = new Option<string>("--to") { Description = "The new parent tenant", Required = true };
        var yes = Yes();
        var command = new Command("move", "Move a tenant (with its subtree) under another parent") { id, to, yes };
        command.Action(env, async (run, ct) =>
        {
            var tenantId = run.Get(id)!;
            var parent = run.Get(to)!;
            Output.Preview(run, "move", await run.Client.Tenants.DryRunUpdateAsync(tenantId, new TenantChange { ParentId = parent }, ct));
            if (run.Confirm(run.Get(yes), $"Move tenant {tenantId} with its subtree under {parent}?") is { } refused)
            {
                return refused;
            }

            Output.Tenant(run, await run.Client.Tenants.MoveAsync(tenantId, parent, ct));
            return ExitCodes.Ok;
        });
        return command;
    }

    private static Command Restore(CliEnvironment env)
    {
        var id = Id();
        var command = new Command("restore", "Bring back a deleted tenant (where the server keeps deleted tenants)") { id };
        command.Action(env, async (run, ct) =>
        {
            Output.Tenant(run, await run.Client.Tenants.RestoreAsync(run.Get(id)!, ct));
            return ExitCodes.Ok;
        });
        return command;
    }
}

/// <summary>A long operation's steps: a progress bar on a terminal, one line per step otherwise.</summary>
internal static class Progress
{
    private static readonly TerminateStep[] Steps = [TerminateStep.Disable, TerminateStep.Delete, TerminateStep.Follow, TerminateStep.Done];

    public static async Task RunAsync(Run run, string title, Func<IProgress<TerminateStep>, Task> operation)
    {
        if (!run.Env.Interactive || run.Json)
        {
            await operation(new Inline<TerminateStep>(step => run.Env.Error.WriteLine($"{title}: {Describe(step)}")));
            return;
        }

        await run.Env.ErrorConsole.Progress().StartAsync(async context =>
        {
            var task = context.AddTask(Markup.Escape(title), maxValue: Steps.Length - 1);
            await operation(new Inline<TerminateStep>(step =>
            {
                task.Value = Array.IndexOf(Steps, step);
                task.Description = Markup.Escape($"{title}: {Describe(step)}");
            }));
        });
    }

    private static string Describe(TerminateStep step) => step switch
    {
        TerminateStep.Disable => "disabling",
        TerminateStep.Delete => "deleting",
        TerminateStep.Follow => "waiting for the deletion to end",
        _ => "done",
    };

    /// <summary>Reports on the calling thread (Progress&lt;T&gt; would post to the thread pool, out of order).</summary>
    private sealed class Inline<T>(Action<T> report) : IProgress<T>
    {
        public void Report(T value) => report(value);
    }
}
