using System.Runtime.CompilerServices;
using System.Text.Json;

namespace Tenancy.Client;

/// <summary>API clients of /api/2.</summary>
public sealed class ClientsApi(TenancyClient client)
{
    /// <summary>Creates an API client; the answer holds its secret, which the server never shows again.</summary>
    public Task<CreatedClient> CreateAsync(ClientCreate request, CancellationToken ct = default) =>
        client.SendAsync<CreatedClient>(Routes.CreateClient, Routes.CreateClient.Path(), request, ct);

    public Task<ApiClient> GetAsync(string clientId, CancellationToken ct = default) =>
        client.SendAsync<ApiClient>(Routes.GetClient, Routes.GetClient.Path(clientId), null, ct);

    public async Task<IReadOnlyList<ApiClient>> ListAsync(string tenantId, CancellationToken ct = default) =>
        (await client.SendAsync<ClientList>(Routes.ListClients, Routes.ListClients.Path() + TenancyClient.Query(("tenant_id", tenantId)), null, ct)).Items;
}

/// <summary>Users of /api/2.</summary>
public sealed class UsersApi(TenancyClient client)
{
    public Task<User> CreateAsync(UserCreate user, CancellationToken ct = default) =>
        client.SendAsync<User>(Routes.CreateUser, Routes.CreateUser.Path(), user, ct);

    public Task<User> GetAsync(string id, CancellationToken ct = default) =>
        client.SendAsync<User>(Routes.GetUser, Routes.GetUser.Path(id), null, ct);

    /// <summary>The user of a user token (password grant).</summary>
    public Task<User> MeAsync(CancellationToken ct = default) => client.SendAsync<User>(Routes.Me, Routes.Me.Path(), null, ct);

    /// <summary>The users of a tenant (or, with <paramref name="subtree"/>, of its whole subtree), following the server's cursors.</summary>
    public async IAsyncEnumerable<User> ListAsync(
        string tenantId, bool subtree = false, int pageSize = 500, [EnumeratorCancellation] CancellationToken ct = default)
    {
        var query = TenancyClient.Query((subtree ? "subtree_root_tenant_id" : "tenant_id", tenantId), ("limit", pageSize));
        while (true)
        {
            var page = await client.SendAsync<UserPage>(Routes.ListUsers, Routes.ListUsers.Path() + query, null, ct);
            foreach (var user in page.Items)
            {
                yield return user;
            }

            var after = page.Paging.Cursors?.After;
            if (after is null || page.Items.Count == 0)
            {
                yield break;
            }

            query = TenancyClient.Query(("after", after), ("limit", pageSize));
        }
    }
}

/// <summary>Usage of /api/2/usage.</summary>
public sealed class UsageApi(TenancyClient client)
{
    /// <summary>Pushes consumed values (re-sent samples are ignored by the server); the answer lists refused items.</summary>
    public Task<JsonElement> PushAsync(IReadOnlyList<UsageSample> samples, CancellationToken ct = default) =>
        client.SendAsync<JsonElement>(Routes.PushUsage, Routes.PushUsage.Path(), new UsageBatch(samples), ct);

    /// <summary>Average and peak usage over [from, to) of a tenant's subtree, as CSV.</summary>
    public async Task<string> ReportCsvAsync(string tenantId, DateTimeOffset from, DateTimeOffset to, CancellationToken ct = default)
    {
        using var response = await client.SendRawAsync(Routes.UsageReport, Routes.UsageReport.Path(tenantId) + Query(from, to, "csv"), null, ct);
        await TenancyClient.EnsureAsync(response, ct);
        return await response.Content.ReadAsStringAsync(ct);
    }

    /// <summary>The same report as JSON ({"tenant_id","from","to","items":[...]}).</summary>
    public Task<JsonElement> ReportAsync(string tenantId, DateTimeOffset from, DateTimeOffset to, CancellationToken ct = default) =>
        client.SendAsync<JsonElement>(Routes.UsageReport, Routes.UsageReport.Path(tenantId) + Query(from, to, "json"), null, ct);

    private static string Query(DateTimeOffset from, DateTimeOffset to, string format) => TenancyClient.Query(
        ("from", from.UtcDateTime.ToString("yyyy-MM-ddTHH:mm:ssZ", System.Globalization.CultureInfo.InvariantCulture)),
        ("to", to.UtcDateTime.ToString("yyyy-MM-ddTHH:mm:ssZ", System.Globalization.CultureInfo.InvariantCulture)),
        ("format", format));
}

/// <summary>Usage report files of /api/2/reports, produced by the server in the background.</summary>
public sealed class ReportsApi(TenancyClient client)
{
    public Task<Report> CreateAsync(ReportCreate report, CancellationToken ct = default) =>
        client.SendAsync<Report>(Routes.CreateReport, Routes.CreateReport.Path(), report, ct);

