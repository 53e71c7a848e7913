using System.Net;

namespace Tenancy.Server.Webhooks;

/// <summary>Tenancy:Webhooks: delivery of the change feed to subscribers' URLs (see docs/events.md).</summary>
public sealed class WebhookOptions
{
    public const string Section = "Tenancy:Webhooks";

    /// <summary>Whether this instance delivers (every instance may; each delivery is made by one).</summary>
    public bool Worker { get; set; } = true;

    /// <summary>How often the worker looks for events of other instances and for retries that fell due.</summary>
    public TimeSpan PollInterval { get; set; } = TimeSpan.FromSeconds(1);

    /// <summary>How long one request to a receiver may take (connecting included).</summary>
    public TimeSpan Timeout { get; set; } = TimeSpan.FromSeconds(10);

    /// <summary>The first retry's delay; doubled after each further failure, up to <see cref="MaxRetryDelay"/>.</summary>
    public TimeSpan RetryDelay { get; set; } = TimeSpan.FromSeconds(5);

    public TimeSpan MaxRetryDelay { get; set; } = TimeSpan.FromHours(1);

    /// <summary>How long a delivery is retried from its first attempt; then the webhook is disabled.</summary>
    public TimeSpan GiveUpAfter { get; set; } = TimeSpan.FromHours(24);

    /// <summary>How long an instance's claim on a webhook holds without being renewed (it renews it before each request).</summary>
    public TimeSpan Lease { get; set; } = TimeSpan.FromMinutes(1);

    /// <summary>
    /// Networks (CIDR, e.g. "127.0.0.0/8", "10.1.0.0/16") that webhook URLs may reach although they are
    /// loopback, private, link-local or otherwise internal. Empty: only public addresses.
    /// </summary>
    public List<string> AllowedNetworks { get; set; } = [];

    /// <summary>
    /// Where the Data Protection keys that encrypt webhook secrets are kept: empty for the store itself
    /// (table protection_keys, shared by every instance), or a directory every instance can read and write.
    /// </summary>
    public string? KeyDirectory { get; set; }

    public IReadOnlyList<IPNetwork> Allowed() => [.. AllowedNetworks.Select(n => IPNetwork.Parse(n.Trim()))];
}
