using System.Globalization;
using System.Net.Http.Headers;
using StandardWebhooks;

namespace Tenancy.Server.Webhooks;

/// <summary>The outcome of one request to a receiver.</summary>
public sealed record SendResult(bool Delivered, int? Status, string? Error);

/// <summary>
/// Sends one event to a webhook's URL as Standard Webhooks prescribe: the CloudEvent as the body, headers
/// webhook-id (the event's id: the same on every retry and redelivery, for deduplication), webhook-timestamp
/// and webhook-signature (HMAC-SHA256, made by the StandardWebhooks library). Any 2xx answer is a delivery;
/// everything else, redirects included (they are never followed), is a failure.
/// </summary>
public sealed class WebhookSender(IHttpClientFactory clients, TimeProvider clock)
{
    public const string ClientName = "webhooks";

    public async Task<SendResult> SendAsync(string url, string secret, string messageId, byte[] body, CancellationToken ct)
    {
        var timestamp = clock.GetUtcNow();
        var payload = System.Text.Encoding.UTF8.GetString(body);
        var signature = new StandardWebhook(secret).Sign(messageId, timestamp, payload);
        using var request = new HttpRequestMessage(HttpMethod.Post, url) { Content = new ByteArrayContent(body) };
        request.Content.Headers.ContentType = new MediaTypeHeaderValue(Events.CloudEventJson.MediaType) { CharSet = "utf-8" };
        request.Headers.Add("webhook-id", messageId);
        request.Headers.Add("webhook-timestamp", timestamp.ToUnixTimeSeconds().ToString(CultureInfo.InvariantCulture));
        request.Headers.Add("webhook-signature", signature);
        try
        {
            using var http = clients.CreateClient(ClientName);
            using var response = await http.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, ct);
            var status = (int)response.StatusCode;
            return response.IsSuccessStatusCode ? new SendResult(true, status, null) : new SendResult(false, status, $"the receiver answered {status}");
        }
        catch (Exception e) when (!ct.IsCancellationRequested && e is HttpRequestException or TaskCanceledException or IOException)
        {
            var text = $"{e.GetType().Name}: {e.Message}".ReplaceLineEndings(" ");
            return new SendResult(false, null, text.Length > 500 ? text[..500] : text);
        }
    }
}
