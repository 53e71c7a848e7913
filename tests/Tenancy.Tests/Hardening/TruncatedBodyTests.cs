using System.Net.Http.Json;
using System.Net.Sockets;
using System.Text;
using Tenancy.Server.Storage;

namespace Tenancy.Tests.Hardening;

/// <summary>
/// A request whose body ends before its Content-Length (a client that went away, or sent less than it
/// announced) is the client's mistake: 400 in the dialect's error format if anyone is left to read it,
/// nothing changed, and nothing logged as a failure of the server. Over a real socket, since only Kestrel
/// sees the body end.
/// </summary>
public sealed class TruncatedBodyTests
{
    private static readonly string ClientId = Guid.NewGuid().ToString();
    private const string Secret = "truncated-body-root-secret";

    [Fact]
    public async Task ABodyShorterThanItsLength_Gets400_AndChangesNothing()
    {
        await using var store = TestStore.Create(StorageProvider.Sqlite);
        await using var server = await ServerProcess.StartAsync(store, ClientId, Secret);
        using var http = await server.LoginAsync(ClientId, Secret);
        var rootId = JsonDocument.Parse(await http.GetStringAsync($"/api/2/clients/{ClientId}", TestContext.Current.CancellationToken)).RootElement.Str("tenant_id");
        using var created = await http.PostAsJsonAsync("/api/2/tenants", new { name = "Kept as it is", kind = "partner", parent_id = rootId }, TestContext.Current.CancellationToken);
        Assert.Equal(HttpStatusCode.Created, created.StatusCode);
        var tenant = JsonDocument.Parse(await created.Content.ReadAsStringAsync(TestContext.Current.CancellationToken)).RootElement;

        // Announce 200 bytes, send the start of the JSON, then close the sending side.
        var body = $"{{\"name\":\"Half a rename\",\"version\":{tenant.Long("version")}";
        using var tcp = new TcpClient();
        await tcp.ConnectAsync(server.BaseAddress.Host, server.BaseAddress.Port, TestContext.Current.CancellationToken);
        var stream = tcp.GetStream();
        var token = http.DefaultRequestHeaders.Authorization!.Parameter;
        var head = $"PUT /api/2/tenants/{tenant.Str("id")} HTTP/1.1\r\nHost: {server.BaseAddress.Authority}\r\nAuthorization: Bearer {token}\r\n" +
            $"Content-Type: application/json\r\nContent-Length: 200\r\nConnection: close\r\n\r\n{body}";
        await stream.WriteAsync(Encoding.ASCII.GetBytes(head), TestContext.Current.CancellationToken);
        // Kestrel takes the end of the stream as the client gone, whether it is then authenticating the caller
        // or reading the body: either way it is no error of the server's.
        await Task.Delay(200, TestContext.Current.CancellationToken);
        tcp.Client.Shutdown(SocketShutdown.Send);
        // What the server sent before it closed (or reset) the connection.
        var received = new MemoryStream();
        try
        {
            await stream.CopyToAsync(received, TestContext.Current.CancellationToken);
        }
        catch (IOException)
        {
            // Reset after the answer: the body it refused was never read.
        }

        var response = Encoding.UTF8.GetString(received.ToArray());

        // Kestrel takes the closed side as the client gone and may not answer at all; if it does, with 400.
        if (response.Length > 0)
        {
            Assert.StartsWith("HTTP/1.1 400", response, StringComparison.Ordinal);
            var error = JsonDocument.Parse(response[(response.IndexOf("\r\n\r\n", StringComparison.Ordinal) + 4)..]).RootElement.GetProperty("error");
            Assert.Equal("body", error.GetProperty("context").Str("field"));
        }

        var now = JsonDocument.Parse(await http.GetStringAsync($"/api/2/tenants/{tenant.Str("id")}", TestContext.Current.CancellationToken)).RootElement;
        Assert.Equal("Kept as it is", now.Str("name"));
        Assert.Equal(tenant.Long("version"), now.Long("version"));
        // The request's own log line comes after anything logged while it ran.
        for (var i = 0; i < 100 && !server.Log.Contains("Method: PUT", StringComparison.Ordinal); i++)
        {
            await Task.Delay(100, TestContext.Current.CancellationToken);
        }

        Assert.Contains("Method: PUT", server.Log, StringComparison.Ordinal);
        Assert.DoesNotContain(" fail: ", server.Log, StringComparison.Ordinal);
    }
}
