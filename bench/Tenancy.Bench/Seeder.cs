using System.Data.Common;
using System.Diagnostics;
using System.Globalization;
using System.Text;
using System.Text.Json;
using Dapper;
using Microsoft.Data.Sqlite;
using Microsoft.Extensions.FileProviders;
using Microsoft.Extensions.Options;
using Npgsql;
using Tenancy.Server.Storage;
using Tenancy.Server.Tenants;
using Tenancy.Server.Usage;
using Tenancy.Server.Users;

namespace Tenancy.Bench;

/// <summary>
/// Seeds a store with a <see cref="TreeShape"/> straight through SQL, in the shape the server writes
/// (same columns, paths, levels, versions, unix-microsecond times, PBKDF2 secret hashes), after applying
/// the server's own migrations. Secondary indexes are dropped for the load and rebuilt from their own
/// definitions afterwards, which is several times faster than maintaining them row by row; the search
/// index is filled in one statement after the load (<see cref="SearchFill"/>).
/// </summary>
public sealed class Seeder(string provider, string connectionString, int total, int historyDays, string outDir)
{
    private static readonly string[] TenantColumns =
    [
        "seq", "id", "parent_seq", "parent_id", "path", "level", "kind", "name", "enabled", "version", "created_at",
        "updated_at", "customer_type", "customer_id", "internal_tag", "language", "owner_id", "ancestral_access",
        "update_lock_enabled", "update_lock_owner", "brand_id", "brand_uuid", "default_idp_id", "mfa_status",
        "pricing_mode", "contact", "code", "zuora_account_name", "zuora_account_number", "description",
    ];

    private static readonly string[] ClientColumns =
    [
        "id", "tenant_seq", "tenant_id", "type", "token_endpoint_auth_method", "data", "status", "secret_hash",
        "created_at", "created_by", "last_access_at", "last_access_from_ip",
    ];

    private static readonly string[] Tables = ["tenants", "api_clients", "subscriptions", "commitments", "usage_samples", "usage_current", "search_terms"];

    private static readonly JsonSerializerOptions Indented = new() { WriteIndented = true };

    private readonly Dictionary<string, double> _timings = [];
    private readonly Stopwatch _clock = new();
    private long _clients;

    public async Task RunAsync()
    {
        Directory.CreateDirectory(outDir);
        var all = Stopwatch.StartNew();
        _clock.Restart();
        var database = await CreateStoreAsync();
        Migrator.Apply(database);
        Lap("migrate");

        var shape = new TreeShape(total);
        var ids = new string[shape.Total];
        for (var i = 0; i < ids.Length; i++)
        {
            ids[i] = Ids.New();
        }

        var paths = new string[shape.Total];
        foreach (var i in shape.ByCreation)
        {
            paths[i] = TreePath.Child(i == 0 ? "/" : paths[shape.Parent[i]], shape.Seq[i]);
        }

        Lap("shape");

        await using var c = await OpenAsync(database);
        await using var tx = c is SqliteConnection sqlite ? sqlite.BeginTransaction() : null;
        var indexes = await DropIndexesAsync(c, tx);
        var search = await SearchFill.SuspendAsync(c, tx);
        var triggers = await DropCacheTriggersAsync(c, tx);
        Lap("drop_indexes");

        var now = DateTimeOffset.UtcNow;
        var nowMicros = Timestamps.ToMicros(now);
        var start = Timestamps.ToMicros(now.AddDays(-365));
        var step = (nowMicros - start - 3_600_000_000L) / shape.Total;
        long CreatedAt(int node) => start + shape.Seq[node] * step;

        await WriteTenantsAsync(c, tx, shape, ids, paths, CreatedAt);
        Lap("tenants");
        var credentials = await WriteClientsAsync(c, tx, shape, ids, CreatedAt);
        Lap("api_clients");
        var subscriptions = await WriteBillingAsync(c, tx, shape, ids, CreatedAt, now);
        Lap("billing");
        await search.FillAsync(c, tx);
        Lap("search");

        foreach (var (_, sql) in indexes.Concat(triggers))
        {
            await c.ExecuteAsync(new CommandDefinition(sql, transaction: tx, commandTimeout: 0));
        }

        Lap("create_indexes");
        await FillRollupsAsync(c, tx);
        Lap("usage_rollup");
        if (c is NpgsqlConnection)
        {
            // The identity must continue after the seeded keys, as if the server had made them.
            await c.ExecuteAsync("SELECT setval(pg_get_serial_sequence('tenants', 'seq'), (SELECT MAX(seq) FROM tenants))");
            await c.ExecuteAsync(new CommandDefinition("VACUUM ANALYZE", commandTimeout: 0));
            Lap("vacuum_analyze");
        }
        else
        {
            await tx!.CommitAsync();
            Lap("commit");
        }

        _timings["total"] = all.Elapsed.TotalSeconds;
        await WriteOutputsAsync(shape, ids, credentials, subscriptions);
        Console.WriteLine($"seeded {provider}: {shape.Total:N0} tenants in {all.Elapsed.TotalSeconds:F1} s " +
            $"({string.Join(", ", _timings.Select(t => $"{t.Key} {t.Value:F1}s"))})");
    }

