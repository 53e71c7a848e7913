using Microsoft.Extensions.Options;
using Tenancy.Server.Events;

namespace Tenancy.Server.Webhooks;

/// <summary>
/// Delivers the change feed to webhooks, on every instance (unless Tenancy:Webhooks:Worker is false). It
/// claims webhooks that have work (<see cref="DeliveryStore.ClaimAsync"/>: one instance per webhook at a
/// time), turns new events into deliveries, and sends them oldest first; a failed delivery holds back the
/// webhook's later ones and is retried with exponential backoff (<see cref="WebhookOptions.RetryDelay"/>,
/// doubled up to <see cref="WebhookOptions.MaxRetryDelay"/>) until <see cref="WebhookOptions.GiveUpAfter"/>
/// has passed since its first attempt; then the webhook is disabled (event tenancy.webhook.disabled).
/// It runs apart from requests: a slow or dead receiver only delays its own webhook.
/// </summary>
public sealed partial class WebhookWorker(
    DeliveryStore store, WebhookSender sender, WebhookSecrets secrets, CloudEventJson json, IOptions<WebhookOptions> options,
    TimeProvider clock, ILogger<WebhookWorker> log) : BackgroundService
{
    /// <summary>How many webhooks one instance serves at once.</summary>
    private const int Parallel = 8;

    /// <summary>How many events a claim turns into deliveries, and how many it sends, before it lets go.</summary>
    private const int Batch = 200;

    private readonly string _instance = Guid.NewGuid().ToString("N");

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        if (!options.Value.Worker)
        {
            return;
        }

        // Each webhook is served by its own task, so a slow receiver holds up only its own webhook.
        var running = new Dictionary<string, Task<bool>>();
        while (!stoppingToken.IsCancellationRequested)
        {
            var signalled = EventSignal.Next;
            var busy = false;
            foreach (var done in running.Where(r => r.Value.IsCompleted).ToList())
            {
                busy |= done.Value is { IsCompletedSuccessfully: true, Result: true };
                running.Remove(done.Key);
            }

            try
            {
                if (running.Count < Parallel)
                {
                    foreach (var id in await store.CandidatesAsync(clock.NowMicros(), Parallel + running.Count, stoppingToken))
                    {
                        if (running.Count < Parallel && !running.ContainsKey(id))
                        {
                            running[id] = ServeAsync(id, stoppingToken);
                        }
                    }
                }
            }
            catch (Exception e) when (!stoppingToken.IsCancellationRequested)
            {
                LogStoreFault(log, e);
            }

            if (!busy)
            {
                await Task.WhenAny([signalled, Task.Delay(options.Value.PollInterval, clock, stoppingToken), .. running.Values]);
            }
        }

        await Task.WhenAll(running.Values.Select(t => t.ContinueWith(_ => { }, TaskScheduler.Default)));
    }

    /// <summary>Serves one webhook if it can claim it; true when it made or delivered something.</summary>
    private async Task<bool> ServeAsync(string id, CancellationToken ct)
    {
        try
        {
            return await ServeOrThrowAsync(id, ct);
        }
        catch (Exception e) when (!ct.IsCancellationRequested)
        {
            // The claim is kept a while (not retried at once): a fault that repeats costs one attempt per interval.
            LogStoreFault(log, e);
            await store.RenewAsync(id, _instance, clock.NowMicros() + Micros(options.Value.PollInterval * 5), CancellationToken.None);
            return false;
        }
    }

    private async Task<bool> ServeOrThrowAsync(string id, CancellationToken ct)
    {
        await Task.Yield();
        var o = options.Value;
        var now = clock.NowMicros();
        if (await store.ClaimAsync(id, _instance, now, now + Micros(o.Lease), ct) is not { } webhook)
        {
            return false;
        }

        var worked = await store.FanOutAsync(webhook, _instance, now, Batch, ct) > 0;
        var secret = secrets.Unprotect(webhook.Secret);
        for (var sent = 0; sent < Batch; sent++)
        {
            now = clock.NowMicros();
            if (await store.HeadAsync(id, ct) is not { } head || head.NextAttemptAt > now
                || !await store.RenewAsync(id, _instance, now + Micros(o.Lease), ct))
            {
                break;
            }

            var body = json.Encode(new EventRow { Id = head.EventSeq, EventId = head.EventId, Type = head.Type, TenantId = head.TenantId, At = head.At, Data = head.Data });
            var result = await sender.SendAsync(webhook.Url, secret, head.EventId, body, ct);
            now = clock.NowMicros();
            if (result.Delivered)
            {
                await store.AttemptedAsync(head.Id, true, result.Status, null, now, now, ct);
                worked = true;
                continue;
            }

            if (now - (head.FirstAttemptAt ?? now) >= Micros(o.GiveUpAfter))
            {
                var reason = $"Deliveries failed for {o.GiveUpAfter} (last: {result.Error}); enable the webhook again to resume.";
                await store.GiveUpAsync(id, _instance, head.Id, result.Status, result.Error!, reason, Notice(webhook, reason), now, ct);
                LogDisabled(log, id, result.Error!);
                return true;
            }

            var delay = Backoff(o, head.Attempts + 1);
            await store.AttemptedAsync(head.Id, false, result.Status, result.Error, now, now + Micros(delay), ct);
            LogRetry(log, id, head.EventId, head.Attempts + 1, result.Error!, delay);
            break;
        }

        await store.ReleaseAsync(id, _instance, CancellationToken.None);
        return worked;
    }

    /// <summary>RetryDelay after the first failure, doubled after each further one, at most MaxRetryDelay.</summary>
    public static TimeSpan Backoff(WebhookOptions o, int attempts)
    {
        var delay = o.RetryDelay * Math.Pow(2, Math.Min(attempts - 1, 30));
        return delay > o.MaxRetryDelay ? o.MaxRetryDelay : delay;
    }

    /// <summary>The audit record (and so the event) of a webhook the worker disabled; the actor is the webhook itself.</summary>
    private static AuditEntry Notice(ClaimedWebhook w, string reason) =>
        new(new Caller(w.Id, PrincipalKind.Client, w.TenantId, 0, w.RootPath), "webhook.disable", "webhook", w.Id, w.RootPath,
            new Dictionary<string, object?> { ["enabled"] = true },
            new Dictionary<string, object?> { ["enabled"] = false, ["disabled_reason"] = reason });

    private static long Micros(TimeSpan t) => (long)t.TotalMicroseconds;

    [LoggerMessage(Level = LogLevel.Warning, Message = "Webhook {WebhookId}: event {EventId} not delivered (attempt {Attempt}): {Error}. Next attempt in {Delay}.")]
    private static partial void LogRetry(ILogger logger, string webhookId, string eventId, int attempt, string error, TimeSpan delay);

    [LoggerMessage(Level = LogLevel.Error, Message = "Webhook {WebhookId} disabled: deliveries failed for too long ({Error}).")]
    private static partial void LogDisabled(ILogger logger, string webhookId, string error);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Webhooks: the store could not be read or written; trying again later.")]
    private static partial void LogStoreFault(ILogger logger, Exception e);
}
