namespace Tenancy.Client;

/// <summary>
/// Gives every POST, PUT and DELETE an Idempotency-Key header (a new UUID) unless it has one. It sits
/// outside the retry handler, so every retry of one request sends the same key and the server can
/// answer a repeated request with the first one's outcome instead of applying it twice.
/// </summary>
public sealed class IdempotencyKeyHandler : DelegatingHandler
{
    public const string Header = "Idempotency-Key";

    protected override Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
    {
        if ((request.Method == HttpMethod.Post || request.Method == HttpMethod.Put || request.Method == HttpMethod.Delete)
            && !request.Headers.Contains(Header))
        {
            request.Headers.TryAddWithoutValidation(Header, Guid.NewGuid().ToString());
        }

        return base.SendAsync(request, cancellationToken);
    }
}
