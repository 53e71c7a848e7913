using System.Globalization;
using System.Text;

namespace Tenancy.Server.Usage;

/// <summary>Usage reports as CSV (RFC 4180: CRLF line ends, fields quoted when they need it).</summary>
public static class UsageCsv
{
    public const string ContentType = "text/csv";

    private static readonly string[] Header =
    [
        "tenant_id", "tenant_name", "tenant_code", "zuora_account_name", "zuora_account_number", "deleted_at",
        "subscription", "service_level", "average_consumed", "peak_consumed", "committed", "burst", "samples",
    ];

    public static string Write(IEnumerable<ReportRowJson> rows)
    {
        var csv = new StringBuilder();
        Line(csv, Header);
        foreach (var r in rows)
        {
            Line(csv,
            [
                r.TenantId, r.TenantName, r.TenantCode, r.ZuoraAccountName, r.ZuoraAccountNumber, r.DeletedAt,
                r.Subscription, r.ServiceLevel, Num(r.AverageConsumed), Num(r.PeakConsumed), Num(r.Committed),
                Num(r.Burst), r.Samples.ToString(CultureInfo.InvariantCulture),
            ]);
        }

        return csv.ToString();
    }

    private static string Num(double value) => value.ToString("R", CultureInfo.InvariantCulture);

    internal static void Line(StringBuilder csv, IEnumerable<string?> fields)
    {
        csv.AppendJoin(',', fields.Select(Field)).Append("\r\n");
    }

    private static string Field(string? value)
    {
        if (string.IsNullOrEmpty(value))
        {
            return "";
        }

        // A text cell that a spreadsheet would run as a formula is defused with a leading apostrophe
        // (OWASP "CSV injection"); numbers are written by this class and never start with these.
        if (value[0] is '=' or '+' or '-' or '@' or '\t' or '\r')
        {
            value = "'" + value;
        }

        return value.AsSpan().IndexOfAny("\",\r\n") >= 0 ? $"\"{value.Replace("\"", "\"\"", StringComparison.Ordinal)}\"" : value;
    }
}
