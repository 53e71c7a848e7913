using System.Diagnostics;
using System.Globalization;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;
using Tenancy.Server.Http;
using Tenancy.Server.Storage;

namespace Tenancy.Tests.Hardening;

/// <summary>
/// Thousands of random and mutated requests to every endpoint of the server (taken from its routing, so
/// new endpoints are covered without a change here): no 5xx, every 4xx in its dialect's envelope, and a
/// store that refused requests leave exactly as it was. TENANCY_FUZZ_SEED replays a run,
/// TENANCY_FUZZ_REQUESTS sets how many requests are sent.
/// </summary>
public abstract class FuzzTests(StorageProvider provider, ITestOutputHelper output) : ServerTests(provider)
{
    private const int BatchSize = 16;
    private static readonly TimeSpan TimeBudget = TimeSpan.FromSeconds(30);

    /// <summary>
    /// Cheap password hashes: HTTP Basic on /api/2 is a user's password, checked (against a decoy when the
    /// login is unknown) on every request; the fuzz checks the answers, not the cost of hashing.
    /// </summary>
    protected override IReadOnlyDictionary<string, string?> Settings => new Dictionary<string, string?> { ["Tenancy:Passwords:Iterations"] = "1000" };

    [Fact]
    public async Task RandomAndMutatedRequests_NeverFail5xx_AnswerInTheirDialect_AndRefusedOnesChangeNothing()
    {
        var seed = int.TryParse(Environment.GetEnvironmentVariable("TENANCY_FUZZ_SEED"), out var fixedSeed) ? fixedSeed : Random.Shared.Next();
        var count = int.TryParse(Environment.GetEnvironmentVariable("TENANCY_FUZZ_REQUESTS"), out var n) ? n : 5000;
        Report($"fuzz ({Provider}): seed {seed} (TENANCY_FUZZ_SEED={seed} replays it), up to {count} requests");
        var world = await FuzzWorldAsync();
        var targets = Targets();
        var requests = new FuzzRequests(new FuzzValues(new Random(seed), [world.PartnerId, world.CustomerId, world.UnitId, world.NseTenantId, world.ClientId]), world);
        using var http = Server.Anonymous();

        var failures = new List<string>();
        var statuses = new Dictionary<int, int>();
        var (tried, verifiedBatches, writeBatches) = (0, 0, 0);
        var clock = Stopwatch.StartNew();
        var before = await StoreSnapshot.TakeAsync(Server);
        while (tried < count && clock.Elapsed < TimeBudget && failures.Count < 20)
        {
            var batch = Enumerable.Range(tried, BatchSize).Select(i => requests.Next(targets[i % targets.Count])).ToList();
            var results = new (HttpStatusCode Status, string? Problem)[batch.Count];
            await Parallel.ForAsync(0, batch.Count, new ParallelOptions { MaxDegreeOfParallelism = 4 }, async (i, ct) =>
                results[i] = await SendAsync(http, batch[i], ct));
            tried += batch.Count;
            foreach (var (request, (status, problem)) in batch.Zip(results))
            {
                statuses[(int)status] = statuses.GetValueOrDefault((int)status) + 1;
                if (problem is not null)
                {
                    failures.Add($"{problem}\n    request: {request.Describe(problem.StartsWith("server error", StringComparison.Ordinal) ? 5000 : 300)}");
                }
            }

            var after = await StoreSnapshot.TakeAsync(Server);
            if (batch.Zip(results).All(p => p.First.Method is "GET" or "HEAD" || (int)p.Second.Status >= 400))
            {
                verifiedBatches++;
                if (after != before)
                {
                    failures.Add($"refused requests changed the store:\n{StoreSnapshot.Diff(before, after)}\n    batch:\n      "
                        + string.Join("\n      ", batch.Zip(results).Select(p => $"{(int)p.Second.Status} {p.First}")));
                }
            }
            else
            {
                writeBatches++;
            }

            before = after;
        }

        Report($"fuzz ({Provider}): {tried} requests tried in {clock.Elapsed.TotalSeconds:F1} s against {targets.Count} endpoints; "
            + $"{verifiedBatches} refused-only batches verified unchanged, {writeBatches} batches with accepted writes; statuses: "
            + string.Join(", ", statuses.OrderBy(s => s.Key).Select(s => $"{s.Key}x{s.Value}")));
        Assert.True(failures.Count == 0, $"seed {seed}:\n" + string.Join("\n", failures.Take(20)));
        Assert.True(tried >= Math.Min(count, 500), $"only {tried} requests were sent");
    }

    private void Report(string line)
    {
        output.WriteLine(line);
        Console.WriteLine(line);
    }

