using System.Text.Json;
using System.Globalization;
using CloudNative.CloudEvents;
using CloudNative.CloudEvents.Extensions;
using CloudNative.CloudEvents.SystemTextJson;
using Microsoft.Extensions.Options;

namespace Tenancy.Server.Events;

/// <summary>
/// An event as CloudEvents 1.0 JSON (structured mode), made by the CloudEvents SDK: id, source, type,
/// subject (the tenant's id), time, datacontenttype, data, and the sequence extension (the position in the
/// feed, a cursor for GET /api/2/events?after=).
/// </summary>
public sealed class CloudEventJson(IOptions<EventOptions> options)
{
    public const string MediaType = "application/cloudevents+json";

    private static readonly JsonEventFormatter Formatter = new();

    private readonly Uri _source = new(options.Value.Source, UriKind.RelativeOrAbsolute);

    public byte[] Encode(EventRow row)
    {
        var e = new CloudEvent(CloudEventsSpecVersion.V1_0, Sequence.AllAttributes)
        {
            Id = row.EventId,
            Source = _source,
            Type = row.Type,
            Subject = row.TenantId,
            Time = DateTimeOffset.FromUnixTimeMilliseconds(row.At / 1000).AddTicks(row.At % 1000 * 10),
            DataContentType = "application/json",
            Data = JsonDocument.Parse(row.Data).RootElement.Clone(),
        };
        e[Sequence.SequenceAttribute] = row.Id.ToString(CultureInfo.InvariantCulture);
        return Formatter.EncodeStructuredModeMessage(e, out _).ToArray();
    }

    public JsonElement Element(EventRow row) => JsonDocument.Parse(Encode(row)).RootElement.Clone();
}