    /// <summary>The maintained usage roll-ups, in bulk from the loaded rows (the server keeps them from here on).</summary>
    private async Task FillRollupsAsync(DbConnection c, DbTransaction? tx) =>
        await c.ExecuteAsync(new CommandDefinition(
            UsageRollups.RebuildSql(provider == "postgres" ? StorageProvider.Postgres : StorageProvider.Sqlite), transaction: tx, commandTimeout: 0));

    private void Lap(string phase)
    {
        _timings[phase] = _clock.Elapsed.TotalSeconds;
        _clock.Restart();
    }

    /// <summary>A fresh store: the SQLite file is removed, the PostgreSQL database dropped and created again.</summary>
    private async Task<Database> CreateStoreAsync()
    {
        if (provider == "postgres")
        {
            var target = new NpgsqlConnectionStringBuilder(connectionString);
            var admin = new NpgsqlConnectionStringBuilder(connectionString) { Database = "postgres", Pooling = false };
            await using var c = new NpgsqlConnection(admin.ToString());
            await c.OpenAsync();
            await c.ExecuteAsync($"DROP DATABASE IF EXISTS \"{target.Database}\" WITH (FORCE)");
            await c.ExecuteAsync($"CREATE DATABASE \"{target.Database}\"");
        }
        else
        {
            var file = new SqliteConnectionStringBuilder(connectionString).DataSource;
            foreach (var suffix in new[] { "", "-wal", "-shm" })
            {
                File.Delete(Path.GetFullPath(file + suffix));
            }

            Directory.CreateDirectory(Path.GetDirectoryName(Path.GetFullPath(file))!);
        }

        return new Database(
            Options.Create(new StorageOptions { Provider = provider, ConnectionString = connectionString }),
            new BenchEnvironment());
    }

    private static async Task<DbConnection> OpenAsync(Database database)
    {
        if (database.Provider == StorageProvider.Postgres)
        {
            var pg = new NpgsqlConnection(new NpgsqlConnectionStringBuilder(database.ConnectionString) { Pooling = false }.ToString());
            await pg.OpenAsync();
            // Rows are consistent by construction: skip the foreign key triggers during COPY.
            await pg.ExecuteAsync("SET session_replication_role = replica; SET maintenance_work_mem = '256MB'");
            return pg;
        }

        var sqlite = new SqliteConnection(database.ConnectionString);
        await sqlite.OpenAsync();
        // The server sets WAL on first start; the rest only speeds up this one load.
        await sqlite.ExecuteAsync("PRAGMA journal_mode=WAL; PRAGMA synchronous=OFF; PRAGMA foreign_keys=OFF; PRAGMA cache_size=-262144");
        return sqlite;
    }

    /// <summary>Drops the secondary indexes of the seeded tables and returns their definitions (constraints stay).</summary>
    private static async Task<List<(string Name, string Sql)>> DropIndexesAsync(DbConnection c, DbTransaction? tx)
    {
        var sql = c is NpgsqlConnection
            ? "SELECT i.indexrelid::regclass::text AS name, pg_get_indexdef(i.indexrelid) AS sql FROM pg_index i " +
              "JOIN pg_class t ON t.oid = i.indrelid WHERE t.relname = ANY(@tables) " +
              "AND NOT EXISTS (SELECT 1 FROM pg_constraint k WHERE k.conindid = i.indexrelid)"
            : "SELECT name, sql FROM sqlite_master WHERE type = 'index' AND sql IS NOT NULL AND tbl_name IN @tables";
        var indexes = (await c.QueryAsync<(string Name, string Sql)>(sql, new { tables = Tables }, tx)).AsList();
        foreach (var (name, _) in indexes)
        {
            await c.ExecuteAsync($"DROP INDEX {name}", transaction: tx);
        }

        return indexes;
    }

    /// <summary>
    /// SQLite: drops the hot-path cache's epoch triggers (migration 0017) for the load; on PostgreSQL the load
    /// runs with session_replication_role = replica, which skips them already.
    /// </summary>
    private static async Task<List<(string Name, string Sql)>> DropCacheTriggersAsync(DbConnection c, DbTransaction? tx)
    {
        if (c is NpgsqlConnection)
        {
            return [];
        }

        var triggers = (await c.QueryAsync<(string Name, string Sql)>(
            "SELECT name, sql FROM sqlite_master WHERE type = 'trigger' AND name LIKE 'cache_epoch_%'", transaction: tx)).AsList();
        foreach (var (name, _) in triggers)
        {
            await c.ExecuteAsync($"DROP TRIGGER {name}", transaction: tx);
        }

        return triggers;
    }

