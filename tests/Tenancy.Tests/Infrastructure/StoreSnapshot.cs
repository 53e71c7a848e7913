using System.Data.Common;
using System.Globalization;
using System.Text;
using Microsoft.Extensions.DependencyInjection;
using Tenancy.Server.Storage;

namespace Tenancy.Tests.Infrastructure;

/// <summary>
/// A canonical dump of every table of a server's store (rows as text, sorted), read through the server's
/// own Database: two equal snapshots mean the store did not change in between.
/// </summary>
public static class StoreSnapshot
{
    public static async Task<string> TakeAsync(TenancyServer server)
    {
        var database = server.Services.GetRequiredService<Database>();
        await using var connection = await database.OpenAsync();
        var tables = await ColumnAsync(connection, database.Provider == StorageProvider.Postgres
            ? "SELECT table_name FROM information_schema.tables WHERE table_schema = 'public' AND table_type = 'BASE TABLE'"
            : "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%'");
        var dump = new StringBuilder();
        foreach (var table in tables.Order(StringComparer.Ordinal))
        {
            dump.Append("## ").AppendLine(table);
            await using var command = connection.CreateCommand();
            command.CommandText = $"SELECT * FROM {table}";
            await using var reader = await command.ExecuteReaderAsync();
            var rows = new List<string>();
            while (await reader.ReadAsync())
            {
                rows.Add(string.Join('|', Enumerable.Range(0, reader.FieldCount).Select(i =>
                    $"{reader.GetName(i)}={Convert.ToString(reader.GetValue(i), CultureInfo.InvariantCulture)}")));
            }

            foreach (var row in rows.Order(StringComparer.Ordinal))
            {
                dump.AppendLine(row);
            }
        }

        return dump.ToString();
    }

    /// <summary>The lines that are in one snapshot and not the other, for a readable failure.</summary>
    public static string Diff(string before, string after)
    {
        var a = before.Split('\n').ToHashSet();
        var b = after.Split('\n').ToHashSet();
        return string.Join('\n', a.Except(b).Select(l => "- " + l).Concat(b.Except(a).Select(l => "+ " + l)).Take(20));
    }

    private static async Task<List<string>> ColumnAsync(DbConnection connection, string sql)
    {
        await using var command = connection.CreateCommand();
        command.CommandText = sql;
        await using var reader = await command.ExecuteReaderAsync();
        var values = new List<string>();
        while (await reader.ReadAsync())
        {
            values.Add(reader.GetString(0));
        }

        return values;
    }
}
