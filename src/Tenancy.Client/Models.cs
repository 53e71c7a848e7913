using System.Text.Json;

namespace Tenancy.Client;

/// <summary>The schema of the server's OpenAPI document that a model reads or writes (checked by a test).</summary>
[AttributeUsage(AttributeTargets.Class)]
public sealed class SchemaAttribute(string name) : Attribute
{
    public string Name { get; } = name;
}

[Schema("TokenJson")]
public sealed record TokenResponse(string AccessToken, long ExpiresIn);

/// <summary>A tenant of /api/2 (the fields the client reads).</summary>
[Schema("TenantJson")]
public sealed record Tenant(
    string Id, long Version, string Name, string Kind, string ParentId, bool Enabled, bool EffectivelyEnabled,
    string? DisabledBy, string CreatedAt, string UpdatedAt, string? DeletedAt, string? ExternalOperationStatus,
    string? CustomerId, string? InternalTag, string? Description, string? Code, bool HasChildren);

[Schema("ContactRequest")]
public sealed record Contact
{
    public string? Email { get; init; }
    public string? Firstname { get; init; }
    public string? Lastname { get; init; }
}

/// <summary>POST /api/2/tenants.</summary>
[Schema("TenantCreateRequest")]
public sealed record TenantCreate
{
    public required string Name { get; init; }
    public required string Kind { get; init; }
    public required string ParentId { get; init; }
    public bool? Enabled { get; init; }
    public string? CustomerId { get; init; }
    public string? InternalTag { get; init; }
    public string? Language { get; init; }
    public string? Code { get; init; }
    public string? Description { get; init; }
    public string? ZuoraAccountName { get; init; }
    public string? ZuoraAccountNumber { get; init; }
    public Contact? Contact { get; init; }
}

/// <summary>A change of a tenant (PUT /api/2/tenants/{id}): fields left null stay as they are; the client quotes the version.</summary>
[Schema("TenantUpdateRequest")]
public sealed record TenantChange
{
    public long? Version { get; init; }
    public string? Name { get; init; }
    public string? ParentId { get; init; }
    public bool? Enabled { get; init; }
    public string? CustomerId { get; init; }
    public string? InternalTag { get; init; }
    public string? Language { get; init; }
    public string? Code { get; init; }
    public string? Description { get; init; }
}

[Schema("TenantBatchJson")]
public sealed record TenantPage(IReadOnlyList<Tenant> Items, Paging Paging);

[Schema("PagingJson")]
public sealed record Paging(Cursors? Cursors);

[Schema("CursorsJson")]
public sealed record Cursors(string? After);

/// <summary>The answer of a dry run (?dry_run=true): what the real request would do.</summary>
public sealed record DryRun([property: System.Text.Json.Serialization.JsonPropertyName("dry_run")] bool IsDryRun, string Operation, bool Allowed, DryRunRefusal? Refusal, IReadOnlyDictionary<string, Impact>? Impact);

public sealed record DryRunRefusal(int Code, string Message);

public sealed record Impact(long Count, IReadOnlyList<string>? FirstIds);

[Schema("ClientCreateRequest")]
public sealed record ClientCreate
{
    public string Type { get; init; } = "api_client";
    public required string TenantId { get; init; }
    public string TokenEndpointAuthMethod { get; init; } = "client_secret_basic";
    public IReadOnlyDictionary<string, string>? Data { get; init; }
    public string? Role { get; init; }
}

[Schema("ClientJson")]
public sealed record ApiClient(string ClientId, string TenantId, string Type, string Status, string Role, string? CreatedAt, JsonElement Data);

/// <summary>A new API client with its secret, which the server shows this once.</summary>
[Schema("ClientPostResultJson")]
public sealed record CreatedClient(string ClientId, string TenantId, string ClientSecret, string Status, string Role);

[Schema("ClientBatchJson")]
public sealed record ClientList(IReadOnlyList<ApiClient> Items);

[Schema("UserJson")]
public sealed record User(string Id, long Version, string TenantId, string Login, bool Enabled, bool Activated, string Role, string CreatedAt);

[Schema("UserCreateRequest")]
public sealed record UserCreate
{
    public required string TenantId { get; init; }
    public required string Login { get; init; }
    public required Contact Contact { get; init; }
    public string? Role { get; init; }
    public string? Language { get; init; }
    public bool? Enabled { get; init; }
}

[Schema("UserBatchJson")]
public sealed record UserPage(IReadOnlyList<User> Items, Paging Paging);

[Schema("UsageBatchRequest")]
public sealed record UsageBatch(IReadOnlyList<UsageSample> Items);

/// <summary>One consumed value of a subscription's service level at a moment (re-sending it is harmless).</summary>
public sealed record UsageSample(string TenantId, string Subscription, string ServiceLevel, double Consumed, string Timestamp);

[Schema("ReportPostRequest")]
public sealed record ReportCreate(ReportParameters Parameters, ReportSchedule Schedule, string ResultAction = "save");

[Schema("ReportParametersBody")]
public sealed record ReportParameters(string Kind, string TenantId, string Level, IReadOnlyList<string> Formats, ReportPeriod? Period = null);

[Schema("ReportPeriodBody")]
public sealed record ReportPeriod(string Start, string End);

[Schema("ReportScheduleBody")]
public sealed record ReportSchedule(string Type);

/// <summary>A report's configuration. (No schema check: the document names this answer after the usage report's schema.)</summary>
public sealed record Report(string Id, long Version, string ResultAction);

[Schema("StoredReportsJson")]
public sealed record StoredReportList(IReadOnlyList<StoredReport> Items);

[Schema("StoredReportJson")]
public sealed record StoredReport(string Id, string ReportFormat, string Status);

/// <summary>The /api/v2.1 envelope: {"status": {...}, "result": {...}}.</summary>
public sealed record NseEnvelope<T>(T Result);

[Schema("NseTenantPage")]
public sealed record NseTenantPage(int ReturnedRecords, long TotalRecords, int Offset, int Limit, IReadOnlyList<NseTenant> Records);

[Schema("NseRecordsOfNseTenantJson")]
public sealed record NseRecords(IReadOnlyList<NseTenant> Records);

[Schema("NseTenantJson")]
public sealed record NseTenant(string Id, string Name, string? Code, string? ZuoraAccountName, string? ZuoraAccountNumber, string? Description);

[Schema("NseTenantCreateRequest")]
public sealed record NseTenantCreate
{
    public required string Code { get; init; }
    public required string Name { get; init; }
    public string? ZuoraAccountName { get; init; }
    public string? ZuoraAccountNumber { get; init; }
    public string? Description { get; init; }
    public string? ParentId { get; init; }
}
