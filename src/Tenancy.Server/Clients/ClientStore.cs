namespace Tenancy.Server.Clients;

public sealed class ClientStore(Database db)
{
    private const string Columns =
        "id, tenant_seq, tenant_id, type, token_endpoint_auth_method, data, status, secret_hash, created_at, " +
        "created_by, last_access_at, last_access_from_ip, role, token_generation";

    private const string Select =
        "SELECT c.id, c.tenant_seq, c.tenant_id, c.type, c.token_endpoint_auth_method, c.data, c.status, c.secret_hash, " +
        "c.created_at, c.created_by, c.last_access_at, c.last_access_from_ip, c.role, c.token_generation, c.version, t.path AS tenant_path " +
        "FROM api_clients c JOIN tenants t ON t.seq = c.tenant_seq";

    public async Task<ApiClient?> GetAsync(string id, CancellationToken ct = default)
    {
        await using var c = await db.OpenAsync(ct);
        return await c.QuerySingleOrDefaultAsync<ApiClient>(new CommandDefinition(
            $"{Select} WHERE c.id = @id", new { id }, cancellationToken: ct));
    }

    public async Task<IReadOnlyList<ApiClient>> ByTenantAsync(long tenantSeq, CancellationToken ct = default)
    {
        await using var c = await db.OpenAsync(ct);
        var rows = await c.QueryAsync<ApiClient>(new CommandDefinition(
            $"{Select} WHERE c.tenant_seq = @tenantSeq ORDER BY c.created_at, c.id",
            new { tenantSeq }, cancellationToken: ct));
        return rows.AsList();
    }

    public async Task<IReadOnlyList<ApiClient>> ByIdsAsync(IReadOnlyCollection<string> ids, CancellationToken ct = default)
    {
        await using var c = await db.OpenAsync(ct);
        var rows = await c.QueryAsync<ApiClient>(new CommandDefinition(
            $"{Select} WHERE {db.In("c.id", "ids")} ORDER BY c.created_at, c.id", new { ids = db.List(ids) }, cancellationToken: ct));
        return rows.AsList();
    }

    /// <summary>Inserts a client; false when its tenant is gone (foreign key) or the id is taken.</summary>
    public async Task<bool> InsertAsync(ApiClient client, AuditEntry? audit = null, CancellationToken ct = default)
    {
        try
        {
            return await WriteAsync(
                $"INSERT INTO api_clients ({Columns}) VALUES (@Id, @TenantSeq, @TenantId, @Type, @TokenEndpointAuthMethod, " +
                "@Data, @Status, @SecretHash, @CreatedAt, @CreatedBy, @LastAccessAt, @LastAccessFromIp, @Role, @TokenGeneration)",
                client, audit, client.CreatedAt, ct);
        }
        catch (Exception e) when (Database.IsConstraintViolation(e))
        {
            return false;
        }
    }

    /// <summary>Changes a client, if it still has <paramref name="expectedVersion"/> (any version when null).</summary>
    public Task<bool> UpdateAsync(string id, string? status, string? data, long? expectedVersion, AuditEntry? audit, long now, CancellationToken ct = default) =>
        WriteAsync("UPDATE api_clients SET status = COALESCE(@status, status), data = COALESCE(@data, data), version = version + 1 " +
            $"WHERE id = @id{VersionCondition(expectedVersion)}", new { id, status, data, expectedVersion }, audit, now, ct);

    /// <summary>Deletes a client, if it still has <paramref name="expectedVersion"/> (any version when null).</summary>
    public Task<bool> DeleteAsync(string id, long? expectedVersion, AuditEntry? audit, long now, CancellationToken ct = default) =>
        WriteAsync($"DELETE FROM api_clients WHERE id = @id{VersionCondition(expectedVersion)}", new { id, expectedVersion }, audit, now, ct);

    private static string VersionCondition(long? expectedVersion) => expectedVersion is null ? "" : " AND version = @expectedVersion";

    /// <summary>Replaces the secret and refuses every token issued before (one statement).</summary>
    public Task<bool> ResetSecretAsync(string id, string secretHash, AuditEntry? audit, long now, CancellationToken ct = default) =>
        WriteAsync("UPDATE api_clients SET secret_hash = @secretHash, token_generation = token_generation + 1, version = version + 1 WHERE id = @id",
            new { id, secretHash }, audit, now, ct);

    private Task<bool> WriteAsync(string sql, object args, AuditEntry? audit, long at, CancellationToken ct) =>
        db.ExecuteAuditedAsync(sql, args, audit, at, ct);

    public async Task TouchAsync(string id, long at, string? ip, CancellationToken ct = default)
    {
        await using var c = await db.OpenWriteAsync(ct);
        await c.ExecuteAsync(new CommandDefinition(
            "UPDATE api_clients SET last_access_at = @at, last_access_from_ip = @ip WHERE id = @id",
            new { id, at, ip }, cancellationToken: ct));
    }

    /// <summary>The client, its tenant, and the first disabled tenant on that tenant's path: one statement.</summary>
    internal string PrincipalSql =>
        PrincipalSqlStart + $"{Suspension.NearestDisabledSql(db, "t.path")} AS DisabledBy " +
        "FROM api_clients c JOIN tenants t ON t.seq = c.tenant_seq WHERE c.id = @id";

    private const string PrincipalSqlStart =
        "SELECT c.status = 'enabled' AS Enabled, c.role AS Role, c.token_generation AS TokenGeneration, " +
        "t.seq AS TenantSeq, t.id AS TenantId, t.path AS TenantPath, " +
        $"{RevokedTokens.IsRevokedSql} AS Revoked, ";

    /// <summary>What every request with this client's token checks: state, role, token generation, tenant, revocation.</summary>
    public async Task<StoredPrincipal?> PrincipalAsync(string id, string? jti, CancellationToken ct = default)
    {
        await using var c = await db.OpenAsync(ct);
        return await c.QuerySingleOrDefaultAsync<StoredPrincipal>(new CommandDefinition(PrincipalSql, new { id, jti }, cancellationToken: ct));
    }
}
