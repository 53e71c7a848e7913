using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Microsoft.Extensions.Http.Resilience;
using Polly;

namespace Tenancy.Client;

/// <summary>
/// A typed client of a Tenancy server. Requests pass, from the outside in: an Idempotency-Key for every
/// POST, PUT and DELETE (<see cref="IdempotencyKeyHandler"/>), the retry pipeline of
/// Microsoft.Extensions.Http.Resilience (connection errors, 408, 429, 5xx, honouring Retry-After; each
/// retry sends the same key), and the bearer token (<see cref="TokenHandler"/>, renewed when due or refused).
/// </summary>
public sealed class TenancyClient : IDisposable
{
    private readonly HttpClient _http;
    private readonly TokenHandler? _tokens;

    /// <summary>A client over an HttpClient whose handlers the caller set up (its BaseAddress is the server).</summary>
    public TenancyClient(HttpClient http, TenancyClientOptions? options = null)
    {
        _http = http;
        Options = options ?? new TenancyClientOptions { BaseAddress = http.BaseAddress!, ClientId = "" };
        Tenants = new TenantsApi(this);
        Clients = new ClientsApi(this);
        Users = new UsersApi(this);
        Usage = new UsageApi(this);
        Reports = new ReportsApi(this);
        Events = new EventsApi(this);
        V21 = new NseTenantsApi(this);
    }

    private TenancyClient(HttpClient http, TenancyClientOptions options, TokenHandler tokens) : this(http, options) => _tokens = tokens;

    /// <summary>A client with its own handler chain: idempotency keys, retries, tokens.</summary>
    public static TenancyClient Create(TenancyClientOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        options.Validate();
        var network = options.PrimaryHandler ?? new SocketsHttpHandler { PooledConnectionLifetime = TimeSpan.FromMinutes(5) };
        var tokens = new TokenHandler(options, network) { InnerHandler = network };
        var retries = new ResilienceHandler(RetryPipeline(options)) { InnerHandler = tokens };
        var keys = new IdempotencyKeyHandler { InnerHandler = retries };
        return new TenancyClient(new HttpClient(keys) { BaseAddress = options.BaseAddress }, options, tokens);
    }

    /// <summary>Retries of transient failures (HttpRetryStrategyOptions' defaults: connection errors, 408, 429, 5xx; Retry-After honoured).</summary>
    public static ResiliencePipeline<HttpResponseMessage> RetryPipeline(TenancyClientOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        return new ResiliencePipelineBuilder<HttpResponseMessage>()
            .AddRetry(new HttpRetryStrategyOptions
            {
                MaxRetryAttempts = options.RetryAttempts,
                Delay = options.RetryDelay,
                BackoffType = DelayBackoffType.Exponential,
                UseJitter = true,
            })
            .Build();
    }

    public TenancyClientOptions Options { get; }

    /// <summary>How many tokens the client has fetched (renewals included).</summary>
    public int TokensFetched => _tokens?.TokensFetched ?? 0;

    public TenantsApi Tenants { get; }

    public ClientsApi Clients { get; }

    public UsersApi Users { get; }

    public UsageApi Usage { get; }

    public ReportsApi Reports { get; }

    /// <summary>The event stream (GET /api/2/events).</summary>
    public EventsApi Events { get; }

    /// <summary>The /api/v2.1 dialect's tenants.</summary>
    public NseTenantsApi V21 { get; }

    /// <summary>The server's OpenAPI document (/openapi/v1.json), read once.</summary>
    public async Task<JsonDocument> OpenApiAsync(CancellationToken ct = default)
    {
        if (_openApi is null)
        {
            using var response = await _http.GetAsync(new Uri("/openapi/v1.json", UriKind.Relative), ct);
            response.EnsureSuccessStatusCode();
            _openApi = await JsonDocument.ParseAsync(await response.Content.ReadAsStreamAsync(ct), cancellationToken: ct);
        }

        return _openApi;
    }

    private JsonDocument? _openApi;

    /// <summary>Whether the served document lists the route with all its query parameters (a contract the server may not have yet).</summary>
    public async Task<bool> SupportsAsync(Route route, CancellationToken ct = default)
    {
        ArgumentNullException.ThrowIfNull(route);
        var doc = await OpenApiAsync(ct);
        if (!doc.RootElement.GetProperty("paths").TryGetProperty(OpenApiPath(route.Template), out var path)
            || !path.TryGetProperty(route.Method.ToLowerInvariant(), out var operation))
        {
            return false;
        }

        var names = operation.TryGetProperty("parameters", out var ps)
            ? ps.EnumerateArray().Select(p => p.GetProperty("name").GetString()).ToHashSet()
            : [];
        return route.Query.All(names.Contains);
    }

    /// <summary>The document's spelling of a template: the same placeholders.</summary>
    public static string OpenApiPath(string template) => template;

    internal async Task<T> SendAsync<T>(Route route, string path, object? body, CancellationToken ct, string? idempotencyKey = null)
    {
        using var response = await SendRawAsync(route, path, body, ct, idempotencyKey);
        return await ReadAsync<T>(response, ct);
    }

    internal async Task<HttpResponseMessage> SendRawAsync(Route route, string path, object? body, CancellationToken ct, string? idempotencyKey = null)
    {
        using var request = new HttpRequestMessage(new HttpMethod(route.Method), new Uri(path, UriKind.Relative));
        if (body is not null)
        {
            request.Content = JsonContent.Create(body, body.GetType(), options: TenancyJson.Options);
        }

        if (idempotencyKey is not null)
        {
            request.Headers.TryAddWithoutValidation(IdempotencyKeyHandler.Header, idempotencyKey);
        }

        return await _http.SendAsync(request, HttpCompletionOption.ResponseContentRead, ct);
    }

    internal static async Task<T> ReadAsync<T>(HttpResponseMessage response, CancellationToken ct)
    {
        var text = await response.Content.ReadAsStringAsync(ct);
        if (!response.IsSuccessStatusCode)
        {
            throw TenancyApiException.From(response.StatusCode, text);
        }

        return JsonSerializer.Deserialize<T>(text, TenancyJson.Options)
            ?? throw new TenancyApiException(response.StatusCode, (int)response.StatusCode, "The server answered an empty body.");
    }

    internal static async Task EnsureAsync(HttpResponseMessage response, CancellationToken ct)
    {
        if (!response.IsSuccessStatusCode)
        {
            throw TenancyApiException.From(response.StatusCode, await response.Content.ReadAsStringAsync(ct));
        }
    }

    /// <summary>A query string of the non-null values, escaped.</summary>
    internal static string Query(params (string Name, object? Value)[] values)
    {
        var parts = values.Where(v => v.Value is not null)
            .Select(v => $"{v.Name}={Uri.EscapeDataString(Convert.ToString(v.Value, System.Globalization.CultureInfo.InvariantCulture)!.ToLowerInvariantIfBool(v.Value))}");
        var q = string.Join('&', parts);
        return q.Length == 0 ? "" : "?" + q;
    }

    internal static bool IsNotFound(TenancyApiException e) => e.Status == HttpStatusCode.NotFound;

    public void Dispose()
    {
        _http.Dispose();
        _openApi?.Dispose();
    }
}

internal static class QueryText
{
    /// <summary>Booleans go on the wire as true/false, as the servers' query binders read them.</summary>
    public static string ToLowerInvariantIfBool(this string text, object? value) => value is bool ? text.ToLowerInvariant() : text;
}
