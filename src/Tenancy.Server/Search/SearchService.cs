namespace Tenancy.Server.Search;

/// <summary>A tenant or user found by a search, with the names of the tenants between the search root and it.</summary>
public sealed record SearchResult(SearchHit Hit, IReadOnlyList<string> Path);

/// <summary>
/// Search for tenants and users in a subtree. Tenants are found by name, customer_id and their contact's
/// first name, last name and email; users by login and their contact's email, first name and last name;
/// all without case. Best matches first: every exact match, then every prefix match, then every substring
/// match (only for texts of 3 characters or more: shorter texts find exact and prefix matches). Within a
/// tier, by the matching text, then tenants before users, then id. No HTTP here.
/// </summary>
public sealed class SearchService(SearchStore store, TenantService tenants)
{
    public const int MaxLimit = 1000;
    public const int MaxTextLength = 256;

    /// <summary>The fields an object is found by: more matching rows than this can come for one object.</summary>
    private const int FieldsPerObject = 5;

    public async Task<Result<IReadOnlyList<SearchResult>>> SearchAsync(
        Caller caller, string tenantId, string text, int limit, CancellationToken ct = default)
    {
        text = text.Trim();
        if (text.Length is 0 or > MaxTextLength)
        {
            return new Invalid("text", $"text must be 1 to {MaxTextLength} characters.");
        }

        // The search root must be readable; below it, the store keeps only what the caller may read.
        var root = await tenants.AuthorizeAsync(caller, tenantId, Operation.Read, Resource.Tenant, ct);
        if (!root.IsOk)
        {
            return root.Error;
        }

        var rootTenant = root.Value.Tenant;
        var found = new List<SearchHit>();
        var seen = new HashSet<string>(StringComparer.Ordinal);
        foreach (var tier in Enum.GetValues<MatchTier>())
        {
            var needed = limit - found.Count;
            if (needed <= 0 || (tier == MatchTier.Substring && text.Length < 3))
            {
                break;
            }

            var hits = await store.FindAsync(caller, rootTenant.Path, text, tier, needed * FieldsPerObject + found.Count, ct);
            found.AddRange(hits
                .OrderBy(h => h.Term, StringComparer.Ordinal).ThenBy(h => h.ObjType, StringComparer.Ordinal).ThenBy(h => h.ObjId, StringComparer.Ordinal)
                .Where(h => seen.Add(h.ObjType + ":" + h.ObjId))
                .Take(needed));
        }

        return await WithPathsAsync(found, rootTenant.Level, ct);
    }

    /// <summary>Adds the names of the tenants from the search root down to each object's parent.</summary>
    private async Task<Result<IReadOnlyList<SearchResult>>> WithPathsAsync(List<SearchHit> hits, int rootLevel, CancellationToken ct)
    {
        // A tenant's path ends with itself (not shown); a user's with its tenant (shown).
        IReadOnlyList<long> Between(SearchHit h)
        {
            var seqs = TreePath.Seqs(h.TenantPath);
            return seqs[rootLevel..(h.ObjType == "tenant" ? seqs.Length - 1 : seqs.Length)];
        }

        var names = await store.NamesAsync(hits.SelectMany(Between).ToHashSet(), ct);
        return hits.Select(h => new SearchResult(h, [.. Between(h).Select(s => names.GetValueOrDefault(s, ""))])).ToList();
    }
}
