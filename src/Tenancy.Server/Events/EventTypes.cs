namespace Tenancy.Server.Events;

/// <summary>
/// The one place that names events. Every audited change is an event whose type derives from the audit
/// record's operation: "tenancy." + the operation's subject (or the target type when the operation names
/// none) + the operation's verb in the past tense from <see cref="Verbs"/>; a verb missing from the table
/// is used as it is. "tenant.suspend" becomes "tenancy.tenant.suspended", "client.reset_secret"
/// "tenancy.client.secret_reset". New audited operations become events without a change here.
/// </summary>
public static class EventTypes
{
    public const string Prefix = "tenancy.";

    /// <summary>The audit verb and the event verb it becomes.</summary>
    private static readonly Dictionary<string, string> Verbs = new(StringComparer.Ordinal)
    {
        ["create"] = "created",
        ["update"] = "updated",
        ["suspend"] = "suspended",
        ["reactivate"] = "reactivated",
        ["move"] = "moved",
        ["delete"] = "deleted",
        ["terminate"] = "terminated",
        ["restore"] = "restored",
        ["purge"] = "purged",
        ["soft_delete"] = "soft_deleted",
        ["enable"] = "enabled",
        ["disable"] = "disabled",
        ["activate"] = "activated",
        ["impersonate"] = "impersonated",
        ["revoke"] = "revoked",
        ["reset_secret"] = "secret_reset",
        ["set_password"] = "password_set",
        ["access_policies"] = "access_policies_changed",
        ["send_activation_email"] = "activation_email_sent",
        ["turn_on"] = "turned_on",
        ["turn_off"] = "turned_off",
        ["switch"] = "switched",
        ["redeliver"] = "redelivery_requested",
    };

    /// <summary>The event type of an audited <paramref name="operation"/> on a target of <paramref name="targetType"/>.</summary>
    public static string Of(string operation, string targetType)
    {
        var dot = operation.LastIndexOf('.');
        var subject = dot > 0 ? operation[..dot] : targetType;
        var verb = operation[(dot + 1)..];
        return $"{Prefix}{subject}.{Verbs.GetValueOrDefault(verb, verb)}";
    }

    /// <summary>Whether <paramref name="type"/> has the shape of an event type (for filters).</summary>
    public static bool IsWellFormed(string type) =>
        type.StartsWith(Prefix, StringComparison.Ordinal) && type.Length <= 100
        && type.All(c => c is >= 'a' and <= 'z' or >= '0' and <= '9' or '.' or '_');
}
