using Microsoft.AspNetCore.Http.HttpResults;
namespace Tenancy.Server.Errors;

/// <summary>The /api/v2.1 envelope: {"status": {"user_message", "verbose_message", "code"}, "result": {...}}.</summary>
public sealed record NseStatus(string UserMessage, string VerboseMessage, int Code);

public sealed record NseErrorBody(NseStatus Status, IReadOnlyDictionary<string, object?> Result)
{
    /// <summary>The core error this answers (not sent): lets the precondition filter tell a version conflict.</summary>
    [System.Text.Json.Serialization.JsonIgnore]
    public Error? Cause { get; init; }
}

/// <summary>Maps core errors to the /api/v2.1 dialect: status.code is the HTTP status.</summary>
public static class NseErrors
{
    public static JsonHttpResult<NseErrorBody> ToResult(Error error)
    {
        var (status, sentence) = Describe(error);
        return TypedResults.Json(new NseErrorBody(new NseStatus(sentence, error.Message, status), Empty) { Cause = error }, statusCode: status);
    }

    /// <summary>The HTTP status (also status.code) and the user message of an error.</summary>
    public static (int Status, string Sentence) Describe(Error error) =>
        error switch
        {
            VersionConflict => (409, "The record was changed by someone else; fetch it and try again."),
            PreconditionFailed => (412, "The record was changed by someone else (If-Match); fetch it and try again."),
            KeyReused => (422, "This Idempotency-Key was used with another request."),
            KeyConflict => (409, "This Idempotency-Key cannot be answered again now."),
            Forbidden => (403, "You are not allowed to access this record."),
            NotFound => (404, "The record was not found."),
            Unauthenticated => (401, "Authentication is required."),
            Invalid i => (400, $"Invalid value for '{i.Field}'."),
            Duplicate d => (409, $"The value of '{d.Field}' is already in use."),
            RuleViolation { Rule: Rule.HasChildren } => (412, "The tenant cannot be deleted while it has sub-tenants."),
            RuleViolation { Rule: Rule.UpdateLocked } => (403, "The tenant is locked for updates by another tenant."),
            RuleViolation { Rule: Rule.ParentDisabled } => (409, "The parent tenant is suspended."),
            RuleViolation => (400, "The request breaks a rule of the tenant tree."),
            UnsupportedMediaType => (415, "The request body must be JSON."),
            PayloadTooLarge => (413, "The request body is too large."),
            MethodNotAllowed => (405, "This method is not allowed here."),
            UriTooLong => (414, "The request address is too long."),
            TooManyRequests => (429, "Too many requests; slow down and retry later."),
            Unavailable => (503, "The service is temporarily unavailable."),
            _ => (500, "Internal error."),
        };

    private static readonly Dictionary<string, object?> Empty = [];
}
