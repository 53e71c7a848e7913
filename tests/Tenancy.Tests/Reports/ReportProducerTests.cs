using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Tenancy.Server.Reports;
using Tenancy.Server.Storage;

namespace Tenancy.Tests.Reports;

/// <summary>
/// The background producer: durable across restarts, one producer per file with several instances, claims
/// of dead instances taken again, monthly runs when due. No test waits on a clock: a producer run is
/// either awaited directly (<see cref="ReportWorker.RunOnceAsync"/>) or polled for until its file is saved.
/// </summary>
public abstract class ReportProducerTests(StorageProvider provider) : ReportTest(provider)
{
    private static readonly Dictionary<string, string?> Idle = new() { ["Tenancy:Reports:Worker"] = "false" };

    /// <summary>Each test starts the servers it needs on a store of its own.</summary>
    public override ValueTask InitializeAsync() => ValueTask.CompletedTask;

    [Fact]
    public async Task AReportPendingWhenTheServerStopped_IsProducedAfterItStartsAgain()
    {
        await using var store = TestStore.Create(Provider);
        string partnerId, reportId, clientId, secret;
        await using (var first = TenancyServer.Start(store, Idle))
        {
            var root = await first.RootAsync();
            var partner = await root.CreateTenantAsync(await root.OwnTenantIdAsync(), "partner");
            partnerId = partner.Str("id");
            var admin = await root.CreateClientAndLoginAsync(partnerId);
            (clientId, secret) = (admin.ClientId, admin.Secret);
            await CustomerWithUsageAsync(admin, partnerId, "Kept", ("standard", 3));
            reportId = (await admin.PostJsonAsync("/api/2/reports", Body(partnerId, hideZero: true)).ExpectAsync(HttpStatusCode.OK)).Str("id");
            var pending = await admin.GetAsync($"/api/2/reports/{reportId}/stored").ExpectAsync(HttpStatusCode.OK);
            Assert.Equal("in_progress", pending.GetProperty("items")[0].Str("status"));
        }

        await using var second = TenancyServer.Start(store);
        var again = await second.LoginAsync(clientId, secret);
        var stored = await WaitSavedAsync(again, reportId);
        var (_, csv) = await DownloadAsync(again, reportId, stored[0].Str("id"));

        Assert.Equal(["Kept,standard,3"], Lines(csv));
    }

    [Fact]
    public async Task AClaimWhoseLeaseRanOut_IsTakenAgain_ALiveOneIsNot()
    {
        await using var server = TenancyServer.Start(TestStore.Create(Provider), Idle, owned: true);
        var root = await server.RootAsync();
        var rootId = await root.OwnTenantIdAsync();
        var reportId = (await root.PostJsonAsync("/api/2/reports", Body(rootId)).ExpectAsync(HttpStatusCode.OK)).Str("id");
        var worker = Worker(server);

        await SetClaimAsync(server, reportId, DateTimeOffset.UtcNow.AddHours(1));
        await worker.RunOnceAsync(TestContext.Current.CancellationToken);
        var held = await server.StoredRowAsync("SELECT status, claimed_by FROM stored_reports WHERE report_id = @id", "id", reportId);
        await SetClaimAsync(server, reportId, DateTimeOffset.UtcNow.AddHours(-1));
        await worker.RunOnceAsync(TestContext.Current.CancellationToken);
        var taken = await server.StoredRowAsync("SELECT status, claimed_by, claims FROM stored_reports WHERE report_id = @id", "id", reportId);

        Assert.Equal(["status=in_progress", "claimed_by=a-dead-instance"], held!);
        Assert.Equal(["status=saved", $"claimed_by={worker.Instance}", "claims=3"], taken!);
    }

    [Fact]
    public async Task TwoInstancesOnOneStore_ProduceEachFileExactlyOnce()
    {
        await using var store = TestStore.Create(Provider);
        await using var a = TenancyServer.Start(store);
        await using var b = TenancyServer.Start(store);
        var onA = await a.RootAsync();
        var rootId = await onA.OwnTenantIdAsync();
        var onB = await b.LoginAsync(TenancyServer.RootClientId, a.RootSecret);

        var ids = new List<string>();
        for (var i = 0; i < 6; i++)
        {
            var api = i % 2 == 0 ? onA : onB;
            ids.Add((await api.PostJsonAsync("/api/2/reports", Body(rootId, format: i % 3 == 0 ? "json_v2_0" : "csv_v2_0")).ExpectAsync(HttpStatusCode.OK)).Str("id"));
        }

        foreach (var id in ids)
        {
            await WaitSavedAsync(onA, id);
        }

        await using var c = await a.OpenStoreAsync();
        await using var command = c.CreateCommand();
        command.CommandText = "SELECT claims, status FROM stored_reports";
        await using var reader = await command.ExecuteReaderAsync(TestContext.Current.CancellationToken);
        var rows = new List<string>();
        while (await reader.ReadAsync(TestContext.Current.CancellationToken))
        {
            rows.Add($"{Convert.ToInt64(reader.GetValue(0), System.Globalization.CultureInfo.InvariantCulture)} {reader.GetString(1)}");
        }

        Assert.Equal(Enumerable.Repeat("1 saved", 6), rows);
    }

