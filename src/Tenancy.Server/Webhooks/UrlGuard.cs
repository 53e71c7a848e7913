using System.Net;
using System.Net.Sockets;
using Microsoft.Extensions.Options;

namespace Tenancy.Server.Webhooks;

/// <summary>
/// Keeps webhooks from reaching into the server's own network (SSRF): a URL's host must resolve only to
/// public addresses, unless <see cref="WebhookOptions.AllowedNetworks"/> lets an address through. Checked
/// when a webhook is saved and again at every connection (<see cref="ConnectAsync"/>: the address actually
/// connected to), so a name that resolves differently later gains nothing. Redirects are never followed.
/// </summary>
public sealed class UrlGuard(IOptions<WebhookOptions> options)
{
    private readonly IReadOnlyList<IPNetwork> _allowed = options.Value.Allowed();

    private static readonly IPNetwork[] Internal =
    [
        IPNetwork.Parse("0.0.0.0/8"), IPNetwork.Parse("10.0.0.0/8"), IPNetwork.Parse("100.64.0.0/10"), IPNetwork.Parse("127.0.0.0/8"),
        IPNetwork.Parse("169.254.0.0/16"), IPNetwork.Parse("172.16.0.0/12"), IPNetwork.Parse("192.0.0.0/24"), IPNetwork.Parse("192.168.0.0/16"),
        IPNetwork.Parse("198.18.0.0/15"), IPNetwork.Parse("224.0.0.0/3"),
        IPNetwork.Parse("::/128"), IPNetwork.Parse("::1/128"), IPNetwork.Parse("fc00::/7"), IPNetwork.Parse("fe80::/10"), IPNetwork.Parse("ff00::/8"),
    ];

    /// <summary>Null when the address may be reached; otherwise why not.</summary>
    public string? Refusal(IPAddress address)
    {
        var a = address.IsIPv4MappedToIPv6 ? address.MapToIPv4() : address;
        if (_allowed.Any(n => n.Contains(a)))
        {
            return null;
        }

        return Internal.Any(n => n.Contains(a)) || a.IsIPv6SiteLocal || a.IsIPv6LinkLocal
            ? $"it leads to {a}, an internal address (loopback, private, link-local or reserved), which webhooks may not reach"
            : null;
    }

    /// <summary>Null when <paramref name="url"/> is an http(s) URL whose host resolves only to addresses that may be reached.</summary>
    public async Task<string?> CheckAsync(string url, CancellationToken ct)
    {
        if (!Uri.TryCreate(url, UriKind.Absolute, out var uri) || uri.Scheme is not ("http" or "https") || uri.Host.Length == 0)
        {
            return "url must be an absolute http or https URL.";
        }

        if (uri.UserInfo.Length > 0 || uri.Fragment.Length > 0)
        {
            return "url must not carry credentials or a fragment.";
        }

        IPAddress[] addresses;
        try
        {
            addresses = await Resolve(uri.IdnHost, ct);
        }
        catch (SocketException)
        {
            return $"url: the host {uri.Host} could not be resolved.";
        }

        return addresses.Select(Refusal).FirstOrDefault(r => r is not null) is { } refusal ? $"url is refused: {refusal}." : null;
    }

    /// <summary>
    /// The webhook client's ConnectCallback: resolves the host, refuses it if any of its addresses may not be
    /// reached, connects, and checks the address it connected to.
    /// </summary>
    public async ValueTask<Stream> ConnectAsync(SocketsHttpConnectionContext context, CancellationToken ct)
    {
        var addresses = await Resolve(context.DnsEndPoint.Host, ct);
        if (addresses.Select(Refusal).FirstOrDefault(r => r is not null) is { } refusal)
        {
            throw new HttpRequestException($"Refused to connect to {context.DnsEndPoint.Host}: {refusal}.");
        }

        var socket = new Socket(SocketType.Stream, ProtocolType.Tcp) { NoDelay = true };
        try
        {
            await socket.ConnectAsync(addresses, context.DnsEndPoint.Port, ct);
            if (socket.RemoteEndPoint is IPEndPoint connected && Refusal(connected.Address) is { } late)
            {
                throw new HttpRequestException($"Refused to talk to {context.DnsEndPoint.Host}: {late}.");
            }

            return new NetworkStream(socket, ownsSocket: true);
        }
        catch
        {
            socket.Dispose();
            throw;
        }
    }

    private static async Task<IPAddress[]> Resolve(string host, CancellationToken ct) =>
        IPAddress.TryParse(host.Trim('[', ']'), out var literal) ? [literal] : await Dns.GetHostAddressesAsync(host, ct);
}
