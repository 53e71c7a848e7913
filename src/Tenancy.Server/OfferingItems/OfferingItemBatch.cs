using System.Globalization;
using System.Text;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Mvc;
using Tenancy.Server.Catalog;

namespace Tenancy.Server.OfferingItems;

/// <summary>Which items of a subtree a batch lists, and where its page starts (the cursor carries all of it).</summary>
public sealed record BatchQuery(
    string RootId, IReadOnlySet<string>? UsageNames, IReadOnlySet<string>? Editions, IReadOnlySet<string>? Names,
    long? UpdatedSince, int Limit, int Level = 0, string FromPath = "", int Skip = 0)
{
    public bool Matches(ItemState s) =>
        (UsageNames is null || UsageNames.Contains(s.Item.UsageName))
        && (Editions is null || s.Item.Edition is null || Editions.Contains(s.Item.Edition))
        && (Names is null || Names.Contains(s.Item.Name))
        && (UpdatedSince is null || s.Own?.UpdatedAt > UpdatedSince);

    /// <summary>The query as an opaque cursor (base64url of its fields).</summary>
    public string Encode() => Convert.ToBase64String(Encoding.UTF8.GetBytes(string.Join('\n',
            RootId, Join(UsageNames), Join(Editions), Join(Names), UpdatedSince?.ToString(CultureInfo.InvariantCulture) ?? "",
            Limit.ToString(CultureInfo.InvariantCulture), Level.ToString(CultureInfo.InvariantCulture), FromPath, Skip.ToString(CultureInfo.InvariantCulture))))
        .TrimEnd('=').Replace('+', '-').Replace('/', '_');

    public static BatchQuery? Decode(string cursor)
    {
        try
        {
            var text = cursor.Replace('-', '+').Replace('_', '/');
            var f = Encoding.UTF8.GetString(Convert.FromBase64String(text.PadRight(text.Length + ((4 - (text.Length % 4)) % 4), '='))).Split('\n');
            return f.Length != 9 ? null : new BatchQuery(f[0], Split(f[1]), Split(f[2]), Split(f[3]),
                f[4].Length == 0 ? null : long.Parse(f[4], CultureInfo.InvariantCulture), int.Parse(f[5], CultureInfo.InvariantCulture),
                int.Parse(f[6], CultureInfo.InvariantCulture), f[7], int.Parse(f[8], CultureInfo.InvariantCulture));
        }
        catch (Exception e) when (e is FormatException or OverflowException or ArgumentException)
        {
            return null;
        }
    }

    private static string Join(IReadOnlySet<string>? set) => set is null ? "" : "," + string.Join(',', set);

    private static IReadOnlySet<string>? Split(string text) => text.Length == 0 ? null : OfferingItemEndpoints.Names(text[1..]);
}

/// <summary>GET /api/2/tenants/offering_items: the items of every tenant of a subtree the caller may read, level by level.</summary>
public static class OfferingItemBatch
{
    public sealed record Query(
        [property: FromQuery(Name = "subtree_root_tenant_id")] string? SubtreeRootTenantId,
        [property: FromQuery(Name = "usage_names")] string? UsageNames,
        [property: FromQuery(Name = "editions")] string? Editions,
        [property: FromQuery(Name = "offering_items")] string? OfferingItems,
        [property: FromQuery(Name = "updated_since")] string? UpdatedSince,
        [property: FromQuery(Name = "limit")] string? Limit,
        [property: FromQuery(Name = "after")] string? After,
        [property: FromQuery(Name = "allow_deleted")] string? AllowDeleted);

    public static async Task<Results<Ok<OfferingItemListJson>, JsonHttpResult<AcronisErrorBody>>> List(
        [AsParameters] Query q, Caller caller, TenantService tenants, OfferingItemStore store, ServiceCatalog catalog,
        TimeProvider clock, CancellationToken ct)
    {
        var parsed = Parse(q);
        if (!parsed.IsOk)
        {
            return AcronisErrors.ToResult(parsed.Error);
        }

        var query = parsed.Value;
        var root = await tenants.AuthorizeAsync(caller, query.RootId, Operation.Read, Resource.OfferingItem, ct);
        if (!root.IsOk)
        {
            return AcronisErrors.ToResult(root.Error);
        }

        // Whole tenants are read, at most `limit` of them; the page stops at `limit` items, and the cursor
        // says which tenant comes next and how many of its items were already answered.
        var rootTenant = root.Value.Tenant;
        var page = await store.SubtreeAsync(caller, rootTenant.Path, Math.Max(query.Level, rootTenant.Level), query.FromPath, query.Limit + 1, ct);
        var (rows, bindings) = await store.OfAsync([.. page.SelectMany(t => t.PathSeqs()).Distinct()], ct);
        var items = new List<TenantOfferingItemJson>();
        BatchQuery? next = null;
        foreach (var (tenant, n) in page.Select((t, n) => (t, n)))
        {
            var skip = n == 0 ? query.Skip : 0;
            var own = OfferingItemTree.Effective(catalog, tenant.PathSeqs(), rows, bindings).Where(query.Matches).Skip(skip).ToList();
            var room = query.Limit - items.Count;
            if (n == query.Limit || own.Count > room)
            {
                next = query with { Level = tenant.Level, FromPath = tenant.Path, Skip = skip + Math.Min(room, own.Count) };
                items.AddRange(own.Take(room).Select(s => TenantOfferingItemJson.From(tenant, s)));
                break;
            }

            items.AddRange(own.Select(s => TenantOfferingItemJson.From(tenant, s)));
        }

        return TypedResults.Ok(new OfferingItemListJson(Timestamps.Format(clock.NowMicros()), items,
            new TenantEndpoints.PagingJson(new TenantEndpoints.CursorsJson(next?.Encode()))));
    }

    private static Result<BatchQuery> Parse(Query q)
    {
        if (q.After is not null)
        {
            return BatchQuery.Decode(q.After) is { } cursor ? cursor : new Invalid("after", "after must be a cursor from paging.cursors.after of a previous page.");
        }

        if (q.SubtreeRootTenantId is null || Ids.Normalize(q.SubtreeRootTenantId) is not { } rootId)
        {
            return new Invalid("subtree_root_tenant_id", "subtree_root_tenant_id is required: the UUID of the tenant whose subtree to list.");
        }

        var limit = 5000;
        if (q.Limit is not null && (!int.TryParse(q.Limit, NumberStyles.None, CultureInfo.InvariantCulture, out limit) || limit < 1 || limit > 5000))
        {
            return new Invalid("limit", "limit must be an integer from 1 to 5000.");
        }

        long? since = null;
        if (q.UpdatedSince is not null)
        {
            if (!DateTimeOffset.TryParse(q.UpdatedSince, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out var at))
            {
                return new Invalid("updated_since", "updated_since must be an RFC 3339 timestamp.");
            }

            since = Timestamps.ToMicros(at);
        }

        return new BatchQuery(rootId, OfferingItemEndpoints.Names(q.UsageNames), OfferingItemEndpoints.Names(q.Editions),
            OfferingItemEndpoints.Names(q.OfferingItems), since, limit);
    }
}