    private static async Task WriteTenantsAsync(
        DbConnection c, DbTransaction? tx, TreeShape shape, string[] ids, string[] paths, Func<int, long> createdAt)
    {
        var rootBrand = Ids.New();
        var rootIdp = Ids.New();
        await using var w = await TableWriter.OpenAsync(c, tx, "tenants", TenantColumns);
        foreach (var i in shape.ByCreation)
        {
            var kind = shape.Kinds[i];
            var seq = shape.Seq[i];
            var parent = shape.Parent[i];
            var at = createdAt(i);
            var billed = kind is TreeShape.Kind.Partner or TreeShape.Kind.Customer;
            w.Row(
                seq, ids[i], parent < 0 ? null : shape.Seq[parent], parent < 0 ? ids[i] : ids[parent], paths[i],
                (int)kind, TreeShape.Kind.Names[kind], Name(kind, seq), true, 1L, at, at,
                "default", null, null, "en", null, true, false, null, null, rootBrand, rootIdp, "disabled", "production",
                null, billed ? $"{TreeShape.Kind.Names[kind]}_{seq}" : null,
                billed ? $"Account {seq}" : null, billed ? $"A{seq:D9}" : null, null);
        }
    }

    private static string Name(byte kind, long seq) => kind switch
    {
        TreeShape.Kind.Root => "Root",
        _ => $"{CultureInfo.InvariantCulture.TextInfo.ToTitleCase(TreeShape.Kind.Names[kind])} {seq:D9}",
    };

    /// <summary>
    /// API clients with generated secrets (hashed as the server hashes generated secrets): an admin of
    /// the root, one of every partner and one of every tenth customer.
    /// </summary>
    private async Task<Dictionary<int, (string Id, string Secret)>> WriteClientsAsync(
        DbConnection c, DbTransaction? tx, TreeShape shape, string[] ids, Func<int, long> createdAt)
    {
        var credentials = new Dictionary<int, (string Id, string Secret)>();
        await using var w = await TableWriter.OpenAsync(c, tx, "api_clients", ClientColumns);
        var customers = 0;
        foreach (var i in shape.ByCreation)
        {
            var kind = shape.Kinds[i];
            if (kind is not (TreeShape.Kind.Root or TreeShape.Kind.Partner) && (kind != TreeShape.Kind.Customer || customers++ % 10 != 0))
            {
                continue;
            }

            var id = Ids.New();
            var secret = Passwords.NewSecret();
            if (kind != TreeShape.Kind.Customer)
            {
                credentials[i] = (id, secret);
            }

            w.Row(
                id, shape.Seq[i], ids[i], "api_client", "client_secret_basic",
                $$"""{"client_name":"{{TreeShape.Kind.Names[kind]}} admin"}""", "enabled",
                Passwords.HashGenerated(secret), createdAt(i) + 1,
                kind == TreeShape.Kind.Root ? "bootstrap" : credentials[0].Id, null, null);
        }

        _clients = w.Rows;
        return credentials;
    }

