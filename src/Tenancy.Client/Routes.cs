namespace Tenancy.Client;

/// <summary>
/// One request the client sends: method, path template, query parameters, and the models of its body and
/// answer. Every request goes through this table, so a test can check each entry against the server's
/// OpenAPI document (/openapi/v1.json).
/// </summary>
/// <param name="Pending">
/// Set for requests of a contract another part of the server is still adding (the name of the contract);
/// the agreement test checks such a route only once the document has it.
/// </param>
public sealed record Route(string Method, string Template, string[] Query, Type? Body = null, Type? Answer = null, string? Pending = null)
{
    /// <summary>The path with the template's {placeholders} replaced, in order, by the escaped values.</summary>
    public string Path(params string[] values)
    {
        var path = Template;
        foreach (var value in values)
        {
            var start = path.IndexOf('{', StringComparison.Ordinal);
            var end = path.IndexOf('}', start);
            path = string.Concat(path.AsSpan(0, start), Uri.EscapeDataString(value), path.AsSpan(end + 1));
        }

        return path;
    }
}

/// <summary>Every request of the client.</summary>
public static class Routes
{
    public static readonly Route Token = new("POST", "/api/2/idp/token", [], Answer: typeof(TokenResponse));

    public static readonly Route ListTenants = new("GET", "/api/2/tenants", ["uuids", "parent_id", "subtree_root_id", "limit", "after", "lod"], Answer: typeof(TenantPage));
    public static readonly Route CreateTenant = new("POST", "/api/2/tenants", [], typeof(TenantCreate), typeof(Tenant));
    public static readonly Route GetTenant = new("GET", "/api/2/tenants/{tenant_id}", [], Answer: typeof(Tenant));
    public static readonly Route UpdateTenant = new("PUT", "/api/2/tenants/{tenant_id}", [], typeof(TenantChange), typeof(Tenant));
    public static readonly Route DeleteTenant = new("DELETE", "/api/2/tenants/{tenant_id}", ["version"]);
    public static readonly Route DryRunUpdateTenant = new("PUT", "/api/2/tenants/{tenant_id}", ["dry_run"], typeof(TenantChange), typeof(DryRun));
    public static readonly Route DryRunDeleteTenant = new("DELETE", "/api/2/tenants/{tenant_id}", ["version", "dry_run"], Answer: typeof(DryRun));
    public static readonly Route RestoreTenant = new("POST", "/api/2/tenants/{tenant_id}/restore", []);

    public static readonly Route CreateClient = new("POST", "/api/2/clients", [], typeof(ClientCreate), typeof(CreatedClient));
    public static readonly Route GetClient = new("GET", "/api/2/clients/{client_id}", [], Answer: typeof(ApiClient));
    public static readonly Route ListClients = new("GET", "/api/2/clients", ["tenant_id"], Answer: typeof(ClientList));

    public static readonly Route ListUsers = new("GET", "/api/2/users", ["tenant_id", "subtree_root_tenant_id", "limit", "after"], Answer: typeof(UserPage));
    public static readonly Route CreateUser = new("POST", "/api/2/users", [], typeof(UserCreate), typeof(User));
    public static readonly Route GetUser = new("GET", "/api/2/users/{user_id}", [], Answer: typeof(User));
    public static readonly Route Me = new("GET", "/api/2/users/me", []);

    public static readonly Route UsageReport = new("GET", "/api/2/usage/tenants/{tenant_id}/report", ["from", "to", "format"]);
    public static readonly Route PushUsage = new("POST", "/api/2/usage", [], typeof(UsageBatch));

    public static readonly Route CreateReport = new("POST", "/api/2/reports", [], typeof(ReportCreate), typeof(Report));
    public static readonly Route GetReport = new("GET", "/api/2/reports/{report_id}", [], Answer: typeof(Report));
    public static readonly Route StoredReports = new("GET", "/api/2/reports/{report_id}/stored", [], Answer: typeof(StoredReportList));
    public static readonly Route DownloadReport = new("GET", "/api/2/reports/{report_id}/stored/{stored_id}", []);

    public static readonly Route ListEvents = new("GET", "/api/2/events", ["after", "wait"]);

    public static readonly Route NseListTenants = new("GET", "/api/v2.1/tenants", ["offset", "limit"], Answer: typeof(NseEnvelope<NseTenantPage>));
    public static readonly Route NseGetTenant = new("GET", "/api/v2.1/tenants/{tenant_id}", [], Answer: typeof(NseEnvelope<NseRecords>));
    public static readonly Route NseCreateTenant = new("POST", "/api/v2.1/tenants", [], typeof(NseTenantCreate), typeof(NseEnvelope<NseRecords>));
    public static readonly Route NseDeleteTenant = new("DELETE", "/api/v2.1/tenants/{tenant_id}", []);

    /// <summary>All of the above, for the agreement test.</summary>
    public static IReadOnlyList<Route> All { get; } =
    [
        Token, ListTenants, CreateTenant, GetTenant, UpdateTenant, DeleteTenant, DryRunUpdateTenant, DryRunDeleteTenant, RestoreTenant,
        CreateClient, GetClient, ListClients, ListUsers, CreateUser, GetUser, Me, UsageReport, PushUsage,
        CreateReport, GetReport, StoredReports, DownloadReport, ListEvents,
        NseListTenants, NseGetTenant, NseCreateTenant, NseDeleteTenant,
    ];
}
