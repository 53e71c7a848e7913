using Microsoft.Extensions.Options;
using Tenancy.Server.Catalog;

namespace Tenancy.Server.Reports;

/// <summary>Tenancy:Reports: the report producer of this instance.</summary>
public sealed class ReportOptions
{
    public const string Section = "Tenancy:Reports";

    /// <summary>False: this instance produces no reports (another instance on the same store does).</summary>
    public bool Worker { get; set; } = true;

    /// <summary>How often the producer looks for work created by other instances and for due monthly runs.</summary>
    public TimeSpan PollInterval { get; set; } = TimeSpan.FromSeconds(1);

    /// <summary>How long a claim holds; a claim of an instance that died is taken again after it.</summary>
    public TimeSpan Lease { get; set; } = TimeSpan.FromMinutes(5);
}

/// <summary>Wakes this instance's producer when a report is created here, so it need not wait for the next poll.</summary>
public sealed class ReportSignal : IDisposable
{
    private readonly SemaphoreSlim _wake = new(0, 1);

    public void Wake()
    {
        try
        {
            _wake.Release();
        }
        catch (SemaphoreFullException)
        {
            // Already awake.
        }
    }

    public Task<bool> WaitAsync(TimeSpan timeout, CancellationToken ct) => _wake.WaitAsync(timeout, ct);

    public void Dispose() => _wake.Dispose();
}

/// <summary>
/// Produces report files in the background, durably: the work is the pending rows of stored_reports, so
/// what was pending when an instance stopped is produced after any instance starts. Each file is claimed
/// with a lease (<see cref="ReportStore.ClaimAsync"/>), so with several instances on one store exactly one
/// produces it, and the claim of an instance that died runs out and is taken again. Due monthly runs are
/// taken the same way (<see cref="ReportStore.TakeRunAsync"/>). "Now" comes from the injected TimeProvider.
/// </summary>
public sealed class ReportWorker(
    ReportStore store, TenantService tenants, ReportScope scope, UsageSource usage, ServiceCatalog catalog,
    ReportSignal signal, TimeProvider clock, IOptions<ReportOptions> options, ILogger<ReportWorker> log) : BackgroundService
{
    /// <summary>This instance's name on its claims.</summary>
    public string Instance { get; } = $"{Environment.MachineName}/{Environment.ProcessId}/{Guid.NewGuid():N}";

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        if (!options.Value.Worker)
        {
            return;
        }

        while (!stoppingToken.IsCancellationRequested)
        {
            try
            {
                await RunOnceAsync(stoppingToken);
            }
            catch (Exception e) when (e is not OperationCanceledException && Database.IsUnavailable(e))
            {
                // The store may be away for a while (a restart, a failover); the work stays pending and is retried.
                log.LogWarning("Producing reports: the store is unavailable ({Reason}); retrying in {Interval}", e.Message, options.Value.PollInterval);
            }
            catch (Exception e) when (e is not OperationCanceledException)
            {
                log.LogError(e, "Producing reports failed; retrying in {Interval}", options.Value.PollInterval);
            }

            try
            {
                await signal.WaitAsync(options.Value.PollInterval, stoppingToken);
            }
            catch (OperationCanceledException)
            {
                return;
            }
        }
    }

    /// <summary>Takes the due monthly runs, then produces every pending file it can claim.</summary>
    public async Task RunOnceAsync(CancellationToken ct)
    {
        await ScheduleAsync(ct);
        while (await store.ClaimAsync(Instance, clock.NowMicros(), clock.NowMicros() + (long)options.Value.Lease.TotalMicroseconds, ct) is { } file)
        {
            await ProduceAsync(file, ct);
        }
    }

    private async Task ScheduleAsync(CancellationToken ct)
    {
        var now = clock.NowMicros();
        foreach (var report in await store.DueAsync(now, ct))
        {
            // The run due on the first of a month covers the month before; runs missed while no instance ran
            // are not made up one by one: the next run is the first of the month after now.
            var due = DateOnly.FromDateTime(DateTimeOffset.FromUnixTimeMilliseconds(report.NextRunAt!.Value / 1000).UtcDateTime);
            var period = new ReportPeriod(due.AddMonths(-1), due.AddDays(-1));
            var next = ReportService.NextMonth(ReportPeriod.Today(clock));
            if (await store.TakeRunAsync(report, report.NextRunAt.Value, ReportPeriod.Micros(next), ReportPeriod.Format(next),
                ReportService.Pending(report, period, now), ct))
            {
                log.LogInformation("Monthly report {Report} due: producing {Start}..{End}", report.Id, period.Start, period.End);
            }
        }
    }

    private async Task ProduceAsync(StoredReport file, CancellationToken ct)
    {
        byte[]? content = null;
        try
        {
            content = await ContentAsync(file, ct);
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            log.LogError(e, "Report file {File} could not be produced", file.Id);
        }

        await store.CompleteAsync(file.Id, Instance, content is null ? ReportValues.Failed : ReportValues.Saved, content, clock.NowMicros(), ct);
    }

    /// <summary>The file's content; null when the report or its tenant is gone.</summary>
    private async Task<byte[]?> ContentAsync(StoredReport file, CancellationToken ct)
    {
        if (await store.GetAsync(file.ReportId, ct) is not { } report || await tenants.PlaceAsync(report.TenantId, ct) is not { } placed)
        {
            return null;
        }

        var period = new ReportPeriod(ReportPeriod.Parse(file.PeriodStart)!.Value, ReportPeriod.Parse(file.PeriodEnd)!.Value);
        var current = report.Kind == ReportValues.UsageCurrent;
        var records = await usage.ReadAsync(placed.Tenant, current ? null : period, ct);
        var shown = await scope.TenantsAsync(placed.Tenant, withDeleted: !current, ct);
        var lines = ReportRows.Build(report.Level, report.HideZeroUsage, shown, records, catalog);
        return ReportFiles.Write(file.Format, report, period, lines);
    }
}
