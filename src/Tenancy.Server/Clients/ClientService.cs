using Tenancy.Server.Users;

namespace Tenancy.Server.Clients;

public sealed record NewClient(string TenantId, string Type, string TokenEndpointAuthMethod, string Data, string Role = Roles.Admin);

/// <summary>A freshly made client with its secret, which is shown this once and never stored.</summary>
public sealed record CreatedClient(ApiClient Client, string Secret);

/// <summary>API clients: who may hold them and who may see or change them.</summary>
public sealed class ClientService(ClientStore clients, TenantService tenants, TimeProvider clock)
{
    public static readonly IReadOnlyList<string> AuthMethods = ["client_secret_basic", "client_secret_post"];

    /// <summary>The free-form "data" object of a client (its name and notes), as stored JSON text.</summary>
    public const int MaxDataLength = 16 * 1024;

    private static Invalid? Data(string? data) =>
        data is not null && data.Length > MaxDataLength
            ? new Invalid("data", $"data must be at most {MaxDataLength} characters of JSON.")
            : null;

    public async Task<Result<CreatedClient>> CreateAsync(Caller caller, NewClient request, CancellationToken ct = default)
    {
        if (request.Type != "api_client")
        {
            return new Invalid("type", "type must be 'api_client'.");
        }

        if (!AuthMethods.Contains(request.TokenEndpointAuthMethod))
        {
            return new Invalid("token_endpoint_auth_method",
                $"token_endpoint_auth_method must be one of: {string.Join(", ", AuthMethods)}.");
        }

        if (Data(request.Data) is { } badData)
        {
            return badData;
        }

        if (!Roles.IsValid(request.Role))
        {
            return new Invalid("role", $"role must be one of: {string.Join(", ", Roles.All)}.");
        }

        var found = await tenants.AuthorizeAsync(caller, request.TenantId, Operation.Create, Resource.Client, ct);
        if (!found.IsOk)
        {
            return found.Error;
        }

        if (AccessPolicy.GrantRefusal(caller, Operation.Create, Resource.Client, request.Role, found.Value) is { } exceeds)
        {
            return exceeds;
        }

        var tenant = found.Value.Tenant;
        var tenantId = tenant.Id;
        var secret = Passwords.NewSecret();
        var client = new ApiClient
        {
            Id = Ids.New(),
            TenantSeq = tenant.Seq,
            TenantId = tenant.Id,
            Type = request.Type,
            TokenEndpointAuthMethod = request.TokenEndpointAuthMethod,
            Data = request.Data,
            Status = "enabled",
            Role = request.Role,
            SecretHash = Passwords.HashGenerated(secret),
            CreatedAt = clock.NowMicros(),
            CreatedBy = caller.Id,
            TenantPath = tenant.Path,
        };
        var audit = new AuditEntry(caller, "client.create", "client", client.Id, tenant.Path, null, new Dictionary<string, object?>
        {
            ["tenant_id"] = client.TenantId,
            ["type"] = client.Type,
            ["token_endpoint_auth_method"] = client.TokenEndpointAuthMethod,
            ["status"] = client.Status,
            ["data"] = client.Data,
        });
        return await clients.InsertAsync(client, audit, ct)
            ? new CreatedClient(client, secret)
            : new NotFound($"The tenant {tenantId} was not found.");
    }

    public Task<Result<ApiClient>> GetAsync(Caller caller, string id, CancellationToken ct = default) =>
        FindAsync(caller, id, Operation.Read, ct);

    /// <summary>The client, if the access policy lets the caller do <paramref name="operation"/> to it.</summary>
    private Task<Result<ApiClient>> FindAsync(Caller caller, string id, Operation operation, CancellationToken ct) =>
        tenants.FindOwnedAsync(caller, operation, Resource.Client, id, clients.GetAsync, c => c.TenantId, ct);

