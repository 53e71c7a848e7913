using System.Collections.Concurrent;
using System.Data.Common;

namespace Tenancy.Server.Search;

/// <summary>How well a text matches what an object is found by; lower is better.</summary>
public enum MatchTier
{
    /// <summary>The whole text of a field (name, login, email...), ignoring case.</summary>
    Exact = 0,

    /// <summary>The beginning of a field.</summary>
    Prefix = 1,

    /// <summary>Anywhere inside a field (texts of 3 characters or more).</summary>
    Substring = 2,
}

/// <summary>A field of a tenant or user that matched, with the object and where it lies.</summary>
public sealed class SearchHit
{
    public MatchTier Tier { get; set; }
    public required string ObjType { get; init; }
    public required string ObjId { get; init; }
    public required string Term { get; init; }

    /// <summary>The tenant the object is (a tenant) or belongs to (a user).</summary>
    public required string TenantId { get; init; }
    public required string TenantParentId { get; init; }
    public required string TenantPath { get; init; }
    public required string TenantKind { get; init; }
    public required string TenantName { get; init; }
    public string? TenantContact { get; init; }
    public string? UserLogin { get; init; }
    public string? UserContact { get; init; }
}

/// <summary>
/// SQL for search over search_terms (migration 0011, kept in step with tenants and users by triggers).
/// Each tier is one index-served statement that stops at its LIMIT: exact and prefix are range scans on
/// ix_search_terms_term; substring goes through the trigram index (FTS5 on SQLite, pg_trgm on PostgreSQL).
/// Every statement keeps only what the access policy lets the caller read (<see cref="AccessPolicy.Where(Caller, Operation, Resource, string)"/>).
/// </summary>
public sealed class SearchStore(Database db)
{
    private static readonly TimeSpan CountLifetime = TimeSpan.FromMinutes(10);
    private const int MaxCountsKept = 100_000;

    /// <summary>How many terms hold each trigram (SQLite), and until when that count is used.</summary>
    private readonly ConcurrentDictionary<string, (long Terms, long Until)> _trigramCounts = new(StringComparer.Ordinal);

    /// <summary>
    /// Above every character: "text" + this is the exclusive upper bound of the texts that start with "text"
    /// (both stores compare terms byte-wise). The text is lower-cased by the store, as the triggers do.
    /// </summary>
    private const string Highest = "\U0010FFFF";

    private const string Select =
        "SELECT s.obj_type, s.obj_id, s.term, t.id AS tenant_id, t.parent_id AS tenant_parent_id, t.path AS tenant_path, " +
        "t.kind AS tenant_kind, t.name AS tenant_name, t.contact AS tenant_contact, u.login AS user_login, u.contact AS user_contact " +
        "FROM search_terms s JOIN tenants t ON t.seq = s.tenant_seq " +
        "LEFT JOIN users u ON s.obj_type = 'user' AND u.id = s.obj_id";

    /// <summary>
    /// The statement of one tier (parameters: text, highest, escaped or rare, root, rootUpper, take and those of
    /// <see cref="AccessPolicy.Parameters"/>). Exact and prefix matches come in index order; substring
    /// matches in the trigram index's order. <paramref name="reach"/> is the access policy's condition for the
    /// caller (<see cref="AccessPolicy.Where(Caller, Operation, Resource, string)"/>; by default a principal's own grant).
    /// </summary>
    public static string TierSql(StorageProvider provider, MatchTier tier, string? reach = null)
    {
        var match = tier switch
        {
            MatchTier.Exact => "s.term = lower(@text)",
            MatchTier.Prefix => "s.term > lower(@text) AND s.term < (lower(@text) || @highest)",
            _ => (provider == StorageProvider.Postgres
                    ? "s.term LIKE '%' || lower(@escaped) || '%' ESCAPE '\\'"
                    : "s.id IN (SELECT rowid FROM search_trigrams WHERE search_trigrams MATCH @rare) AND instr(s.term, lower(@text)) > 0")
                + " AND NOT (s.term >= lower(@text) AND s.term < (lower(@text) || @highest))",
        };
        var order = tier == MatchTier.Substring ? "" : " ORDER BY s.term, s.obj_id";
        // Deleted tenants and users (restorable until purged) are not found.
        return $"{Select} WHERE {match} AND t.path >= @root AND t.path < @rootUpper AND t.deleted_at IS NULL AND u.deleted_at IS NULL " +
            $"AND {reach ?? AccessPolicy.Where("t.path")}{order} LIMIT @take";
    }

