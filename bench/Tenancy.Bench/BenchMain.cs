using System.Globalization;

namespace Tenancy.Bench;

/// <summary>
/// The benchmark's .NET half (bench/run.sh drives it):
///   seed    --provider sqlite|postgres --connection CS --tenants N [--history-days D] --out DIR
///   token   --base URL --client ID --secret S           (prints an access token for the wrk scripts)
///   measure --base URL --seed DIR --scenario S3|S4|S7|S8|S9 [--repeat N] [--connection CS]
///   report  --results DIR --out FILE --command TEXT [--settings TEXT] [--notes FILE]
/// </summary>
public static class BenchMain
{
    public static async Task<int> Main(string[] args)
    {
        if (args.Length == 0)
        {
            Console.Error.WriteLine("usage: Tenancy.Bench seed|token|measure|report [options] (see bench/run.sh)");
            return 2;
        }

        var o = Options(args[1..]);
        string Get(string name) => o.TryGetValue(name, out var v) ? v : throw new ArgumentException($"--{name} is required");
        int Int(string name, int fallback) => o.TryGetValue(name, out var v) ? int.Parse(v, CultureInfo.InvariantCulture) : fallback;

        switch (args[0])
        {
            case "seed":
                await new Seeder(Get("provider"), Get("connection"), Int("tenants", 1_000_000), Int("history-days", 4), Get("out")).RunAsync();
                return 0;
            case "token":
                using (var http = new HttpClient { BaseAddress = new Uri(Get("base")) })
                {
                    Console.WriteLine(await Driver.TokenAsync(http, Get("client"), Get("secret")));
                }

                return 0;
            case "measure":
                using (var driver = new Driver(new Uri(Get("base")), Get("seed")))
                {
                    var repeat = Int("repeat", 20);
                    await (Get("scenario") switch
                    {
                        "S3" => driver.SuspendAsync(repeat),
                        "S4" => driver.PagingAsync(repeat),
                        "S7" => driver.RollupAsync(repeat),
                        "S8" => driver.TerminateAsync(Get("connection")),
                        "S9" => driver.OffsetAsync(repeat),
                        var s => throw new ArgumentException($"unknown scenario {s}"),
                    });
                }

                return 0;
            case "report":
                await Report.WriteAsync(Get("results"), Get("out"), Get("command"), o.GetValueOrDefault("settings"), o.GetValueOrDefault("notes"));
                return 0;
            default:
                Console.Error.WriteLine($"unknown command {args[0]}");
                return 2;
        }
    }

    private static Dictionary<string, string> Options(string[] args)
    {
        var o = new Dictionary<string, string>(StringComparer.Ordinal);
        for (var i = 0; i + 1 < args.Length; i += 2)
        {
            o[args[i].TrimStart('-')] = args[i + 1];
        }

        return o;
    }
}
