using System.Text;
using System.Text.Json.Nodes;

namespace Tenancy.Tests.Hardening;

/// <summary>An endpoint of the server: a method and its route pattern.</summary>
public sealed record FuzzTarget(string Method, string Pattern)
{
    public override string ToString() => $"{Method} {Pattern}";
}

public sealed record FuzzRequest(FuzzTarget Target, string Method, string PathAndQuery, string? Authorization, string? ContentType, byte[]? Body)
{
    public string Path => PathAndQuery.Split('?')[0];

    public override string ToString() => Describe(300);

    public string Describe(int max) =>
        $"{Method} {PathAndQuery[..Math.Min(max, PathAndQuery.Length)]} auth={Authorization?[..Math.Min(20, Authorization.Length)]} "
        + $"type={ContentType} body={(Body is null ? "(none)" : Encoding.UTF8.GetString(Body[..Math.Min(max, Body.Length)]))}";
}

/// <summary>What the fuzz test knows about its server: ids to aim at and a valid token.</summary>
public sealed record FuzzWorld(
    string BearerToken, string PartnerId, string CustomerId, string UnitId, string NseTenantId, string NseCode,
    string ClientId, string Subscription);

/// <summary>Builds random and mutated requests for an endpoint, starting from a valid request where one is known.</summary>
public sealed class FuzzRequests(FuzzValues v, FuzzWorld world)
{
    private static readonly string[] Methods = ["GET", "POST", "PUT", "DELETE", "PATCH", "HEAD", "OPTIONS", "TRACE", "FOO"];
    private static readonly string[] PathTails = ["/", "/..", "/../../clients", "//", "/%2e%2e/x", "/extra", ";x=1", "%00", "/%2F..%2F"];
    private static readonly string[] QueryKeys = ["tenant_id", "uuids", "parent_id", "subtree_root_id", "limit", "after", "offset", "sort_by", "order_by", "from", "to", "format", "include_details", "version", "lod"];
    private static readonly string[] Fields = ["name", "kind", "parent_id", "version", "enabled", "code", "contact", "update_lock", "brand_id", "items", "data", "status", "number", "type", "tenant_id", "description", "language", "customer_type"];
    private static readonly string[] ContentTypes = ["text/plain", "application/x-www-form-urlencoded", "application/json; charset=utf-16", "application/merge-patch+json", "multipart/form-data; boundary=x", "a/b/c;;=", "application/xml"];

    public FuzzRequest Next(FuzzTarget target)
    {
        var method = v.Chance(0.9) ? target.Method : v.Pick(Methods);
        var path = Path(target.Pattern) + Query();
        var token = method == "POST" && Tenancy.Server.Http.Dialect.OAuthPaths.Contains(target.Pattern);
        var (contentType, body) = token ? Form() : Json(target, method);
        return new FuzzRequest(target, method, path, Authorization(token), contentType, body);
    }

    private string Path(string pattern)
    {
        var path = new StringBuilder();
        foreach (var segment in pattern.Split('/'))
        {
            path.Append(path.Length > 0 || segment.Length > 0 ? "/" : "");
            path.Append(segment.StartsWith('{') ? (v.Chance(0.7) ? Good(segment) : v.Segment()) : segment);
        }

        var text = path.Length == 0 ? "/" : path.ToString();
        return v.Random.Next(10) switch
        {
            0 => text + v.Pick(PathTails),
            1 => text.ToUpperInvariant(),
            _ => text,
        };
    }

    private string Good(string parameter) => parameter.Trim('{', '}', '*').ToLowerInvariant() switch
    {
        "tenantid" => v.Pick([world.PartnerId, world.CustomerId, world.UnitId, world.NseTenantId]),
        "clientid" => world.ClientId,
        "number" => world.Subscription,
        "documentname" => "v1",
        _ => "x",
    };

    private string Query()
    {
        var r = v.Random.Next(100);
        if (r < 50)
        {
            return "";
        }

        if (r < 53)
        {
            // Longer than any call needs, but within Kestrel's request line: refused in the dialect's envelope.
            return "?uuids=" + string.Join(',', Enumerable.Repeat(world.PartnerId, 180));
        }

        var pairs = Enumerable.Range(0, v.Random.Next(1, 4)).Select(_ =>
            $"{(v.Chance(0.9) ? v.Pick(QueryKeys) : v.Segment())}={(v.Chance(0.4) ? Good("{tenantId}") : v.Segment())}");
        return "?" + string.Join('&', pairs);
    }

    private string? Authorization(bool token)
    {
        var r = v.Random.Next(100);
        if (token)
        {
            return r switch
            {
                < 50 => Basic($"{Guid.NewGuid()}:{v.Segment()}"),
                < 60 => Basic($"{world.ClientId}:wrong-secret"),
                < 70 => "Basic " + v.Segment(),
                < 80 => null,
                < 90 => Basic(v.Segment()),
                _ => "Bearer " + world.BearerToken,
            };
        }

        return r switch
        {
            < 65 => "Bearer " + world.BearerToken,
            < 72 => null,
            < 78 => "Bearer " + v.Segment(),
            < 85 => "Bearer " + Tamper(world.BearerToken),
            < 90 => Basic($"{world.ClientId}:wrong-secret"),
            < 95 => "Basic " + v.Segment(),
            _ => v.Segment() + " " + v.Segment(),
        };
    }

    private string Tamper(string token)
    {
        var i = v.Random.Next(token.Length);
        return token[..i] + (token[i] == 'A' ? 'B' : 'A') + token[(i + 1)..];
    }