    /// <summary>Sends one request; returns its status and what is wrong with the answer, if anything.</summary>
    private static async Task<(HttpStatusCode, string?)> SendAsync(HttpClient http, FuzzRequest r, CancellationToken ct)
    {
        var uri = new Uri(http.BaseAddress!.GetLeftPart(UriPartial.Authority) + r.PathAndQuery,
            new UriCreationOptions { DangerousDisablePathAndQueryCanonicalization = true });
        using var request = new HttpRequestMessage(new HttpMethod(r.Method), uri);
        if (r.Authorization is not null)
        {
            request.Headers.TryAddWithoutValidation("Authorization", r.Authorization);
        }

        if (r.Body is not null)
        {
            // Wait for the server's go-ahead before sending a body: a request Kestrel refuses outright
            // (oversized header block or request line) then gets its answer instead of a broken pipe.
            request.Headers.ExpectContinue = true;
            request.Content = new ByteArrayContent(r.Body);
            if (r.ContentType is not null)
            {
                request.Content.Headers.TryAddWithoutValidation("Content-Type", r.ContentType);
            }
        }

        using var response = await http.SendAsync(request, ct);
        var body = await response.Content.ReadAsStringAsync(ct);
        var status = (int)response.StatusCode;
        var answer = $"{status} {body[..Math.Min(400, body.Length)]}";
        if (status >= 500)
        {
            return (response.StatusCode, $"server error {answer}");
        }

        if (status < 400 || r.Method == "HEAD")
        {
            return (response.StatusCode, null);
        }

        if (RefusedByKestrel(r, response, body))
        {
            return (response.StatusCode, null);
        }

        var shape = Envelopes.Expected(r.Method, RoutedPath(r.Path));
        var problem = Envelopes.Problem(shape, response.StatusCode, response.Content.Headers.ContentType?.ToString(), body);
        return (response.StatusCode, problem is null ? null : $"{problem}: {answer}");
    }

    /// <summary>
    /// Kestrel refuses a request line or header block over its limits (414, 431) and a NUL in the path (400)
    /// before any of Tenancy runs, with an empty body: the only 4xx that cannot carry an envelope.
    /// </summary>
    private static bool RefusedByKestrel(FuzzRequest r, HttpResponseMessage response, string body) =>
        body.Length == 0 && response.Content.Headers.ContentType is null && (int)response.StatusCode switch
        {
            414 => r.Method.Length + r.PathAndQuery.Length + 10 > RequestLimits.MaxRequestLineBytes,
            431 => (r.Authorization?.Length ?? 0) + (r.ContentType?.Length ?? 0) + 200 > RequestLimits.MaxHeaderBytes,
            400 => r.Path.Contains("%00", StringComparison.Ordinal),
            _ => false,
        };

    /// <summary>The path as the server routes it: %2E decoded and dot segments removed (RFC 3986 5.2.4), as Kestrel does.</summary>
    private static string RoutedPath(string path)
    {
        var output = new List<string>();
        foreach (var segment in path.Replace("%2e", ".", StringComparison.OrdinalIgnoreCase).Split('/').Skip(1))
        {
            if (segment == "..")
            {
                if (output.Count > 0)
                {
                    output.RemoveAt(output.Count - 1);
                }
            }
            else if (segment != ".")
            {
                output.Add(segment);
            }
        }

        return "/" + string.Join('/', output);
    }

    /// <summary>Every routed endpoint and method of the server.</summary>
    private List<FuzzTarget> Targets()
    {
        var targets = Server.Services.GetRequiredService<EndpointDataSource>().Endpoints.OfType<RouteEndpoint>()
            .SelectMany(e => (e.Metadata.GetMetadata<IHttpMethodMetadata>()?.HttpMethods ?? ["GET"]).Select(m =>
            {
                var pattern = "/" + (e.RoutePattern.RawText ?? "").Trim('/');
                return new FuzzTarget(m, pattern);
            }))
            .Distinct().OrderBy(t => t.Pattern, StringComparer.Ordinal).ThenBy(t => t.Method, StringComparer.Ordinal).ToList();
        Assert.Contains(targets, t => t.Pattern == "/api/v2.1/tenants/{tenantId}" && t.Method == "PUT");
        Assert.Contains(targets, t => t.Pattern == "/api/2/idp/token" && t.Method == "POST");
        return targets;
    }

    /// <summary>A subtree, an API client, a /api/v2.1 tenant and a subscription for the requests to aim at.</summary>
    private async Task<FuzzWorld> FuzzWorldAsync()
    {
        var root = await Server.RootAsync();
        var tree = await root.BuildSubtreeAsync();
        var client = await root.CreateClientAsync(tree.UnitId);
        var code = "fuzz_" + Guid.NewGuid().ToString("N")[..8];
        var nse = await root.PostJsonAsync("/api/v2.1/tenants", new
        {
            code, name = "Fuzz", zuora_account_name = "Fuzz", zuora_account_number = "A00000001", parent_id = tree.PartnerId,
        }).ExpectAsync(HttpStatusCode.Created);
        var subscription = "A-S" + Random.Shared.Next(100_000, 999_999).ToString(CultureInfo.InvariantCulture);
        await root.PostJsonAsync($"/api/2/tenants/{tree.CustomerId}/subscriptions", new { number = subscription }).ExpectAsync(HttpStatusCode.Created);
        var token = root.Http.DefaultRequestHeaders.Authorization?.Parameter ?? throw new InvalidOperationException("no token");
        return new FuzzWorld(token, tree.PartnerId, tree.CustomerId, tree.UnitId, NseId(nse), code, client.Str("client_id"), subscription);
    }

    private static string NseId(System.Text.Json.JsonElement created) =>
        created.GetProperty("result").GetProperty("records")[0].Str("id");
}

public sealed class FuzzTestsSqlite(ITestOutputHelper output) : FuzzTests(StorageProvider.Sqlite, output);

public sealed class FuzzTestsPostgres(ITestOutputHelper output) : FuzzTests(StorageProvider.Postgres, output);
