using Microsoft.AspNetCore.Http.HttpResults;

namespace Tenancy.Server.Activation;

/// <summary>The delivery status of a user's activation email (a Tenancy extension of /api/2).</summary>
public sealed record ActivationEmailJson(
    string UserId, bool Activated, string Status, string? Recipient, long Attempts, string? LastError, string? RequestedAt,
    string? SentAt, string? NextAttemptAt, string? LinkExpiresAt, bool LinkUsed)
{
    public static ActivationEmailJson From(Users.User user, ActivationRow? row) => new(
        user.Id, user.PasswordHash is not null, row?.Status ?? "none", row?.Recipient, row?.Attempts ?? 0, row?.LastError,
        Time(row?.RequestedAt), Time(row?.SentAt), row?.Status == ActivationStore.Queued ? Time(row.NextAttemptAt) : null,
        Time(row?.TokenExpiresAt), row?.TokenUsedAt is not null);

    private static string? Time(long? micros) => micros is { } m ? Timestamps.Format(m) : null;
}

/// <summary>The /api/2 head of activation by email.</summary>
public static class ActivationEndpoints
{
    public static RouteGroupBuilder MapActivation(this IEndpointRouteBuilder app)
    {
        var group = app.MapGroup("/api/2/users").WithTags("Users").RequireAuthorization().SpeaksAcronis();
        group.MapPost("/{userId}/send-activation-email", Send).RequireAuthorization(Policies.ResetCredential)
            .WithSummary("Queue an activation email: a link, valid once and for Tenancy:Email:ActivationLifetime, to a page that sets the password (503 when email is not configured)");
        group.MapGet("/{userId}/activation-email", Status)
            .WithSummary("The delivery status of the user's activation email: none, queued (with the last error and the next attempt), sent or failed");
        app.MapActivationPage();
        return group;
    }

    private static async Task<Results<NoContent, JsonHttpResult<AcronisErrorBody>>> Send(
        string userId, Caller caller, ActivationService activation, CancellationToken ct)
    {
        var result = await activation.SendAsync(caller, userId, ct);
        return result.IsOk ? TypedResults.NoContent() : AcronisErrors.ToResult(result.Error);
    }

    private static async Task<Results<Ok<ActivationEmailJson>, JsonHttpResult<AcronisErrorBody>>> Status(
        string userId, Caller caller, ActivationService activation, CancellationToken ct)
    {
        var result = await activation.StatusAsync(caller, userId, ct);
        return result.IsOk ? TypedResults.Ok(ActivationEmailJson.From(result.Value.User, result.Value.Row)) : AcronisErrors.ToResult(result.Error);
    }
}
