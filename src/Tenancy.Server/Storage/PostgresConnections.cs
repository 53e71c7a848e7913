using System.Data.Common;
using Npgsql;

namespace Tenancy.Server.Storage;

/// <summary>
/// PostgreSQL connections through one Npgsql data source (several hosts when the connection string lists
/// them), and the way over a failover without a restart:
/// <list type="bullet">
/// <item>An open that fails is retried a few times within <see cref="RetryBudget"/>: nothing was sent yet, so any
/// request may retry it. A statement that failed is never retried here (a write whose outcome is unknown
/// is answered 503 and left to the client).</item>
/// <item>On a fault, idle pooled connections (likely dead) are dropped and the hosts' cached states
/// (primary, standby, offline) forgotten, so the next open asks each host again and finds a standby promoted
/// a moment ago instead of waiting out Host Recheck Seconds. At most once per <see cref="ResetInterval"/>.</item>
/// </list>
/// </summary>
public sealed class PostgresConnections(NpgsqlDataSource source) : IAsyncDisposable
{
    /// <summary>The pauses between attempts to open.</summary>
    private static readonly TimeSpan[] Pauses =
        [TimeSpan.FromMilliseconds(50), TimeSpan.FromMilliseconds(100), TimeSpan.FromMilliseconds(200), TimeSpan.FromMilliseconds(400)];

    /// <summary>No new attempt starts past this (an attempt that waits out a connect Timeout is not repeated).</summary>
    public static readonly TimeSpan RetryBudget = TimeSpan.FromSeconds(1);

    /// <summary>Resets closer together than this are skipped: many requests fail at once during a failover.</summary>
    public static readonly TimeSpan ResetInterval = TimeSpan.FromMilliseconds(200);

    private long _lastReset;

    public async Task<DbConnection> OpenAsync(CancellationToken ct)
    {
        var started = Environment.TickCount64;
        for (var attempt = 0; ; attempt++)
        {
            try
            {
                return await source.OpenConnectionAsync(ct);
            }
            catch (NpgsqlException e) when (IsOpenFault(e))
            {
                Reset();
                if (attempt == Pauses.Length || Environment.TickCount64 - started + Pauses[attempt].TotalMilliseconds > RetryBudget.TotalMilliseconds)
                {
                    throw new StoreUnavailableException(e);
                }

                await Task.Delay(Pauses[attempt], ct);
            }
        }
    }

    /// <summary>Drops idle pooled connections and forgets the hosts' states (at most once per <see cref="ResetInterval"/>).</summary>
    public void Reset()
    {
        var now = Environment.TickCount64;
        var last = Interlocked.Read(ref _lastReset);
        if (now - last < (long)ResetInterval.TotalMilliseconds || Interlocked.CompareExchange(ref _lastReset, now, last) != last)
        {
            return;
        }

        source.Clear();
        (source as NpgsqlMultiHostDataSource)?.ClearDatabaseStates();
    }

    public ValueTask DisposeAsync() => source.DisposeAsync();

    /// <summary>
    /// A failed open that means "no server to talk to now": anything but an error the server itself
    /// answered (wrong password, unknown database: configuration, not availability), unless that error
    /// says it is starting, stopping or full.
    /// </summary>
    private static bool IsOpenFault(NpgsqlException e) => e is not PostgresException || Database.IsUnavailable(e);
}
