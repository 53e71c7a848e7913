using Tenancy.Server.Catalog;
using Tenancy.Server.Usage;

namespace Tenancy.Server.Reports;

/// <summary>What the catalog says about a usage: the offering item that measures it and its application.</summary>
public sealed record SkuInfo(string? ApplicationId, string? ApplicationName, string? Edition, string? OfferingItem, string? MeasurementUnit)
{
    public static readonly SkuInfo None = new(null, null, null, null, null);
}

/// <summary>One line of a report: a tenant, a usage and its value.</summary>
public sealed record ReportLine(ReportTenant Tenant, string UsageName, SkuInfo Sku, double Value);

/// <summary>
/// Turns usage records into the lines of a report: which tenants get lines (the level), what each line
/// adds up (a tenant's own usage for accounts, its whole subtree otherwise), zero lines kept or hidden.
/// </summary>
public static class ReportRows
{
    public static IReadOnlyList<ReportLine> Build(
        string level, bool hideZeroUsage, IReadOnlyList<ReportTenant> tenants, IReadOnlyList<UsageRecord> usage, ServiceCatalog catalog)
    {
        var shown = tenants.Where(t => Shows(level, t)).ToDictionary(t => t.Id, StringComparer.Ordinal);
        var byId = tenants.ToDictionary(t => t.Id, StringComparer.Ordinal);
        var totals = new Dictionary<(string Tenant, string Usage, string? Item), double>();
        foreach (var record in usage)
        {
            if (!byId.TryGetValue(record.TenantId, out var owner))
            {
                continue; // outside the report's reach
            }

            // Accounts show each tenant's own usage; the other levels add a subtree up into its shown tenant.
            foreach (var id in level == "accounts" ? [owner.Id] : owner.Chain)
            {
                if (shown.ContainsKey(id))
                {
                    var key = (id, record.UsageName, record.OfferingItem);
                    totals[key] = totals.GetValueOrDefault(key) + record.Value;
                }
            }
        }

        var usages = totals.Keys.Select(k => (k.Usage, k.Item)).Distinct()
            .OrderBy(u => u.Usage, StringComparer.Ordinal).ThenBy(u => u.Item, StringComparer.Ordinal).ToList();
        var skus = usages.ToDictionary(u => u, u => Sku(catalog, u.Usage, u.Item));
        var lines = new List<ReportLine>();
        foreach (var tenant in shown.Values.OrderBy(t => t.Name, StringComparer.Ordinal).ThenBy(t => t.Id, StringComparer.Ordinal))
        {
            foreach (var u in usages)
            {
                var value = UsageLine.Round(totals.GetValueOrDefault((tenant.Id, u.Usage, u.Item)));
                if (value != 0 || !hideZeroUsage)
                {
                    lines.Add(new ReportLine(tenant, u.Usage, skus[u], value));
                }
            }
        }

        return lines;
    }

    private static bool Shows(string level, ReportTenant t) => level switch
    {
        "itself" => t.Chain.Length == 1,
        "direct_partners" => t.Chain.Length == 2 && t.Kind == "partner",
        "all_partners" => t.Chain.Length >= 2 && t.Kind == "partner",
        "all_customers" => t.Kind == "customer",
        _ => true,
    };

    /// <summary>The catalog's offering item named by the record, else the first one with that usage name.</summary>
    private static SkuInfo Sku(ServiceCatalog catalog, string usageName, string? item)
    {
        foreach (var application in catalog.Applications)
        {
            var found = application.OfferingItems.FirstOrDefault(i => item is null ? i.UsageName == usageName : i.Name == item);
            if (found is not null)
            {
                return new SkuInfo(application.Id, application.Name, found.Edition, found.Name, found.MeasurementUnit);
            }
        }

        return SkuInfo.None;
    }
}
