namespace Tenancy.Server.Users;

/// <summary>SQL for users. Writes to an existing user are single conditional statements.</summary>
public sealed class UserStore(Database db)
{
    private const string Columns =
        "id, tenant_seq, tenant_id, login, login_key, contact, enabled, role, language, external_id, notifications, " +
        "password_hash, token_generation, version, created_at, updated_at";

    private const string Select =
        "SELECT u.id, u.tenant_seq, u.tenant_id, u.login, u.login_key, u.contact, u.enabled, u.role, u.language, " +
        "u.external_id, u.notifications, u.password_hash, u.token_generation, u.version, u.created_at, u.updated_at, " +
        "u.deleted_at, t.path AS tenant_path FROM users u JOIN tenants t ON t.seq = u.tenant_seq";

    /// <summary>A deleted user's login set aside: the login is free for a new user until a restore takes it back.</summary>
    internal const string SetLoginAside = "deleted_login_key = login_key, login_key = '#deleted/' || id";

    /// <summary>A restored user's login taken back (a uniqueness violation when it was taken meanwhile).</summary>
    internal const string TakeLoginBack = "login_key = deleted_login_key, deleted_login_key = NULL";

    /// <summary>A live user: neither it nor its tenant deleted (a deleted one is read only to restore it).</summary>
    private const string Live = "u.deleted_at IS NULL AND t.deleted_at IS NULL";

    /// <summary>The columns an update may set.</summary>
    public static readonly IReadOnlySet<string> UpdatableColumns = new HashSet<string>(StringComparer.Ordinal)
    {
        "login", "login_key", "contact", "enabled", "role", "language", "external_id", "notifications",
    };

    public async Task<User?> GetAsync(string id, CancellationToken ct = default)
    {
        await using var c = await db.OpenAsync(ct);
        return await c.QuerySingleOrDefaultAsync<User>(new CommandDefinition(
            $"{Select} WHERE u.id = @id AND {Live}", new { id }, cancellationToken: ct));
    }

    /// <summary>A user, deleted or not (to restore it).</summary>
    public async Task<User?> GetAnyAsync(string id, CancellationToken ct = default)
    {
        await using var c = await db.OpenAsync(ct);
        return await c.QuerySingleOrDefaultAsync<User>(new CommandDefinition(
            $"{Select} WHERE u.id = @id", new { id }, cancellationToken: ct));
    }

    public async Task<User?> ByLoginAsync(string login, CancellationToken ct = default)
    {
        await using var c = await db.OpenAsync(ct);
        return await c.QuerySingleOrDefaultAsync<User>(new CommandDefinition(
            $"{Select} WHERE u.login_key = @key AND {Live}", new { key = User.KeyOf(login) }, cancellationToken: ct));
    }

    public async Task<bool> LoginTakenAsync(string login, CancellationToken ct = default)
    {
        await using var c = await db.OpenAsync(ct);
        return await c.ExecuteScalarAsync<string?>(new CommandDefinition(
            "SELECT id FROM users WHERE login_key = @key", new { key = User.KeyOf(login) }, cancellationToken: ct)) is not null;
    }

    public async Task<IReadOnlyList<string>> IdsByTenantAsync(long tenantSeq, CancellationToken ct = default)
    {
        await using var c = await db.OpenAsync(ct);
        var rows = await c.QueryAsync<string>(new CommandDefinition(
            "SELECT id FROM users WHERE tenant_seq = @tenantSeq AND deleted_at IS NULL ORDER BY created_at, id", new { tenantSeq }, cancellationToken: ct));
        return rows.AsList();
    }