    /// <summary>
    /// One subscription per customer with commitments on two service levels and a daily usage history
    /// of <c>historyDays</c> days; usage_current holds the newest sample and the commitment in force.
    /// </summary>
    private async Task<Dictionary<int, string>> WriteBillingAsync(
        DbConnection c, DbTransaction? tx, TreeShape shape, string[] ids, Func<int, long> createdAt, DateTimeOffset now)
    {
        var subscriptions = new Dictionary<int, string>();
        var random = new Random(7);
        var today = Timestamps.ToMicros(new DateTimeOffset(now.UtcDateTime.Date, TimeSpan.Zero));
        const long day = 86_400_000_000L;
        string[] levels = ["premium", "standard"];
        double[] committedOf = [100, 500];
        await using (var w = await TableWriter.OpenAsync(c, tx, "subscriptions", ["number", "tenant_id", "created_at"]))
        {
            foreach (var i in shape.ByCreation.Where(i => shape.Kinds[i] == TreeShape.Kind.Customer))
            {
                subscriptions[i] = $"A-S{shape.Seq[i]:D9}";
                w.Row(subscriptions[i], ids[i], createdAt(i) + 2);
            }
        }

        await using (var w = await TableWriter.OpenAsync(c, tx, "commitments",
            ["subscription", "service_level", "effective_from", "committed", "recorded_at"]))
        {
            foreach (var (i, number) in subscriptions)
            {
                for (var l = 0; l < levels.Length; l++)
                {
                    w.Row(number, levels[l], createdAt(i) + 2, committedOf[l], createdAt(i) + 2);
                }
            }
        }

        var latest = new Dictionary<(string, int), double>();
        await using (var w = await TableWriter.OpenAsync(c, tx, "usage_samples",
            ["tenant_id", "application_id", "offering_item", "subscription", "sampled_at", "value", "received_at"]))
        {
            foreach (var (i, number) in subscriptions)
            {
                for (var l = 0; l < levels.Length; l++)
                {
                    for (var d = historyDays; d >= 1; d--)
                    {
                        var consumed = Math.Round(committedOf[l] * (0.5 + random.NextDouble()), 3);
                        w.Row(ids[i], ServiceLevelItems.ApplicationId, levels[l], number, today - d * day, consumed, today - d * day + 60_000_000);
                        latest[(number, l)] = consumed;
                    }
                }
            }
        }

        await using (var w = await TableWriter.OpenAsync(c, tx, "usage_current",
            ["tenant_id", "application_id", "offering_item", "subscription", "value", "value_at", "committed", "committed_from"]))
        {
            foreach (var (i, number) in subscriptions)
            {
                for (var l = 0; l < levels.Length; l++)
                {
                    var has = latest.TryGetValue((number, l), out var consumed);
                    w.Row(ids[i], ServiceLevelItems.ApplicationId, levels[l], number, has ? consumed : 0.0, has ? today - day : null, committedOf[l], createdAt(i) + 2);
                }
            }
        }

        return subscriptions;
    }

    /// <summary>What the load scripts and the driver need: credentials, the special subtrees, id lists.</summary>
    private async Task WriteOutputsAsync(
        TreeShape shape, string[] ids, Dictionary<int, (string Id, string Secret)> credentials, Dictionary<int, string> subscriptions)
    {
        var random = new Random(11);
        var big = shape.PartnerNodes[TreeShape.BigPartner];
        var terminated = shape.PartnerNodes[TreeShape.TerminatedPartner];
        var other = shape.PartnerNodes[2];
        var bigSubtree = shape.SubtreeOf(big).Skip(1).ToArray();
        random.Shuffle(bigSubtree);
        var units = bigSubtree.Where(i => shape.Kinds[i] == TreeShape.Kind.Unit).Take(4000).ToHashSet();
        var reads = bigSubtree.Where(i => !units.Contains(i)).Take(10_000);
        var leaf = shape.SubtreeOf(other).First(i => shape.Kinds[i] == TreeShape.Kind.Unit);

        await File.WriteAllLinesAsync(Path.Combine(outDir, "read-ids.txt"), reads.Select(i => ids[i]));
        await File.WriteAllLinesAsync(Path.Combine(outDir, "rename-ids.txt"), units.Select(i => ids[i]));
        await File.WriteAllLinesAsync(Path.Combine(outDir, "subscriptions.txt"),
            bigSubtree.Where(subscriptions.ContainsKey).Take(10_000).Select(i => $"{subscriptions[i]} {ids[i]}"));
        await File.WriteAllLinesAsync(Path.Combine(outDir, "token-clients.txt"), shape.PartnerNodes
            .Where(p => p != terminated)
            .Select(p => "Basic " + Convert.ToBase64String(Encoding.UTF8.GetBytes($"{credentials[p].Id}:{credentials[p].Secret}"))));

        var seed = new Dictionary<string, object>
        {
            ["provider"] = provider,
            ["tenants"] = shape.Total,
            ["api_clients"] = _clients,
            ["subscriptions"] = subscriptions.Count,
            ["usage_samples"] = (long)subscriptions.Count * 2 * historyDays,
            ["root_client_id"] = credentials[0].Id,
            ["root_client_secret"] = credentials[0].Secret,
            ["partner_client_id"] = credentials[big].Id,
            ["partner_client_secret"] = credentials[big].Secret,
            ["big_partner_id"] = ids[big],
            ["big_partner_descendants"] = shape.SubtreeSize[big] - 1,
            ["terminated_partner_id"] = ids[terminated],
            ["terminated_subtree"] = shape.SubtreeSize[terminated],
            ["leaf_id"] = ids[leaf],
            ["timings_s"] = _timings,
        };
        await File.WriteAllTextAsync(Path.Combine(outDir, "seed.json"), JsonSerializer.Serialize(seed, Indented));
    }

    private sealed class BenchEnvironment : IHostEnvironment
    {
        public string EnvironmentName { get; set; } = "Production";

        public string ApplicationName { get; set; } = "Tenancy.Bench";

        public string ContentRootPath { get; set; } = Directory.GetCurrentDirectory();

        public IFileProvider ContentRootFileProvider { get; set; } = new NullFileProvider();
    }
}
