namespace Tenancy.Tests.Access;

/// <summary>Something made for one case alone (an API client to delete, a user to disable, a tenant to terminate).</summary>
/// <param name="Node">For a tenant made for the case: its name in the model, which the rules are asked about.</param>
public sealed record Victim(string Id, long Version = 0, string? Secret = null, string? Node = null);

/// <summary>
/// One row of the matrix as data: the resource and operation the rules are asked about, the dialect,
/// how to send it, and how to tell that it worked (or, refused, that nothing changed).
/// </summary>
public sealed record MatrixCase(string Name, Res Resource, Op Op, Dialect Dialect, HttpStatusCode Success, Func<CaseContext, Task<HttpResponseMessage>> Send)
{
    /// <summary>The answer the rules give; by default <see cref="ReachRules.Expect"/> for the case's resource and operation.</summary>
    public Func<MatrixModel, Principal, string, Outcome>? Rule { get; init; }

    /// <summary>
    /// True for a case whose effect reaches below its target (a tenant disabled, an application turned off):
    /// it runs after the others, one at a time.
    /// </summary>
    public bool RunsAlone { get; init; } = Resource == Res.Tenant && Op == Op.Disable;

    /// <summary>Whether the case is sent for this principal and target tenant.</summary>
    public Func<MatrixModel, Principal, string, bool> AppliesTo { get; init; } = static (_, _, _) => true;

    /// <summary>Made before the run, by a principal that may, so that the case is independent of the others.</summary>
    public Func<MatrixWorld, string, Task<Victim>>? Prepare { get; init; }

    /// <summary>Checks a 2xx answer's body for the outcome (and restores what the case changed); a problem or null.</summary>
    public Func<CaseContext, JsonElement, Outcome, Task<string?>>? Check { get; init; }

    /// <summary>After a refused write: a problem if the target changed anyway, or null.</summary>
    public Func<CaseContext, Task<string?>>? Unchanged { get; init; }

    /// <remarks>An impersonation session (its cookie) is for /api/2 only: on /api/v2.1 it is no credential at all.</remarks>
    public Outcome Expect(MatrixModel model, Principal principal, string target, Victim? victim) =>
        principal.Impersonated && Dialect == Dialect.Nse ? Outcome.Unauthorized
        : Rule?.Invoke(model, principal, victim?.Node ?? target)
        ?? ReachRules.Expect(model, principal, victim?.Node ?? target, Resource, Op, Dialect);
}

/// <summary>What a case's functions work with: the world, the principal's session, the target and its victim.</summary>
public sealed class CaseContext(MatrixWorld world, Principal principal, string target, Victim? victim)
{
    public MatrixWorld World { get; } = world;

    public Principal Principal { get; } = principal;

    /// <summary>The target tenant's name in the model.</summary>
    public string Target { get; } = target;

    public Victim Victim => victim ?? throw new InvalidOperationException("This case has no victim.");

    public Api Api => World.Sessions[Principal.Name];

    /// <summary>The target tenant's id.</summary>
    public string Id => World.Ids[Target];

    /// <summary>An admin that may read everything about the target: reads state back and restores it.</summary>
    public Api Observer => World.ObserverOf(Target);

    /// <summary>Unique per case: names, logins, subscription numbers.</summary>
    public string Unique { get; } = Guid.NewGuid().ToString("N")[..12];

    /// <summary>What the case saw before sending (a version, a count), to prove a refused write changed nothing.</summary>
    public long Before { get; set; }

    /// <summary>Reads a JSON body through the observer, expecting <paramref name="status"/>.</summary>
    public async Task<JsonElement?> ObserveAsync(string path, HttpStatusCode status = HttpStatusCode.OK)
    {
        using var response = await Observer.GetAsync(path);
        var text = await response.Content.ReadAsStringAsync();
        return response.StatusCode != status ? null : text.Length == 0 ? default(JsonElement) : JsonDocument.Parse(text).RootElement.Clone();
    }

    /// <summary>The version the observer reads at <paramref name="path"/> (-1 if it cannot).</summary>
    public async Task<long> VersionAsync(string path) => await ObserveAsync(path) is { } body ? body.Long("version") : -1;

    /// <summary>Null when the observer reads the same version as before the case, else a problem.</summary>
    public async Task<string?> VersionUnchangedAsync(string path)
    {
        var now = await VersionAsync(path);
        return now == Before ? null : $"refused, yet {path} changed: version {Before} -> {now}";
    }

    public static string? Problem(bool ok, string problem) => ok ? null : problem;

    /// <summary>Whether an item with <paramref name="id"/> is on <paramref name="page"/> or a later one of the list at <paramref name="path"/> (following paging.cursors.after).</summary>
    public async Task<bool> ListedAsync(JsonElement page, string path, string id)
    {
        while (true)
        {
            if (page.GetProperty("items").EnumerateArray().Any(i => i.Str("id") == id))
            {
                return true;
            }

            if (!page.GetProperty("paging").GetProperty("cursors").TryGetProperty("after", out var after) || after.ValueKind != JsonValueKind.String)
            {
                return false;
            }

            page = await Api.GetAsync($"{path}&after={after.GetString()}").ExpectAsync(HttpStatusCode.OK);
        }
    }
}
