using System.Text.Json;
using System.Text.RegularExpressions;

namespace Tenancy.Server.Users;

/// <summary>Users: who may see and change them, versions, logins and passwords. No HTTP here.</summary>
public sealed partial class UserService(
    UserStore store, GrantService grants, TenantService tenants, Passwords passwords, TimeProvider clock,
    Microsoft.Extensions.Options.IOptions<Deletions.DeletionOptions> deletion)
{
    public const int MaxLoginLength = 128;

    public static readonly IReadOnlyList<string> NotificationKinds =
    [
        "maintenance", "quota", "reports", "backup_error", "backup_warning", "backup_info", "backup_daily_report",
        "backup_critical", "device_control_warning", "certificate_management_error", "certificate_management_warning",
        "certificate_management_info",
    ];

    [GeneratedRegex(@"^[A-Za-z0-9][A-Za-z0-9._@+\-]*$")]
    private static partial Regex LoginPattern();

    public static Invalid? CheckLogin(string login) =>
        login.Length is 0 or > MaxLoginLength || !LoginPattern().IsMatch(login)
            ? new Invalid("login", $"login must be 1 to {MaxLoginLength} characters: letters, digits and . _ @ + - (not first).")
            : null;

    public async Task<Result<User>> CreateAsync(Caller caller, NewUser request, CancellationToken ct = default)
    {
        if ((CheckLogin(request.Login) ?? TenantRules.Contact(request.Contact) ?? CheckRole(request.Role)
            ?? TenantRules.Language(request.Language) ?? TenantRules.Text("external_id", request.ExternalId)
            ?? CheckNotifications(request.Notifications)) is { } invalid)
        {
            return invalid;
        }

        var found = await tenants.AuthorizeAsync(caller, request.TenantId, Operation.Create, Resource.User, ct);
        if (!found.IsOk)
        {
            return found.Error;
        }

        var tenant = found.Value;
        var now = clock.NowMicros();
        var id = Ids.New();
        var grant = GrantService.ForNewUser(caller, id, tenant, request.Role, now);
        if (!grant.IsOk)
        {
            return grant.Error;
        }

        var user = new User
        {
            Id = id,
            TenantSeq = tenant.Tenant.Seq,
            TenantId = tenant.Tenant.Id,
            Login = request.Login,
            LoginKey = User.KeyOf(request.Login),
            Contact = ContactJson.Serialize(ContactJson.Stamp(request.Contact, null, now)),
            Enabled = request.Enabled,
            Role = request.Role,
            Language = request.Language ?? tenant.Tenant.Language,
            ExternalId = request.ExternalId,
            Notifications = JsonSerializer.Serialize(request.Notifications),
            Version = 1,
            CreatedAt = now,
            UpdatedAt = now,
            TenantPath = tenant.Tenant.Path,
        };
        try
        {
            await store.InsertAsync(user, [grant.Value], new AuditEntry(caller, "user.create", "user", user.Id, user.TenantPath, null,
                new Dictionary<string, object?>
                {
                    ["login"] = user.Login, ["tenant_id"] = user.TenantId, ["role"] = user.Role, ["enabled"] = user.Enabled,
                    ["access_policies"] = new[] { new Dictionary<string, string> { ["tenant_id"] = user.TenantId, ["role_id"] = grant.Value.RoleId } },
                }), ct);
        }
        catch (Exception e) when (Database.IsConstraintViolation(e))
        {
            return await store.LoginTakenAsync(request.Login, ct)
                ? new Duplicate("login", $"The login '{request.Login}' is already taken.")
                : new NotFound($"The tenant {tenant.Tenant.Id} was not found.");
        }

        return user;
    }

    public Task<Result<User>> GetAsync(Caller caller, string id, CancellationToken ct = default) =>
        FindAsync(caller, id, Operation.Read, ct);

    /// <summary>The user, if the access policy lets the caller do <paramref name="operation"/> to it.</summary>
    private Task<Result<User>> FindAsync(Caller caller, string id, Operation operation, CancellationToken ct) =>
        tenants.FindOwnedAsync(caller, operation, Resource.User, id, store.GetAsync, u => u.TenantId, ct);

    public async Task<Result<User>> UpdateAsync(
        Caller caller, string id, UserChanges changes, long expectedVersion, CancellationToken ct = default)
    {
        var found = await FindAsync(caller, id, changes.Enabled.IsSet ? Operation.Disable : Operation.Change, ct);
        if (!found.IsOk)
        {
            return found;
        }

        var user = found.Value;
        var columns = new Dictionary<string, object?>();
        if (changes.Login.IsSet && changes.Login.Value != user.Login)
        {
            if (CheckLogin(changes.Login.Value) is { } invalid)
            {
                return invalid;
            }

            columns["login"] = changes.Login.Value;
            columns["login_key"] = User.KeyOf(changes.Login.Value);
        }

        if (changes.Contact.IsSet)
        {
            if (TenantRules.Contact(changes.Contact.Value) is { } invalid)
            {
                return invalid;
            }

            columns["contact"] = ContactJson.Serialize(
                ContactJson.Stamp(changes.Contact.Value, ContactJson.Deserialize(user.Contact), clock.NowMicros()));
        }

        if (changes.Role.IsSet)
        {
            if (CheckRole(changes.Role.Value) is { } invalid)
            {
                return invalid;
            }

            columns["role"] = changes.Role.Value;
        }

        if (((changes.Language.IsSet ? TenantRules.Language(changes.Language.Value) : null)
            ?? (changes.ExternalId.IsSet ? TenantRules.Text("external_id", changes.ExternalId.Value) : null)
            ?? (changes.Notifications.IsSet ? CheckNotifications(changes.Notifications.Value) : null)) is { } bad)
        {
            return bad;
        }

        if (changes.Enabled.IsSet) columns["enabled"] = changes.Enabled.Value;
        if (changes.Language.IsSet) columns["language"] = changes.Language.Value;
        if (changes.ExternalId.IsSet) columns["external_id"] = changes.ExternalId.Value;
        if (changes.Notifications.IsSet) columns["notifications"] = JsonSerializer.Serialize(changes.Notifications.Value);

        if (user.Version != expectedVersion)
        {
            return new VersionConflict(user.Version);
        }

        // A change that changes nothing bumps no version and writes no audit record.
        foreach (var unchanged in columns.Where(c => Equals(Value(user, c.Key), c.Value)).Select(c => c.Key).ToList())
        {
            columns.Remove(unchanged);
        }

        if (columns.Count == 0)
        {
            return user;
        }

        // A new role field replaces what the user holds on its own tenant (admin role or readonly_admin).
        IReadOnlyList<RoleGrant>? roles = null;
        if (columns.TryGetValue("role", out var role))
        {
            var next = await grants.WithRoleFieldAsync(caller, user, (string)role!, clock.NowMicros(), ct);
            if (!next.IsOk)
            {
                return next.Error;
            }

            roles = next.Value;
        }

        bool written;
        try
        {
            var audit = new AuditEntry(caller, "user.update", "user", user.Id, user.TenantPath,
                columns.Keys.ToDictionary(k => k, k => Value(user, k)), columns);
            written = await store.UpdateAsync(user.Id, expectedVersion, columns, clock.NowMicros(), audit, roles, ct);
        }
        catch (Exception e) when (Database.IsConstraintViolation(e) && columns.ContainsKey("login"))
        {
            return new Duplicate("login", $"The login '{changes.Login.Value}' is already taken.");
        }

        var current = await store.GetAsync(user.Id, ct);
        return current is null ? new NotFound($"The user {user.Id} was not found.")
            : written ? current
            : new VersionConflict(current.Version);
    }

    public async Task<Result<Done>> DeleteAsync(Caller caller, string id, long expectedVersion, CancellationToken ct = default)
    {
        var found = await FindAsync(caller, id, Operation.Delete, ct);
        if (!found.IsOk)
        {
            return found.Error;
        }

        var user = found.Value;
        if (Undeletable(user, expectedVersion) is { } refused)
        {
            return refused;
        }

        var audit = new AuditEntry(caller, "user.delete", "user", user.Id, user.TenantPath,
            new Dictionary<string, object?> { ["login"] = user.Login, ["tenant_id"] = user.TenantId }, null);
        if (await store.DeleteAsync(user.Id, expectedVersion, audit, clock.NowMicros(), ct))
        {
            return Done.Value;
        }

        // Nothing matched: decided on the row as it is now.
        var current = await store.GetAsync(user.Id, ct);
        return current is null ? new NotFound($"The user {user.Id} was not found.")
            : Undeletable(current, expectedVersion) ?? new VersionConflict(current.Version);
    }

    /// <summary>
    /// Brings back a user deleted on its own within the restore window (Tenancy:Deletion:RetentionPeriod), as it was:
    /// still disabled, with its version, roles and password. A user of a deleted tenant comes back with its tenant.
    /// </summary>
    public async Task<Result<Done>> RestoreAsync(Caller caller, string id, CancellationToken ct = default)
    {
        var found = await tenants.FindOwnedAsync(caller, Operation.Delete, Resource.User, id, store.GetAnyAsync, u => u.TenantId, ct);
        if (!found.IsOk)
        {
            return found.Error;
        }

        var user = found.Value;
        if (user.DeletedAt is not { } deletedAt)
        {
            return new RuleViolation(Rule.Business, $"User {user.Id} is not deleted; there is nothing to restore.");
        }

        var now = clock.NowMicros();
        var audit = new AuditEntry(caller, "user.restore", "user", user.Id, user.TenantPath,
            new Dictionary<string, object?> { ["deleted_at"] = deletedAt }, new Dictionary<string, object?> { ["deleted_at"] = null });
        bool restored;
        try
        {
            restored = await store.RestoreAsync(user.Id, now - (long)deletion.Value.RetentionPeriod.TotalMicroseconds, audit, now, ct);
        }
        catch (Exception e) when (Database.IsConstraintViolation(e))
        {
            return new Duplicate("login", $"The login '{user.Login}' was taken by another user since user {user.Id} was deleted.");
        }

        return restored
            ? Done.Value
            : new RuleViolation(Rule.Business,
                $"The restore window of user {user.Id} ended at {Timestamps.Format(deletedAt + (long)deletion.Value.RetentionPeriod.TotalMicroseconds)}; it is purged.");
    }

    /// <summary>Only a disabled user is deleted, quoting its current version.</summary>
    private static Error? Undeletable(User user, long expectedVersion) =>
        user.Version != expectedVersion ? new VersionConflict(user.Version)
        : user.Enabled ? new RuleViolation(Rule.DeleteEnabledUser, $"User {user.Id} is enabled; disable it before deleting it.")
        : null;

    public async Task<Result<Done>> SetPasswordAsync(Caller caller, string id, string password, CancellationToken ct = default)
    {
        var found = await FindAsync(caller, id, Operation.ResetCredential, ct);
        if (!found.IsOk)
        {
            return found.Error;
        }

        if (Passwords.CheckPolicy(password, found.Value.Login) is { } weak)
        {
            return weak;
        }

        // The record says that the password was set, never anything of the password.
        var audit = new AuditEntry(caller, "user.set_password", "user", found.Value.Id, found.Value.TenantPath, null, null);
        return await store.SetPasswordAsync(found.Value.Id, passwords.Hash(password), audit, clock.NowMicros(), ct)
            ? Done.Value
            : new NotFound($"The user {found.Value.Id} was not found.");
    }

    /// <summary>The current value of an updatable column (the "before" of an audit record).</summary>
    private static object? Value(User u, string column) => column switch
    {
        "login" => u.Login,
        "login_key" => u.LoginKey,
        "contact" => u.Contact,
        "enabled" => u.Enabled,
        "role" => u.Role,
        "language" => u.Language,
        "external_id" => u.ExternalId,
        "notifications" => u.Notifications,
        _ => throw new ArgumentOutOfRangeException(nameof(column), column, "not an updatable column"),
    };

    /// <summary>Whether a login is taken by any user of the installation, in any case.</summary>
    public async Task<Result<bool>> IsLoginTakenAsync(string? login, CancellationToken ct = default)
    {
        if (string.IsNullOrEmpty(login))
        {
            return new Invalid("username", "username is required.");
        }

        return CheckLogin(login) is null ? await store.LoginTakenAsync(login, ct) : new Invalid("username", "username is not a valid login.");
    }

    /// <summary>The user of a user token, with its tenant.</summary>
    public async Task<Result<(User User, Tenant Tenant)>> MeAsync(Caller caller, CancellationToken ct = default)
    {
        if (caller.Kind != PrincipalKind.User)
        {
            return new Forbidden("/users/me needs a user's token (grant_type=password); this token is an API client's.");
        }

        var user = await GetAsync(caller, caller.Id, ct);
        if (!user.IsOk)
        {
            return user.Error;
        }

        // Facts about the user's own tenant, whatever roles it holds (a backup_user reads no tenant).
        var tenant = await tenants.PlaceAsync(user.Value.TenantId, ct);
        return tenant is null ? new NotFound($"The tenant {user.Value.TenantId} was not found.") : (user.Value, tenant.Tenant);
    }

    public async Task<Result<IReadOnlyList<string>>> IdsOfTenantAsync(Caller caller, string tenantId, CancellationToken ct = default)
    {
        var tenant = await tenants.AuthorizeAsync(caller, tenantId, Operation.Read, Resource.User, ct);
        return tenant.IsOk ? Result<IReadOnlyList<string>>.Ok(await store.IdsByTenantAsync(tenant.Value.Tenant.Seq, ct)) : tenant.Error;
    }

    /// <summary>The role field takes admin or viewer; other roles are given through access policies.</summary>
    private static Invalid? CheckRole(string role) =>
        Roles.IsValid(role) ? null
        : new Invalid("role", $"role must be one of: {string.Join(", ", Roles.All)} (other roles: PUT /api/2/users/{{id}}/access_policies).");

    private static Invalid? CheckNotifications(IReadOnlyList<string> kinds) =>
        kinds.FirstOrDefault(k => !NotificationKinds.Contains(k)) is { } bad
            ? new Invalid("notifications", $"notifications: '{bad}' is not one of {string.Join(", ", NotificationKinds)}.")
            : null;
}
