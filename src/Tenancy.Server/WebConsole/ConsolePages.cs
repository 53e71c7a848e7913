using Microsoft.Extensions.FileProviders;

namespace Tenancy.Server.WebConsole;

/// <summary>
/// The operator's console: static ES modules, CSS and one HTML page, embedded in the server's assembly
/// (WebConsole/assets) and served under /console. The console is a client of the public /api/2 only;
/// it adds no endpoint of its own, so every answer it shows was decided by the access policy.
/// </summary>
public static class ConsolePages
{
    public const string Path = "/console";

    /// <summary>The console's own scripts and styles only; it talks to this server alone; nothing may frame it.</summary>
    public const string Policy = "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
        + "connect-src 'self'; object-src 'none'; frame-ancestors 'none'; base-uri 'none'; form-action 'self'";

    private static readonly EmbeddedFileProvider Assets = new(typeof(ConsolePages).Assembly, "Tenancy.Server.WebConsole.assets");

    public static WebApplication MapConsole(this WebApplication app)
    {
        app.UseStaticFiles(new StaticFileOptions { FileProvider = Assets, RequestPath = Path });
        app.MapGet(Path, Index).AllowAnonymous().ExcludeFromDescription();
        app.MapGet("/", () => TypedResults.Redirect(Path)).AllowAnonymous().ExcludeFromDescription();
        return app;
    }

    private static Microsoft.AspNetCore.Http.HttpResults.FileStreamHttpResult Index() =>
        TypedResults.Stream(Assets.GetFileInfo("index.html").CreateReadStream(), "text/html; charset=utf-8");
}
