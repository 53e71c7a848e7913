namespace Tenancy.Server.Events;

/// <summary>Tenancy:Events: the change feed (see docs/events.md).</summary>
public sealed class EventOptions
{
    public const string Section = "Tenancy:Events";

    /// <summary>The CloudEvents source attribute of every event (a URI reference).</summary>
    public string Source { get; set; } = "urn:tenancy";

    /// <summary>How often a waiting reader looks for events other instances wrote.</summary>
    public TimeSpan PollInterval { get; set; } = TimeSpan.FromMilliseconds(500);

    /// <summary>
    /// After an event of this instance is signalled, how long a reader that did not see it yet keeps looking
    /// (every 10 ms): the signal comes just before the commit.
    /// </summary>
    public TimeSpan SettleWindow { get; set; } = TimeSpan.FromSeconds(2);

    /// <summary>The longest wait a long poll may ask for, in seconds.</summary>
    public int MaxWait { get; set; } = 60;
}
