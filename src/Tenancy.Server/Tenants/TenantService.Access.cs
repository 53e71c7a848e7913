using Tenancy.Server.Auth;
using Tenancy.Server.Errors;

namespace Tenancy.Server.Tenants;

/// <summary>Reach and what is derived from the tree: effective suspension, ancestral_access barriers, update locks.</summary>
public sealed partial class TenantService
{
    /// <summary>
    /// Adds what is derived from the tree, in two queries: has_children, effective suspension, and
    /// (for a <paramref name="viewer"/>) whether an ancestral_access barrier hides the details.
    /// </summary>
    public async Task<IReadOnlyList<TenantView>> ViewsAsync(
        IReadOnlyList<Tenant> tenants, Caller? viewer = null, CancellationToken ct = default)
    {
        if (tenants.Count == 0)
        {
            return [];
        }

        var restrictions = await store.RestrictionsAsync(tenants.SelectMany(t => t.PathSeqs()).ToHashSet(), ct);
        var withChildren = await store.WithChildrenAsync([.. tenants.Select(t => t.Seq)], ct);
        return [.. tenants.Select(t => new TenantView(
            t, withChildren.Contains(t.Seq), NearestDisabled(t, restrictions),
            viewer is null || Barrier(viewer, t, restrictions) is null))];
    }

    /// <summary>The nearest tenant on the path of <paramref name="tenant"/> (itself first) that is disabled.</summary>
    public async Task<string?> DisabledOnPathAsync(Tenant tenant, CancellationToken ct = default) =>
        NearestDisabled(tenant, await store.RestrictionsAsync(tenant.PathSeqs(), ct));

    private static string? NearestDisabled(Tenant tenant, Dictionary<long, Restriction> restrictions)
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

    /// <summary>
    /// The tenant whose ancestral_access is off and that lies between the caller and
    /// <paramref name="tenant"/> with the caller above its parent; null when nothing bars the caller.
    /// </summary>
    private static string? Barrier(Caller caller, Tenant tenant, Dictionary<long, Restriction> restrictions)
    {
        var seqs = tenant.PathSeqs();
        for (var i = caller.Depth; i < seqs.Length; i++)
        {
            if (restrictions.TryGetValue(seqs[i], out var r) && !r.AncestralAccess && r.ParentSeq != caller.TenantSeq)
            {
                return r.Id;
            }
        }

        return null;
    }

    /// <summary>An update lock held by another tenant refuses every change (code 1012).</summary>
    private static RuleViolation? Locked(Caller caller, Tenant tenant) =>
        tenant.UpdateLockEnabled && tenant.UpdateLockOwner != caller.TenantId
            ? new RuleViolation(Rule.UpdateLocked,
                $"Tenant {tenant.Id} is locked for updates; only principals of tenant {tenant.UpdateLockOwner} may change it.")
            : null;

    private async Task<Result<Tenant>> FindReachableAsync(
        Caller caller, string id, string what, CancellationToken ct, string field = "tenant_id")
    {
        var found = await FindAccessibleAsync(caller, id, what, field, ct);
        return found.IsOk ? found.Value.Tenant : found.Error;
    }

    /// <summary>
    /// The tenant if the caller may see its details: it lies in the caller's subtree and no
    /// ancestral_access barrier stands between them. Returns the restrictions on its path too.
    /// </summary>
    private async Task<Result<(Tenant Tenant, Dictionary<long, Restriction> Restrictions, bool HasChildren)>> FindAccessibleAsync(
        Caller caller, string id, string what, string field, CancellationToken ct)
    {
        if (Ids.Normalize(id) is not { } normalized)
        {
            return new Invalid(field, $"{field} must be a UUID.");
        }

        // One round trip: the row, the restricting tenants on its path, and whether it has children.
        var (tenant, restrictions, hasChildren) = await store.GetWithPathAsync(normalized, ct);
        if (tenant is null)
        {
            return new NotFound($"The {what} {normalized} was not found.");
        }

        if (!caller.Reaches(tenant))
        {
            return new Forbidden($"The {what} {normalized} is outside the caller's reach.");
        }

        return Barrier(caller, tenant, restrictions) is { } barrier
            ? new Forbidden($"Tenant {barrier} does not grant access to the ancestors above its parent.")
            : (tenant, restrictions, hasChildren);
    }

    private async Task<Result<Tenant>> FindDeletableAsync(Caller caller, string id, CancellationToken ct)
    {
        var found = await FindReachableAsync(caller, id, "tenant", ct);
        if (!found.IsOk)
        {
            return found;
        }

        return found.Value.IsRoot ? new RuleViolation(Rule.Business, "The root tenant cannot be deleted.")
            : caller.Is(found.Value) ? new RuleViolation(Rule.Business, "A caller cannot delete its own tenant.")
            : Locked(caller, found.Value) is { } locked ? locked
            : found;
    }
}
