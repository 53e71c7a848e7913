using System.Collections.Concurrent;
using System.Data.Common;
using System.Net.Http.Json;
using Microsoft.Data.Sqlite;
using Npgsql;
using Tenancy.Server.Storage;

namespace Tenancy.Tests.Hardening;

/// <summary>
/// Durability: the server runs as a separate process, is killed with SIGKILL while writes are in flight and
/// restarted on the same store, several times. Every write that was answered 2xx must be there (its version
/// or a later one), and nothing half-done may be visible: no orphans, no path that disagrees with its parent.
/// </summary>
public abstract class CrashTests(StorageProvider provider, ITestOutputHelper output) : IAsyncLifetime
{
    private const int Rounds = 4;
    private const int Workers = 3;
    private const string ClientId = "5c1f0d2e-8a7b-4c6d-9e0f-1a2b3c4d5e6f";
    private const string Secret = "crash-test-secret-0123456789abcdef";

    /// <summary>The last acknowledged state of a tenant.</summary>
    private sealed record Ack(string ParentId, string Name, bool Enabled, long Version);

    private sealed class Worker(int index)
    {
        public int Index { get; } = index;

        public List<string> Partners { get; } = [];

        public List<string> Customers { get; } = [];
    }

    private readonly ConcurrentDictionary<string, Ack> _acked = new();
    private readonly ConcurrentBag<string> _problems = [];
    private TestStore? _store;
    private int _acknowledgedWrites;
    private int _inFlightApplied;

    public ValueTask InitializeAsync()
    {
        _store = TestStore.Create(provider);
        return ValueTask.CompletedTask;
    }

    [Fact]
    public async Task KilledWithWritesInFlight_KeepsEveryAcknowledgedWrite_AndShowsNothingHalfDone()
    {
        var random = new Random();
        var workers = Enumerable.Range(0, Workers).Select(i => new Worker(i)).ToList();
        var verified = 0;
        for (var round = 0; round < Rounds; round++)
        {
            await using var server = await ServerProcess.StartAsync(_store!, ClientId, Secret);
            verified += await VerifyAsync(server);
            using var http = await server.LoginAsync(ClientId, Secret);
            var rootId = (await GetJsonAsync(http, $"/api/2/clients/{ClientId}")).Str("tenant_id");
            var running = workers.Select(w => Task.Run(() => WriteUntilKilledAsync(http, w, rootId, new Random(random.Next())))).ToList();
            await Task.Delay(TimeSpan.FromMilliseconds(random.Next(400, 1500)), TestContext.Current.CancellationToken);
            await server.KillAsync();
            await Task.WhenAll(running);
        }

        await using (var last = await ServerProcess.StartAsync(_store!, ClientId, Secret))
        {
            verified += await VerifyAsync(last);
        }

        var line = $"crash ({provider}): {Rounds} kill -9 rounds, {_acknowledgedWrites} acknowledged writes, "
            + $"{verified} tenant checks after restarts, {_acked.Count} tenants verified at their acknowledged version or later "
            + $"({_inFlightApplied} unanswered writes found applied)";
        output.WriteLine(line);
        Console.WriteLine(line);
        Assert.True(_problems.IsEmpty, string.Join("\n", _problems.Take(20)));
        Assert.True(_acknowledgedWrites > 20, $"only {_acknowledgedWrites} writes were acknowledged");
    }

    private async Task WriteUntilKilledAsync(HttpClient http, Worker w, string rootId, Random random)
    {
        try
        {
            while (w.Partners.Count < 2)
            {
                var partner = await WriteAsync(http, HttpMethod.Post, "/api/2/tenants", new { name = $"p{w.Index}-{w.Partners.Count}", kind = "partner", parent_id = rootId });
                w.Partners.Add(partner.Str("id"));
            }

            for (var i = 0; ; i++)
            {
                var op = random.Next(10);
                if (op < 3 || w.Customers.Count == 0)
                {
                    var created = await WriteAsync(http, HttpMethod.Post, "/api/2/tenants",
                        new { name = $"c{w.Index}-{i}", kind = "customer", parent_id = w.Partners[random.Next(2)] });
                    w.Customers.Add(created.Str("id"));
                    continue;
                }

                var id = op < 6 ? (random.Next(4) == 0 ? w.Partners[random.Next(2)] : w.Customers[random.Next(w.Customers.Count)])
                    : w.Customers[random.Next(w.Customers.Count)];
                var ack = _acked[id];
                object body = op switch
                {
                    < 6 => new { name = $"renamed-{w.Index}-{i}", version = ack.Version },
                    < 8 => new { enabled = !ack.Enabled, version = ack.Version },
                    _ => new { parent_id = w.Partners.First(p => p != ack.ParentId), version = ack.Version },
                };
                await WriteAsync(http, HttpMethod.Put, $"/api/2/tenants/{id}", body);
            }
        }
        catch (Exception e) when (e is HttpRequestException or TaskCanceledException or IOException)
        {
            // The server was killed: the outcome of the request in flight is unknown.
        }
    }

