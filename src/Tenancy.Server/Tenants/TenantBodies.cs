using Tenancy.Server.Errors;
using Tenancy.Server.Http;

namespace Tenancy.Server.Tenants;

/// <summary>Reads the tenant fields of /api/2 request bodies into core commands.</summary>
public static class TenantBodies
{
    public static Optional<Contact> Contact(JsonFields f)
    {
        var element = f.Object("contact");
        if (!element.IsSet)
        {
            return default;
        }

        var c = f.Nested(element.Value, "contact");
        var contact = new Contact
        {
            Types = c.StringArray("types").Or([]),
            Email = c.String("email").Value ?? "",
            Address1 = c.String("address1").Value,
            Address2 = c.String("address2").Value,
            Country = c.String("country").Value,
            State = c.String("state").Value,
            City = c.String("city").Value,
            Zipcode = c.String("zipcode").Value,
            Phone = c.String("phone").Value,
            Firstname = c.String("firstname").Value,
            Lastname = c.String("lastname").Value,
            Title = c.String("title").Value,
            Website = c.String("website").Value,
            Industry = c.String("industry").Value,
            OrganizationSize = c.String("organization_size").Value,
            EmailConfirmed = c.Bool("email_confirmed") is { IsSet: true } e ? e.Value : null,
            Aan = c.String("aan").Value,
            Fax = c.String("fax").Value,
            Language = c.String("language").Value,
        };
        f.Absorb(c);
        return Optional<Contact>.Of(contact);
    }

    public static Optional<bool> UpdateLock(JsonFields f)
    {
        var element = f.Object("update_lock");
        if (!element.IsSet)
        {
            return default;
        }

        var lockFields = f.Nested(element.Value, "update_lock");
        var enabled = lockFields.Bool("enabled");
        f.Absorb(lockFields);
        return enabled;
    }

    /// <summary>The changes of a PUT body; fields that are absent stay as they are.</summary>
    public static TenantChanges Changes(JsonFields f) => new()
    {
        Name = NonNull(f, "name"),
        Kind = NonNull(f, "kind"),
        ParentId = NonNull(f, "parent_id"),
        Enabled = f.Bool("enabled"),
        CustomerType = NonNull(f, "customer_type"),
        CustomerId = f.String("customer_id"),
        InternalTag = f.String("internal_tag"),
        Language = NonNull(f, "language"),
        DefaultIdpId = NonNull(f, "default_idp_id"),
        BrandId = f.NullableInteger("brand_id"),
        UpdateLockEnabled = UpdateLock(f),
        AncestralAccess = f.Bool("ancestral_access"),
        Contact = Contact(f),
        Code = f.String("code"),
        ZuoraAccountName = f.String("zuora_account_name"),
        ZuoraAccountNumber = f.String("zuora_account_number"),
        Description = f.String("description"),
    };

    private static Optional<string> NonNull(JsonFields f, string name)
    {
        var s = f.String(name, nullable: false);
        return s.IsSet ? Optional<string>.Of(s.Value!) : default;
    }
}
