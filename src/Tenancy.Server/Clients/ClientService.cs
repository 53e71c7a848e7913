using Tenancy.Server.Auth;
using Tenancy.Server.Errors;
using Tenancy.Server.Tenants;

namespace Tenancy.Server.Clients;

public sealed record NewClient(string TenantId, string Type, string TokenEndpointAuthMethod, string Data);

/// <summary>A freshly made client with its secret, which is shown this once and never stored.</summary>
public sealed record CreatedClient(ApiClient Client, string Secret);

/// <summary>API clients: who may hold them and who may see or change them.</summary>
public sealed class ClientService(ClientStore clients, TenantStore tenantStore, TenantService tenants)
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

        if (Ids.Normalize(request.TenantId) is not { } tenantId)
        {
            return new Invalid("tenant_id", "tenant_id must be a UUID.");
        }

        var tenant = await tenantStore.GetAsync(tenantId, ct);
        if (tenant is null)
        {
            return new NotFound($"The tenant {tenantId} was not found.");
        }

        if (!caller.Reaches(tenant))
        {
            return new Forbidden($"The tenant {tenantId} is outside the caller's reach.");
        }

        if (await tenants.DisabledOnPathAsync(tenant, ct) is { } disabledBy)
        {
            return new RuleViolation(Rule.ParentDisabled,
                $"Cannot create an API client in tenant {tenantId}: tenant {disabledBy} is disabled.");
        }

        var secret = SecretHasher.NewSecret();
        var client = new ApiClient
        {
            Id = Ids.New(),
            TenantSeq = tenant.Seq,
            TenantId = tenant.Id,
            Type = request.Type,
            TokenEndpointAuthMethod = request.TokenEndpointAuthMethod,
            Data = request.Data,
            Status = "enabled",
            SecretHash = SecretHasher.Hash(secret, SecretHasher.GeneratedIterations),
            CreatedAt = tenants.Now(),
            CreatedBy = caller.ClientId,
            TenantPath = tenant.Path,
        };
        return await clients.InsertAsync(client, ct)
            ? new CreatedClient(client, secret)
            : new NotFound($"The tenant {tenantId} was not found.");
    }

    public async Task<Result<ApiClient>> GetAsync(Caller caller, string id, CancellationToken ct = default)
    {
        if (Ids.Normalize(id) is not { } clientId)
        {
            return new Invalid("client_id", "client_id must be a UUID.");
        }

        var client = await clients.GetAsync(clientId, ct);
        return client is null ? new NotFound($"The API client {clientId} was not found.")
            : client.Id == caller.ClientId || TreePath.IsWithin(client.TenantPath, caller.TenantPath) ? client
            : new Forbidden($"The API client {clientId} is outside the caller's reach.");
    }

    public async Task<Result<IReadOnlyList<ApiClient>>> ListAsync(
        Caller caller, string? tenantId, IReadOnlyList<string>? ids, CancellationToken ct = default)
    {
        if (ids is not null)
        {
            var rows = await clients.ByIdsAsync(ids, ct);
            return Result(rows.Where(c => TreePath.IsWithin(c.TenantPath, caller.TenantPath)).ToList());
        }

        var tenant = await tenants.GetAsync(caller, tenantId ?? caller.TenantId, ct);
        return tenant.IsOk ? Result(await clients.ByTenantAsync(tenant.Value.Tenant.Seq, ct)) : tenant.Error;
    }

    public async Task<Result<ApiClient>> UpdateAsync(
        Caller caller, string id, string? status, string? data, CancellationToken ct = default)
    {
        if (status is not (null or "enabled" or "disabled"))
        {
            return new Invalid("status", "status must be 'enabled' or 'disabled'.");
        }

        if (Data(data) is { } badData)
        {
            return badData;
        }

        var found = await GetAsync(caller, id, ct);
        if (!found.IsOk)
        {
            return found;
        }

        if (!await clients.UpdateAsync(found.Value.Id, status, data, ct))
        {
            return new NotFound($"The API client {found.Value.Id} was not found.");
        }

        return await clients.GetAsync(found.Value.Id, ct) is { } updated
            ? updated
            : new NotFound($"The API client {found.Value.Id} was not found.");
    }

    public async Task<Result<Done>> DeleteAsync(Caller caller, string id, CancellationToken ct = default)
    {
        var found = await GetAsync(caller, id, ct);
        if (!found.IsOk)
        {
            return found.Error;
        }

        return await clients.DeleteAsync(found.Value.Id, ct)
            ? Done.Value
            : new NotFound($"The API client {found.Value.Id} was not found.");
    }

    private static Result<IReadOnlyList<ApiClient>> Result(IReadOnlyList<ApiClient> list) => Result<IReadOnlyList<ApiClient>>.Ok(list);
}
