using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using Microsoft.AspNetCore.Identity;
using Microsoft.Extensions.Options;

namespace Tenancy.Server.Users;

/// <summary>Bound from "Tenancy:Passwords".</summary>
public sealed class PasswordOptions
{
    public const string Section = "Tenancy:Passwords";

    /// <summary>
    /// PBKDF2-HMAC-SHA512 iterations for new hashes (OWASP Password Storage Cheat Sheet: 210,000).
    /// Raising it rehashes each password at its next successful login.
    /// </summary>
    public int Iterations { get; set; } = 210_000;
}

public enum PasswordCheck
{
    Wrong,
    Right,

    /// <summary>Right, but hashed with older parameters: store a fresh hash.</summary>
    RightRehash,
}

/// <summary>
/// The one hasher for user passwords and API client secrets, ASP.NET Core Identity's
/// <see cref="PasswordHasher{TUser}"/> (format v3: PBKDF2-HMAC-SHA512, 128-bit salt, iteration count
/// stored in the hash, so raising the cost never invalidates a stored hash), and the password policy.
/// Passwords and operator-chosen secrets cost <see cref="PasswordOptions.Iterations"/>. Secrets the
/// server generates carry 256 bits of entropy, for which key stretching adds nothing (NIST SP 800-63B
/// 5.1.1.2 targets low-entropy secrets), so they are hashed with one iteration and token issuance and
/// HTTP Basic stay cheap. Hashes of an earlier version ("pbkdf2-sha256$iterations$salt$hash") still verify.
/// </summary>
public sealed class Passwords(IOptions<PasswordOptions> options)
{
    public const int MinLength = 12;
    public const int MaxLength = 128;

    private const string LegacyPrefix = "pbkdf2-sha256$";

    private static readonly PasswordHasher<User> Generated = new(Options.Create(new PasswordHasherOptions
    {
        CompatibilityMode = PasswordHasherCompatibilityMode.IdentityV3,
        IterationCount = 1,
    }));

    private readonly PasswordHasher<User> _hasher = new(Options.Create(new PasswordHasherOptions
    {
        CompatibilityMode = PasswordHasherCompatibilityMode.IdentityV3,
        IterationCount = options.Value.Iterations,
    }));

    // Verified against when no user has the login, so that a wrong login costs as much as a wrong password.
    private string? _decoy;

    /// <summary>A new API client secret: 256 random bits, as hex.</summary>
    public static string NewSecret() => Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(32));

    /// <summary>The hash of a secret from <see cref="NewSecret"/> (one iteration, see above).</summary>
    public static string HashGenerated(string secret) => Generated.HashPassword(null!, secret);

    /// <summary>The hash of a password or of a secret someone chose, at the configured cost.</summary>
    public string Hash(string password) => _hasher.HashPassword(null!, password);

    /// <summary>
    /// Checks a password or secret against its stored hash. <see cref="PasswordCheck.RightRehash"/> says
    /// the hash is cheaper than the configured cost or of the earlier format (a password is then
    /// rehashed at login; a generated secret's single iteration is on purpose).
    /// </summary>
    public PasswordCheck Verify(string? hash, string password)
    {
        if (hash is null)
        {
            _hasher.VerifyHashedPassword(null!, _decoy ??= Hash(Guid.NewGuid().ToString()), password);
            return PasswordCheck.Wrong;
        }

        if (hash.StartsWith(LegacyPrefix, StringComparison.Ordinal))
        {
            return VerifyLegacy(hash, password) ? PasswordCheck.RightRehash : PasswordCheck.Wrong;
        }

        return _hasher.VerifyHashedPassword(null!, hash, password) switch
        {
            PasswordVerificationResult.Success => PasswordCheck.Right,
            PasswordVerificationResult.SuccessRehashNeeded => PasswordCheck.RightRehash,
            _ => PasswordCheck.Wrong,
        };
    }

    /// <summary>API client secrets stored before there was one hasher: PBKDF2-HMAC-SHA256.</summary>
    private static bool VerifyLegacy(string stored, string secret)
    {
        var parts = stored.Split('$');
        if (parts.Length != 4
            || !int.TryParse(parts[1], NumberStyles.None, CultureInfo.InvariantCulture, out var iterations) || iterations < 1)
        {
            return false;
        }

        var salt = Convert.FromBase64String(parts[2]);
        var expected = Convert.FromBase64String(parts[3]);
        var actual = Rfc2898DeriveBytes.Pbkdf2(Encoding.UTF8.GetBytes(secret), salt, iterations, HashAlgorithmName.SHA256, expected.Length);
        return CryptographicOperations.FixedTimeEquals(actual, expected);
    }

    /// <summary>
    /// The policy: 12 to 128 characters, not the login (in any case), and at least two character classes
    /// of lower case, upper case, digits and others. Length does most of the work (NIST SP 800-63B 5.1.1.2);
    /// the class rule only refuses the weakest shapes such as "aaaaaaaaaaaa" or "123456789012".
    /// </summary>
    public static Invalid? CheckPolicy(string password, string login)
    {
        if (password.Length < MinLength)
        {
            return Refuse("min_length", $"password must be at least {MinLength} characters long.");
        }

        if (password.Length > MaxLength)
        {
            return Refuse("max_length", $"password must be at most {MaxLength} characters long.");
        }

        if (string.Equals(password, login, StringComparison.OrdinalIgnoreCase))
        {
            return Refuse("not_login", "password must not be the login.");
        }

        var classes = (password.Any(char.IsLower) ? 1 : 0) + (password.Any(char.IsUpper) ? 1 : 0)
            + (password.Any(char.IsDigit) ? 1 : 0) + (password.Any(c => !char.IsLetterOrDigit(c)) ? 1 : 0);
        return classes < 2
            ? Refuse("character_classes", "password must mix at least two of: lower case, upper case, digits, other characters.")
            : null;
    }

    private static Invalid Refuse(string rule, string message) => new("password", $"{message} (rule: {rule})");
}
