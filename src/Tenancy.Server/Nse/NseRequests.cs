namespace Tenancy.Server.Nse;

/// <summary>POST /api/v2.1/tenants: a customer (or unit) under the caller's tenant, or under parent_id.</summary>
[RequestExample("""
    {"code": "acme_corp", "name": "Acme Corp", "zuora_account_name": "Acme Corp", "zuora_account_number": "A00000415",
     "description": "Pilot customer"}
    """)]
public sealed record NseTenantCreateRequest : JsonRequest<NseTenantCreateRequest>
{
    public string? Code { get; init; }
    public string? Name { get; init; }
    public string? ZuoraAccountName { get; init; }
    public string? ZuoraAccountNumber { get; init; }
    public string? Description { get; init; }
    public string? ParentId { get; init; }

    protected override Invalid? Validate() =>
        Required(Code, "code") ?? Required(Name, "name") ?? Required(ZuoraAccountName, "zuora_account_name")
        ?? Required(ZuoraAccountNumber, "zuora_account_number")
        ?? NotBlank(ZuoraAccountName, "zuora_account_name") ?? NotBlank(ZuoraAccountNumber, "zuora_account_number");

    /// <summary>The tenant to create; its kind and parent are decided by the handler from the parent found.</summary>
    public NewTenant ToNewTenant() => new()
    {
        Name = Name!,
        Kind = TenantKinds.Customer,
        ParentId = "",
        Code = Code,
        ZuoraAccountName = ZuoraAccountName,
        ZuoraAccountNumber = ZuoraAccountNumber,
        Description = Description,
    };
}

/// <summary>
/// PUT /api/v2.1/tenants/{id}: code is required (and cannot change); name, the Zuora fields and description
/// change when present; enabled suspends (false) or reactivates (true) through the core's commands.
/// </summary>
[RequestExample("""{"code": "acme_corp", "name": "Acme Corporation", "description": "Renewed for 2026"}""")]
public sealed record NseTenantUpdateRequest : JsonRequest<NseTenantUpdateRequest>, IQuotesVersion<NseTenantUpdateRequest>
{
    public NseTenantUpdateRequest WithVersion(long version) => this with { Version = version };

    public string? Code { get; init; }
    public Optional<string> Name { get; init; }
    public Optional<string> ZuoraAccountName { get; init; }
    public Optional<string> ZuoraAccountNumber { get; init; }
    public Optional<string?> Description { get; init; }
    public Optional<bool> Enabled { get; init; }

    /// <summary>Not part of the dialect: a client that quotes it gets a conditional write on that version.</summary>
    public long? Version { get; init; }

    protected override Invalid? Validate() =>
        Required(Code, "code")
        ?? NotBlank(ZuoraAccountName.IsSet ? ZuoraAccountName.Value : null, "zuora_account_name")
        ?? NotBlank(ZuoraAccountNumber.IsSet ? ZuoraAccountNumber.Value : null, "zuora_account_number");

    public TenantChanges ToChanges() => new()
    {
        Name = Name,
        ZuoraAccountName = Nullable(ZuoraAccountName),
        ZuoraAccountNumber = Nullable(ZuoraAccountNumber),
        Description = Description,
        Enabled = Enabled,
    };

    private static Optional<string?> Nullable(Optional<string> value) => value.IsSet ? Optional<string?>.Of(value.Value) : default;
}
