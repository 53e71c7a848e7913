using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.Extensions.DependencyInjection;

namespace Tenancy.Tests.Infrastructure;

/// <summary>
/// A real Tenancy server on a loopback port with its own SQLite file. Tests talk to it over HTTP with
/// tokens from its token endpoint, exactly as a script would.
/// </summary>
public sealed class TenancyServer : IAsyncDisposable
{
    public const string RootClientId = "0b6a2c1e-5d7f-4a8b-9c0d-1e2f3a4b5c6d";

    private readonly Factory _factory;
    private Api? _root;

    private TenancyServer(string dataDirectory, IReadOnlyDictionary<string, string?> settings)
    {
        DataDirectory = dataDirectory;
        RootSecret = settings.TryGetValue("Tenancy:Bootstrap:ClientSecret", out var s) && s is not null ? s : "";
        _factory = new Factory(dataDirectory, settings);
        _factory.UseKestrel(0);
        _factory.StartServer();
        var addresses = _factory.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!;
        BaseAddress = new Uri(addresses.Addresses.First());
    }

    public string DataDirectory { get; }

    public string RootSecret { get; }

    public Uri BaseAddress { get; }

    public IServiceProvider Services => _factory.Services;

    /// <summary>Starts a server on a new (or the given) data directory.</summary>
    public static TenancyServer Start(string? dataDirectory = null, IReadOnlyDictionary<string, string?>? settings = null)
    {
        var dir = dataDirectory ?? Directory.CreateTempSubdirectory("tenancy-test-").FullName;
        var all = new Dictionary<string, string?>
        {
            ["Tenancy:Storage:Provider"] = "sqlite",
            ["Tenancy:Storage:ConnectionString"] = $"Data Source={Path.Combine(dir, "tenancy.db")}",
            ["Tenancy:Bootstrap:ClientId"] = RootClientId,
            ["Tenancy:Bootstrap:ClientSecret"] = "root-secret-for-tests-" + Path.GetFileName(dir),
        };
        foreach (var (k, v) in settings ?? new Dictionary<string, string?>())
        {
            all[k] = v;
        }

        return new TenancyServer(dir, all);
    }

    /// <summary>An HTTP client without credentials.</summary>
    public HttpClient Anonymous() => _factory.CreateClient(new WebApplicationFactoryClientOptions
    {
        BaseAddress = BaseAddress,
        AllowAutoRedirect = false,
    });

    /// <summary>The bootstrap admin of the root tenant (token cached per server).</summary>
    public async Task<Api> RootAsync() => _root ??= await LoginAsync(RootClientId, RootSecret);

    /// <summary>Gets a token from the token endpoint (client_secret_basic) and returns a client that sends it.</summary>
    public async Task<Api> LoginAsync(string clientId, string secret)
    {
        var token = await TokenAsync(clientId, secret);
        var http = Anonymous();
        http.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", token);
        return new Api(this, http, clientId, secret);
    }

    public async Task<string> TokenAsync(string clientId, string secret)
    {
        using var http = Anonymous();
        using var request = new HttpRequestMessage(HttpMethod.Post, "/api/2/idp/token")
        {
            Content = new FormUrlEncodedContent(new Dictionary<string, string> { ["grant_type"] = "client_credentials" }),
        };
        request.Headers.Authorization = new AuthenticationHeaderValue(
            "Basic", Convert.ToBase64String(System.Text.Encoding.UTF8.GetBytes($"{clientId}:{secret}")));
        using var response = await http.SendAsync(request);
        var body = await response.Content.ReadFromJsonAsync<JsonElement>();
        Assert.True(response.IsSuccessStatusCode, $"token request failed: {(int)response.StatusCode} {body}");
        return body.GetProperty("access_token").GetString()!;
    }

    public async ValueTask DisposeAsync()
    {
        _root?.Dispose();
        await _factory.DisposeAsync();
    }

    private sealed class Factory(string dataDirectory, IReadOnlyDictionary<string, string?> settings) : WebApplicationFactory<Program>
    {
        protected override void ConfigureWebHost(IWebHostBuilder builder)
        {
            builder.UseContentRoot(dataDirectory);
            builder.UseEnvironment("Testing");
            foreach (var (key, value) in settings)
            {
                builder.UseSetting(key, value);
            }
        }
    }
}