    public async Task<Result<IReadOnlyList<ApiClient>>> ListAsync(
        Caller caller, string? tenantId, IReadOnlyList<string>? ids, CancellationToken ct = default)
    {
        if (ids is not null)
        {
            // The policy decides once per tenant of the listed clients, not once per client.
            var rows = await clients.ByIdsAsync(ids, ct);
            var readable = new HashSet<string>(StringComparer.Ordinal);
            foreach (var owner in rows.Select(c => c.TenantId).Distinct(StringComparer.Ordinal))
            {
                if ((await tenants.AuthorizeAsync(caller, owner, Operation.Read, Resource.Client, ct)).IsOk)
                {
                    readable.Add(owner);
                }
            }

            return Result([.. rows.Where(c => readable.Contains(c.TenantId))]);
        }

        var tenant = await tenants.AuthorizeAsync(caller, tenantId ?? caller.HomeTenantId, Operation.Read, Resource.Client, ct);
        return tenant.IsOk ? Result(await clients.ByTenantAsync(tenant.Value.Tenant.Seq, ct)) : tenant.Error;
    }

    /// <summary>Changes a client's status or data, quoting its version (If-Match) or not.</summary>
    public async Task<Result<ApiClient>> UpdateAsync(
        Caller caller, string id, string? status, string? data, long? expectedVersion = null, CancellationToken ct = default)
    {
        if (status is not (null or "enabled" or "disabled"))
        {
            return new Invalid("status", "status must be 'enabled' or 'disabled'.");
        }

        if (Data(data) is { } badData)
        {
            return badData;
        }

        var found = await FindAsync(caller, id, status is null ? Operation.Change : Operation.Disable, ct);
        if (!found.IsOk)
        {
            return found;
        }

        var previous = found.Value;
        var audit = new AuditEntry(caller, "client.update", "client", previous.Id, previous.TenantPath,
            new Dictionary<string, object?> { ["status"] = previous.Status, ["data"] = previous.Data },
            new Dictionary<string, object?> { ["status"] = status ?? previous.Status, ["data"] = data ?? previous.Data });
        if (!await clients.UpdateAsync(previous.Id, status, data, expectedVersion, audit, clock.NowMicros(), ct))
        {
            return await RefusalAsync(previous.Id, ct);
        }

        return await clients.GetAsync(found.Value.Id, ct) is { } updated
            ? updated
            : new NotFound($"The API client {found.Value.Id} was not found.");
    }

    /// <summary>Gives a client a new secret, shown this once; its old secret and every token issued before stop working.</summary>
    public async Task<Result<CreatedClient>> ResetSecretAsync(Caller caller, string id, CancellationToken ct = default)
    {
        var found = await FindAsync(caller, id, Operation.ResetCredential, ct);
        if (!found.IsOk)
        {
            return found.Error;
        }

        var secret = Passwords.NewSecret();
        var audit = new AuditEntry(caller, "client.reset_secret", "client", found.Value.Id, found.Value.TenantPath, null, null);
        return await clients.ResetSecretAsync(found.Value.Id, Passwords.HashGenerated(secret), audit, clock.NowMicros(), ct)
            ? new CreatedClient(found.Value, secret)
            : new NotFound($"The API client {found.Value.Id} was not found.");
    }

    public async Task<Result<Done>> DeleteAsync(Caller caller, string id, long? expectedVersion = null, CancellationToken ct = default)
    {
        var found = await FindAsync(caller, id, Operation.Delete, ct);
        if (!found.IsOk)
        {
            return found.Error;
        }

        var audit = new AuditEntry(caller, "client.delete", "client", found.Value.Id, found.Value.TenantPath,
            new Dictionary<string, object?> { ["tenant_id"] = found.Value.TenantId, ["status"] = found.Value.Status }, null);
        return await clients.DeleteAsync(found.Value.Id, expectedVersion, audit, clock.NowMicros(), ct)
            ? Done.Value
            : await RefusalAsync(found.Value.Id, ct);
    }

    /// <summary>Why a conditional write of a client matched nothing, decided on the row as it is now.</summary>
    private async Task<Error> RefusalAsync(string id, CancellationToken ct) =>
        await clients.GetAsync(id, ct) is { } current
            ? new VersionConflict(current.Version)
            : new NotFound($"The API client {id} was not found.");

    private static Result<IReadOnlyList<ApiClient>> Result(IReadOnlyList<ApiClient> list) => Result<IReadOnlyList<ApiClient>>.Ok(list);
}
