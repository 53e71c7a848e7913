using System.Collections.Concurrent;
using Xunit.Sdk;
using Xunit.v3;

[assembly: AssemblyFixture(typeof(Tenancy.Tests.Infrastructure.SkipSummary))]

namespace Tenancy.Tests.Infrastructure;

/// <summary>
/// An external requirement of a test (a program, a database server). Missing on a laptop: the test is
/// a visible skip. Missing when CI=true: the test fails, so CI cannot pass by skipping.
/// </summary>
public static class Requirements
{
    public const string Postgres = $"PostgreSQL is not configured: set {TestStore.PostgresVariable} to an admin connection string (see README)";

    /// <summary>How many tests each missing requirement skipped, for <see cref="SkipSummary"/>.</summary>
    internal static ConcurrentDictionary<string, int> Skipped { get; } = new();

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

        Skipped.AddOrUpdate(what, 1, (_, n) => n + 1);
        Assert.Skip(what + ".");
    }
}

/// <summary>
/// Says once, after the run, why tests were skipped and how many: the per-test skip lines of the
/// default reporter are switched off (tests.runsettings), the counts are in dotnet test's totals.
/// </summary>
public sealed class SkipSummary(IMessageSink diagnostics) : IDisposable
{
    public void Dispose()
    {
        foreach (var (what, count) in Requirements.Skipped.OrderBy(s => s.Key, StringComparer.Ordinal))
        {
            diagnostics.OnMessage(new DiagnosticMessage($"Skipped {count} test{(count == 1 ? "" : "s")}: {what}."));
        }
    }
}
