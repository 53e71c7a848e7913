using System.Globalization;
using System.Security.Cryptography;
using System.Text;

namespace Tenancy.Server.Auth;

/// <summary>
/// Salted PBKDF2-SHA256 hashes, stored as "pbkdf2-sha256$iterations$salt$hash" so the cost can be raised
/// later without invalidating existing secrets. Secrets the server generates carry 256 bits of entropy,
/// for which key stretching adds nothing (NIST SP 800-63B 5.1.1.2 targets low-entropy secrets), so they
/// use a single iteration and keep token issuance cheap; operator-chosen secrets get the full cost.
/// </summary>
public static class SecretHasher
{
    public const int GeneratedIterations = 1;
    public const int ChosenIterations = 210_000;

    public static string NewSecret() => Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(32));

    public static string Hash(string secret, int iterations)
    {
        var salt = RandomNumberGenerator.GetBytes(16);
        var hash = Rfc2898DeriveBytes.Pbkdf2(Encoding.UTF8.GetBytes(secret), salt, iterations, HashAlgorithmName.SHA256, 32);
        return $"pbkdf2-sha256${iterations.ToString(CultureInfo.InvariantCulture)}${Convert.ToBase64String(salt)}${Convert.ToBase64String(hash)}";
    }

    public static bool Verify(string secret, string stored)
    {
        var parts = stored.Split('$');
        if (parts.Length != 4 || parts[0] != "pbkdf2-sha256"
            || !int.TryParse(parts[1], NumberStyles.None, CultureInfo.InvariantCulture, out var iterations))
        {
            return false;
        }

        var salt = Convert.FromBase64String(parts[2]);
        var expected = Convert.FromBase64String(parts[3]);
        var actual = Rfc2898DeriveBytes.Pbkdf2(Encoding.UTF8.GetBytes(secret), salt, iterations, HashAlgorithmName.SHA256, expected.Length);
        return CryptographicOperations.FixedTimeEquals(actual, expected);
    }
}