    /// <summary>Up to <paramref name="take"/> matching fields of one tier, within the subtree at <paramref name="rootPath"/>.</summary>
    public async Task<IReadOnlyList<SearchHit>> FindAsync(
        Caller caller, string rootPath, string text, MatchTier tier, int take, CancellationToken ct = default)
    {
        await using var c = await db.OpenAsync(ct);
        string? rare = null;
        if (tier == MatchTier.Substring && db.Provider == StorageProvider.Sqlite && (rare = await RarestTrigramsAsync(c, text, ct)) is null)
        {
            return []; // a trigram of the text is in no term: nothing contains it
        }

        var args = new DynamicParameters(AccessPolicy.Parameters(caller));
        args.AddDynamicParams(new
        {
            text, highest = Highest, take, root = rootPath, rootUpper = TreePath.UpperBound(rootPath),
            rare,
            escaped = text.Replace("\\", "\\\\", StringComparison.Ordinal).Replace("%", "\\%", StringComparison.Ordinal)
                .Replace("_", "\\_", StringComparison.Ordinal),
        });
        var rows = await c.QueryAsync<SearchHit>(new CommandDefinition(TierSql(db.Provider, tier, AccessPolicy.Where(caller, Operation.Read, Resource.Tenant, "t.path")), args, cancellationToken: ct));
        var hits = rows.AsList();
        hits.ForEach(h => h.Tier = tier);
        return hits;
    }

    /// <summary>
    /// SQLite: the FTS5 query for the (up to 3) rarest trigrams of the text; null when one of them is in no
    /// term. Matching the whole phrase would read the postings of every trigram of it, common ones ("cus",
    /// "ome") included; the rarest narrow the candidates to a few rows, which instr() then checks for the
    /// whole text. How many terms hold a trigram comes from the index (search_trigram_counts), which
    /// reads its postings to count them: the counts are kept for <see cref="CountLifetime"/>. They only
    /// choose which trigrams to match, so a stale count costs time, never a wrong answer (a trigram in no
    /// term is never kept: a term made later may hold it).
    /// </summary>
    private async Task<string?> RarestTrigramsAsync(DbConnection c, string text, CancellationToken ct)
    {
        var runes = text.ToLowerInvariant().EnumerateRunes().Select(r => r.ToString()).ToArray();
        var trigrams = Enumerable.Range(0, runes.Length - 2).Select(i => string.Concat(runes[i..(i + 3)])).Distinct().ToList();
        var now = Environment.TickCount64;
        var counts = new List<(string Trigram, long Terms)>();
        foreach (var trigram in trigrams)
        {
            if (!_trigramCounts.TryGetValue(trigram, out var known) || known.Until < now)
            {
                var terms = await c.ExecuteScalarAsync<long?>(new CommandDefinition(
                    "SELECT doc FROM search_trigram_counts WHERE term = @trigram", new { trigram }, cancellationToken: ct)) ?? 0;
                if (terms == 0)
                {
                    return null;
                }

                if (_trigramCounts.Count > MaxCountsKept)
                {
                    _trigramCounts.Clear();
                }

                _trigramCounts[trigram] = known = (terms, now + (long)CountLifetime.TotalMilliseconds);
            }

            counts.Add((trigram, known.Terms));
        }

        return string.Join(" AND ", counts.OrderBy(t => t.Terms).Take(3)
            .Select(t => "\"" + t.Trigram.Replace("\"", "\"\"", StringComparison.Ordinal) + "\""));
    }

    /// <summary>The names of tenants by their internal keys.</summary>
    public async Task<IReadOnlyDictionary<long, string>> NamesAsync(IReadOnlyCollection<long> seqs, CancellationToken ct = default)
    {
        if (seqs.Count == 0)
        {
            return new Dictionary<long, string>();
        }

        await using var c = await db.OpenAsync(ct);
        var rows = await c.QueryAsync<(long Seq, string Name)>(new CommandDefinition(
            $"SELECT seq, name FROM tenants WHERE {db.In("seq", "seqs")}", new { seqs = db.List(seqs) }, cancellationToken: ct));
        return rows.ToDictionary(r => r.Seq, r => r.Name);
    }
}
