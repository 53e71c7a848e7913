using Microsoft.AspNetCore.Identity;
using Microsoft.Extensions.Options;
using Tenancy.Server.Errors;

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
/// Password hashing with ASP.NET Core Identity's <see cref="PasswordHasher{TUser}"/> (PBKDF2 with a
/// salt and a tunable iteration count, format versioned in the hash), and the password policy.
/// </summary>
public sealed class Passwords(IOptions<PasswordOptions> options)
{
    public const int MinLength = 12;
    public const int MaxLength = 128;

    private readonly PasswordHasher<User> _hasher = new(Options.Create(new PasswordHasherOptions
    {
        CompatibilityMode = PasswordHasherCompatibilityMode.IdentityV3,
        IterationCount = options.Value.Iterations,
    }));

    // Verified against when no user has the login, so that a wrong login costs as much as a wrong password.
    private string? _decoy;

    public string Hash(string password) => _hasher.HashPassword(null!, password);

    public PasswordCheck Verify(string? hash, string password)
    {
        if (hash is null)
        {
            _hasher.VerifyHashedPassword(null!, _decoy ??= Hash(Guid.NewGuid().ToString()), password);
            return PasswordCheck.Wrong;
        }

        return _hasher.VerifyHashedPassword(null!, hash, password) switch
        {
            PasswordVerificationResult.Success => PasswordCheck.Right,
            PasswordVerificationResult.SuccessRehashNeeded => PasswordCheck.RightRehash,
            _ => PasswordCheck.Wrong,
        };
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
