namespace Tenancy.Server.Http;

/// <summary>Reads an application/x-www-form-urlencoded (or multipart) body of the OAuth endpoints.</summary>
public static class FormBody
{
    /// <summary>The form, or null when it cannot be read: not a form, too many fields, an over-long key or
    /// value, a malformed multipart body or one cut short. A body over Kestrel's size limit still throws.</summary>
    public static async Task<IFormCollection?> ReadAsync(HttpRequest request, CancellationToken ct)
    {
        if (!request.HasFormContentType)
        {
            return null;
        }

        try
        {
            return await request.ReadFormAsync(ct);
        }
        catch (Exception e) when (e is InvalidDataException || (e is IOException && e is not BadHttpRequestException { StatusCode: StatusCodes.Status413PayloadTooLarge }))
        {
            return null;
        }
    }
}
