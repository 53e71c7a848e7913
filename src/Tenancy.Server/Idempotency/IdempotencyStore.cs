namespace Tenancy.Server.Idempotency;

/// <summary>One principal's key for one method and path.</summary>
public sealed record KeyScope(string Principal, string Method, string Path, string Key);

/// <summary>A key as stored: its request's hash and, once the request ended, its answer (Status null: in progress).</summary>
public sealed record KeyRow
{
    public string BodyHash { get; init; } = "";
    public int? Status { get; init; }
    public string? Headers { get; init; }
    public byte[]? Body { get; init; }
    public bool AnswerWithheld { get; init; }
    public long CreatedAt { get; init; }
}

/// <summary>
/// The idempotency keys (table idempotency_keys): claimed by one conditional insert, so of concurrent
/// requests with one key exactly one runs, on any instance; answered when that request ends.
/// </summary>
public sealed class IdempotencyStore(Database db)
{
    private const string Match = "principal = @Principal AND method = @Method AND path = @Path AND idempotency_key = @Key";

    /// <summary>Claims the key for a new request; null when claimed, else the row that holds it (expired rows do not).</summary>
    public async Task<KeyRow?> ClaimAsync(KeyScope scope, string bodyHash, long now, long expiresAt, CancellationToken ct = default)
    {
        var args = new DynamicParameters(scope);
        args.AddDynamicParams(new { bodyHash, now, expiresAt });
        await using var c = await db.OpenWriteAsync(ct);
        await c.ExecuteAsync(new CommandDefinition($"DELETE FROM idempotency_keys WHERE {Match} AND expires_at <= @now", args, cancellationToken: ct));
        var inserted = await c.ExecuteAsync(new CommandDefinition(
            "INSERT INTO idempotency_keys (principal, method, path, idempotency_key, body_hash, created_at, expires_at) " +
            "VALUES (@Principal, @Method, @Path, @Key, @bodyHash, @now, @expiresAt) ON CONFLICT DO NOTHING", args, cancellationToken: ct));
        return inserted == 1 ? null : await GetAsync(scope, ct) ?? new KeyRow { BodyHash = bodyHash, Status = null, CreatedAt = now };
    }

    public async Task<KeyRow?> GetAsync(KeyScope scope, CancellationToken ct = default)
    {
        await using var c = await db.OpenAsync(ct);
        return await c.QuerySingleOrDefaultAsync<KeyRow>(new CommandDefinition(
            $"SELECT body_hash, status, headers, body, answer_withheld, created_at FROM idempotency_keys WHERE {Match}", scope, cancellationToken: ct));
    }

    /// <summary>Records the answer of the request that holds the key.</summary>
    public async Task AnswerAsync(KeyScope scope, int status, string headers, byte[]? body, bool withheld, CancellationToken ct = default)
    {
        var args = new DynamicParameters(scope);
        args.AddDynamicParams(new { status, headers, body, withheld });
        await using var c = await db.OpenWriteAsync(ct);
        await c.ExecuteAsync(new CommandDefinition(
            $"UPDATE idempotency_keys SET status = @status, headers = @headers, body = @body, answer_withheld = @withheld WHERE {Match}",
            args, cancellationToken: ct));
    }

    /// <summary>Gives a key back (its request failed, or was abandoned at <paramref name="claimedAt"/>): a retry runs again.</summary>
    public async Task ReleaseAsync(KeyScope scope, long? claimedAt = null, CancellationToken ct = default)
    {
        var args = new DynamicParameters(scope);
        args.AddDynamicParams(new { claimedAt });
        await using var c = await db.OpenWriteAsync(ct);
        await c.ExecuteAsync(new CommandDefinition(
            $"DELETE FROM idempotency_keys WHERE {Match} AND status IS NULL" + (claimedAt is null ? "" : " AND created_at = @claimedAt"),
            args, cancellationToken: ct));
    }

    /// <summary>Removes the keys past their lifetime.</summary>
    public async Task<int> CleanAsync(long now, CancellationToken ct = default)
    {
        await using var c = await db.OpenWriteAsync(ct);
        return await c.ExecuteAsync(new CommandDefinition(
            "DELETE FROM idempotency_keys WHERE expires_at <= @now", new { now }, cancellationToken: ct));
    }
}

/// <summary>Removes expired idempotency keys now and then (every instance may; the delete is idempotent).</summary>
public sealed class IdempotencyCleaner(IdempotencyStore store, TimeProvider clock, Microsoft.Extensions.Options.IOptions<IdempotencyOptions> options, ILogger<IdempotencyCleaner> log)
    : BackgroundService
{
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        using var timer = new PeriodicTimer(options.Value.CleanupEvery, clock);
        do
        {
            try
            {
                await store.CleanAsync(clock.NowMicros(), stoppingToken);
            }
            catch (Exception e) when (Database.IsUnavailable(e))
            {
                log.LogWarning("Expired idempotency keys could not be removed now: {Message}", e.Message);
            }
        }
        while (await timer.WaitForNextTickAsync(stoppingToken));
    }
}
