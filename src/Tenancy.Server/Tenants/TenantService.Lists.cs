namespace Tenancy.Server.Tenants;

/// <summary>Tenant lists: by ids, children of a parent, or a subtree in level order, with cursors.</summary>
public sealed partial class TenantService
{
    public async Task<Result<TenantPage>> ListAsync(Caller caller, TenantQuery query, CancellationToken ct = default)
    {
        var limit = Math.Clamp(query.Limit, 1, MaxPageSize);
        if (query.After is not null)
        {
            var cursor = TenantCursor.Decode(query.After);
            return cursor is null
                ? new Invalid("after", "after is not a cursor returned by this API.")
                : await PageAsync(caller, cursor with { Limit = Math.Min(cursor.Limit, MaxPageSize) }, query.AllowDeleted, ct);
        }

        if (query.Ids is { } ids)
        {
            var rows = await store.ByIdsAsync(ids, query.AllowDeleted, ct);
            return new TenantPage(await WithDeletionStatesAsync(await ViewsAsync([.. rows], caller, ct), ct), null);
        }

        return query.ParentId is { } parentId
            ? await PageAsync(caller, new TenantCursor("parent", parentId, 0, "", 0, limit), query.AllowDeleted, ct)
            : await PageAsync(caller, new TenantCursor("subtree", query.SubtreeRootId!, -1, "", 0, limit), query.AllowDeleted, ct);
    }

    private async Task<Result<TenantPage>> PageAsync(Caller caller, TenantCursor cursor, bool withDeleted, CancellationToken ct)
    {
        var found = await FindAsync(caller, cursor.Key, Operation.Read, Resource.Tenant, ct, withDeleted: withDeleted);
        if (!found.IsOk)
        {
            return found.Error;
        }

        var anchor = found.Value.Placement.Tenant;
        List<Tenant> items;
        TenantCursor? next = null;
        if (cursor.Mode == "parent")
        {
            items = [.. await store.ChildrenAsync(anchor.Seq, cursor.Seq, cursor.Limit + 1, withDeleted, ct)];
            if (items.Count > cursor.Limit)
            {
                items.RemoveAt(cursor.Limit);
                next = cursor with { Seq = items[^1].Seq };
            }
        }
        else
        {
            // Level order: each level of the subtree is one index range scan in path order. A level with
            // no tenant ends the walk (nothing can lie below it).
            items = [];
            var level = cursor.Level < 0 ? anchor.Level : cursor.Level;
            var after = cursor.Level < 0 ? "" : cursor.Path;
            while (items.Count <= cursor.Limit)
            {
                var batch = await store.SubtreeLevelAsync(anchor.Path, level, after, cursor.Limit + 1 - items.Count, withDeleted, ct);
                if (batch.Count == 0 && after.Length == 0)
                {
                    break;
                }

                items.AddRange(batch);
                level++;
                after = "";
            }

            if (items.Count > cursor.Limit)
            {
                items.RemoveAt(cursor.Limit);
                next = cursor with { Level = items[^1].Level, Path = items[^1].Path };
            }
        }

        return new TenantPage(await WithDeletionStatesAsync(await ViewsAsync(items, caller, found.Value.Placement, ct), ct), next?.Encode());
    }
}

/// <summary>What is derived from the tree for listed tenants.</summary>
public sealed partial class TenantService
{
    /// <summary>
    /// Adds what is derived from the tree, in two queries: has_children, effective suspension, and (for a
    /// <paramref name="viewer"/>) whether the access policy lets it read the details (a tenant behind an
    /// ancestral_access barrier is listed at the stamps level only).
    /// </summary>
    public Task<IReadOnlyList<TenantView>> ViewsAsync(
        IReadOnlyList<Tenant> tenants, Caller? viewer = null, CancellationToken ct = default) => ViewsAsync(tenants, viewer, null, ct);

    /// <summary>
    /// The same for tenants that all lie in the subtree of <paramref name="within"/> (a page of a list), whose
    /// path was read with its restrictions when the list was authorized: only the keys below it are looked
    /// up, so a page reads about as many rows as it returns, however deep it lies.
    /// </summary>
    private async Task<IReadOnlyList<TenantView>> ViewsAsync(
        IReadOnlyList<Tenant> tenants, Caller? viewer, Placement? within, CancellationToken ct)
    {
        if (tenants.Count == 0)
        {
            return [];
        }

        var above = within?.Tenant.PathSeqs().Length ?? 0;
        var restrictions = await store.RestrictionsAsync(tenants.SelectMany(t => t.PathSeqs().Skip(above)).ToHashSet(), ct);
        foreach (var (seq, restriction) in within?.Restrictions ?? new Dictionary<long, Restriction>())
        {
            restrictions[seq] = restriction;
        }

        var withChildren = await store.WithChildrenAsync([.. tenants.Select(t => t.Seq)], ct);
        // A viewer is shown only what the policy lets it see, and the details only of what it may read.
        return [.. tenants
            .Select(t => new Placement(t, restrictions))
            .Where(p => viewer is null || AccessPolicy.Decide(viewer, Operation.See, Resource.Tenant, p.Tenant.Id, p) is null)
            .Select(p => new TenantView(p.Tenant, withChildren.Contains(p.Tenant.Seq), p.DisabledBy,
                viewer is null || AccessPolicy.MayRead(viewer, p)))];
    }
}
