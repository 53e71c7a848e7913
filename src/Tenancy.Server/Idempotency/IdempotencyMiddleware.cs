using System.Security.Cryptography;
using System.Text.Json;
using Microsoft.Extensions.Options;

namespace Tenancy.Server.Idempotency;

/// <summary>
/// Idempotency-Key on every POST, PUT and DELETE of both dialects, in one place. The first request with a
/// key claims it in the store and runs; its answer (status, Location, ETag, Content-Type and body) is
/// kept for <see cref="IdempotencyOptions.Lifetime"/>, and a retry with the same key, method, path, query
/// and body gets that answer without running again (marked Idempotent-Replayed: true). The same key with
/// another query or body is refused (422). A duplicate that arrives while the first still runs waits for its
/// answer up to <see cref="IdempotencyOptions.WaitFor"/>, then gets 409. Keys belong to the principal that
/// sent them. A request that fails with a server error (5xx) releases its key, so a retry runs again.
/// Endpoints whose request or answer carries a secret say what may be kept (<see cref="AnswerKept"/>).
/// </summary>
public sealed class IdempotencyMiddleware(
    RequestDelegate next, IdempotencyStore store, TimeProvider clock, IOptions<IdempotencyOptions> options)
{
    public const string Header = "Idempotency-Key";
    public const string ReplayedHeader = "Idempotent-Replayed";
    public const int MaxKeyLength = 255;

    /// <summary>The answer headers a replay repeats.</summary>
    private static readonly string[] KeptHeaders = ["Location", "ETag", "Content-Type"];

    public async Task InvokeAsync(HttpContext context)
    {
        var key = context.Request.Headers[Header].ToString();
        var method = context.Request.Method;
        var kept = context.GetEndpoint()?.Metadata.GetMetadata<KeptAnswer>()?.Kept ?? AnswerKept.Whole;
        if (key.Length == 0 || !(HttpMethods.IsPost(method) || HttpMethods.IsPut(method) || HttpMethods.IsDelete(method))
            || kept == AnswerKept.Nothing || CallerIdentity.Of(context.User) is not { } caller)
        {
            await next(context);
            return;
        }

        if (key.Length > MaxKeyLength || key.Any(char.IsControl))
        {
            await Dialect.WriteAsync(context, new Invalid(Header, $"{Header} must be 1 to {MaxKeyLength} printable characters (a UUID is a good choice)."));
            return;
        }

        var scope = new KeyScope(Principal(caller), method.ToUpperInvariant(), context.Request.Path.Value ?? "/", key);
        var hash = await HashAsync(context.Request);
        var waitUntil = clock.GetUtcNow() + options.Value.WaitFor;
        while (true)
        {
            var now = clock.NowMicros();
            var held = await store.ClaimAsync(scope, hash, now, now + (long)options.Value.Lifetime.TotalMicroseconds, context.RequestAborted);
            if (held is null)
            {
                await RunAsync(context, scope, kept);
                return;
            }

            if (held.BodyHash != hash)
            {
                await Dialect.WriteAsync(context, new KeyReused(
                    $"The {Header} '{key}' was first used with another request (another body or query); use a new key for a new request."));
                return;
            }

            if (held.Status is { } status)
            {
                await ReplayAsync(context, held, status);
                return;
            }

            if (now - held.CreatedAt > (long)options.Value.AbandonedAfter.TotalMicroseconds)
            {
                await store.ReleaseAsync(scope, held.CreatedAt, context.RequestAborted);
                continue;
            }

            if (clock.GetUtcNow() >= waitUntil)
            {
                await Dialect.WriteAsync(context, new KeyConflict(
                    $"A request with the {Header} '{key}' is still in progress; retry later to get its answer."));
                return;
            }

            await Task.Delay(TimeSpan.FromMilliseconds(50), clock, context.RequestAborted);
        }
    }

    private async Task RunAsync(HttpContext context, KeyScope scope, AnswerKept kept)
    {
        var original = context.Response.Body;
        using var buffer = new MemoryStream();
        context.Response.Body = buffer;
        try
        {
            await next(context);
        }
        catch
        {
            context.Response.Body = original;
            await store.ReleaseAsync(scope, ct: CancellationToken.None);
            throw;
        }

        context.Response.Body = original;
        var status = context.Response.StatusCode;
        if (status >= 500)
        {
            await store.ReleaseAsync(scope, ct: CancellationToken.None);
        }
        else
        {
            var withheld = kept == AnswerKept.WithoutBody && status < 300;
            var headers = KeptHeaders
                .Where(h => context.Response.Headers.ContainsKey(h) && !(withheld && h != "Location"))
                .ToDictionary(h => h, h => context.Response.Headers[h].ToString());
            await store.AnswerAsync(scope, status, JsonSerializer.Serialize(headers), withheld ? null : buffer.ToArray(), withheld, CancellationToken.None);
        }

        buffer.Position = 0;
        await buffer.CopyToAsync(original, context.RequestAborted);
    }

    private static async Task ReplayAsync(HttpContext context, KeyRow held, int status)
    {
        var headers = JsonSerializer.Deserialize<Dictionary<string, string>>(held.Headers ?? "{}") ?? [];
        if (held.AnswerWithheld)
        {
            // The first answer carried a secret shown once: say what was created, never run it again.
            context.Response.Headers.Location = headers.GetValueOrDefault("Location");
            await Dialect.WriteAsync(context, new KeyConflict(
                $"This {Header} already created {headers.GetValueOrDefault("Location") ?? "the object"}; its answer held a secret shown only once " +
                "and is not kept. If the secret was lost, reset it (POST /api/2/clients/{client_id}/secret)."));
            return;
        }

        context.Response.StatusCode = status;
        foreach (var (name, value) in headers)
        {
            context.Response.Headers[name] = value;
        }

        context.Response.Headers[ReplayedHeader] = "true";
        if (held.Body is { Length: > 0 } body)
        {
            await context.Response.Body.WriteAsync(body, context.RequestAborted);
        }
    }

    /// <summary>Who the key belongs to: the principal, and the admin behind an impersonation session.</summary>
    private static string Principal(Caller caller) =>
        $"{caller.ActorType}:{caller.Id}" + (caller.Impersonator is { } admin ? $"|{admin}" : "");

    /// <summary>SHA-256 of the query string and the body: what "the same request" means.</summary>
    private static async Task<string> HashAsync(HttpRequest request)
    {
        request.EnableBuffering();
        using var sha = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        sha.AppendData(System.Text.Encoding.UTF8.GetBytes((request.QueryString.Value ?? "") + "\n"));
        var chunk = new byte[16 * 1024];
        int read;
        while ((read = await request.Body.ReadAsync(chunk, request.HttpContext.RequestAborted)) > 0)
        {
            sha.AppendData(chunk, 0, read);
        }

        request.Body.Position = 0;
        return Convert.ToHexStringLower(sha.GetHashAndReset());
    }
}

public static class IdempotencySetup
{
    public static IServiceCollection AddTenancyIdempotency(this IServiceCollection services, IConfiguration configuration)
    {
        services.Configure<IdempotencyOptions>(configuration.GetSection(IdempotencyOptions.Section));
        services.AddSingleton<IdempotencyStore>();
        services.AddHostedService<IdempotencyCleaner>();
        return services;
    }

    /// <summary>After authorization: a key belongs to the principal, and a refused request claims none.</summary>
    public static IApplicationBuilder UseIdempotency(this IApplicationBuilder app) => app.UseMiddleware<IdempotencyMiddleware>();
}
