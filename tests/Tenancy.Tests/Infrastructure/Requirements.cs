namespace Tenancy.Tests.Infrastructure;

/// <summary>
/// An external requirement of a test (a program, a database server). Missing on a laptop: the test is
/// a visible skip. Missing when CI=true: the test fails, so CI cannot pass by skipping.
/// </summary>
public static class Requirements
{
    public static bool InCi => string.Equals(Environment.GetEnvironmentVariable("CI"), "true", StringComparison.OrdinalIgnoreCase);

    public static void Need(bool available, string what)
    {
        if (available)
        {
            return;
        }

        if (InCi)
        {
            Assert.Fail($"Required in CI but missing: {what}.");
        }

        Assert.Skip($"Missing: {what}.");
    }
}
