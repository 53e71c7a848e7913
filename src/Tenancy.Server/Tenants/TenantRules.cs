using System.Text.RegularExpressions;

namespace Tenancy.Server.Tenants;

/// <summary>Field rules of a tenant, shared by both dialects.</summary>
public static partial class TenantRules
{
    public const int MaxNameLength = 255;
    public const int MaxTextLength = 1024;

    public static readonly IReadOnlyList<string> CustomerTypes = ["default", "enterprise", "consumer", "small_office", "ti_unified"];

    [GeneratedRegex("^[a-z0-9_]{1,64}$")]
    private static partial Regex CodePattern();

    [GeneratedRegex(@"^[a-zA-Z]{2,3}([_-][a-zA-Z0-9]{2,8})?$")]
    private static partial Regex LanguagePattern();

    [GeneratedRegex(@"^$|^\S+@\S+$")]
    private static partial Regex EmailPattern();

    public static Invalid? Name(string? name) =>
        string.IsNullOrWhiteSpace(name) ? new Invalid("name", "name must be a non-empty string.")
        : name.Length > MaxNameLength ? new Invalid("name", $"name must be at most {MaxNameLength} characters.")
        : null;

    public static Invalid? Kind(string kind, string field = "kind") =>
        !TenantKinds.All.Contains(kind)
            ? new Invalid(field, $"{field} must be one of: {string.Join(", ", TenantKinds.All)}.")
            : kind == TenantKinds.Root ? new Invalid(field, "A root tenant cannot be created or made.")
            : null;

    public static Invalid? Code(string? code) =>
        code is null || CodePattern().IsMatch(code)
            ? null
            : new Invalid("code", "code may contain only lowercase letters, digits and underscores (1 to 64 characters).");

    public static Invalid? CustomerType(string? value) =>
        value is null || CustomerTypes.Contains(value)
            ? null
            : new Invalid("customer_type", $"customer_type must be one of: {string.Join(", ", CustomerTypes)}.");

    public static Invalid? Language(string? value) =>
        value is null || LanguagePattern().IsMatch(value)
            ? null
            : new Invalid("language", "language must be a language tag such as 'en' or 'en-US'.");

    public static Invalid? Text(string field, string? value, int max = MaxTextLength) =>
        value is not null && value.Length > max ? new Invalid(field, $"{field} must be at most {max} characters.") : null;

    public static Invalid? Contact(Contact? contact)
    {
        if (contact is null)
        {
            return null;
        }

        if (!EmailPattern().IsMatch(contact.Email))
        {
            return new Invalid("contact.email", "contact.email must be an e-mail address.");
        }

        if (contact.Types.Count > Tenants.Contact.AllowedTypes.Count)
        {
            return new Invalid("contact.types", $"contact.types may hold at most {Tenants.Contact.AllowedTypes.Count} types.");
        }

        if (ContactTexts(contact).FirstOrDefault(t => t.Value?.Length > MaxNameLength) is { Field: { } field })
        {
            return new Invalid($"contact.{field}", $"contact.{field} must be at most {MaxNameLength} characters.");
        }

        var badType = contact.Types.FirstOrDefault(t => !Tenants.Contact.AllowedTypes.Contains(t));
        return badType is not null
            ? new Invalid("contact.types", $"contact.types: '{badType}' is not one of {string.Join(", ", Tenants.Contact.AllowedTypes)}.")
            : null;
    }

    private static IEnumerable<(string Field, string? Value)> ContactTexts(Contact c) =>
    [
        ("email", c.Email), ("address1", c.Address1), ("address2", c.Address2), ("country", c.Country),
        ("state", c.State), ("city", c.City), ("zipcode", c.Zipcode), ("phone", c.Phone),
        ("firstname", c.Firstname), ("lastname", c.Lastname), ("title", c.Title), ("website", c.Website),
        ("industry", c.Industry), ("organization_size", c.OrganizationSize), ("aan", c.Aan), ("fax", c.Fax),
        ("language", c.Language),
    ];

    /// <summary>The first field error of a create, if any.</summary>
    public static Invalid? Check(NewTenant n) =>
        Name(n.Name) ?? Kind(n.Kind) ?? Code(n.Code) ?? CustomerType(n.CustomerType) ?? Language(n.Language)
        ?? Text("customer_id", n.CustomerId) ?? Text("internal_tag", n.InternalTag)
        ?? Text("zuora_account_name", n.ZuoraAccountName, MaxNameLength)
        ?? Text("zuora_account_number", n.ZuoraAccountNumber, MaxNameLength)
        ?? Text("description", n.Description) ?? Contact(n.Contact)
        ?? (n.DefaultIdpId is not null && Ids.Normalize(n.DefaultIdpId) is null ? new Invalid("default_idp_id", "default_idp_id must be a UUID.") : null);

    /// <summary>The first field error of an update, if any.</summary>
    public static Invalid? Check(TenantChanges c) =>
        (c.Name.IsSet ? Name(c.Name.Value) : null)
        ?? (c.Kind.IsSet ? Kind(c.Kind.Value) : null)
        ?? (c.Code.IsSet ? Code(c.Code.Value) : null)
        ?? (c.CustomerType.IsSet ? CustomerType(c.CustomerType.Value) : null)
        ?? (c.Language.IsSet ? Language(c.Language.Value) : null)
        ?? (c.CustomerId.IsSet ? Text("customer_id", c.CustomerId.Value) : null)
        ?? (c.InternalTag.IsSet ? Text("internal_tag", c.InternalTag.Value) : null)
        ?? (c.ZuoraAccountName.IsSet ? Text("zuora_account_name", c.ZuoraAccountName.Value, MaxNameLength) : null)
        ?? (c.ZuoraAccountNumber.IsSet ? Text("zuora_account_number", c.ZuoraAccountNumber.Value, MaxNameLength) : null)
        ?? (c.Description.IsSet ? Text("description", c.Description.Value) : null)
        ?? (c.Contact.IsSet ? Contact(c.Contact.Value) : null)
        ?? (c.ParentId.IsSet && Ids.Normalize(c.ParentId.Value) is null ? new Invalid("parent_id", "parent_id must be a UUID.") : null)
        ?? (c.DefaultIdpId.IsSet && Ids.Normalize(c.DefaultIdpId.Value) is null ? new Invalid("default_idp_id", "default_idp_id must be a UUID.") : null);
}
