using Npgsql;

namespace Tenancy.Server.Storage.Caching;

/// <summary>
/// PostgreSQL only: listens on the channel "tenancy_cache", where statement-level triggers (migration 0017)
/// notify every change to cached data. PostgreSQL delivers a notification only once its transaction has
/// committed; each one bumps the epoch of <see cref="CacheGenerations"/>. One dedicated connection
/// (application_name tenancy-cache-listener). While it is not listening (start, a fault) nothing is served
/// from the cache; when it listens again the epoch is bumped once, since notifications sent meanwhile are lost.
/// </summary>
public sealed class CacheListener(Database db, CacheGenerations generations, ILogger<CacheListener> log) : BackgroundService
{
    public const string Channel = "tenancy_cache";
    public const string ApplicationName = "tenancy-cache-listener";

    private static readonly TimeSpan FirstPause = TimeSpan.FromMilliseconds(100);
    private static readonly TimeSpan LongestPause = TimeSpan.FromSeconds(5);

    /// <summary>The server process of the listening connection (0 when none): what an operator would terminate.</summary>
    public int BackendPid { get; private set; }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        if (db.Provider != StorageProvider.Postgres)
        {
            return;
        }

        var connectionString = new NpgsqlConnectionStringBuilder(db.ConnectionString)
        {
            Pooling = false,
            ApplicationName = ApplicationName,
            // A silently dead connection is noticed within seconds (a terminated one at once).
            KeepAlive = 5,
        }.ConnectionString;
        var pause = FirstPause;
        while (!stoppingToken.IsCancellationRequested)
        {
            try
            {
                await ListenAsync(connectionString, stoppingToken);
            }
            catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
            {
                return;
            }
            catch (Exception e)
            {
                log.LogWarning("The cache listener lost its connection ({Error}); reads go to the store until it listens again.", e.Message);
            }
            finally
            {
                // It was listening: a fresh fault, so try again soon.
                if (generations.Trusted)
                {
                    pause = FirstPause;
                }

                BackendPid = 0;
                generations.Deaf();
            }

            try
            {
                await Task.Delay(pause, stoppingToken);
            }
            catch (OperationCanceledException)
            {
                return;
            }

            pause = TimeSpan.FromTicks(Math.Min(pause.Ticks * 2, LongestPause.Ticks));
        }
    }

    private async Task ListenAsync(string connectionString, CancellationToken ct)
    {
        await using var connection = new NpgsqlConnection(connectionString);
        connection.Notification += (_, _) => generations.Notified();
        await connection.OpenAsync(ct);
        await using (var listen = new NpgsqlCommand($"LISTEN {Channel}", connection))
        {
            await listen.ExecuteNonQueryAsync(ct);
        }

        BackendPid = connection.ProcessID;
        generations.Listening();
        log.LogInformation("The cache listener is listening on {Channel}.", Channel);
        while (true)
        {
            await connection.WaitAsync(ct);
        }
    }
}
