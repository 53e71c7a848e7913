using Microsoft.Extensions.Options;
using Tenancy.Server.Users;

namespace Tenancy.Server.Activation;

/// <summary>What an activation link leads to when someone opens it.</summary>
public enum LinkState
{
    /// <summary>Unknown, or replaced by the link of a newer email.</summary>
    Unknown,
    Expired,
    Used,
    Valid,

    /// <summary>Used just now: the password was set.</summary>
    Activated,
}

/// <summary>Activation by email: who may send one, its status, and setting the password through the link. No HTTP here.</summary>
public sealed class ActivationService(
    ActivationStore store, UserStore users, TenantService tenants, Passwords passwords, ActivationSignal signal,
    IOptionsMonitor<EmailOptions> options, TimeProvider clock)
{
    /// <summary>Queues the user's activation email (delivered by <see cref="ActivationSender"/>); replaces an earlier one.</summary>
    public async Task<Result<Done>> SendAsync(Caller caller, string userId, CancellationToken ct = default)
    {
        var found = await tenants.FindOwnedAsync(caller, Operation.ResetCredential, Resource.User, userId, users.GetAsync, u => u.TenantId, ct);
        if (!found.IsOk)
        {
            return found.Error;
        }

        if (options.CurrentValue.Problem() is { } problem)
        {
            return new Unavailable(problem);
        }

        var user = found.Value;
        if (user.PasswordHash is not null)
        {
            return new RuleViolation(Rule.Business,
                $"The user {user.Id} is already activated: it has a password. Set a new one with POST /api/2/users/{user.Id}/password.");
        }

        if (ContactJson.Deserialize(user.Contact)?.Email is not { Length: > 0 } email)
        {
            return new Invalid("contact.email", $"The user {user.Id} has no contact.email to send the activation email to.");
        }

        // The record names the recipient, never the link: the link is made when the email is sent.
        var audit = new AuditEntry(caller, "user.send_activation_email", "user", user.Id, user.TenantPath, null,
            new Dictionary<string, object?> { ["recipient"] = email });
        try
        {
            await store.QueueAsync(user.Id, email, clock.NowMicros(), audit, ct);
        }
        catch (Exception e) when (Database.IsConstraintViolation(e))
        {
            return new NotFound($"The user {user.Id} was not found.");
        }

        signal.Wake();
        return Done.Value;
    }

    /// <summary>The delivery status of the user's activation email (null row: none was requested).</summary>
    public async Task<Result<(User User, ActivationRow? Row)>> StatusAsync(Caller caller, string userId, CancellationToken ct = default)
    {
        var found = await tenants.FindOwnedAsync(caller, Operation.Read, Resource.User, userId, users.GetAsync, u => u.TenantId, ct);
        return found.IsOk ? (found.Value, await store.GetAsync(found.Value.Id, ct)) : found.Error;
    }

    /// <summary>Where a link leads: its state and the login it is for.</summary>
    public async Task<(LinkState State, TokenHolder? Holder)> CheckAsync(string? token, CancellationToken ct = default)
    {
        if (string.IsNullOrEmpty(token) || token.Length > 100)
        {
            return (LinkState.Unknown, null);
        }

        var holder = await store.HolderAsync(ActivationToken.Hash(token), ct);
        return (holder switch
        {
            null => LinkState.Unknown,
            { TokenUsedAt: not null } => LinkState.Used,
            { TokenExpiresAt: { } expires } when expires > clock.NowMicros() => LinkState.Valid,
            _ => LinkState.Expired,
        }, holder);
    }

    /// <summary>
    /// Sets the password of the link's user (the password policy of <see cref="Passwords"/>), which
    /// activates the user, and uses up the link. The person acts as the user in the audit trail.
    /// </summary>
    public async Task<Result<(LinkState State, TokenHolder? Holder)>> ActivateAsync(
        string? token, string password, string confirmation, string? address, CancellationToken ct = default)
    {
        var (state, holder) = await CheckAsync(token, ct);
        if (state != LinkState.Valid)
        {
            return (state, holder);
        }

        if (Passwords.CheckPolicy(password, holder!.Login) is { } weak)
        {
            return weak;
        }

        if (!string.Equals(password, confirmation, StringComparison.Ordinal))
        {
            return new Invalid("password", "the two passwords differ.");
        }

        var actor = new Caller(holder.UserId, PrincipalKind.User, holder.TenantId, holder.TenantSeq, holder.TenantPath, holder.Role)
        {
            Address = address,
        };
        var audit = new AuditEntry(actor, "user.activate", "user", holder.UserId, holder.TenantPath, null,
            new Dictionary<string, object?> { ["activated"] = true });
        var hash = passwords.Hash(password);
        return await store.ActivateAsync(holder.UserId, ActivationToken.Hash(token!), hash, clock.NowMicros(), audit, ct)
            ? (LinkState.Activated, holder)
            : await CheckAsync(token, ct);
    }
}

/// <summary>Wakes this instance's sender when an email is queued, so that it goes out at once.</summary>
public sealed class ActivationSignal : IDisposable
{
    private readonly SemaphoreSlim _queued = new(0, 1);

    public void Wake()
    {
        try
        {
            _queued.Release();
        }
        catch (SemaphoreFullException)
        {
            // Already awake.
        }
    }

    public Task WaitAsync(TimeSpan timeout, CancellationToken ct) => _queued.WaitAsync(timeout, ct);

    public void Dispose() => _queued.Dispose();
}
