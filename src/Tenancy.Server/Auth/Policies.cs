using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Authorization.Policy;

namespace Tenancy.Server.Auth;

/// <summary>
/// Roles as authorization policies: each writing endpoint names the operation it performs
/// (<c>.RequireAuthorization(Policies.Create)</c>) and a role the caller holds must allow it in
/// <see cref="RoleTable"/> for some kind of resource, on some tenant. Reads only require an authenticated caller. Where in the tree the caller
/// may act is decided later, by the services, for the target at hand.
/// </summary>
public static class Policies
{
    public const string Create = "create";
    public const string Change = "change";
    public const string Delete = "delete";
    public const string ResetCredential = "reset_credential";
    public const string Grant = "grant";
    public const string Impersonate = "impersonate";

    private static readonly Dictionary<string, Operation> Operations = new()
    {
        [Create] = Operation.Create,
        [Change] = Operation.Change,
        [Delete] = Operation.Delete,
        [ResetCredential] = Operation.ResetCredential,
        [Grant] = Operation.Grant,
        [Impersonate] = Operation.Impersonate,
    };

    public static IServiceCollection AddTenancyAuthorization(this IServiceCollection services)
    {
        services.AddSingleton<IAuthorizationHandler, OperationHandler>();
        services.AddSingleton<IAuthorizationMiddlewareResultHandler, DialectRefusals>();
        return services.AddAuthorization(o =>
        {
            foreach (var (name, operation) in Operations)
            {
                o.AddPolicy(name, p => p.RequireAuthenticatedUser().AddRequirements(new OperationRequirement(operation)));
            }
        });
    }
}

/// <summary>A role the caller holds must allow <see cref="Operation"/>.</summary>
public sealed record OperationRequirement(Operation Operation) : IAuthorizationRequirement;

public sealed class OperationHandler : AuthorizationHandler<OperationRequirement>
{
    protected override Task HandleRequirementAsync(AuthorizationHandlerContext context, OperationRequirement requirement)
    {
        if (CallerIdentity.Of(context.User) is not { } caller)
        {
            return Task.CompletedTask;
        }

        if (caller.Grants.Any(g => RoleTable.Allows(g.Role, requirement.Operation)))
        {
            context.Succeed(requirement);
            return Task.CompletedTask;
        }

        // With endpoint routing the resource is the request.
        var request = (context.Resource as HttpContext)?.Request;
        var allowed = string.Join(", ", RoleTable.Catalogue.Where(r => RoleTable.Allows(r.Id, requirement.Operation)).Select(r => r.Id));
        var held = string.Join(", ", caller.Grants.Select(g => g.Role).Distinct());
        context.Fail(new AuthorizationFailureReason(this,
            $"The {caller.ActorName} {caller.Id} holds the role {held}: {request?.Method} {request?.Path} needs one of the roles {allowed}."));
        return Task.CompletedTask;
    }
}

/// <summary>A refusal by a policy is answered 403 in the request's dialect (code 1002 on /api/2), naming the reason.</summary>
public sealed class DialectRefusals : IAuthorizationMiddlewareResultHandler
{
    private readonly AuthorizationMiddlewareResultHandler _default = new();

    public Task HandleAsync(RequestDelegate next, HttpContext context, AuthorizationPolicy policy, PolicyAuthorizationResult authorizeResult) =>
        authorizeResult.Forbidden && authorizeResult.AuthorizationFailure?.FailureReasons.FirstOrDefault() is { } reason
            ? Dialect.WriteAsync(context, new Forbidden(reason.Message))
            : _default.HandleAsync(next, context, policy, authorizeResult);
}
