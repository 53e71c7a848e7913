using Microsoft.AspNetCore.Http.HttpResults;
namespace Tenancy.Server.Errors;

/// <summary>The /api/2 error envelope: {"error": {"code", "message", "details": {"info"}, "domain", "context"}}.</summary>
public sealed record AcronisErrorBody(AcronisError Error)
{
    /// <summary>The core error this answers (not sent): lets the precondition filter tell a version conflict.</summary>
    [System.Text.Json.Serialization.JsonIgnore]
    public Error? Cause { get; init; }
}

public sealed record AcronisError(
    int Code, string Message, AcronisErrorDetails Details, string Domain, IReadOnlyDictionary<string, object?> Context);

public sealed record AcronisErrorDetails(string? Info);

/// <summary>Maps core errors to the /api/2 dialect, with the original API's codes where one exists.</summary>
public static class AcronisErrors
{
    public const string Domain = "AccountServer";

    public const int VersionMismatch = 1001;
    public const int AccessDenied = 1002;
    public const int ParentDisabled = 1003;
    public const int NotFoundCode = 1005;
    public const int DeleteEnabled = 1006;
    public const int MoveUnderOwnChild = 1007;
    public const int UpdateLocked = 1012;
    public const int BusinessRule = 1027;

    public static JsonHttpResult<AcronisErrorBody> ToResult(Error error)
    {
        var (status, body) = Body(error);
        return TypedResults.Json(body, statusCode: status);
    }

    /// <summary>The envelope and HTTP status of an error (also carried inside batch answers, one per refused item).</summary>
    public static (int Status, AcronisErrorBody Body) Body(Error error)
    {
        var (status, code, message, context) = error switch
        {
            VersionConflict v => (409, VersionMismatch, "Version mismatch.", Ctx(("current_version", v.CurrentVersion))),
            PreconditionFailed p => (412, 412, "Precondition failed.", Ctx(("current_version", p.CurrentVersion))),
            KeyReused => (422, 422, "Idempotency key reused with another request.", Ctx()),
            KeyConflict => (409, 409, "Idempotency key conflict.", Ctx()),
            Forbidden => (403, AccessDenied, "Access denied.", Ctx()),
            NotFound => (404, NotFoundCode, "Not found.", Ctx()),
            Unauthenticated => (401, 401, "Unauthorized.", Ctx()),
            Invalid i => (400, 400, $"Invalid {i.Field}.", Ctx(("field", i.Field))),
            Duplicate d => (409, 409, $"Duplicate {d.Field}.", Ctx(("field", d.Field))),
            RuleViolation { Rule: Rule.ParentDisabled } => (400, ParentDisabled, "Parent tenant is disabled.", Ctx()),
            RuleViolation { Rule: Rule.DeleteEnabledTenant } => (400, DeleteEnabled, "Cannot delete an enabled tenant.", Ctx()),
            RuleViolation { Rule: Rule.DeleteEnabledUser } => (400, DeleteEnabled, "Cannot delete an enabled user.", Ctx()),
            RuleViolation { Rule: Rule.MoveUnderOwnSubtree } => (400, MoveUnderOwnChild, "Cannot move a tenant under its own child.", Ctx()),
            RuleViolation { Rule: Rule.UpdateLocked } => (403, UpdateLocked, "The tenant is locked for updates.", Ctx()),
            RuleViolation { Rule: Rule.HasChildren } => (409, BusinessRule, "The tenant has sub-tenants.", Ctx()),
            RuleViolation { OfferingItems: { } items } => (400, BusinessRule, "Business rule violation.", Ctx(("offering_items", items))),
            RuleViolation => (400, BusinessRule, "Business rule violation.", Ctx()),
            UnsupportedMediaType => (415, 415, "Unsupported media type.", Ctx()),
            PayloadTooLarge => (413, 413, "Request body too large.", Ctx()),
            MethodNotAllowed => (405, 405, "Method not allowed.", Ctx()),
            UriTooLong => (414, 414, "Request URI too long.", Ctx()),
            TooManyRequests => (429, 429, "Too many requests.", Ctx()),
            Unavailable => (503, 503, "Service unavailable.", Ctx()),
            _ => (500, 500, "Internal error.", Ctx()),
        };

        return (status, new AcronisErrorBody(new AcronisError(code, message, new AcronisErrorDetails(error.Message), Domain, context)) { Cause = error });
    }

    private static Dictionary<string, object?> Ctx(params (string Key, object? Value)[] items) =>
        items.ToDictionary(i => i.Key, i => i.Value);
}
