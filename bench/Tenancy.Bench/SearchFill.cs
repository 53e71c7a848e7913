using System.Data.Common;
using System.Text.RegularExpressions;
using Dapper;
using Npgsql;

namespace Tenancy.Bench;

/// <summary>
/// The search index (migration 0011) for a bulk load. Its triggers write one search_terms row and its
/// trigram postings per text of every tenant, one row at a time; for the load they are taken out (SQLite:
/// dropped and put back afterwards from their own stored definitions; PostgreSQL: the seeder's session
/// already runs with triggers off), and search_terms is filled once the tenants are in, with one
/// INSERT ... SELECT whose texts are read from the tenant trigger's own definition, so the two cannot
/// drift apart. SQLite's trigram postings are then rebuilt from search_terms in one pass.
/// </summary>
public sealed partial class SearchFill
{
    private readonly List<string> _triggers;

    private SearchFill(List<string> triggers) => _triggers = triggers;

    /// <summary>The trigger that fills search_terms for a new tenant, by provider.</summary>
    private const string SqliteTenantTrigger = "tenants_search_ai";
    private const string PostgresTenantFunction = "tenants_search";

    /// <summary>Takes the search triggers of tenants and search_terms out for the load (SQLite).</summary>
    public static async Task<SearchFill> SuspendAsync(DbConnection c, DbTransaction? tx)
    {
        if (c is NpgsqlConnection)
        {
            return new SearchFill([]);
        }

        var triggers = (await c.QueryAsync<(string Name, string Sql)>(
            "SELECT name, sql FROM sqlite_master WHERE type = 'trigger' AND tbl_name IN ('tenants', 'search_terms') AND name LIKE '%search%'",
            transaction: tx)).AsList();
        foreach (var (name, _) in triggers)
        {
            await c.ExecuteAsync($"DROP TRIGGER {name}", transaction: tx);
        }

        return new SearchFill([.. triggers.Select(t => t.Sql)]);
    }

    /// <summary>Fills search_terms for every tenant (and SQLite's trigram postings), then puts the triggers back.</summary>
    public async Task FillAsync(DbConnection c, DbTransaction? tx)
    {
        if (c is NpgsqlConnection)
        {
            var function = await c.ExecuteScalarAsync<string>(
                $"SELECT pg_get_functiondef('{PostgresTenantFunction}'::regproc)", transaction: tx);
            await c.ExecuteAsync(new CommandDefinition(PostgresFill(function!), transaction: tx, commandTimeout: 0));
            return;
        }

        var trigger = _triggers.Single(t => t.StartsWith($"CREATE TRIGGER {SqliteTenantTrigger} ", StringComparison.Ordinal));
        await c.ExecuteAsync(new CommandDefinition(SqliteFill(trigger), transaction: tx, commandTimeout: 0));
        await c.ExecuteAsync(new CommandDefinition(
            "INSERT INTO search_trigrams(search_trigrams) VALUES ('rebuild')", transaction: tx, commandTimeout: 0));
        foreach (var sql in _triggers)
        {
            await c.ExecuteAsync(sql, transaction: tx);
        }
    }

    /// <summary>
    /// The SQLite tenant trigger's statement over the whole table. The trigger reads
    /// <c>INSERT INTO search_terms(...) SELECT 'tenant', new.id, new.seq, lower(v) FROM (SELECT new.name AS v
    /// UNION SELECT ... ) WHERE ...</c>; each text of the union becomes a select over tenants that carries
    /// the columns the outer select reads.
    /// </summary>
    public static string SqliteFill(string trigger)
    {
        var body = trigger[(trigger.IndexOf(" BEGIN", StringComparison.Ordinal) + 6)..trigger.LastIndexOf("END", StringComparison.Ordinal)].Trim().TrimEnd(';');
        var open = body.IndexOf("FROM (", StringComparison.Ordinal);
        var close = Matching(body, open + 5);
        var head = body[..open];
        var keys = NewColumn().Matches(head).Select(m => m.Groups[1].Value).Distinct().ToList();
        var texts = Union().Split(body[(open + 6)..close]).Select(t => AsV().Replace(Select().Replace(t.Trim(), ""), "").Replace("new.", "", StringComparison.Ordinal));
        var selects = texts.Select(t => $"SELECT {string.Join(", ", keys)}, {t} AS v FROM tenants");
        return $"{head.Replace("new.", "", StringComparison.Ordinal)}FROM ({string.Join(" UNION ", selects)}){body[(close + 1)..]}";
    }

    /// <summary>
    /// The PostgreSQL tenant trigger's texts over the whole table. The trigger function calls
    /// <c>search_terms_of('tenant', NEW.id, NEW.seq, ARRAY[NEW.name, ...])</c>, which stores the distinct
    /// lower-cased non-empty texts; the same for every tenant in one statement.
    /// </summary>
    public static string PostgresFill(string function)
    {
        var call = SearchTermsOf().Match(function);
        if (!call.Success)
        {
            throw new InvalidOperationException("tenants_search() no longer calls search_terms_of(type, id, seq, ARRAY[...])");
        }

        string Row(string group) => call.Groups[group].Value.Replace("NEW.", "t.", StringComparison.Ordinal);
        return "INSERT INTO search_terms(obj_type, obj_id, tenant_seq, term) " +
            $"SELECT DISTINCT {Row("type")}, {Row("id")}, {Row("seq")}, lower(v) FROM tenants t, unnest(ARRAY[{Row("texts")}]) AS v " +
            "WHERE v IS NOT NULL AND v <> ''";
    }

    private static int Matching(string text, int open)
    {
        var depth = 0;
        for (var i = open; i < text.Length; i++)
        {
            depth += text[i] switch { '(' => 1, ')' => -1, _ => 0 };
            if (depth == 0)
            {
                return i;
            }
        }

        throw new InvalidOperationException("unbalanced parentheses in the search trigger");
    }

    [GeneratedRegex(@"\bnew\.(\w+)")]
    private static partial Regex NewColumn();

    [GeneratedRegex(@"\s+UNION\s+")]
    private static partial Regex Union();

    [GeneratedRegex(@"^SELECT\s+")]
    private static partial Regex Select();

    [GeneratedRegex(@"\s+AS\s+v$")]
    private static partial Regex AsV();

    [GeneratedRegex(@"search_terms_of\((?<type>'\w+'),\s*(?<id>NEW\.\w+),\s*(?<seq>NEW\.\w+),\s*ARRAY\[(?<texts>[^\]]*)\]\)", RegexOptions.Singleline)]
    private static partial Regex SearchTermsOf();
}
