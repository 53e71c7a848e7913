using Microsoft.Extensions.Options;

namespace Tenancy.Server.Events;

/// <summary>
/// Reads the feed, waiting for events when asked to: woken at once by an event written in this process
/// (<see cref="EventSignal"/>), and looking every <see cref="EventOptions.PollInterval"/> for those of other instances.
/// </summary>
public sealed class EventFeed(EventStore store, IOptions<EventOptions> options, TimeProvider clock)
{
    private static readonly TimeSpan SettlePoll = TimeSpan.FromMilliseconds(10);

    public int MaxWait => options.Value.MaxWait;

    /// <summary>The page after the query's cursor; when it is empty, waits up to <paramref name="wait"/> for one that is not.</summary>
    public async Task<IReadOnlyList<EventRow>> ReadAsync(EventQuery query, TimeSpan wait, CancellationToken ct)
    {
        var deadline = clock.GetUtcNow() + wait;
        var settleUntil = DateTimeOffset.MinValue;
        while (true)
        {
            var signalled = EventSignal.Next;
            var rows = await store.ReadAsync(query, ct);
            var now = clock.GetUtcNow();
            if (rows.Count > 0 || now >= deadline)
            {
                return rows;
            }

            var pause = now < settleUntil ? SettlePoll : options.Value.PollInterval;
            pause = deadline - now < pause ? deadline - now : pause;
            if (await Task.WhenAny(signalled, Task.Delay(pause, clock, ct)) == signalled)
            {
                settleUntil = clock.GetUtcNow() + options.Value.SettleWindow;
            }

            ct.ThrowIfCancellationRequested();
        }
    }
}
