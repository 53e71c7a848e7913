using System.Net;
using System.Net.Http.Headers;
using System.Text.Json;

namespace Tenancy.Client;

/// <summary>
/// Adds a bearer token to every request and renews it: a token is fetched from /api/2/idp/token
/// (client_credentials, or password for a user) when none is held, a minute before it expires, and once
/// more when the server answers 401 (revoked, or the server restarted with new keys).
/// </summary>
public sealed class TokenHandler(TenancyClientOptions options, HttpMessageHandler network) : DelegatingHandler
{
    private static readonly TimeSpan Margin = TimeSpan.FromMinutes(1);
    private readonly SemaphoreSlim _gate = new(1, 1);
    private readonly HttpClient _tokens = new(network, disposeHandler: false) { BaseAddress = options.BaseAddress };
    private string? _token;
    private DateTimeOffset _renewAt;

    /// <summary>How many tokens this handler has fetched.</summary>
    public int TokensFetched { get; private set; }

    protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
    {
        var token = await TokenAsync(null, cancellationToken);
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", token);
        var response = await base.SendAsync(request, cancellationToken);
        if (response.StatusCode != HttpStatusCode.Unauthorized)
        {
            return response;
        }

        response.Dispose();
        token = await TokenAsync(token, cancellationToken);
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", token);
        return await base.SendAsync(request, cancellationToken);
    }

    /// <summary>The current token; a new one when none is held, it is due, or it is <paramref name="refused"/>.</summary>
    private async Task<string> TokenAsync(string? refused, CancellationToken ct)
    {
        await _gate.WaitAsync(ct);
        try
        {
            if (_token is not null && _token != refused && options.TimeProvider.GetUtcNow() < _renewAt)
            {
                return _token;
            }

            var form = options.ClientId is not null
                ? new Dictionary<string, string>
                {
                    ["grant_type"] = "client_credentials",
                    ["client_id"] = options.ClientId,
                    ["client_secret"] = options.ClientSecret ?? "",
                }
                : new Dictionary<string, string>
                {
                    ["grant_type"] = "password",
                    ["username"] = options.Username ?? "",
                    ["password"] = options.Password ?? "",
                };
            using var content = new FormUrlEncodedContent(form);
            using var response = await _tokens.PostAsync(Routes.Token.Path(), content, ct);
            var body = await response.Content.ReadAsStringAsync(ct);
            if (!response.IsSuccessStatusCode)
            {
                throw TenancyApiException.From(response.StatusCode, body);
            }

            var token = JsonSerializer.Deserialize<TokenResponse>(body, TenancyJson.Options)!;
            _token = token.AccessToken;
            var lifetime = TimeSpan.FromSeconds(token.ExpiresIn);
            _renewAt = options.TimeProvider.GetUtcNow() + (lifetime > 2 * Margin ? lifetime - Margin : lifetime / 2);
            TokensFetched++;
            return _token;
        }
        finally
        {
            _gate.Release();
        }
    }

    protected override void Dispose(bool disposing)
    {
        if (disposing)
        {
            _tokens.Dispose();
            _gate.Dispose();
        }

        base.Dispose(disposing);
    }
}