    [Fact]
    public async Task AMonthlyReport_IsProducedOnceWhenDue_ForTheMonthBefore()
    {
        await using var server = TenancyServer.Start(TestStore.Create(Provider), Idle, owned: true);
        var root = await server.RootAsync();
        var rootId = await root.OwnTenantIdAsync();
        var report = await root.PostJsonAsync("/api/2/reports", Body(rootId, kind: "usage_summary", schedule: "monthly")).ExpectAsync(HttpStatusCode.OK);
        var id = report.Str("id");
        var now = DateTimeOffset.UtcNow;
        var due = new DateTimeOffset(now.Year, now.Month, 1, 0, 0, 0, TimeSpan.Zero).AddMonths(1);

        await Worker(server, new Clock(due.AddSeconds(-1))).RunOnceAsync(TestContext.Current.CancellationToken);
        var before = await root.GetAsync($"/api/2/reports/{id}/stored").ExpectAsync(HttpStatusCode.OK);
        var onTime = Worker(server, new Clock(due.AddHours(1)));
        await onTime.RunOnceAsync(TestContext.Current.CancellationToken);
        await onTime.RunOnceAsync(TestContext.Current.CancellationToken);
        var after = await root.GetAsync($"/api/2/reports/{id}/stored").ExpectAsync(HttpStatusCode.OK);
        var read = await root.GetAsync($"/api/2/reports/{id}").ExpectAsync(HttpStatusCode.OK);

        Assert.Equal(due.ToString("yyyy-MM-dd"), report.Str("generation_date"));
        Assert.Empty(before.GetProperty("items").EnumerateArray());
        var file = Assert.Single(after.GetProperty("items").EnumerateArray());
        Assert.Equal("saved", file.Str("status"));
        var (_, csv) = await DownloadAsync(root, id, file.Str("id"));
        var lastDay = due.AddDays(-1).ToString("yyyy-MM-dd");
        Assert.StartsWith("period_start,", csv, StringComparison.Ordinal);
        Assert.Equal(due.AddMonths(1).ToString("yyyy-MM-dd"), read.Str("generation_date"));
        var row = await server.StoredRowAsync("SELECT period_start, period_end FROM stored_reports WHERE id = @id", "id", file.Str("id"));
        Assert.Equal([$"period_start={now:yyyy-MM}-01", $"period_end={lastDay}"], row!);
    }

    /// <summary>A producer of the server's own services, run by the test (the server's own is off).</summary>
    private static ReportWorker Worker(TenancyServer server, TimeProvider? clock = null)
    {
        var own = server.Services.GetServices<IHostedService>().OfType<ReportWorker>().Single();
        return clock is null ? own : ActivatorUtilities.CreateInstance<ReportWorker>(server.Services, clock);
    }

    private static async Task SetClaimAsync(TenancyServer server, string reportId, DateTimeOffset leaseUntil)
    {
        await using var c = await server.OpenStoreAsync();
        await using var command = c.CreateCommand();
        command.CommandText = "UPDATE stored_reports SET claimed_by = 'a-dead-instance', lease_until = @until, claims = claims + 1 WHERE report_id = @id";
        AddParameter(command, "until", (leaseUntil - DateTimeOffset.UnixEpoch).Ticks / 10);
        AddParameter(command, "id", reportId);
        await command.ExecuteNonQueryAsync(TestContext.Current.CancellationToken);
    }

    private static void AddParameter(System.Data.Common.DbCommand command, string name, object value)
    {
        var p = command.CreateParameter();
        p.ParameterName = name;
        p.Value = value;
        command.Parameters.Add(p);
    }

    /// <summary>A clock standing still at <paramref name="now"/>.</summary>
    private sealed class Clock(DateTimeOffset now) : TimeProvider
    {
        public override DateTimeOffset GetUtcNow() => now;
    }
}

public sealed class ReportProducerTestsSqlite() : ReportProducerTests(StorageProvider.Sqlite);

public sealed class ReportProducerTestsPostgres() : ReportProducerTests(StorageProvider.Postgres);