    private static string Basic(string credentials) => "Basic " + Convert.ToBase64String(Encoding.UTF8.GetBytes(credentials));

    private (string? ContentType, byte[]? Body) Form()
    {
        var fields = new List<string> { "grant_type=client_credentials", $"client_id={Guid.NewGuid()}", "client_secret=wrong" };
        switch (v.Random.Next(8))
        {
            case 0: fields.RemoveAt(0); break;
            case 1: fields[0] = "grant_type=" + v.Segment(); break;
            case 2: fields.Add(v.Segment() + "=" + v.Segment()); break;
            case 3: fields.AddRange(Enumerable.Range(0, 1500).Select(i => $"f{i}=1")); break;
            case 4: fields.Add("client_id=" + v.Segment()); break;
            case 5: fields.Add("x=" + new string('a', 5000)); break;
            default: break;
        }

        var contentType = v.Random.Next(10) switch
        {
            < 7 => "application/x-www-form-urlencoded",
            7 => "multipart/form-data; boundary=" + v.Segment(),
            8 => "application/json",
            _ => null,
        };
        return (contentType, v.Chance(0.85) ? Encoding.UTF8.GetBytes(string.Join('&', fields)) : v.Damage(string.Join('&', fields)));
    }

    private (string? ContentType, byte[]? Body) Json(FuzzTarget target, string method)
    {
        var contentType = v.Random.Next(100) switch
        {
            < 75 => "application/json",
            < 83 => null,
            _ => v.Pick(ContentTypes),
        };
        var r = v.Random.Next(100);
        if (r < 8 || (method is "GET" or "HEAD" && r < 80))
        {
            return (v.Chance(0.5) ? contentType : null, null);
        }

        if (r < 16)
        {
            return (contentType, Encoding.UTF8.GetBytes(v.Pick(["[]", "\"s\"", "1", "null", "", "   ", "{", "{}", "[{}]"])));
        }

        if (v.Chance(0.004))
        {
            return (contentType, Encoding.UTF8.GetBytes($"{{\"name\":\"{new string('a', 1_100_000)}\"}}"));
        }

        var body = Valid(target);
        for (var i = v.Random.Next(1, 4); i > 0; i--)
        {
            Mutate(body);
        }

        var text = v.Serialize(body);
        return (contentType, r < 26 ? v.Damage(text) : Encoding.UTF8.GetBytes(text));
    }

    /// <summary>Changes one field somewhere in the object: a new value of any type, removal, or an extra field.</summary>
    private void Mutate(JsonObject body)
    {
        var target = body;
        foreach (var (_, child) in body.ToList())
        {
            if (child is JsonObject nested && v.Chance(0.3))
            {
                target = nested;
            }
            else if (child is JsonArray { Count: > 0 } array && array[0] is JsonObject item && v.Chance(0.3))
            {
                target = item;
            }
        }

        var keys = target.Select(p => p.Key).ToList();
        switch (v.Random.Next(4))
        {
            case 0 when keys.Count > 0:
                target.Remove(v.Pick(keys));
                break;
            case 1:
                target[v.Chance(0.7) ? v.Pick(Fields) : v.Segment()] = v.Value();
                break;
            default:
                target[keys.Count > 0 ? v.Pick(keys) : v.Pick(Fields)] = v.Value();
                break;
        }
    }

    private JsonObject Valid(FuzzTarget target) => $"{target.Method} {target.Pattern}" switch
    {
        "POST /api/2/tenants" => new JsonObject
        {
            ["name"] = "fuzz", ["kind"] = "customer", ["parent_id"] = world.PartnerId,
            ["contact"] = new JsonObject { ["email"] = "a@b.c", ["types"] = new JsonArray("billing"), ["firstname"] = "A" },
        },
        "PUT /api/2/tenants/{tenantId}" => new JsonObject { ["name"] = "renamed", ["version"] = 1, ["enabled"] = true },
        "POST /api/2/clients" => new JsonObject
        {
            ["type"] = "api_client", ["tenant_id"] = world.UnitId, ["token_endpoint_auth_method"] = "client_secret_basic",
            ["data"] = new JsonObject { ["client_name"] = "fuzz" },
        },
        "PUT /api/2/clients/{clientId}" => new JsonObject { ["status"] = "enabled", ["data"] = new JsonObject { ["client_name"] = "x" } },
        "POST /api/2/tenants/{tenantId}/subscriptions" => new JsonObject { ["number"] = "A-S" + v.Random.Next(1000) },
        "POST /api/2/subscriptions/{number}/commitments" => new JsonObject
        {
            ["service_level"] = "premium", ["committed"] = 10, ["effective_from"] = "2025-01-01T00:00:00Z",
        },
        "POST /api/2/usage" => new JsonObject
        {
            ["items"] = new JsonArray(new JsonObject
            {
                ["tenant_id"] = world.CustomerId, ["subscription"] = world.Subscription, ["service_level"] = "premium",
                ["consumed"] = 1.5, ["timestamp"] = "2025-06-01T00:00:00Z",
            }),
        },
        "POST /api/v2.1/tenants" => new JsonObject
        {
            ["code"] = "fuzz_" + v.Random.Next(1000), ["name"] = "fuzz", ["zuora_account_name"] = "Z",
            ["zuora_account_number"] = "A00001", ["description"] = "d",
        },
        "PUT /api/v2.1/tenants/{tenantId}" => new JsonObject { ["code"] = world.NseCode, ["name"] = "n", ["version"] = 1 },
        _ => new JsonObject { ["x"] = 1 },
    };
}
