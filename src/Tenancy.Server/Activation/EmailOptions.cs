using System.Security.Cryptography;
using MimeKit;

namespace Tenancy.Server.Activation;

/// <summary>Bound from "Tenancy:Email", plus "Tenancy:PublicUrl" (where the people who get email reach this server).</summary>
public sealed class EmailOptions
{
    public const string Section = "Tenancy:Email";
    public const string PublicUrlKey = "Tenancy:PublicUrl";

    /// <summary>The server's address as people's browsers reach it, e.g. https://tenancy.example.com.</summary>
    public string? PublicUrl { get; set; }

    public string? SmtpHost { get; set; }

    /// <summary>Empty: 587 with TLS, 25 without.</summary>
    public int? SmtpPort { get; set; }

    /// <summary>The sender, "Name &lt;address&gt;" or an address.</summary>
    public string? From { get; set; }

    /// <summary>TLS to the SMTP server: implicit on port 465, STARTTLS (required) on any other port.</summary>
    public bool? UseTls { get; set; }

    /// <summary>SMTP authentication; none when empty.</summary>
    public string? Username { get; set; }

    public string? Password { get; set; }

    /// <summary>How long an activation link works after its email was sent.</summary>
    public TimeSpan ActivationLifetime { get; set; } = TimeSpan.FromDays(7);

    /// <summary>The wait after the first failed delivery; it doubles after each further failure.</summary>
    public TimeSpan RetryDelay { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>The longest wait between two delivery attempts.</summary>
    public TimeSpan MaxRetryDelay { get; set; } = TimeSpan.FromHours(1);

    /// <summary>Delivery attempts before an email is given up (status "failed").</summary>
    public int MaxAttempts { get; set; } = 10;

    /// <summary>How often a server looks for email queued by other instances or due for a retry.</summary>
    public TimeSpan PollInterval { get; set; } = TimeSpan.FromSeconds(10);

    public bool Tls => UseTls ?? false;

    public int Port => SmtpPort ?? (Tls ? 587 : 25);

    /// <summary>Why email cannot be sent with this configuration, in words for API users; null when it can.</summary>
    public string? Problem()
    {
        var missing = new List<string>();
        if (string.IsNullOrWhiteSpace(SmtpHost)) missing.Add("Tenancy:Email:SmtpHost");
        if (string.IsNullOrWhiteSpace(From)) missing.Add("Tenancy:Email:From");
        if (string.IsNullOrWhiteSpace(PublicUrl)) missing.Add(PublicUrlKey);
        if (missing.Count > 0)
        {
            return $"Email is not configured on this server (missing: {string.Join(", ", missing)}), so activation emails cannot be sent. " +
                "Ask the operator to configure it, or set the user's password with POST /api/2/users/{id}/password.";
        }

        if (!MailboxAddress.TryParse(From, out _))
        {
            return "Email is not configured correctly on this server: Tenancy:Email:From is not an email address.";
        }

        if (!Uri.TryCreate(PublicUrl, UriKind.Absolute, out var url) || url.Scheme is not ("http" or "https"))
        {
            return $"Email is not configured correctly on this server: {PublicUrlKey} is not an http(s) URL.";
        }

        return SmtpPort is < 1 or > 65535 ? "Email is not configured correctly on this server: Tenancy:Email:SmtpPort is not a port." : null;
    }

    /// <summary>The page that sets the password for <paramref name="token"/>.</summary>
    public string ActivationLink(string token) => $"{PublicUrl!.TrimEnd('/')}{ActivationPage.Path}?token={token}";
}

/// <summary>
/// Activation tokens: 256 random bits (base64url), stored only as their SHA-256. Key stretching adds
/// nothing to a secret of that entropy (NIST SP 800-63B 5.1.1.2), and the hash must be searchable.
/// </summary>
public static class ActivationToken
{
    public static string New() => Base64Url(RandomNumberGenerator.GetBytes(32));

    public static string Hash(string token) => Convert.ToHexStringLower(SHA256.HashData(System.Text.Encoding.UTF8.GetBytes(token)));

    private static string Base64Url(byte[] bytes) => Convert.ToBase64String(bytes).TrimEnd('=').Replace('+', '-').Replace('/', '_');
}
