using System.Data.Common;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.AspNetCore.TestHost;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Tenancy.Server.Storage;

namespace Tenancy.Tests.Infrastructure;

/// <summary>
/// A real Tenancy server on a loopback port with its own SQLite file. Tests talk to it over HTTP with
/// tokens from its token endpoint, exactly as a script would.
/// </summary>
public sealed class TenancyServer : IAsyncDisposable
{
    public const string RootClientId = "0b6a2c1e-5d7f-4a8b-9c0d-1e2f3a4b5c6d";

    private readonly Factory _factory;
    private readonly TestStore? _ownedStore;
    private Api? _root;

    private TenancyServer(TestStore store, bool owned, IReadOnlyDictionary<string, string?> settings, LogCapture? logs, Action<IServiceCollection>? services)
    {
        Store = store;
        _ownedStore = owned ? store : null;
        var dataDirectory = store.DataDirectory;
        DataDirectory = dataDirectory;
        RootSecret = settings.TryGetValue("Tenancy:Bootstrap:ClientSecret", out var s) && s is not null ? s : "";
        _factory = new Factory(dataDirectory, settings, logs, services);
        _factory.UseKestrel(0);
        _factory.StartServer();
        var addresses = _factory.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!;
        BaseAddress = new Uri(addresses.Addresses.First());
    }

    public string DataDirectory { get; }

    public TestStore Store { get; }

    public StorageProvider Provider => Store.Provider;

    public string RootSecret { get; }

    public Uri BaseAddress { get; }

    public IServiceProvider Services => _factory.Services;

    /// <summary>Where the server writes first-start credentials (next to a SQLite file; ./data for PostgreSQL).</summary>
    public string CredentialsDirectory => Services.GetRequiredService<Database>().DataDirectory;

    /// <summary>A connection to the server's own store, for tests that check what is stored.</summary>
    public async Task<DbConnection> OpenStoreAsync() => await Services.GetRequiredService<Database>().OpenAsync();

    /// <summary>The first row of a query on the server's store, every column as "name=value".</summary>
    public async Task<string[]?> StoredRowAsync(string sql, string parameter, object value)
    {
        await using var connection = await OpenStoreAsync();
        await using var command = connection.CreateCommand();
        command.CommandText = sql;
        var p = command.CreateParameter();
        p.ParameterName = parameter;
        p.Value = value;
        command.Parameters.Add(p);
        await using var reader = await command.ExecuteReaderAsync();
        return await reader.ReadAsync()
            ? [.. Enumerable.Range(0, reader.FieldCount).Select(i => $"{reader.GetName(i)}={reader.GetValue(i)}")]
            : null;
    }

    /// <summary>Starts a SQLite server on a new (or the given) data directory.</summary>
    public static TenancyServer Start(string? dataDirectory = null, IReadOnlyDictionary<string, string?>? settings = null) =>
        Start(TestStore.Create(StorageProvider.Sqlite, dataDirectory), settings, owned: dataDirectory is null);

    /// <summary>Starts a server on a new store of the given provider, removed when the server is disposed.</summary>
    public static TenancyServer Start(
        StorageProvider provider, IReadOnlyDictionary<string, string?>? settings = null, LogCapture? logs = null, Action<IServiceCollection>? services = null) =>
        Start(TestStore.Create(provider), settings, owned: true, logs, services);

    /// <summary>Starts a server on an existing store (for restarts and several instances on one store).</summary>
    /// <param name="services">Replacements of the server's services (for example a fake quota source), applied after its own.</param>
    public static TenancyServer Start(
        TestStore store, IReadOnlyDictionary<string, string?>? settings = null, bool owned = false, LogCapture? logs = null,
        Action<IServiceCollection>? services = null)
    {
        var all = new Dictionary<string, string?>
        {
            ["Tenancy:Storage:Provider"] = store.Provider == StorageProvider.Postgres ? "postgres" : "sqlite",
            ["Tenancy:Storage:ConnectionString"] = store.ConnectionString,
            ["Tenancy:Bootstrap:ClientId"] = RootClientId,
            ["Tenancy:Bootstrap:ClientSecret"] = "root-secret-for-tests-" + Path.GetFileName(store.DataDirectory),
        };
        foreach (var (k, v) in settings ?? new Dictionary<string, string?>())
        {
            all[k] = v;
        }

        return new TenancyServer(store, owned, all, logs, services);
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
        if (_ownedStore is not null)
        {
            await _ownedStore.DisposeAsync();
        }
    }

    private sealed class Factory(
        string dataDirectory, IReadOnlyDictionary<string, string?> settings, LogCapture? logs, Action<IServiceCollection>? services)
        : WebApplicationFactory<Program>
    {
        protected override void ConfigureWebHost(IWebHostBuilder builder)
        {
            builder.UseContentRoot(dataDirectory);
            builder.UseEnvironment("Testing");
            foreach (var (key, value) in settings)
            {
                builder.UseSetting(key, value);
            }

            if (logs is not null)
            {
                builder.ConfigureServices(s => s.AddSingleton<ILoggerProvider>(logs));
            }

            if (services is not null)
            {
                builder.ConfigureTestServices(services);
            }
        }
    }
}
