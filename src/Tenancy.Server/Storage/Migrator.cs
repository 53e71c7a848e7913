using DbUp;
using DbUp.Engine;

namespace Tenancy.Server.Storage;

/// <summary>Applies the provider's embedded SQL migrations, each once, in name order.</summary>
public static class Migrator
{
    public static void Apply(Database database)
    {
        var prefix = $"Tenancy.Server.Storage.Migrations.{char.ToUpperInvariant(database.Provider[0])}{database.Provider[1..]}.";
        var upgrader = DeployChanges.To
            .SqliteDatabase(database.ConnectionString)
            .WithScriptsEmbeddedInAssembly(typeof(Migrator).Assembly, name => name.StartsWith(prefix, StringComparison.Ordinal))
            .WithTransactionPerScript()
            .LogToNowhere()
            .Build();

        DatabaseUpgradeResult result = upgrader.PerformUpgrade();
        if (!result.Successful)
        {
            throw new InvalidOperationException($"Migration {result.ErrorScript?.Name} failed.", result.Error);
        }
    }
}