    /// <summary>
    /// Up to <paramref name="take"/> users of the scope after the cursor's position, in (tenant path, id)
    /// order, that the access policy lets the caller read (<see cref="AccessPolicy.Where(Caller, Operation, Resource, string)"/>).
    /// </summary>
    public async Task<IReadOnlyList<User>> ListAsync(Caller caller, UserScope scope, UserCursor q, int take, CancellationToken ct = default)
    {
        var where = new List<string> { AccessPolicy.Where(caller, Operation.Read, Resource.User, "t.path"), Live };
        if (scope.TenantSeq is not null) where.Add("u.tenant_seq = @TenantSeq");
        if (scope.SubtreePath is not null) where.Add("t.path >= @SubtreePath AND t.path < @upper");
        if (scope.Ids is not null) where.Add(db.In("u.id", "ids"));
        if (q.ExternalIds is not null) where.Add(db.In("u.external_id", "externalIds"));
        // Users made here have no origin: a filter by origin finds none.
        if (q.OriginId is not null) where.Add("1 = 0");
        if (q.UpdatedSince is not null) where.Add("u.updated_at > @UpdatedSince");
        if (q.AfterId.Length > 0) where.Add("(t.path > @AfterPath OR (t.path = @AfterPath AND u.id > @AfterId))");
        var args = new DynamicParameters(AccessPolicy.Parameters(caller));
        args.AddDynamicParams(new
        {
            scope.TenantSeq, scope.SubtreePath, upper = scope.SubtreePath is null ? null : TreePath.UpperBound(scope.SubtreePath),
            ids = scope.Ids is null ? null : db.List(scope.Ids), externalIds = q.ExternalIds is null ? null : db.List(q.ExternalIds),
            q.UpdatedSince, q.AfterPath, q.AfterId, take,
        });
        await using var c = await db.OpenAsync(ct);
        var rows = await c.QueryAsync<User>(new CommandDefinition(
            $"{Select} WHERE {string.Join(" AND ", where)} ORDER BY t.path, u.id LIMIT @take", args, cancellationToken: ct));
        return rows.AsList();
    }

    /// <summary>
    /// Inserts a user with the roles it holds; a constraint violation (login taken, tenant gone) propagates to the caller.
    /// </summary>
    public Task InsertAsync(User user, IReadOnlyList<RoleGrant> grants, AuditEntry audit, CancellationToken ct = default) =>
        db.ExecuteAuditedAsync(
        [
            ($"INSERT INTO users ({Columns}) VALUES (@Id, @TenantSeq, @TenantId, @Login, @LoginKey, @Contact, @Enabled, @Role, " +
                "@Language, @ExternalId, @Notifications, @PasswordHash, @TokenGeneration, @Version, @CreatedAt, @UpdatedAt)", user),
            .. grants.Select(g => (GrantStore.InsertSql, (object)g)),
        ], audit, user.CreatedAt, ct);

    /// <summary>
    /// Sets <paramref name="columns"/> if the user still has <paramref name="expectedVersion"/>, in one
    /// statement; with <paramref name="grants"/> (a changed role field), the user's roles become those.
    /// </summary>
    public async Task<bool> UpdateAsync(
        string id, long expectedVersion, IReadOnlyDictionary<string, object?> columns, long now, AuditEntry audit,
        IReadOnlyList<RoleGrant>? grants = null, CancellationToken ct = default)
    {
        var p = new DynamicParameters(new { id, expectedVersion, now });
        var sets = new List<string> { "version = version + 1", "updated_at = @now" };
        foreach (var (column, value) in columns)
        {
            if (!UpdatableColumns.Contains(column))
            {
                throw new ArgumentException($"Column {column} cannot be updated.", nameof(columns));
            }

            sets.Add($"{column} = @p_{column}");
            p.Add("p_" + column, value);
        }

        return await db.ExecuteAuditedAsync(
        [
            ($"UPDATE users SET {string.Join(", ", sets)} WHERE id = @id AND version = @expectedVersion AND deleted_at IS NULL", p),
            .. grants is null ? [] : GrantStore.Replace(id, grants),
        ], audit, now, ct);
    }

