using System.Globalization;
using System.Text;
using System.Text.Json;
using Tenancy.Server.Usage;

namespace Tenancy.Server.Reports;

/// <summary>The files of a report: CSV v2.0 and JSON v2.0 carry the same lines (see docs/reports.md).</summary>
public static class ReportFiles
{
    private static readonly string[] Columns =
        ["period_start", "period_end", "tenant_id", "tenant_name", "tenant_kind", "tenant_code", "deleted_at", "usage_name"];

    private static readonly string[] SkuColumns = ["application_id", "application_name", "edition", "offering_item"];

    public static string ContentType(string format) => format == ReportValues.CsvV2 ? "text/csv" : "application/json";

    public static string Extension(string format) => format == ReportValues.CsvV2 ? "csv" : "json";

    public static byte[] Write(string format, Report report, ReportPeriod period, IReadOnlyList<ReportLine> lines) =>
        format == ReportValues.CsvV2 ? Csv(report, period, lines) : Json(report, period, lines);

    private static byte[] Csv(Report report, ReportPeriod period, IReadOnlyList<ReportLine> lines)
    {
        var csv = new StringBuilder();
        UsageCsv.Line(csv, [.. Columns, .. report.ShowSkus ? SkuColumns : [], "measurement_unit", "value"]);
        var (start, end) = (ReportPeriod.Format(period.Start), ReportPeriod.Format(period.End));
        foreach (var l in lines)
        {
            var t = l.Tenant;
            string?[] fields = [start, end, t.Id, t.Name, t.Kind, t.Code, Deleted(t), l.UsageName];
            string?[] skus = report.ShowSkus ? [l.Sku.ApplicationId, l.Sku.ApplicationName, l.Sku.Edition, l.Sku.OfferingItem] : [];
            UsageCsv.Line(csv, [.. fields, .. skus, l.Sku.MeasurementUnit, l.Value.ToString("R", CultureInfo.InvariantCulture)]);
        }

        return Encoding.UTF8.GetBytes(csv.ToString());
    }

    private static byte[] Json(Report report, ReportPeriod period, IReadOnlyList<ReportLine> lines)
    {
        using var buffer = new MemoryStream();
        using (var w = new Utf8JsonWriter(buffer))
        {
            w.WriteStartObject();
            w.WriteString("report_id", report.Id);
            w.WriteString("tenant_id", report.TenantId);
            w.WriteString("kind", report.Kind);
            w.WriteString("level", report.Level);
            w.WriteStartObject("period");
            w.WriteString("start", ReportPeriod.Format(period.Start));
            w.WriteString("end", ReportPeriod.Format(period.End));
            w.WriteEndObject();
            w.WriteStartArray("items");
            foreach (var l in lines)
            {
                w.WriteStartObject();
                w.WriteString("tenant_id", l.Tenant.Id);
                w.WriteString("tenant_name", l.Tenant.Name);
                w.WriteString("tenant_kind", l.Tenant.Kind);
                w.WriteString("tenant_code", l.Tenant.Code);
                w.WriteString("deleted_at", Deleted(l.Tenant));
                w.WriteString("usage_name", l.UsageName);
                if (report.ShowSkus)
                {
                    w.WriteString("application_id", l.Sku.ApplicationId);
                    w.WriteString("application_name", l.Sku.ApplicationName);
                    w.WriteString("edition", l.Sku.Edition);
                    w.WriteString("offering_item", l.Sku.OfferingItem);
                }

                w.WriteString("measurement_unit", l.Sku.MeasurementUnit);
                w.WriteNumber("value", l.Value);
                w.WriteEndObject();
            }

            w.WriteEndArray();
            w.WriteEndObject();
        }

        return buffer.ToArray();
    }

    private static string? Deleted(ReportTenant t) => t.DeletedAt is { } at ? Timestamps.Format(at) : null;
}
