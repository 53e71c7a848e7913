using Microsoft.AspNetCore.Authorization;
using Tenancy.Server.Errors;
using Tenancy.Server.Http;

namespace Tenancy.Server.Auth;

/// <summary>
/// The one place where roles are enforced: a viewer's request with a method that writes (anything but
/// GET, HEAD, OPTIONS, TRACE) to an endpoint that requires authentication is refused with 403 in the
/// dialect's envelope (code 1002 on /api/2), before any handler runs. New endpoints are covered
/// without doing anything. The anonymous identity endpoints (token, introspection, revocation) apply
/// their own rules.
/// </summary>
public static class ViewerGuard
{
    public static IApplicationBuilder UseViewerGuard(this IApplicationBuilder app) => app.Use(async (context, next) =>
    {
        if (context.Items[typeof(Caller)] is Caller { IsViewer: true } caller
            && Writes(context.Request.Method) && RequiresAuthentication(context.GetEndpoint()))
        {
            await Dialect.WriteAsync(context, new Forbidden(
                $"The {(caller.Kind == PrincipalKind.User ? "user" : "API client")} {caller.Id} has the viewer role: " +
                $"{context.Request.Method} {context.Request.Path} needs the admin role."));
            return;
        }

        await next(context);
    });

    private static bool Writes(string method) =>
        !(HttpMethods.IsGet(method) || HttpMethods.IsHead(method) || HttpMethods.IsOptions(method) || HttpMethods.IsTrace(method));

    private static bool RequiresAuthentication(Endpoint? endpoint) =>
        endpoint?.Metadata.GetMetadata<IAuthorizeData>() is not null && endpoint.Metadata.GetMetadata<IAllowAnonymous>() is null;
}
