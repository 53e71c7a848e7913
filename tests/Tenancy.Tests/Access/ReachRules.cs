namespace Tenancy.Tests.Access;

public enum Dialect
{
    /// <summary>/api/2: errors {"error": {"code", ...}}.</summary>
    Acronis,

    /// <summary>/api/v2.1: {"status": {"code", ...}, "result": {...}}.</summary>
    Nse,
}

public enum Res
{
    Tenant,
    Client,
    User,
    Subscription,
    Usage,
    Audit,
    Application,
    Pricing,
    OfferingItem,
    Report,

    /// <summary>The change feed and webhooks of a subtree.</summary>
    Event,
    Deletion,
}

public enum Op
{
    Read,

    /// <summary>A list scoped to the target tenant (its children, clients, users...): refused like a read.</summary>
    List,
    Create,
    Change,
    Disable,
    Delete,
    Credential,

    /// <summary>Give or take a user's roles (its access policies).</summary>
    Grant,

    /// <summary>Obtain a one-time token that logs in as a user.</summary>
    Impersonate,
}

/// <summary>What the rules say a request gets.</summary>
public enum Outcome
{
    Allowed,

    /// <summary>401: the principal's tenant or an ancestor of it is disabled.</summary>
    Unauthorized,

    /// <summary>403, code 1002.</summary>
    Forbidden,

    /// <summary>403, code 1012: update_lock held by another tenant.</summary>
    Locked,

    /// <summary>400 code 1003 (/api/v2.1: 409): creating in or under a suspended tenant.</summary>
    ParentSuspended,

    /// <summary>400 code 1027 (/api/v2.1: 400): own tenant or the root disabled or deleted.</summary>
    Business,

    /// <summary>400 code 1006: an enabled tenant deleted on /api/2.</summary>
    DeleteEnabled,

    /// <summary>200, and an unscoped list shows that the item exists, without its details.</summary>
    ExistsOnly,

    /// <summary>200, and the item is not in the list.</summary>
    Absent,

    /// <summary>200 for a batch, with the item refused in its errors (usage samples).</summary>
    ItemRefused,
}

/// <summary>How much of an item an unscoped list shows to a principal.</summary>
public enum Visibility
{
    Absent,

    /// <summary>Listed as existing only (/api/2 "stamps": no name; /api/v2.1: id, name, code).</summary>
    Exists,
    Full,
}

/// <summary>
/// The expected answers, computed from the rules and the tree's parent links only (never from the
/// server's paths) and the roles the principals hold. Order: suspension of the principal; role, reach and
/// barrier (some role held on the target's tenant or above it allows the operation, and no barrier shuts
/// that tenant out); lock, suspension of the target, business rules.
/// </summary>
public static class ReachRules
{
    /// <summary>The role catalogue, restated: what each role allows on which resource.</summary>
    public static bool Allows(string role, Res resource, Op op) => role switch
    {
        "admin" or "root_admin" or "partner_admin" => true,
        "company_admin" or "unit_admin" => op is Op.Read or Op.List || resource is Res.Tenant or Res.Client or Res.User or Res.Audit or Res.Report or Res.Event,
        "viewer" or "readonly_admin" => op is Op.Read or Op.List,
        _ => false,
    };

    /// <summary>True when a role that allows everything (as an admin API client does) is held on the target's tenant or above, unbarred.</summary>
    public static bool HoldsAllOver(MatrixModel model, Principal principal, string target) =>
        model.GrantsOf(principal).Any(g => g.Role is "admin" or "root_admin" or "partner_admin" && model.StandingOf(principal, g.Tenant, target) == Standing.Open);

    /// <summary>True when some role the principal holds allows a write of some kind (the endpoints' policies let it through).</summary>
    public static bool WritesSomething(MatrixModel model, Principal principal) =>
        model.GrantsOf(principal).Any(g => Allows(g.Role, Res.Tenant, Op.Create));

    public static Outcome Expect(MatrixModel model, Principal principal, string target, Res resource, Op op, Dialect dialect)
    {
        if (model.Suspended(principal.Tenant))
        {
            return Outcome.Unauthorized;
        }

        if (!model.GrantsOf(principal).Any(g => Allows(g.Role, resource, op) && model.StandingOf(principal, g.Tenant, target) == Standing.Open))
        {
            return Outcome.Forbidden;
        }

        var node = model[target];
        if (resource == Res.Tenant && op is Op.Change or Op.Disable or Op.Delete && node.Locked && node.Parent != principal.Tenant)
        {
            return Outcome.Locked;
        }

        if (op == Op.Create && resource is Res.Tenant or Res.Client or Res.User && model.Suspended(target))
        {
            return Outcome.ParentSuspended;
        }

        if (resource == Res.Tenant && op is Op.Disable or Op.Delete && (target == principal.Tenant || node.Parent is null))
        {
            return Outcome.Business;
        }

        return resource == Res.Tenant && op == Op.Delete && dialect == Dialect.Acronis && node.Enabled
            ? Outcome.DeleteEnabled
            : Outcome.Allowed;
    }

    /// <summary>An item about <paramref name="target"/> in a list that is not scoped to one tenant.</summary>
    public static Visibility Listed(MatrixModel model, Principal principal, string target)
    {
        var standings = model.GrantsOf(principal).Where(g => Allows(g.Role, Res.Tenant, Op.Read)).Select(g => model.StandingOf(principal, g.Tenant, target)).ToList();
        return standings.Contains(Standing.Open) ? Visibility.Full : standings.Contains(Standing.Barred) ? Visibility.Exists : Visibility.Absent;
    }

    /// <summary>HTTP status and dialect code of a refusal.</summary>
    public static (HttpStatusCode Status, int Code) Refusal(Outcome outcome, Dialect dialect) => (outcome, dialect) switch
    {
        (Outcome.Unauthorized, _) => (HttpStatusCode.Unauthorized, 401),
        (Outcome.Forbidden, Dialect.Acronis) => (HttpStatusCode.Forbidden, 1002),
        (Outcome.Locked, Dialect.Acronis) => (HttpStatusCode.Forbidden, 1012),
        (Outcome.Forbidden or Outcome.Locked, _) => (HttpStatusCode.Forbidden, 403),
        (Outcome.ParentSuspended, Dialect.Acronis) => (HttpStatusCode.BadRequest, 1003),
        (Outcome.ParentSuspended, _) => (HttpStatusCode.Conflict, 409),
        (Outcome.Business, Dialect.Acronis) => (HttpStatusCode.BadRequest, 1027),
        (Outcome.DeleteEnabled, Dialect.Acronis) => (HttpStatusCode.BadRequest, 1006),
        _ => (HttpStatusCode.BadRequest, 400),
    };
}