    public Task<Report> GetAsync(string id, CancellationToken ct = default) =>
        client.SendAsync<Report>(Routes.GetReport, Routes.GetReport.Path(id), null, ct);

    public async Task<IReadOnlyList<StoredReport>> StoredAsync(string id, CancellationToken ct = default) =>
        (await client.SendAsync<StoredReportList>(Routes.StoredReports, Routes.StoredReports.Path(id), null, ct)).Items;

    public async Task<string> DownloadAsync(string id, string storedId, CancellationToken ct = default)
    {
        using var response = await client.SendRawAsync(Routes.DownloadReport, Routes.DownloadReport.Path(id, storedId), null, ct);
        await TenancyClient.EnsureAsync(response, ct);
        return await response.Content.ReadAsStringAsync(ct);
    }
}

/// <summary>The event stream: GET /api/2/events?after=cursor&amp;wait=seconds (long poll).</summary>
public sealed class EventsApi(TenancyClient client)
{
    /// <summary>
    /// Events after <paramref name="after"/> (from the start when null), as they come: each request waits up
    /// to <paramref name="wait"/> for new events, then asks again from the last cursor, until cancelled.
    /// </summary>
    public async IAsyncEnumerable<JsonElement> TailAsync(
        string? after = null, TimeSpan? wait = null, [EnumeratorCancellation] CancellationToken ct = default)
    {
        var seconds = (int)(wait ?? TimeSpan.FromSeconds(30)).TotalSeconds;
        while (!ct.IsCancellationRequested)
        {
            var page = await client.SendAsync<JsonElement>(
                Routes.ListEvents, Routes.ListEvents.Path() + TenancyClient.Query(("after", after), ("wait", seconds)), null, ct);
            var items = page.TryGetProperty("items", out var i) && i.ValueKind == JsonValueKind.Array ? i : default;
            JsonElement? last = null;
            if (items.ValueKind == JsonValueKind.Array)
            {
                foreach (var item in items.EnumerateArray())
                {
                    last = item;
                    yield return item;
                }
            }

            after = NextCursor(page, last) ?? after;
        }
    }

    /// <summary>The cursor to go on from: the page's (top-level "after" or paging.cursors.after), else the last event's id.</summary>
    internal static string? NextCursor(JsonElement page, JsonElement? last)
    {
        if (page.TryGetProperty("after", out var a) && a.ValueKind == JsonValueKind.String)
        {
            return a.GetString();
        }

        if (page.TryGetProperty("paging", out var p) && p.TryGetProperty("cursors", out var c)
            && c.TryGetProperty("after", out var pa) && pa.ValueKind == JsonValueKind.String)
        {
            return pa.GetString();
        }

        return last is { } e && e.TryGetProperty("id", out var id) ? id.ToString() : null;
    }
}

/// <summary>Tenants of the /api/v2.1 dialect (envelope {"status","result"}, offset paging).</summary>
public sealed class NseTenantsApi(TenancyClient client)
{
    public async Task<NseTenant> GetAsync(string id, CancellationToken ct = default) =>
        (await client.SendAsync<NseEnvelope<NseRecords>>(Routes.NseGetTenant, Routes.NseGetTenant.Path(id), null, ct)).Result.Records[0];

    public async Task<NseTenant> CreateAsync(NseTenantCreate tenant, CancellationToken ct = default) =>
        (await client.SendAsync<NseEnvelope<NseRecords>>(Routes.NseCreateTenant, Routes.NseCreateTenant.Path(), tenant, ct)).Result.Records[0];

    /// <summary>Deletes a tenant that has no sub-tenants.</summary>
    public async Task DeleteAsync(string id, CancellationToken ct = default)
    {
        using var response = await client.SendRawAsync(Routes.NseDeleteTenant, Routes.NseDeleteTenant.Path(id), null, ct);
        await TenancyClient.EnsureAsync(response, ct);
    }

    /// <summary>Every tenant in reach, page by page (offset and limit).</summary>
    public async IAsyncEnumerable<NseTenant> ListAsync(int pageSize = 100, [EnumeratorCancellation] CancellationToken ct = default)
    {
        for (var offset = 0; ; offset += pageSize)
        {
            var page = (await client.SendAsync<NseEnvelope<NseTenantPage>>(
                Routes.NseListTenants, Routes.NseListTenants.Path() + TenancyClient.Query(("offset", offset), ("limit", pageSize)), null, ct)).Result;
            foreach (var tenant in page.Records)
            {
                yield return tenant;
            }

            if (page.Records.Count < pageSize || offset + page.Records.Count >= page.TotalRecords)
            {
                yield break;
            }
        }
    }
}
