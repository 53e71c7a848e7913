using Tenancy.Server.Storage;
using Tenancy.Tests.Usage;

namespace Tenancy.Tests.Reports;

/// <summary>Helpers of the report tests: report bodies, waiting for files, downloads.</summary>
public abstract class ReportTest(StorageProvider provider) : BillingTest(provider)
{
    /// <summary>Files are produced in the background: waited for, never slept on.</summary>
    public static readonly TimeSpan Patience = TimeSpan.FromSeconds(90);

    public static object Body(string tenantId, string kind = "usage_current", string level = "accounts", string format = "csv_v2_0",
        bool hideZero = false, bool skus = false, string schedule = "once", object? period = null) => new
    {
        parameters = new
        {
            kind, tenant_id = tenantId, level, formats = new[] { format }, hide_zero_usage = hideZero, show_skus = skus,
            period = period ?? new { start = DateTimeOffset.UtcNow.AddDays(-1).ToString("yyyy-MM-dd"), end = DateTimeOffset.UtcNow.ToString("yyyy-MM-dd") },
        },
        schedule = new { type = schedule },
        result_action = "save",
    };

    /// <summary>Polls GET /stored until every file of the report is saved; returns them.</summary>
    public static async Task<JsonElement> WaitSavedAsync(Api api, string reportId)
    {
        var deadline = DateTimeOffset.UtcNow + Patience;
        while (true)
        {
            var stored = await api.GetAsync($"/api/2/reports/{reportId}/stored").ExpectAsync(HttpStatusCode.OK);
            var items = stored.GetProperty("items");
            if (items.GetArrayLength() > 0 && items.EnumerateArray().All(i => i.Str("status") == "saved"))
            {
                return items;
            }

            Assert.True(DateTimeOffset.UtcNow < deadline, $"report {reportId} not saved within {Patience}: {stored}");
            await Task.Delay(50, TestContext.Current.CancellationToken);
        }
    }

    /// <summary>Creates a report, waits for its file and downloads it: the content type and the text.</summary>
    public static async Task<(string ContentType, string Text)> ProduceAsync(Api api, object body)
    {
        var report = await api.PostJsonAsync("/api/2/reports", body).ExpectAsync(HttpStatusCode.OK);
        var stored = await WaitSavedAsync(api, report.Str("id"));
        return await DownloadAsync(api, report.Str("id"), stored[0].Str("id"));
    }

    public static async Task<(string ContentType, string Text)> DownloadAsync(Api api, string reportId, string storedId)
    {
        using var response = await api.GetAsync($"/api/2/reports/{reportId}/stored/{storedId}");
        var text = await response.Content.ReadAsStringAsync();
        Assert.True(response.StatusCode == HttpStatusCode.OK, $"download answered {(int)response.StatusCode}: {text}");
        return (response.Content.Headers.ContentType!.MediaType!, text);
    }

    /// <summary>CSV lines without the header, as "tenant name,usage,value" (names are unique per test).</summary>
    public static List<string> Lines(string csv) =>
    [
        .. csv.Split("\r\n", StringSplitOptions.RemoveEmptyEntries).Skip(1).Select(l => l.Split(','))
            .Select(f => $"{f[3]},{f[7]},{f[^1]}").Order(StringComparer.Ordinal),
    ];

    /// <summary>A customer (through /api/v2.1) with a subscription and the given current values per service level.</summary>
    protected static async Task<string> CustomerWithUsageAsync(Api api, string parentId, string name, params (string Level, double Consumed)[] usage)
    {
        var id = (await CreateNseAsync(api, parentId, name: name)).Str("id");
        var number = await SubscribeAsync(api, id);
        if (usage.Length > 0)
        {
            await PushAsync(api, [.. usage.Select(u => Sample(id, number, u.Level, u.Consumed, DateTimeOffset.UtcNow.AddMinutes(-1)))]);
        }

        return id;
    }
}
