using System.Net;
using System.Security.Cryptography;
using System.Text;
using Tenancy.Server.Idempotency;

namespace Tenancy.Server.Activation;

/// <summary>
/// The page an activation link opens: plain HTML from the server, no script, a form that posts back
/// (so it works without JavaScript), labelled fields. The form carries no ambient credential (no
/// cookie): the token in it is the credential, so there is nothing for a cross-site request to borrow.
/// </summary>
public static class ActivationPage
{
    public const string Path = "/activate";

    private const string Style =
        "body{font-family:system-ui,sans-serif;max-width:34rem;margin:2rem auto;padding:0 1rem;line-height:1.5}" +
        "label{display:block;margin-top:1rem;font-weight:600}input{font-size:1rem;padding:.4rem;width:100%;box-sizing:border-box}" +
        "button{margin-top:1.5rem;font-size:1rem;padding:.5rem 1rem}[role=alert]{border:2px solid #b00020;padding:.5rem}";

    /// <summary>Only the page's own style, and forms post only here.</summary>
    private static readonly string Policy =
        $"default-src 'none'; style-src 'sha256-{Convert.ToBase64String(SHA256.HashData(Encoding.UTF8.GetBytes(Style)))}'; " +
        "form-action 'self'; frame-ancestors 'none'; base-uri 'none'";

    private const string Rules =
        "It must be 12 to 128 characters long, must not be your login, and must mix at least two of: " +
        "lower case letters, upper case letters, digits, other characters.";

    public static IEndpointRouteBuilder MapActivationPage(this IEndpointRouteBuilder app)
    {
        app.MapGet(Path, Show).AllowAnonymous().ExcludeFromDescription();
        app.MapPost(Path, Submit).AllowAnonymous().DisableAntiforgery().KeepsAnswer(AnswerKept.Nothing).ExcludeFromDescription();
        return app;
    }

    private static async Task<IResult> Show(HttpContext context, string? token, ActivationService activation, CancellationToken ct)
    {
        var (state, holder) = await activation.CheckAsync(token, ct);
        return state == LinkState.Valid ? Form(context, token!, holder!.Login, null, HttpStatusCode.OK) : Refused(context, state);
    }

    private static async Task<IResult> Submit(HttpContext context, ActivationService activation, CancellationToken ct)
    {
        if (await FormBody.ReadAsync(context.Request, ct) is not { } form)
        {
            return Page(context, HttpStatusCode.BadRequest, "Activation", "<p>Open the link from your activation email and fill in the form.</p>");
        }

        var token = form["token"].ToString();
        var result = await activation.ActivateAsync(
            token, form["password"].ToString(), form["confirmation"].ToString(), context.Connection.RemoteIpAddress?.ToString(), ct);
        if (!result.IsOk)
        {
            var (_, holder) = await activation.CheckAsync(token, ct);
            return Form(context, token, holder?.Login ?? "", result.Error.Message, HttpStatusCode.BadRequest);
        }

        return result.Value.State switch
        {
            LinkState.Activated => Page(context, HttpStatusCode.OK, "Your account is activated",
                $"<p>Your password is set. Sign in with the login <strong>{Html(result.Value.Holder!.Login)}</strong> and this password.</p>"),
            LinkState.Valid => Form(context, token, result.Value.Holder!.Login, "Please try again.", HttpStatusCode.Conflict),
            var state => Refused(context, state),
        };
    }

    private static IResult Form(HttpContext context, string token, string login, string? error, HttpStatusCode status)
    {
        var alert = error is null ? "" : $"""<p role="alert" id="error">The password was not set: {Html(error)}</p>""";
        var described = error is null ? "rules" : "rules error";
        return Page(context, status, "Activate your account", $"""
            <p>Choose the password for the login <strong>{Html(login)}</strong>.</p>
            <p id="rules">{Rules}</p>
            {alert}
            <form method="post">
              <input type="hidden" name="token" value="{Html(token)}">
              <input type="hidden" name="username" autocomplete="username" value="{Html(login)}">
              <label for="password">New password</label>
              <input id="password" name="password" type="password" autocomplete="new-password" required minlength="12" maxlength="128" aria-describedby="{described}">
              <label for="confirmation">Repeat the password</label>
              <input id="confirmation" name="confirmation" type="password" autocomplete="new-password" required minlength="12" maxlength="128">
              <button type="submit">Set password and activate</button>
            </form>
            """);
    }

    private static IResult Refused(HttpContext context, LinkState state) => state switch
    {
        LinkState.Expired => Page(context, HttpStatusCode.Gone, "This link has expired",
            "<p>This activation link has expired. Ask your administrator to send you a new activation email.</p>"),
        LinkState.Used => Page(context, HttpStatusCode.Gone, "This link was already used",
            "<p>This activation link was already used: your password is set. Sign in with your login and password, " +
            "or ask your administrator to send you a new activation email.</p>"),
        _ => Page(context, HttpStatusCode.NotFound, "This link is not valid",
            "<p>This activation link is not valid. If you received several activation emails, only the link in the latest one works; " +
            "otherwise ask your administrator to send you a new activation email.</p>"),
    };

    private static IResult Page(HttpContext context, HttpStatusCode status, string title, string content)
    {
        context.Response.Headers.ContentSecurityPolicy = Policy;
        return Results.Content($"""
            <!doctype html>
            <html lang="en">
            <head>
            <meta charset="utf-8">
            <meta name="viewport" content="width=device-width, initial-scale=1">
            <title>{Html(title)}</title>
            <style>{Style}</style>
            </head>
            <body>
            <main>
            <h1>{Html(title)}</h1>
            {content}
            </main>
            </body>
            </html>
            """, "text/html; charset=utf-8", Encoding.UTF8, (int)status);
    }

    private static string Html(string text) => WebUtility.HtmlEncode(text);
}
