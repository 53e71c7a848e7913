using System.Text;
using System.Text.Json.Nodes;

namespace Tenancy.Tests.Hardening;

/// <summary>
/// Random hostile values for the fuzz test. JSON that JsonNode cannot hold (1e999, lone surrogates,
/// 40 levels of nesting) is kept as raw text behind a placeholder string and spliced in on serialization.
/// </summary>
public sealed class FuzzValues(Random random, IReadOnlyList<string> knownIds)
{
    private readonly List<string> _raw = [];

    public Random Random { get; } = random;

    public IReadOnlyList<string> KnownIds { get; } = knownIds;

    public T Pick<T>(IReadOnlyList<T> items) => items[Random.Next(items.Count)];

    public bool Chance(double p) => Random.NextDouble() < p;

    /// <summary>Text for a path segment or query value: known ids, broken ids, traversal, encoded junk, long strings.</summary>
    public string Segment() => Random.Next(16) switch
    {
        0 or 1 or 2 => Pick(KnownIds),
        3 => Guid.NewGuid().ToString(),
        4 => BrokenUuid(),
        5 => Pick(Traversals),
        6 => Pick(EncodedJunk),
        7 => new string('a', Pick(Lengths)),
        8 => Random.Next(-2, 3).ToString(System.Globalization.CultureInfo.InvariantCulture),
        9 => "99999999999999999999999",
        10 => Uri.EscapeDataString(Pick(Unicode)),
        11 => "",
        12 => Pick(KnownIds).ToUpperInvariant(),
        13 => "{" + Pick(KnownIds) + "}",
        14 => "%2F" + Pick(KnownIds),
        _ => Uri.EscapeDataString(Pick(Keywords)),
    };

    public string BrokenUuid()
    {
        var id = Pick(KnownIds);
        return Random.Next(5) switch
        {
            0 => id[..^1],
            1 => id + "0",
            2 => id.Replace('-', '_'),
            3 => "zzzzzzzz-zzzz-zzzz-zzzz-zzzzzzzzzzzz",
            _ => id.Replace("-", "", StringComparison.Ordinal) + "ff",
        };
    }

    /// <summary>A random JSON value of any type, hostile more often than not.</summary>
    public JsonNode? Value(int depth = 0) => Random.Next(depth > 2 ? 11 : 14) switch
    {
        0 => null,
        1 => JsonValue.Create(Chance(0.5)),
        2 => JsonValue.Create(Pick(Numbers)),
        3 => Raw(Pick(RawNumbers)),
        4 => JsonValue.Create(Pick(KnownIds)),
        5 => JsonValue.Create(BrokenUuid()),
        6 => JsonValue.Create(new string(Pick(Letters), Pick(Lengths))),
        7 => JsonValue.Create(Pick(Unicode)),
        8 => Raw(Pick(RawStrings)),
        9 => JsonValue.Create(""),
        10 => JsonValue.Create(Pick(Keywords)),
        11 => new JsonArray(Value(depth + 1), Value(depth + 1)),
        12 => new JsonObject { ["a"] = Value(depth + 1), [Pick(Keywords)] = Value(depth + 1) },
        _ => Raw(Nested(Random.Next(20, 80))),
    };

    /// <summary>A placeholder that <see cref="Serialize"/> replaces with <paramref name="json"/>.</summary>
    public JsonValue Raw(string json)
    {
        _raw.Add(json);
        return JsonValue.Create($"\u00a7raw{_raw.Count - 1}\u00a7");
    }

    public string Serialize(JsonNode node)
    {
        var text = node.ToJsonString();
        for (var i = 0; i < _raw.Count; i++)
        {
            text = text.Replace($"\"\u00a7raw{i}\u00a7\"", _raw[i], StringComparison.Ordinal);
        }

        _raw.Clear();
        return text;
    }

    /// <summary>Deep nesting, past the 32 levels a body may have.</summary>
    public string Nested(int levels)
    {
        var open = Chance(0.5) ? "[" : "{\"x\":";
        var close = open == "[" ? "]" : "}";
        return string.Concat(Enumerable.Repeat(open, levels)) + "1" + string.Concat(Enumerable.Repeat(close, levels));
    }

    /// <summary>Byte-level damage to a body: truncation, a stray byte, invalid UTF-8, a doubled key.</summary>
    public byte[] Damage(string text)
    {
        var bytes = Encoding.UTF8.GetBytes(text);
        switch (Random.Next(5))
        {
            case 0:
                return bytes[..Random.Next(bytes.Length + 1)];
            case 1:
                var copy = bytes.ToList();
                copy.Insert(Random.Next(copy.Count + 1), (byte)Random.Next(256));
                return [.. copy];
            case 2:
                return [.. bytes.Take(bytes.Length / 2), 0xff, 0xfe, 0xc0, .. bytes.Skip(bytes.Length / 2)];
            case 3:
                return Encoding.UTF8.GetBytes(text.Length > 1 && text[0] == '{' ? "{\"name\":1," + text[1..] : text + text);
            default:
                return Encoding.Unicode.GetBytes(text);
        }
    }

    private static readonly string[] Traversals = ["..", "../..", "%2e%2e", "%2e%2e%2f%2e%2e%2fetc%2fpasswd", "..%5c..%5c", ".", "%252e%252e"];
    private static readonly string[] EncodedJunk = ["%00", "%ff%fe", "%zz", "%", "%c0%af", "%e2%80%ae", "a%20b", "%0d%0aX-Injected:%201", "%3Cscript%3E", "%27%20OR%201%3D1--"];
    private static readonly string[] Unicode = ["名前", "🙂🙃", "\u202eevil", "e\u0301", "\u0000", "\ufeffbom", "Ünïcødé", "\t\n", "\u2028"];
    private static readonly string[] RawStrings = ["\"\\ud800\"", "\"\\udfff\\ud800\"", "\"\\u0000\"", "\"a\\u0000b\""];
    private static readonly string[] RawNumbers = ["1e999", "-1e999", "99999999999999999999999999999", "-0", "1.0e-400", "0.5", "-9223372036854775809", "9223372036854775808"];
    private static readonly double[] Numbers = [0, -1, 1, 1.5, -0.5, 2147483648, 9007199254740993, 1e308, -1e308, 4.9e-324];
    private static readonly string[] Keywords = ["null", "true", "false", "NaN", "Infinity", "root", "partner", "customer", "unit", "folder", "enabled", "disabled", "api_client", "client_secret_post", "' OR '1'='1", "; DROP TABLE tenants; --", "${jndi:x}", "__proto__", "constructor"];
    private static readonly int[] Lengths = [1, 64, 65, 255, 256, 1024, 1025, 5000, 20_000];
    private static readonly char[] Letters = ['a', 'Z', '0', '_', 'é', '-'];
}
