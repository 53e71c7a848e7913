using System.Data.Common;
using Dapper;
using Microsoft.Extensions.DependencyInjection;
using Tenancy.Server.Access;
using Tenancy.Server.Clients;
using Tenancy.Server.Nse;
using Tenancy.Server.Search;
using Tenancy.Server.Storage;
using Tenancy.Server.Tenants;
using Tenancy.Server.Usage;

namespace Tenancy.Tests.Storage;

/// <summary>
/// The statements of the hot paths (token check, reading a tenant with its reach check, paging a
/// subtree, rolling up usage) are index lookups or index range scans, never a scan of the tenant table:
/// their cost follows the page or subtree asked for, not the size of the installation.
/// PostgreSQL's planner prefers sequential scans on small tables, so its plans are taken with
/// sequential scans disabled: a plan that still scans has no usable index.
/// </summary>
public abstract class QueryPlanTests(ServerFixture fixture, ITestOutputHelper output)
{
    private readonly TenancyServer _server = fixture.Server;

    public static TheoryData<string> Statements => ["tenant by id", "restrictions on a tenant's path", "disabled on path", "has children", "children page", "subtree level page", "token principal", "usage roll-up", "access policy on a tenant", "audit records within reach", "search exact", "search prefix", "search substring"];

    [Theory]
    [MemberData(nameof(Statements))]
    public async Task HotStatement_UsesAnIndex_AndNeverScansATable(string name)
    {
        var tenants = _server.Services.GetRequiredService<TenantStore>();
        var (sql, args) = name switch
        {
            "tenant by id" => (TenantStore.ByIdSql, (object)new { id = Guid.NewGuid().ToString() }),
            "restrictions on a tenant's path" => (TenantStore.PathRestrictionsSql(_server.Services.GetRequiredService<Database>()), new { id = Guid.NewGuid().ToString() }),
            "disabled on path" => (tenants.RestrictionsSql, new { seqs = Seqs() }),
            "has children" => (tenants.WithChildrenSql, new { seqs = Seqs() }),
            "children page" => (TenantStore.ChildrenSql, new { parentSeq = 7L, afterSeq = 0L, limit = 100, withDeleted = false }),
            "subtree level page" => (TenantStore.SubtreeLevelSql, new { level = 3, lower = "/1/7/12/", upper = "/1/70", limit = 100, withDeleted = false }),
            "token principal" => (_server.Services.GetRequiredService<ClientStore>().PrincipalSql, new { id = Guid.NewGuid().ToString(), jti = "jti" }),
            "usage roll-up" => (UsageStore.RollupSql, new { path = "/1/7/", upper = "/1/70", app = ServiceLevelItems.ApplicationId }),
            "access policy on a tenant" => (
                $"SELECT t.id FROM tenants t WHERE t.id = @id AND {AccessPolicy.Where("t.path")} AND {AccessPolicy.UnlockedWhere("t")}",
                Reach(new { id = Guid.NewGuid().ToString() })),
            "audit records within reach" => (
                $"SELECT id FROM audit_log WHERE target_path >= @reach_path AND target_path < @reach_upper AND {AccessPolicy.Where("target_path")} ORDER BY id DESC LIMIT 100",
                Reach(new { })),
            "search exact" => (SearchStore.TierSql(_server.Provider, MatchTier.Exact), Reach(SearchArgs())),
            "search prefix" => (SearchStore.TierSql(_server.Provider, MatchTier.Prefix), Reach(SearchArgs())),
            "search substring" => (SearchStore.TierSql(_server.Provider, MatchTier.Substring), Reach(SearchArgs())),
            _ => throw new ArgumentOutOfRangeException(nameof(name)),
        };

        static object Reach(object more)
        {
            var args = new DynamicParameters(new { reach_path = "/1/7/", reach_upper = "/1/70", reach_seq = 7L, reach_tenant = "t", scope_path = "/1/7/", scope_upper = "/1/70" });
            args.AddDynamicParams(more);
            return args;
        }

        static object SearchArgs() => new { text = "acme", highest = "\U0010FFFF", root = "/1/7/", rootUpper = "/1/70", take = 50, rare = "\"acm\" AND \"cme\"", escaped = "acme" };

        object Seqs() => _server.Services.GetRequiredService<Database>().List(new long[] { 1, 7, 42 });

        await using var connection = await _server.OpenStoreAsync();
        var plan = await PlanAsync(connection, _server.Provider, sql, args);
        output.WriteLine($"{name} ({_server.Provider}):\n{string.Join('\n', plan)}");

        if (_server.Provider == StorageProvider.Sqlite)
        {
            // "SCAN x" is a full scan of x; "SEARCH x USING ..." is an index lookup or range. Scanning
            // json_each walks the few keys of one path (or the values bound to one parameter), not a table;
            // the search's trigram index answers its MATCH from its own postings (a virtual table).
            Assert.DoesNotContain(plan, line => line.StartsWith("SCAN ", StringComparison.Ordinal) && !line.Contains("json_each", StringComparison.Ordinal)
                && !line.StartsWith("SCAN search_trigrams VIRTUAL TABLE INDEX", StringComparison.Ordinal));
            Assert.Contains(plan, line => line.StartsWith("SEARCH ", StringComparison.Ordinal));
        }
        else
        {
            Assert.DoesNotContain(plan, line => line.Contains("Seq Scan on tenants", StringComparison.Ordinal)
                || line.Contains("Seq Scan on api_clients", StringComparison.Ordinal)
                || line.Contains("Seq Scan on subscriptions", StringComparison.Ordinal)
                || line.Contains("Seq Scan on usage_current", StringComparison.Ordinal)
                || line.Contains("Seq Scan on search_terms", StringComparison.Ordinal));
            Assert.Contains(plan, line => line.Contains("Index", StringComparison.Ordinal));
        }
    }

