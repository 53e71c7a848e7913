using System.Data.Common;
using System.Diagnostics;
using System.Net;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;
using Dapper;
using Microsoft.Data.Sqlite;
using Npgsql;
using Tenancy.Server.Tenants;

namespace Tenancy.Bench;

/// <summary>
/// Operations measured one at a time over HTTP (S3, S4, S7, S8, S9): each request is timed from send to
/// the last byte of the body, after a short warm-up. Results are JSON lines on stdout, one per case.
/// </summary>
public sealed class Driver : IDisposable
{
    private readonly HttpClient _http;
    private readonly JsonElement _seed;
    private readonly string _provider;

    public Driver(Uri baseAddress, string seedDir)
    {
        _http = new HttpClient { BaseAddress = baseAddress, Timeout = TimeSpan.FromMinutes(10) };
        _seed = JsonDocument.Parse(File.ReadAllText(Path.Combine(seedDir, "seed.json"))).RootElement;
        _provider = _seed.GetProperty("provider").GetString()!;
    }

    private string Seed(string name) => _seed.GetProperty(name).ToString();

    public static async Task<string> TokenAsync(HttpClient http, string clientId, string secret)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, "/api/2/idp/token")
        {
            Content = new FormUrlEncodedContent(new Dictionary<string, string> { ["grant_type"] = "client_credentials" }),
        };
        request.Headers.Authorization = new AuthenticationHeaderValue(
            "Basic", Convert.ToBase64String(Encoding.UTF8.GetBytes($"{clientId}:{secret}")));
        using var response = await http.SendAsync(request);
        var body = await response.Content.ReadAsStringAsync();
        if (!response.IsSuccessStatusCode)
        {
            throw new InvalidOperationException($"token request failed: {(int)response.StatusCode} {body}");
        }

        return JsonDocument.Parse(body).RootElement.GetProperty("access_token").GetString()!;
    }

    public Task<string> RootTokenAsync() => TokenAsync(_http, Seed("root_client_id"), Seed("root_client_secret"));

    public Task<string> PartnerTokenAsync() => TokenAsync(_http, Seed("partner_client_id"), Seed("partner_client_secret"));

    /// <summary>S3: suspend and reactivate a leaf, then the partner with the big subtree; same number of each.</summary>
    public async Task SuspendAsync(int repeat)
    {
        var token = await RootTokenAsync();
        var leaf = await ToggleAsync(token, Seed("leaf_id"), repeat);
        var partner = await ToggleAsync(token, Seed("big_partner_id"), repeat);
        Emit("S3", "suspend leaf", leaf.Suspend);
        Emit("S3", "reactivate leaf", leaf.Reactivate);
        Emit("S3", $"suspend partner ({Seed("big_partner_descendants")} descendants)", partner.Suspend);
        Emit("S3", $"reactivate partner ({Seed("big_partner_descendants")} descendants)", partner.Reactivate);
    }

    private async Task<(List<double> Suspend, List<double> Reactivate)> ToggleAsync(string token, string id, int repeat)
    {
        var version = (await SendAsync(HttpMethod.Get, $"/api/2/tenants/{id}", token)).Body.GetProperty("version").GetInt64();
        var suspend = new List<double>();
        var reactivate = new List<double>();
        for (var i = -2; i < repeat; i++)
        {
            foreach (var enabled in new[] { false, true })
            {
                var r = await SendAsync(HttpMethod.Put, $"/api/2/tenants/{id}", token, $$"""{"enabled":{{(enabled ? "true" : "false")}},"version":{{version}}}""");
                version = r.Body.GetProperty("version").GetInt64();
                if (i >= 0)
                {
                    (enabled ? reactivate : suspend).Add(r.Ms);
                }
            }
        }

        return (suspend, reactivate);
    }

    /// <summary>S4: pages through the big partner's subtree (limit 100), then times its first and last page again.</summary>
    public async Task PagingAsync(int repeat)
    {
        var token = await PartnerTokenAsync();
        var first = $"/api/2/tenants?subtree_root_id={Seed("big_partner_id")}&limit=100";
        var url = first;
        var walk = new List<double>();
        string last = first;
        var items = 0;
        while (true)
        {
            var r = await SendAsync(HttpMethod.Get, url, token);
            walk.Add(r.Ms);
            items += r.Body.GetProperty("items").GetArrayLength();
            if (!r.Body.GetProperty("paging").GetProperty("cursors").TryGetProperty("after", out var after))
            {
                break;
            }

            last = url = $"/api/2/tenants?after={after.GetString()}";
        }

        Emit("S4", $"walk: {walk.Count} pages, {items} tenants", walk);
        Emit("S4", "first page", await RepeatAsync(first, token, repeat));
        Emit("S4", "last page", await RepeatAsync(last, token, repeat));
    }

    /// <summary>S7: the usage roll-up of the big partner's subtree.</summary>
    public async Task RollupAsync(int repeat)
    {
        var token = await PartnerTokenAsync();
        Emit("S7", $"roll-up of {Seed("big_partner_descendants")} descendants",
            await RepeatAsync($"/api/2/usage/tenants/{Seed("big_partner_id")}/rollup", token, repeat));
    }

    /// <summary>S9: /api/v2.1/tenants from offset 0 and from 90 % into the whole tree (root caller).</summary>
    public async Task OffsetAsync(int repeat)
    {
        var token = await RootTokenAsync();
        var deep = _seed.GetProperty("tenants").GetInt64() * 9 / 10;
        Emit("S9", "offset 0", await RepeatAsync("/api/v2.1/tenants?offset=0&limit=100", token, repeat));
        Emit("S9", $"offset {deep}", await RepeatAsync($"/api/v2.1/tenants?offset={deep}&limit=100", token, repeat));
    }

    /// <summary>S8: disable and terminate (soft delete) the partner whose subtree holds a hundredth of the tree; once.</summary>
    public async Task TerminateAsync(string connectionString)
    {
        var token = await RootTokenAsync();
        var id = Seed("terminated_partner_id");
        var version = (await SendAsync(HttpMethod.Get, $"/api/2/tenants/{id}", token)).Body.GetProperty("version").GetInt64();
        version = (await SendAsync(HttpMethod.Put, $"/api/2/tenants/{id}", token, $$"""{"enabled":false,"version":{{version}}}"""))
            .Body.GetProperty("version").GetInt64();

        await using var c = await OpenStoreAsync(connectionString);
        var path = await c.ExecuteScalarAsync<string>("SELECT path FROM tenants WHERE id = @id", new { id });
        var range = new { path, upper = TreePath.UpperBound(path!) };
        // A termination marks the subtree deleted at once (the purge follows after the restore window): what is
        // measured is until no row of it is live any more, i.e. until nothing of it is readable or can act.
        const string left = "SELECT (SELECT COUNT(*) FROM tenants WHERE path >= @path AND path < @upper AND deleted_at IS NULL) + " +
            "(SELECT COUNT(*) FROM api_clients a JOIN tenants t ON t.seq = a.tenant_seq WHERE t.path >= @path AND t.path < @upper AND t.deleted_at IS NULL)";
        var before = await c.ExecuteScalarAsync<long>(left, range);

        var clock = Stopwatch.StartNew();
        var deleted = await SendAsync(HttpMethod.Delete, $"/api/2/tenants/{id}?version={version}", token, expect: HttpStatusCode.NoContent);
        while (await c.ExecuteScalarAsync<long>(left, range) > 0)
        {
            await Task.Delay(5);
        }

        var gone = clock.Elapsed.TotalMilliseconds;
        Emit("S8", $"terminate {Seed("terminated_subtree")} tenants: until 204", [deleted.Ms]);
        Emit("S8", $"terminate: until all {before} rows (tenants, clients) are marked deleted", [gone]);
    }

    private async Task<DbConnection> OpenStoreAsync(string connectionString)
    {
        DbConnection c = _provider == "postgres" ? new NpgsqlConnection(connectionString) : new SqliteConnection(connectionString);
        await c.OpenAsync();
        return c;
    }

    private async Task<List<double>> RepeatAsync(string url, string token, int repeat)
    {
        var times = new List<double>();
        for (var i = -2; i < repeat; i++)
        {
            var r = await SendAsync(HttpMethod.Get, url, token);
            if (i >= 0)
            {
                times.Add(r.Ms);
            }
        }

        return times;
    }

    private async Task<(JsonElement Body, double Ms)> SendAsync(
        HttpMethod method, string url, string token, string? json = null, HttpStatusCode expect = HttpStatusCode.OK)
    {
        using var request = new HttpRequestMessage(method, url);
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", token);
        if (json is not null)
        {
            request.Content = new StringContent(json, Encoding.UTF8, "application/json");
        }

        var clock = Stopwatch.StartNew();
        using var response = await _http.SendAsync(request);
        var body = await response.Content.ReadAsStringAsync();
        var ms = clock.Elapsed.TotalMilliseconds;
        if (response.StatusCode != expect)
        {
            throw new InvalidOperationException($"{method} {url}: {(int)response.StatusCode} {body}");
        }

        return (body.Length == 0 ? default : JsonDocument.Parse(body).RootElement, ms);
    }

    private void Emit(string scenario, string name, List<double> ms)
    {
        var sorted = ms.Order().ToArray();
        double At(double q) => sorted[Math.Min(sorted.Length - 1, (int)Math.Ceiling(q * sorted.Length) - 1)];
        var line = JsonSerializer.Serialize(new Dictionary<string, object>
        {
            ["provider"] = _provider,
            ["scenario"] = scenario,
            ["case"] = name,
            ["count"] = sorted.Length,
            ["throughput"] = Math.Round(1000 / sorted.Average(), 2),
            ["unit"] = "op/s",
            ["p50_ms"] = Math.Round(At(0.5), 2),
            ["p99_ms"] = Math.Round(At(0.99), 2),
            ["max_ms"] = Math.Round(sorted[^1], 2),
        });
        Console.WriteLine(line);
    }

    public void Dispose() => _http.Dispose();
}
