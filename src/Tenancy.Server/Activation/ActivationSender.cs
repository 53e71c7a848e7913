using System.Globalization;
using MailKit.Net.Smtp;
using MailKit.Security;
using Microsoft.Extensions.Options;
using MimeKit;

namespace Tenancy.Server.Activation;

/// <summary>
/// Delivers queued activation emails over SMTP, on every instance: each claims a due email with one
/// conditional statement (<see cref="ActivationStore.ClaimAsync"/>), makes the link's token, sends, and
/// records the outcome. A failure is retried with exponential backoff (<see cref="EmailOptions.RetryDelay"/>,
/// doubled up to <see cref="EmailOptions.MaxRetryDelay"/>), up to <see cref="EmailOptions.MaxAttempts"/>.
/// An instance that stops mid-send leaves its claim to lapse, and another takes the email over.
/// Logs name the user and the attempt, never the link or its token.
/// </summary>
public sealed partial class ActivationSender(
    ActivationStore store, ActivationSignal signal, IOptionsMonitor<EmailOptions> options, TimeProvider clock,
    ILogger<ActivationSender> log) : BackgroundService
{
    /// <summary>How long a claim holds: longer than one SMTP conversation can last (<see cref="SmtpTimeout"/>).</summary>
    private static readonly TimeSpan Lease = TimeSpan.FromMinutes(2);

    private static readonly TimeSpan SmtpTimeout = TimeSpan.FromSeconds(30);

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        while (!stoppingToken.IsCancellationRequested)
        {
            var wait = options.CurrentValue.PollInterval;
            try
            {
                if (options.CurrentValue.Problem() is null)
                {
                    while (await SendOneAsync(stoppingToken))
                    {
                    }

                    if (await store.NextDueAsync(stoppingToken) is { } due)
                    {
                        var untilDue = TimeSpan.FromMicroseconds(Math.Max(0, due - clock.NowMicros()));
                        wait = untilDue < wait ? untilDue : wait;
                    }
                }
            }
            catch (Exception e)
            {
                if (stoppingToken.IsCancellationRequested)
                {
                    return;
                }

                LogStoreFault(log, e);
            }

            try
            {
                await signal.WaitAsync(wait, stoppingToken);
            }
            catch (OperationCanceledException)
            {
                return;
            }
        }
    }

    /// <summary>Claims and sends one due email; false when none is due.</summary>
    private async Task<bool> SendOneAsync(CancellationToken ct)
    {
        var o = options.CurrentValue;
        var now = clock.NowMicros();
        var claim = Guid.NewGuid().ToString("N");
        if (await store.ClaimAsync(claim, now, now + (long)Lease.TotalMicroseconds, ct) is not { } email)
        {
            return false;
        }

        var token = ActivationToken.New();
        var expires = now + (long)o.ActivationLifetime.TotalMicroseconds;
        if (!await store.SetTokenAsync(email.UserId, claim, ActivationToken.Hash(token), expires, ct))
        {
            // Requested again meanwhile: the new request is due now and gets its own token.
            return true;
        }

        string? error = null;
        try
        {
            await DeliverAsync(o, Compose(o, email, o.ActivationLink(token), expires), ct);
        }
        catch (Exception e) when (!ct.IsCancellationRequested)
        {
            error = Describe(e);
        }

        if (error is null)
        {
            await store.SentAsync(email.UserId, claim, clock.NowMicros(), ct);
            LogSent(log, email.UserId, email.Attempts);
            return true;
        }

        var delay = Backoff(o, email.Attempts);
        var retryAt = email.Attempts >= o.MaxAttempts ? (long?)null : clock.NowMicros() + (long)delay.TotalMicroseconds;
        await store.FailedAsync(email.UserId, claim, error, retryAt, ct);
        if (retryAt is null)
        {
            LogGaveUp(log, email.UserId, email.Attempts, error);
        }
        else
        {
            LogRetry(log, email.UserId, email.Attempts, error, delay);
        }

        return true;
    }

    /// <summary>RetryDelay after the first failure, doubled after each further one, at most MaxRetryDelay.</summary>
    public static TimeSpan Backoff(EmailOptions o, long attempts)
    {
        var factor = Math.Pow(2, Math.Min(attempts - 1, 30));
        var delay = o.RetryDelay * factor;
        return delay > o.MaxRetryDelay ? o.MaxRetryDelay : delay;
    }

    private static MimeMessage Compose(EmailOptions o, ClaimedEmail email, string link, long expires)
    {
        var name = ContactJson.Deserialize(email.Contact)?.Firstname is { Length: > 0 } first ? first : email.Login;
        var until = DateTimeOffset.FromUnixTimeMilliseconds(expires / 1000).ToString("yyyy-MM-dd HH:mm 'UTC'", CultureInfo.InvariantCulture);
        var message = new MimeMessage
        {
            Subject = "Activate your account",
            Body = new TextPart("plain")
            {
                Text = $"""
                    Hello {name},

                    An account with the login {email.Login} was made for you. To activate it, open this link and choose your password:

                    {link}

                    The link works once, until {until}. If you did not expect this email, you can ignore it.
                    """,
            },
        };
        message.From.Add(MailboxAddress.Parse(o.From!));
        message.To.Add(MailboxAddress.Parse(email.Recipient));
        return message;
    }

    private static async Task DeliverAsync(EmailOptions o, MimeMessage message, CancellationToken ct)
    {
        using var smtp = new SmtpClient { Timeout = (int)SmtpTimeout.TotalMilliseconds };
        var security = !o.Tls ? SecureSocketOptions.None : o.Port == 465 ? SecureSocketOptions.SslOnConnect : SecureSocketOptions.StartTls;
        await smtp.ConnectAsync(o.SmtpHost!, o.Port, security, ct);
        if (!string.IsNullOrEmpty(o.Username))
        {
            await smtp.AuthenticateAsync(o.Username, o.Password ?? "", ct);
        }

        await smtp.SendAsync(message, ct);
        await smtp.DisconnectAsync(quit: true, ct);
    }

    /// <summary>The failure in a line for the status and the log (an SMTP error carries the server's reply, never the message).</summary>
    private static string Describe(Exception e)
    {
        var text = $"{e.GetType().Name}: {e.Message}".ReplaceLineEndings(" ");
        return text.Length > 500 ? text[..500] : text;
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Activation email for user {UserId} handed to the SMTP server (attempt {Attempt}).")]
    private static partial void LogSent(ILogger logger, string userId, long attempt);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Activation email for user {UserId} not delivered (attempt {Attempt}): {Error}. Next attempt in {Delay}.")]
    private static partial void LogRetry(ILogger logger, string userId, long attempt, string error, TimeSpan delay);

    [LoggerMessage(Level = LogLevel.Error, Message = "Activation email for user {UserId} not delivered after {Attempt} attempts, given up: {Error}.")]
    private static partial void LogGaveUp(ILogger logger, string userId, long attempt, string error);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Activation emails: the store could not be read or written; trying again later.")]
    private static partial void LogStoreFault(ILogger logger, Exception e);
}
