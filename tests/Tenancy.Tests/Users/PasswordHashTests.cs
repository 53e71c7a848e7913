using Microsoft.Extensions.Options;
using Tenancy.Server.Users;

namespace Tenancy.Tests.Users;

/// <summary>The one hasher: configured cost and rehash for passwords, one iteration for generated secrets, the first version's format.</summary>
public sealed class PasswordHashTests
{
    /// <summary>"s3cret-of-the-old-version" as the first version hashed a generated client secret (PBKDF2-HMAC-SHA256).</summary>
    public const string FirstVersionHash = "pbkdf2-sha256$1$VZ0uW1ElOO3CNKLiv1FpPw==$xGpAuM0ptQYaNolOygT9AeI3zFjA9tPqrhszcsvVRkk=";
    public const string FirstVersionSecret = "s3cret-of-the-old-version";

    [Fact]
    public void APasswordHashedAtALowerCost_Verifies_AndAsksForARehash_WhileAGeneratedSecretVerifiesAtItsOwnCost()
    {
        var cheap = new Passwords(Options.Create(new PasswordOptions { Iterations = 1_000 }));
        var dear = new Passwords(Options.Create(new PasswordOptions { Iterations = 2_000 }));
        var hash = cheap.Hash("Correct-Horse-42");

        Assert.Equal(PasswordCheck.Right, cheap.Verify(hash, "Correct-Horse-42"));
        Assert.Equal(PasswordCheck.RightRehash, dear.Verify(hash, "Correct-Horse-42"));
        Assert.Equal(PasswordCheck.Wrong, dear.Verify(hash, "Correct-Horse-43"));
        Assert.Equal(PasswordCheck.Wrong, dear.Verify(null, "Correct-Horse-42"));

        var secret = Passwords.NewSecret();
        Assert.NotEqual(PasswordCheck.Wrong, dear.Verify(Passwords.HashGenerated(secret), secret));
        Assert.Equal(PasswordCheck.Wrong, dear.Verify(Passwords.HashGenerated(secret), secret + "0"));
        Assert.Equal(PasswordCheck.RightRehash, dear.Verify(FirstVersionHash, FirstVersionSecret));
    }
}
