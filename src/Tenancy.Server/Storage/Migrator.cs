using DbUp;
using DbUp.Builder;
using DbUp.Engine;

namespace Tenancy.Server.Storage;

/// <summary>
/// Applies the provider's embedded SQL migrations (Storage/Migrations/&lt;Provider&gt;/NNNN_name.sql), each
/// once, in name order, each in its own transaction. Idempotent: DbUp's journal table records what ran.
/// </summary>
public static class Migrator
{
    /// <summary>Applies the pending migrations; with <paramref name="through"/> ("0002"), only those up to that one.</summary>
    public static void Apply(Database database, string? through = null)
    {
        var result = Engine(database, through).PerformUpgrade();
        if (!result.Successful)
        {
            throw new InvalidOperationException($"Migration {result.ErrorScript?.Name} failed.", result.Error);
        }
    }

    /// <summary>The names of the migrations that would run now (empty when the store is current).</summary>
    public static IReadOnlyList<string> Pending(Database database) =>
        [.. Engine(database).GetScriptsToExecute().Select(s => s.Name)];

    private static UpgradeEngine Engine(Database database, string? through = null)
    {
        var prefix = $"Tenancy.Server.Storage.Migrations.{database.Provider}.";
        bool Wanted(string name) => name.StartsWith(prefix, StringComparison.Ordinal)
            && (through is null || string.CompareOrdinal(name, prefix.Length, through, 0, through.Length) <= 0);
        UpgradeEngineBuilder builder = database.Provider == StorageProvider.Postgres
            ? DeployChanges.To.PostgresqlDatabase(database.ConnectionString)
            : DeployChanges.To.SqliteDatabase(database.ConnectionString);
        return builder
            .WithScriptsEmbeddedInAssembly(typeof(Migrator).Assembly, Wanted)
            .WithTransactionPerScript()
            .LogToNowhere()
            .Build();
    }
}
