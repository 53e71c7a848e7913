namespace Tenancy.Server.Tenants;

/// <summary>The "contact" object of /api/2 tenant and user bodies.</summary>
public sealed record ContactRequest
{
    public IReadOnlyList<string>? Types { get; init; }
    public string? Email { get; init; }
    public string? Address1 { get; init; }
    public string? Address2 { get; init; }
    public string? Country { get; init; }
    public string? State { get; init; }
    public string? City { get; init; }
    public string? Zipcode { get; init; }
    public string? Phone { get; init; }
    public string? Firstname { get; init; }
    public string? Lastname { get; init; }
    public string? Title { get; init; }
    public string? Website { get; init; }
    public string? Industry { get; init; }
    public string? OrganizationSize { get; init; }
    public bool? EmailConfirmed { get; init; }
    public string? Aan { get; init; }
    public string? Fax { get; init; }
    public string? Language { get; init; }

    public Contact ToContact() => new()
    {
        Types = Types ?? [],
        Email = Email ?? "",
        Address1 = Address1,
        Address2 = Address2,
        Country = Country,
        State = State,
        City = City,
        Zipcode = Zipcode,
        Phone = Phone,
        Firstname = Firstname,
        Lastname = Lastname,
        Title = Title,
        Website = Website,
        Industry = Industry,
        OrganizationSize = OrganizationSize,
        EmailConfirmed = EmailConfirmed,
        Aan = Aan,
        Fax = Fax,
        Language = Language,
    };
}

/// <summary>{"update_lock": {"enabled": true}}: only the locking tenant's principals may then change the tenant.</summary>
public sealed record UpdateLockRequest
{
    public bool? Enabled { get; init; }
}

/// <summary>POST /api/2/tenants.</summary>
[RequestExample("""
    {"name": "Customer 1", "kind": "customer", "parent_id": "7a2c3e4f-1b2d-4c5e-8f90-a1b2c3d4e5f6",
     "contact": {"email": "admin@customer1.example", "firstname": "Ada", "lastname": "Lovelace"}}
    """)]
public sealed record TenantCreateRequest : JsonRequest<TenantCreateRequest>
{
    public string? Name { get; init; }
    public string? Kind { get; init; }
    public string? ParentId { get; init; }
    public bool? Enabled { get; init; }
    public string? CustomerType { get; init; }
    public string? CustomerId { get; init; }
    public string? InternalTag { get; init; }
    public string? Language { get; init; }
    public string? DefaultIdpId { get; init; }
    public UpdateLockRequest? UpdateLock { get; init; }
    public bool? AncestralAccess { get; init; }
    public ContactRequest? Contact { get; init; }
    public string? Code { get; init; }
    public string? ZuoraAccountName { get; init; }
    public string? ZuoraAccountNumber { get; init; }
    public string? Description { get; init; }

    protected override Invalid? Validate() => Required(Name, "name") ?? Required(Kind, "kind") ?? Required(ParentId, "parent_id");

    public NewTenant ToNewTenant() => new()
    {
        Name = Name!,
        Kind = Kind!,
        ParentId = ParentId!,
        Enabled = Enabled ?? true,
        CustomerType = CustomerType,
        CustomerId = CustomerId,
        InternalTag = InternalTag,
        Language = Language,
        DefaultIdpId = DefaultIdpId,
        UpdateLockEnabled = UpdateLock?.Enabled,
        AncestralAccess = AncestralAccess,
        Contact = Contact?.ToContact(),
        Code = Code,
        ZuoraAccountName = ZuoraAccountName,
        ZuoraAccountNumber = ZuoraAccountNumber,
        Description = Description,
    };
}

/// <summary>PUT /api/2/tenants/{id}: a partial update quoting the current version; absent fields stay as they are.</summary>
[RequestExample("""{"enabled": false, "version": 3}""")]
public sealed record TenantUpdateRequest : JsonRequest<TenantUpdateRequest>, IQuotesVersion<TenantUpdateRequest>
{
    public TenantUpdateRequest WithVersion(long version) => this with { Version = version };

    public long? Version { get; init; }
    public Optional<string> Name { get; init; }
    public Optional<string> Kind { get; init; }
    public Optional<string> ParentId { get; init; }
    public Optional<bool> Enabled { get; init; }
    public Optional<string> CustomerType { get; init; }
    public Optional<string?> CustomerId { get; init; }
    public Optional<string?> InternalTag { get; init; }
    public Optional<string> Language { get; init; }
    public Optional<string> DefaultIdpId { get; init; }
    public Optional<long?> BrandId { get; init; }
    public UpdateLockRequest? UpdateLock { get; init; }
    public Optional<bool> AncestralAccess { get; init; }
    public ContactRequest? Contact { get; init; }
    public Optional<string?> Code { get; init; }
    public Optional<string?> ZuoraAccountName { get; init; }
    public Optional<string?> ZuoraAccountNumber { get; init; }
    public Optional<string?> Description { get; init; }

    protected override Invalid? Validate() =>
        Version is null ? new Invalid("version", "version is required: quote the tenant's current version.") : null;

    public TenantChanges ToChanges() => new()
    {
        Name = Name,
        Kind = Kind,
        ParentId = ParentId,
        Enabled = Enabled,
        CustomerType = CustomerType,
        CustomerId = CustomerId,
        InternalTag = InternalTag,
        Language = Language,
        DefaultIdpId = DefaultIdpId,
        BrandId = BrandId,
        UpdateLockEnabled = UpdateLock?.Enabled is { } locked ? Optional<bool>.Of(locked) : default,
        AncestralAccess = AncestralAccess,
        Contact = Contact is null ? default : Optional<Contact>.Of(Contact.ToContact()),
        Code = Code,
        ZuoraAccountName = ZuoraAccountName,
        ZuoraAccountNumber = ZuoraAccountNumber,
        Description = Description,
    };
}
