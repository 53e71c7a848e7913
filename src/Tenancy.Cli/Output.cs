using System.Text.Json;
using Spectre.Console;
using Tenancy.Client;

namespace Tenancy.Cli;

/// <summary>How results are printed: JSON (the wire format, indented) or tables for people.</summary>
internal static class Output
{
    private static readonly JsonSerializerOptions Indented = new(TenancyJson.Options) { WriteIndented = true };

    public static void Json(Run run, object value) => run.Env.Out.WriteLine(JsonSerializer.Serialize(value, value.GetType(), Indented));

    /// <summary>One object as JSON, or as a two-column table of the given fields.</summary>
    public static void Record(Run run, object value, params (string Name, object? Value)[] fields)
    {
        if (run.Json)
        {
            Json(run, value);
            return;
        }

        var table = new Table().HideHeaders().AddColumn("field").AddColumn("value");
        foreach (var (name, v) in fields)
        {
            table.AddRow(Markup.Escape(name), Markup.Escape(Format(v)));
        }

        run.Env.Console.Write(table);
    }

    public static void Tenant(Run run, Tenant t) => Record(run, t,
        ("id", t.Id), ("name", t.Name), ("kind", t.Kind), ("parent_id", t.ParentId), ("enabled", t.Enabled),
        ("effectively_enabled", t.EffectivelyEnabled), ("disabled_by", t.DisabledBy), ("version", t.Version),
        ("description", t.Description), ("customer_id", t.CustomerId), ("deleted_at", t.DeletedAt), ("updated_at", t.UpdatedAt));

    /// <summary>A list as a JSON array, or a table with one row per item.</summary>
    public static void List<T>(Run run, IReadOnlyList<T> items, string[] columns, Func<T, object?[]> row)
    {
        if (run.Json)
        {
            Json(run, items);
            return;
        }

        var table = new Table();
        foreach (var c in columns)
        {
            table.AddColumn(c);
        }

        foreach (var item in items)
        {
            table.AddRow([.. row(item).Select(v => Markup.Escape(Format(v)))]);
        }

        run.Env.Console.Write(table);
    }

    /// <summary>A dry run's answer on the error stream (the output stays the command's result).</summary>
    public static void Preview(Run run, string what, DryRun? dryRun)
    {
        var console = run.Env.ErrorConsole;
        if (dryRun is null)
        {
            console.WriteLine($"{what}: preview unavailable (this server offers no dry run).");
            return;
        }

        console.WriteLine($"{what}: {(dryRun.Allowed ? "allowed" : "would be refused: " + dryRun.Refusal?.Message)}");
        var table = new Table().AddColumn("affected").AddColumn("count").AddColumn("first ids");
        foreach (var (name, impact) in dryRun.Impact ?? new Dictionary<string, Impact>())
        {
            table.AddRow(Markup.Escape(name), impact.Count.ToString(System.Globalization.CultureInfo.InvariantCulture),
                Markup.Escape(string.Join(", ", impact.FirstIds ?? [])));
        }

        console.Write(table);
    }

    private static string Format(object? value) => value switch
    {
        null => "",
        bool b => b ? "true" : "false",
        IFormattable f => f.ToString(null, System.Globalization.CultureInfo.InvariantCulture),
        _ => value.ToString() ?? "",
    };
}
