using System.Collections.Concurrent;
using System.Security.Cryptography;
using Microsoft.Extensions.Options;
using Microsoft.IdentityModel.Tokens;

namespace Tenancy.Server.Auth;

/// <summary>
/// RSA signing keys kept in the store, so every instance on the same store signs and verifies alike.
/// The newest key signs; older keys verify until their last token has expired.
/// </summary>
public sealed class SigningKeys(Database db, IOptions<TokenOptions> options, TimeProvider clock) : IDisposable
{
    private readonly ConcurrentDictionary<string, RsaSecurityKey> _keys = new();
    private readonly SemaphoreSlim _gate = new(1, 1);
    private volatile StoredKey? _current;

    private sealed record StoredKey(string Kid, string PrivateKey, long CreatedAt, long RetireAt);

    public void Dispose() => _gate.Dispose();

    /// <summary>Loads the keys, making a new signing key when none is young enough.</summary>
    public async Task<SigningCredentials> CurrentAsync(CancellationToken ct = default)
    {
        var now = clock.GetUtcNow().ToUnixTimeSeconds();
        var current = _current;
        if (current is null || current.CreatedAt + (long)options.Value.KeyRotation.TotalSeconds <= now)
        {
            await _gate.WaitAsync(ct);
            try
            {
                current = await LoadAsync(now, ct);
            }
            finally
            {
                _gate.Release();
            }
        }

        return new SigningCredentials(_keys[current.Kid], SecurityAlgorithms.RsaSha256);
    }

    /// <summary>The key with this id, loading from the store when another instance made it.</summary>
    public IEnumerable<SecurityKey> Resolve(string? kid)
    {
        if (kid is null)
        {
            return [];
        }

        if (!_keys.TryGetValue(kid, out var key))
        {
            // A key this instance has not seen yet: another instance rotated. Rare, so a blocking read is fine.
            _gate.Wait();
            try
            {
                LoadAsync(clock.GetUtcNow().ToUnixTimeSeconds(), CancellationToken.None).GetAwaiter().GetResult();
            }
            finally
            {
                _gate.Release();
            }

            _keys.TryGetValue(kid, out key);
        }

        return key is null ? [] : [key];
    }

    /// <summary>The public halves, as a JWKS (RFC 7517).</summary>
    public async Task<object> JwksAsync(CancellationToken ct = default)
    {
        await CurrentAsync(ct);
        return new
        {
            keys = _keys.Values.Select(k =>
            {
                var p = k.Rsa.ExportParameters(false);
                return new
                {
                    kty = "RSA",
                    use = "sig",
                    alg = "RS256",
                    kid = k.KeyId,
                    n = Base64UrlEncoder.Encode(p.Modulus),
                    e = Base64UrlEncoder.Encode(p.Exponent),
                };
            }).ToArray(),
        };
    }

    private async Task<StoredKey> LoadAsync(long now, CancellationToken ct)
    {
        var rotation = (long)options.Value.KeyRotation.TotalSeconds;
        await using var c = await db.OpenAsync(ct);
        var stored = (await c.QueryAsync<StoredKey>(new CommandDefinition(
            "SELECT kid AS Kid, private_key AS PrivateKey, created_at AS CreatedAt, retire_at AS RetireAt " +
            "FROM signing_keys WHERE retire_at > @now ORDER BY created_at DESC", new { now }, cancellationToken: ct))).AsList();

        var newest = stored.FirstOrDefault();
        if (newest is null || newest.CreatedAt + rotation <= now)
        {
            using var rsa = RSA.Create(2048);
            newest = new StoredKey(
                Guid.NewGuid().ToString("N"),
                Convert.ToBase64String(rsa.ExportPkcs8PrivateKey()),
                now,
                now + rotation + (long)options.Value.TokenLifetime.TotalSeconds + 3600);
            await using var w = await db.OpenWriteAsync(ct);
            await w.ExecuteAsync(new CommandDefinition(
                "INSERT INTO signing_keys (kid, algorithm, private_key, created_at, retire_at) " +
                "VALUES (@Kid, 'RS256', @PrivateKey, @CreatedAt, @RetireAt)", newest, cancellationToken: ct));
            stored.Insert(0, newest);
        }

        foreach (var key in stored)
        {
            _keys.GetOrAdd(key.Kid, kid =>
            {
                var rsa = RSA.Create();
                rsa.ImportPkcs8PrivateKey(Convert.FromBase64String(key.PrivateKey), out _);
                return new RsaSecurityKey(rsa) { KeyId = kid };
            });
        }

        foreach (var retired in _keys.Keys.Except(stored.Select(k => k.Kid)))
        {
            _keys.TryRemove(retired, out _);
        }

        _current = newest;
        return newest;
    }
}
