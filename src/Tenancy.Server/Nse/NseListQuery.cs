using System.Globalization;
using Microsoft.AspNetCore.Mvc;

namespace Tenancy.Server.Nse;

/// <summary>Query parameters of GET /api/v2.1/tenants, as sent.</summary>
public sealed record NseListQuery(
    [property: FromQuery(Name = "offset")] string? Offset,
    [property: FromQuery(Name = "limit")] string? Limit,
    [property: FromQuery(Name = "sort_by")] string? SortBy,
    [property: FromQuery(Name = "order_by")] string? OrderBy)
{
    /// <summary>Page size when none is asked for.</summary>
    public const int DefaultLimit = 50;

    /// <summary>Larger pages are cut to this; the reply's "limit" says what was applied.</summary>
    public const int MaxLimit = 1000;

    public Result<NseListRequest> Parse()
    {
        var sortBy = SortBy ?? "created";
        if (!NseTenantStore.SortColumns.ContainsKey(sortBy))
        {
            return new Invalid("sort_by", $"sort_by must be one of: {string.Join(", ", NseTenantStore.SortColumns.Keys)}.");
        }

        var orderBy = OrderBy ?? "desc";
        if (orderBy is not ("asc" or "desc"))
        {
            return new Invalid("order_by", "order_by must be asc or desc.");
        }

        long offset = 0;
        if (Offset is not null && (!long.TryParse(Offset, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out offset) || offset < 0))
        {
            return new Invalid("offset", "offset must be a non-negative integer (the number of records to skip).");
        }

        long limit = DefaultLimit;
        if (Limit is not null && (!long.TryParse(Limit, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out limit) || limit < 1))
        {
            return new Invalid("limit", "limit must be a positive integer.");
        }

        return new NseListRequest(sortBy, orderBy, offset, (int)Math.Min(limit, MaxLimit));
    }
}

public sealed record NseListRequest(string SortBy, string OrderBy, long Offset, int Limit);
