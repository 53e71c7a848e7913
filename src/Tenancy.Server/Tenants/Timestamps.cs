using System.Globalization;

namespace Tenancy.Server.Tenants;

/// <summary>Stored times are unix microseconds; the wire uses RFC 3339 with an explicit offset.</summary>
public static class Timestamps
{
    public static string Format(long unixMicros) =>
        DateTimeOffset.FromUnixTimeMilliseconds(unixMicros / 1000)
            .AddTicks(unixMicros % 1000 * 10)
            .ToString("yyyy-MM-dd'T'HH:mm:ss.ffffffzzz", CultureInfo.InvariantCulture);

    public static long ToMicros(DateTimeOffset value) => (value.UtcTicks - DateTimeOffset.UnixEpoch.Ticks) / 10;

    /// <summary>The current time as stored: unix microseconds.</summary>
    public static long NowMicros(this TimeProvider clock) => ToMicros(clock.GetUtcNow());
}
