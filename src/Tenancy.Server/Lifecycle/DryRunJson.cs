namespace Tenancy.Server.Lifecycle;

/// <summary>The answer of a dry run (both dialects; /api/v2.1 wraps it in its envelope).</summary>
public sealed record DryRunJson(bool DryRun, string Operation, bool Allowed, RefusalJson? Refusal, ImpactJson Impact)
{
    /// <summary>The answer with the refusal as /api/2 would answer it (its error code).</summary>
    public static DryRunJson Acronis(DryRunReport r) =>
        From(r, e => AcronisErrors.Body(e).Body.Error.Code);

    /// <summary>The answer with the refusal as /api/v2.1 would answer it (its status code).</summary>
    public static DryRunJson Nse(DryRunReport r) =>
        From(r, e => NseErrors.Describe(e).Status);

    private static DryRunJson From(DryRunReport r, Func<Error, int> code) => new(
        true, r.Operation, r.Refusal is null, r.Refusal is { } e ? new RefusalJson(code(e), e.Message) : null,
        new ImpactJson(Count(r.Impact.Tenants), Count(r.Impact.Users), Count(r.Impact.Clients), Count(r.Impact.LiveTokens),
            Count(r.Impact.Subscriptions), Count(r.Impact.Applications), Count(r.Impact.Usage)));

    private static CountJson Count(ImpactCount c) => new(c.Count, c.FirstIds);
}

/// <summary>The error the real request would answer: the dialect's code and the sentence naming the rule.</summary>
public sealed record RefusalJson(int Code, string Message);

public sealed record ImpactJson(
    CountJson Tenants, CountJson Users, CountJson Clients, CountJson LiveTokens, CountJson Subscriptions,
    CountJson Applications, CountJson Usage);

public sealed record CountJson(long Count, IReadOnlyList<string> FirstIds);

/// <summary>The dry_run query parameter: absent or false runs the request, true previews it.</summary>
public static class DryRunQuery
{
    public static Result<bool> Parse(string? value) =>
        value is null || string.Equals(value, "false", StringComparison.OrdinalIgnoreCase) ? false
        : string.Equals(value, "true", StringComparison.OrdinalIgnoreCase) ? true
        : new Invalid("dry_run", "dry_run must be true or false.");

    /// <summary>The query of a DELETE: the version it quotes (query or If-Match; null if none) and whether it is a dry run.</summary>
    public static Result<(long? Version, bool DryRun)> ParseDelete(HttpContext http, string? version, string? dryRun, bool versionRequired)
    {
        var v = VersionQuery.Optional(http, version);
        var preview = Parse(dryRun);
        return !v.IsOk ? v.Error
            : v.Value is null && versionRequired ? VersionQuery.Required(http, version).Error!
            : !preview.IsOk ? preview.Error
            : (v.Value, preview.Value);
    }
}
