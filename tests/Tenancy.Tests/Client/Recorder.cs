using System.Collections.Concurrent;
using Tenancy.Client;

namespace Tenancy.Tests.Client;

/// <summary>
/// The client's network as a test sees it: every request that goes out (method, path and query,
/// Idempotency-Key, bearer token), and answers it can make up instead of the server (a 503 to force a retry).
/// </summary>
public sealed class Recorder() : DelegatingHandler(new SocketsHttpHandler())
{
    public sealed record Sent(string Method, string PathAndQuery, string? IdempotencyKey, string? Bearer);

    private readonly ConcurrentQueue<Func<HttpRequestMessage, HttpResponseMessage?>> _faults = new();

    public ConcurrentQueue<Sent> Requests { get; } = new();

    /// <summary>The next request that matches is answered with <paramref name="status"/> without reaching the server.</summary>
    public void FailNext(Func<HttpRequestMessage, bool> matches, HttpStatusCode status)
    {
        var used = 0;
        _faults.Enqueue(r => matches(r) && Interlocked.Exchange(ref used, 1) == 0 ? new HttpResponseMessage(status) { RequestMessage = r } : null);
    }

    public IReadOnlyList<Sent> Where(string method, string pathStart) =>
        [.. Requests.Where(r => r.Method == method && r.PathAndQuery.StartsWith(pathStart, StringComparison.Ordinal))];

    protected override Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
    {
        Requests.Enqueue(new Sent(
            request.Method.Method, request.RequestUri!.PathAndQuery,
            request.Headers.TryGetValues(IdempotencyKeyHandler.Header, out var keys) ? keys.Single() : null,
            request.Headers.Authorization?.Parameter));
        foreach (var fault in _faults)
        {
            if (fault(request) is { } answer)
            {
                return Task.FromResult(answer);
            }
        }

        return base.SendAsync(request, cancellationToken);
    }
}

/// <summary>A clock a test moves by hand.</summary>
public sealed class ManualClock : TimeProvider
{
    public DateTimeOffset Now { get; set; } = DateTimeOffset.UtcNow;

    public override DateTimeOffset GetUtcNow() => Now;
}

/// <summary>Clients of the test server.</summary>
public static class Clients
{
    public static TenancyClient RootClient(this TenancyServer server, Recorder? recorder = null, TimeProvider? clock = null) =>
        TenancyClient.Create(new TenancyClientOptions
        {
            BaseAddress = server.BaseAddress,
            ClientId = TenancyServer.RootClientId,
            ClientSecret = server.RootSecret,
            RetryDelay = TimeSpan.FromMilliseconds(20),
            PollInterval = TimeSpan.FromMilliseconds(20),
            PrimaryHandler = recorder,
            TimeProvider = clock ?? TimeProvider.System,
        });
}