    /// <summary>
    /// Marks a disabled user deleted quoting its version: it keeps its row (and its version, roles and password)
    /// until the purge, so a restore within the window brings it back as it was.
    /// </summary>
    public Task<bool> DeleteAsync(string id, long expectedVersion, AuditEntry audit, long now, CancellationToken ct = default) =>
        db.ExecuteAuditedAsync(
            $"UPDATE users SET deleted_at = @now, {SetLoginAside} WHERE id = @id AND version = @expectedVersion AND NOT enabled AND deleted_at IS NULL",
            new { id, expectedVersion, now }, audit, now, ct);

    /// <summary>Brings back a user deleted after <paramref name="deletedAfter"/> (within the window); false otherwise.</summary>
    public Task<bool> RestoreAsync(string id, long deletedAfter, AuditEntry audit, long now, CancellationToken ct = default) =>
        db.ExecuteAuditedAsync(
            $"UPDATE users SET deleted_at = NULL, {TakeLoginBack} WHERE id = @id AND deleted_at IS NOT NULL AND deleted_at > @deletedAfter",
            new { id, deletedAfter }, audit, now, ct);

    /// <summary>Purges up to <paramref name="limit"/> users deleted on their own at or before <paramref name="deletedBefore"/>; how many.</summary>
    public async Task<int> PurgeAsync(long deletedBefore, int limit, CancellationToken ct = default)
    {
        await using var c = await db.OpenWriteAsync(ct);
        return await c.ExecuteAsync(new CommandDefinition(
            "DELETE FROM users WHERE id IN (SELECT id FROM users WHERE deleted_at IS NOT NULL AND deleted_at <= @deletedBefore " +
            "ORDER BY deleted_at LIMIT @limit)", new { deletedBefore, limit }, cancellationToken: ct));
    }

    /// <summary>Sets the password hash; every token issued before stops working.</summary>
    public Task<bool> SetPasswordAsync(string id, string hash, AuditEntry audit, long now, CancellationToken ct = default) =>
        db.ExecuteAuditedAsync(
            "UPDATE users SET password_hash = @hash, token_generation = token_generation + 1 WHERE id = @id AND deleted_at IS NULL",
            new { id, hash }, audit, now, ct);

    /// <summary>Replaces a hash made with older parameters, unless the password changed meanwhile. Tokens stay valid.</summary>
    public async Task RehashAsync(string id, string oldHash, string newHash, CancellationToken ct = default)
    {
        await using var c = await db.OpenWriteAsync(ct);
        await c.ExecuteAsync(new CommandDefinition(
            "UPDATE users SET password_hash = @newHash WHERE id = @id AND password_hash = @oldHash",
            new { id, oldHash, newHash }, cancellationToken: ct));
    }

    /// <summary>
    /// What every request with this user's token checks (see <see cref="CallerResolver"/>), with the roles the
    /// user holds: read on every request (one round trip), so a changed role applies to existing tokens at once.
    /// </summary>
    public async Task<StoredPrincipal?> PrincipalAsync(string id, string? jti, CancellationToken ct = default)
    {
        await using var c = await db.OpenAsync(ct);
        await using var results = await c.QueryMultipleAsync(new CommandDefinition(
            "SELECT u.enabled AS Enabled, u.role AS Role, u.token_generation AS TokenGeneration, " +
            "t.seq AS TenantSeq, t.id AS TenantId, t.path AS TenantPath, " +
            $"{RevokedTokens.IsRevokedSql} AS Revoked, " +
            $"{Suspension.NearestDisabledSql(db, "t.path")} AS DisabledBy " +
            $"FROM users u JOIN tenants t ON t.seq = u.tenant_seq WHERE u.id = @id AND u.deleted_at IS NULL;\n{GrantStore.HeldSql}",
            new { id, jti }, cancellationToken: ct));
        var principal = await results.ReadSingleOrDefaultAsync<StoredPrincipal>();
        if (principal is not null)
        {
            principal.Grants = (await results.ReadAsync<Grant>()).AsList();
        }

        return principal;
    }
}