    public static TheoryData<string, bool> WholeTreeOrders => new()
    {
        { "created", true }, { "created", false }, { "name", true }, { "name", false },
        { "code", true }, { "code", false }, { "id", true }, { "id", false },
    };

    /// <summary>
    /// The /api/v2.1 list of every tenant (the root's view) counts and steps over the live tenants in an index
    /// of live tenants only: no table scan, no sort, no row read to see whether a tenant is deleted.
    /// </summary>
    [Theory]
    [MemberData(nameof(WholeTreeOrders))]
    public async Task WholeTreeList_CountsAndPages_InALiveTenantIndex(string sortBy, bool ascending)
    {
        await using var connection = await _server.OpenStoreAsync();
        var count = await PlanAsync(connection, _server.Provider, NseTenantStore.CountSql(NseTenantStore.WholeTree), new { });
        var page = await PlanAsync(connection, _server.Provider, NseTenantStore.PageSql(NseTenantStore.WholeTree, sortBy, ascending), new { limit = 100, offset = 900 });
        output.WriteLine($"count:\n{string.Join('\n', count)}\npage by {sortBy} {(ascending ? "ascending" : "descending")}:\n{string.Join('\n', page)}");

        var index = $"ix_tenants_live_{(sortBy == "created" ? "created" : sortBy)}";
        if (_server.Provider == StorageProvider.Sqlite)
        {
            Assert.Contains(count, line => line.StartsWith("SCAN tenants USING COVERING INDEX ix_tenants_live_", StringComparison.Ordinal));
            Assert.Contains(page, line => line.StartsWith($"SCAN tenants USING COVERING INDEX {index}", StringComparison.Ordinal));
            // The page's own rows are read by key; only those (at most @limit) are sorted, the tree is not.
            Assert.Contains(page, line => line.StartsWith("SEARCH tenants USING INTEGER PRIMARY KEY", StringComparison.Ordinal));
            Assert.Single(page, line => line.Contains("TEMP B-TREE FOR ORDER BY", StringComparison.Ordinal));
        }
        else
        {
            Assert.Contains(count, line => line.Contains("Index Only Scan using ix_tenants_live_", StringComparison.Ordinal));
            Assert.Contains(page, line => line.Contains($"Index Only Scan{(ascending ? "" : " Backward")} using {index}", StringComparison.Ordinal));
            Assert.DoesNotContain(count.Concat(page), line => line.Contains("Seq Scan on tenants", StringComparison.Ordinal));
        }
    }

    private static async Task<List<string>> PlanAsync(DbConnection connection, StorageProvider provider, string sql, object args)
    {
        if (provider == StorageProvider.Sqlite)
        {
            var rows = await connection.QueryAsync<(long Id, long Parent, long NotUsed, string Detail)>($"EXPLAIN QUERY PLAN {sql}", args);
            return [.. rows.Select(r => r.Detail)];
        }

        await connection.ExecuteAsync("SET enable_seqscan = off");
        return [.. await connection.QueryAsync<string>($"EXPLAIN {sql}", args)];
    }
}

public sealed class QueryPlanTestsSqlite(Providers.SqliteServer fixture, ITestOutputHelper output)
    : QueryPlanTests(fixture, output), IClassFixture<Providers.SqliteServer>;

public sealed class QueryPlanTestsPostgres(Providers.PostgresServer fixture, ITestOutputHelper output)
    : QueryPlanTests(fixture, output), IClassFixture<Providers.PostgresServer>;
