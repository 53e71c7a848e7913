using Microsoft.AspNetCore.Http.HttpResults;
using Tenancy.Server.Usage;

namespace Tenancy.Server.Nse;

/// <summary>The /api/v2.1 reply: {"status": {...}, "result": {...}}.</summary>
public sealed record NseEnvelope<T>(NseStatus Status, T Result) : IHasETag
{
    long? IHasETag.ETagVersion => (Result as IHasETag)?.ETagVersion;
}

/// <summary>Records; one record alone gives the answer its ETag.</summary>
public sealed record NseRecords<T>(int ReturnedRecords, IReadOnlyList<T> Records) : IHasETag
{
    long? IHasETag.ETagVersion => Records is [IHasETag one] ? one.ETagVersion : null;
}

public sealed record NseTenantPage(
    int ReturnedRecords, long TotalRecords, string SortBy, string OrderBy, long Offset, int Limit,
    IReadOnlyList<NseTenantJson> Records);

/// <summary>
/// A tenant as the NetApp Service Engine API shows it. The keys of <see cref="Usage"/> are subscription
/// numbers and are written as they are: the server sets no dictionary key policy.
/// </summary>
public sealed record NseTenantJson(
    string Id, string Name, string? ZuoraAccountName, string? ZuoraAccountNumber, string Description, string? Code,
    IReadOnlyDictionary<string, IReadOnlyList<UsageLine>>? Usage) : IHasETag
{
    /// <summary>The tenant's version: not a field of the dialect, so it travels as the ETag only.</summary>
    [System.Text.Json.Serialization.JsonIgnore]
    public long Version { get; init; }

    long? IHasETag.ETagVersion => Version;

    public static NseTenantJson From(Tenant t, UsageMap? usage) =>
        new(t.Id, t.Name, t.ZuoraAccountName, t.ZuoraAccountNumber, t.Description ?? "", t.Code, usage) { Version = t.Version };

    /// <summary>That the tenant exists, and nothing more (its ancestral_access shuts the viewer out).</summary>
    public static NseTenantJson Existing(Tenant t) => new(t.Id, t.Name, null, null, "", t.Code, null);
}

public sealed record NseServiceLevelJson(string Name, string Description);

/// <summary>Success replies, with the dialect's sentences.</summary>
public static class NseReply
{
    public const string Created = "Okay. New resource created.";

    public static string Returned(long n) => n == 1 ? "Okay. Returned 1 record." : $"Okay. Returned {n} records.";

    public static NseEnvelope<T> Ok<T>(string message, T result, int code = 200) => new(new NseStatus(message, "", code), result);

    public static Ok<NseEnvelope<NseRecords<T>>> Records<T>(IReadOnlyList<T> records) =>
        TypedResults.Ok(Ok(Returned(records.Count), new NseRecords<T>(records.Count, records)));
}
