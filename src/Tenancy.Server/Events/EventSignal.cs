namespace Tenancy.Server.Events;

/// <summary>
/// Wakes the readers of the feed in this process (long polls, the webhook worker) when an event is written.
/// It fires as the event is inserted, just before its transaction commits, so a reader woken by it reads
/// again shortly after (<see cref="EventOptions.SettleWindow"/>); other instances' events are found by the
/// readers' regular poll.
/// </summary>
public static class EventSignal
{
    private static TaskCompletionSource _next = New();

    /// <summary>Completes at the next event written in this process.</summary>
    public static Task Next => Volatile.Read(ref _next).Task;

    public static void Pulse() => Interlocked.Exchange(ref _next, New()).TrySetResult();

    private static TaskCompletionSource New() => new(TaskCreationOptions.RunContinuationsAsynchronously);
}
