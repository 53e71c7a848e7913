namespace Tenancy.Server.Tenants;

/// <summary>
/// "Effectively disabled" and "disabled by": a tenant is effectively disabled when it or any tenant above it
/// has its own flag off; it is disabled by the NEAREST such tenant (itself first, then upwards). Defined
/// here once, for facts in memory and as SQL. A deleted tenant counts as one whose own flag is off: deletion
/// locks its subtree out exactly as suspension does, on the very next request.
/// </summary>
public static class Suspension
{
    /// <summary>A tenant's own flag as the rule reads it: on, and not deleted.</summary>
    private const string OwnFlagOnSql = "(enabled AND deleted_at IS NULL)";

    /// <summary>The columns of a <see cref="Restriction"/> (its Enabled is the own flag as the rule reads it).</summary>
    public const string RestrictionColumns = $"seq, id, parent_seq, {OwnFlagOnSql} AS enabled, ancestral_access";

    /// <summary>A tenant that restricts its subtree: own flag off (or deleted), or closed to the ancestors above its parent.</summary>
    public const string RestrictsSql = $"(NOT {OwnFlagOnSql} OR NOT ancestral_access)";

    /// <summary>The nearest tenant on the path of <paramref name="tenant"/> (itself first) whose own flag is off.</summary>
    public static string? NearestDisabled(Tenant tenant, IReadOnlyDictionary<long, Restriction> restrictions)
    {
        var seqs = tenant.PathSeqs();
        for (var i = seqs.Length - 1; i >= 0; i--)
        {
            if (restrictions.TryGetValue(seqs[i], out var r) && !r.Enabled)
            {
                return r.Id;
            }
        }

        return null;
    }

    /// <summary>The same as a scalar subquery on a path expression: the id of the deepest disabled tenant on it.</summary>
    public static string NearestDisabledSql(Database db, string path) =>
        $"(SELECT d.id FROM tenants d WHERE {db.OnPath("d.seq", path)} AND (NOT d.enabled OR d.deleted_at IS NOT NULL) ORDER BY d.level DESC LIMIT 1)";
}
