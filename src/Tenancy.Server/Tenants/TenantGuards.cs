namespace Tenancy.Server.Tenants;

/// <summary>
/// The rules a tenant write must pass, each as SQL for the conditional statement together with the error it
/// answers with, in the order their refusals take precedence: access (reach, barrier, update lock), version,
/// then the lifecycle rules of what is changed.
/// </summary>
public sealed class TenantGuards(Database db, Caller caller, string tenantId, long expectedVersion)
{
    /// <summary>The parameters the guards' SQL uses.</summary>
    public IReadOnlyDictionary<string, object?> Parameters { get; } =
        new Dictionary<string, object?>(AccessPolicy.Parameters(caller)) { ["expectedVersion"] = expectedVersion };

    public IReadOnlyList<Guard> Suspend() => [Access(Operation.Disable), Version, NotRoot, NotOwn];

    public IReadOnlyList<Guard> Reactivate() => [Access(Operation.Disable), Version, AncestorsEnabled];

    /// <summary>The guards of a partial update: those of each thing it changes.</summary>
    public IReadOnlyList<Guard> Update(IReadOnlyDictionary<string, object?> columns)
    {
        List<Guard> guards = [Access(Operation.Change), Version];
        if (columns.TryGetValue("enabled", out var enabled))
        {
            guards.AddRange(enabled is true ? [AncestorsEnabled] : [NotRoot, NotOwn]);
        }

        if (columns.ContainsKey("code"))
        {
            guards.Add(new Guard("t.code IS NULL OR t.code = @c_code",
                o => new Invalid("code", $"The code of a tenant cannot change (it is '{o.Tenant!.Code}').")));
        }

        if (columns.TryGetValue("kind", out var kind) && kind is string k)
        {
            guards.Add(NotRoot);
            guards.Add(new Guard(
                $"EXISTS (SELECT 1 FROM tenants p WHERE p.seq = t.parent_seq AND p.kind IN ({Literals(TenantKinds.All.Where(p => TenantKinds.CanHold(p, k)))}))",
                _ => new RuleViolation(Rule.Business, $"The parent of tenant {tenantId} cannot hold a tenant of kind '{k}'.")));
            guards.Add(new Guard(
                $"NOT EXISTS (SELECT 1 FROM tenants ch WHERE ch.parent_seq = t.seq AND ch.kind NOT IN ({Literals(TenantKinds.All.Where(c => TenantKinds.CanHold(k, c)))}))",
                _ => new RuleViolation(Rule.Business, $"A tenant of kind '{k}' cannot hold the sub-tenants of tenant {tenantId}.")));
        }

        return guards;
    }

    /// <summary>Reach, ancestral_access barriers and the update lock: the access policy's own SQL.</summary>
    private Guard Access(Operation operation) => new(
        $"{AccessPolicy.Where(caller, operation, Resource.Tenant, "t.path")} AND {AccessPolicy.UnlockedWhere("t")}",
        o => AccessPolicy.Decide(caller, operation, Resource.Tenant, tenantId, new Placement(o.Tenant!, o.Restrictions))
            ?? new Forbidden($"The tenant {tenantId} is outside the caller's reach."));

    private static Guard Version => new("t.version = @expectedVersion", o => new VersionConflict(o.Tenant!.Version));

    private static Guard NotRoot => new("t.parent_seq IS NOT NULL",
        _ => new RuleViolation(Rule.Business, "The root tenant cannot be moved, re-kinded or disabled."));

    private static Guard NotOwn => new("t.seq <> @reach_seq",
        _ => new RuleViolation(Rule.Business, "A caller cannot disable its own tenant."));

    /// <summary>Enabling under a disabled ancestor is refused (1003).</summary>
    private Guard AncestorsEnabled => new(
        $"NOT EXISTS (SELECT 1 FROM tenants a WHERE {db.OnPath("a.seq", "t.path")} AND a.seq <> t.seq AND NOT a.enabled)",
        o => new RuleViolation(Rule.ParentDisabled,
            $"Tenant {tenantId} cannot be enabled while tenant {NearestDisabledAbove(o)} above it is disabled."));

    private static string? NearestDisabledAbove(WriteOutcome o)
    {
        var above = o.Restrictions.Where(r => r.Key != o.Tenant!.Seq).ToDictionary(r => r.Key, r => r.Value);
        return Suspension.NearestDisabled(o.Tenant!, above);
    }

    private static string Literals(IEnumerable<string> values) => string.Join(", ", values.Select(v => $"'{v}'"));

    /// <summary>The columns a partial update sets (the wire's field names are the column names).</summary>
    public static Dictionary<string, object?> Columns(Caller caller, TenantChanges c, string? previousContact, long now)
    {
        var columns = new Dictionary<string, object?>();
        if (c.Kind.IsSet) columns["kind"] = c.Kind.Value;
        if (c.Enabled.IsSet) columns["enabled"] = c.Enabled.Value;
        if (c.Code.IsSet) columns["code"] = c.Code.Value;
        if (c.Name.IsSet) columns["name"] = c.Name.Value.Trim();
        if (c.CustomerType.IsSet) columns["customer_type"] = c.CustomerType.Value;
        if (c.CustomerId.IsSet) columns["customer_id"] = c.CustomerId.Value;
        if (c.InternalTag.IsSet) columns["internal_tag"] = c.InternalTag.Value;
        if (c.Language.IsSet) columns["language"] = c.Language.Value;
        if (c.DefaultIdpId.IsSet) columns["default_idp_id"] = Ids.Normalize(c.DefaultIdpId.Value);
        if (c.BrandId.IsSet) columns["brand_id"] = c.BrandId.Value;
        if (c.AncestralAccess.IsSet) columns["ancestral_access"] = c.AncestralAccess.Value;
        if (c.ZuoraAccountName.IsSet) columns["zuora_account_name"] = c.ZuoraAccountName.Value;
        if (c.ZuoraAccountNumber.IsSet) columns["zuora_account_number"] = c.ZuoraAccountNumber.Value;
        if (c.Description.IsSet) columns["description"] = c.Description.Value;
        if (c.UpdateLockEnabled.IsSet)
        {
            columns["update_lock_enabled"] = c.UpdateLockEnabled.Value;
            columns["update_lock_owner"] = c.UpdateLockEnabled.Value ? caller.TenantId : null;
        }

        if (c.Contact.IsSet)
        {
            columns["contact"] = ContactJson.Serialize(ContactJson.Stamp(c.Contact.Value, ContactJson.Deserialize(previousContact), now));
        }

        return columns;
    }

    public static RuleViolation KindRefused(string parentKind, string childKind) =>
        new(Rule.Business, $"A tenant of kind '{parentKind}' cannot hold a tenant of kind '{childKind}'.");

    public static AuditEntry Removal(Caller caller, Tenant tenant, string operation) =>
        new(caller, operation, "tenant", tenant.Id, tenant.Path, Snapshot(tenant), null);

    /// <summary>The identifying fields of a tenant, for creation and deletion records.</summary>
    public static Dictionary<string, object?> Snapshot(Tenant t) => new()
    {
        ["name"] = t.Name,
        ["kind"] = t.Kind,
        ["parent_id"] = t.ParentId,
        ["enabled"] = t.Enabled,
        ["version"] = t.Version,
        ["code"] = t.Code,
        ["zuora_account_name"] = t.ZuoraAccountName,
        ["zuora_account_number"] = t.ZuoraAccountNumber,
    };
}
