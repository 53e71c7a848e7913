using System.Text.Json;
using Tenancy.Server.Errors;
using Tenancy.Server.Http;
using Tenancy.Server.Tenants;

namespace Tenancy.Server.Nse;

/// <summary>Reads /api/v2.1 tenant bodies into core commands; the first problem names its field.</summary>
public static class NseBodies
{
    public static Result<(NewTenant Draft, string? ParentId)> ReadCreate(JsonElement body)
    {
        var f = new JsonFields(body);
        var code = f.RequiredString("code");
        var name = f.RequiredString("name");
        var accountName = f.RequiredString("zuora_account_name");
        var accountNumber = f.RequiredString("zuora_account_number");
        var description = f.String("description");
        var parentId = f.String("parent_id", nullable: false);
        if ((f.Error ?? NotBlank(accountName, "zuora_account_name") ?? NotBlank(accountNumber, "zuora_account_number")) is { } error)
        {
            return error;
        }

        var draft = new NewTenant
        {
            Name = name.Value,
            Kind = TenantKinds.Customer,
            ParentId = "",
            Code = code.Value,
            ZuoraAccountName = accountName.Value,
            ZuoraAccountNumber = accountNumber.Value,
            Description = description.Value,
        };
        return (draft, parentId.Value);
    }

    /// <summary>A PUT: code is required; name, the Zuora fields and description change when present.</summary>
    public static Result<(string Code, TenantChanges Changes, long? Version)> ReadUpdate(JsonElement body)
    {
        var f = new JsonFields(body);
        var code = f.RequiredString("code");
        var name = f.String("name", nullable: false);
        var accountName = f.String("zuora_account_name", nullable: false);
        var accountNumber = f.String("zuora_account_number", nullable: false);
        var description = f.String("description");
        var version = f.Integer("version");
        var enabled = f.Bool("enabled");
        if ((f.Error ?? NotBlank(accountName, "zuora_account_name") ?? NotBlank(accountNumber, "zuora_account_number")) is { } error)
        {
            return error;
        }

        var changes = new TenantChanges
        {
            Name = name.IsSet ? Optional<string>.Of(name.Value!) : default,
            ZuoraAccountName = accountName,
            ZuoraAccountNumber = accountNumber,
            Description = description,
            Enabled = enabled,
        };
        return (code.Value, changes, version.IsSet ? version.Value : null);
    }

    private static Invalid? NotBlank<T>(Optional<T> value, string field) =>
        value.IsSet && string.IsNullOrWhiteSpace(value.Value as string) ? new Invalid(field, $"{field} must be a non-empty string.") : null;
}