    /// <summary>Sends a write; a 2xx is recorded as acknowledged with the state the server answered.</summary>
    private async Task<JsonElement> WriteAsync(HttpClient http, HttpMethod method, string path, object body)
    {
        using var response = await http.SendAsync(new HttpRequestMessage(method, path) { Content = JsonContent.Create(body) });
        var text = await response.Content.ReadAsStringAsync();
        if (!response.IsSuccessStatusCode)
        {
            _problems.Add($"{method} {path}: {(int)response.StatusCode} {text}");
            throw new IOException("write refused");
        }

        var tenant = JsonDocument.Parse(text).RootElement.Clone();
        _acked[tenant.Str("id")] = new Ack(tenant.Str("parent_id"), tenant.Str("name"), tenant.Bool("enabled"), tenant.Long("version"));
        Interlocked.Increment(ref _acknowledgedWrites);
        return tenant;
    }

    /// <summary>Checks every acknowledged tenant and the tree's invariants; takes the server's state as the new baseline.</summary>
    private async Task<int> VerifyAsync(ServerProcess server)
    {
        using var http = await server.LoginAsync(ClientId, Secret);
        foreach (var (id, ack) in _acked)
        {
            var t = await GetJsonAsync(http, $"/api/2/tenants/{id}");
            var now = new Ack(t.Str("parent_id"), t.Str("name"), t.Bool("enabled"), t.Long("version"));
            // One write per tenant can be in flight at a kill, so the stored version is the acknowledged one or the next.
            if (now.Version < ack.Version || now.Version > ack.Version + 1 || (now.Version == ack.Version && now != ack))
            {
                _problems.Add($"tenant {id}: acknowledged {ack}, stored {now}");
            }

            _inFlightApplied += now.Version == ack.Version + 1 ? 1 : 0;
            _acked[id] = now;
        }

        await using var connection = await OpenStoreAsync();
        foreach (var (check, sql) in Invariants)
        {
            await using var command = connection.CreateCommand();
            command.CommandText = sql;
            if (Convert.ToInt64(await command.ExecuteScalarAsync(), System.Globalization.CultureInfo.InvariantCulture) != 0)
            {
                _problems.Add($"after a kill: {check}");
            }
        }

        return _acked.Count;
    }

    private static readonly (string Check, string Sql)[] Invariants =
    [
        ("a tenant whose parent is missing",
            "SELECT COUNT(*) FROM tenants t WHERE t.parent_seq IS NOT NULL AND NOT EXISTS (SELECT 1 FROM tenants p WHERE p.seq = t.parent_seq)"),
        ("a tenant whose path, level or parent_id disagrees with its parent",
            "SELECT COUNT(*) FROM tenants t JOIN tenants p ON p.seq = t.parent_seq "
            + "WHERE t.path <> p.path || CAST(t.seq AS TEXT) || '/' OR t.level <> p.level + 1 OR t.parent_id <> p.id"),
        ("an API client whose tenant is missing",
            "SELECT COUNT(*) FROM api_clients c WHERE NOT EXISTS (SELECT 1 FROM tenants t WHERE t.seq = c.tenant_seq AND t.id = c.tenant_id)"),
        ("a tenant with a version below 1", "SELECT COUNT(*) FROM tenants WHERE version < 1"),
    ];

    private async Task<DbConnection> OpenStoreAsync()
    {
        DbConnection connection = provider == StorageProvider.Postgres
            ? new NpgsqlConnection(_store!.ConnectionString)
            : new SqliteConnection(_store!.ConnectionString);
        await connection.OpenAsync();
        return connection;
    }

    private static async Task<JsonElement> GetJsonAsync(HttpClient http, string path)
    {
        using var response = await http.GetAsync(path);
        return await http.ExpectAsync(response, HttpStatusCode.OK);
    }

    public async ValueTask DisposeAsync()
    {
        if (_store is not null)
        {
            await _store.DisposeAsync();
        }

        GC.SuppressFinalize(this);
    }
}

public sealed class CrashTestsSqlite(ITestOutputHelper output) : CrashTests(StorageProvider.Sqlite, output);

public sealed class CrashTestsPostgres(ITestOutputHelper output) : CrashTests(StorageProvider.Postgres, output);
