using System.Globalization;
using System.Numerics;
using System.Text.Json;
using System.Text.Json.Serialization;

namespace Tenancy.Server.Http;

/// <summary>
/// A value that does not fit its field. The message is the problem alone ("must be a string"); the
/// reader puts the field's wire name in front of it, taken from the exception's path.
/// </summary>
public sealed class FieldProblem(string problem) : JsonException(problem);

/// <summary>Strings only: no number or boolean read as text. U+0000 is valid JSON but no text column can hold it
/// (PostgreSQL refuses it outright), so it is refused here, naming the field.</summary>
public sealed class StrictStringConverter : JsonConverter<string>
{
    public override string Read(ref Utf8JsonReader reader, Type typeToConvert, JsonSerializerOptions options)
    {
        var value = reader.TokenType == JsonTokenType.String ? reader.GetString()! : throw new FieldProblem("must be a string");
        return value.Contains('\0', StringComparison.Ordinal) ? throw new FieldProblem("must not contain NUL characters") : value;
    }

    public override void Write(Utf8JsonWriter writer, string value, JsonSerializerOptions options) => writer.WriteStringValue(value);
}

/// <summary>An array of strings; a null or non-string element is refused (the core never sees a null in a list).</summary>
public sealed class StringListConverter : JsonConverter<IReadOnlyList<string>>
{
    public override IReadOnlyList<string> Read(ref Utf8JsonReader reader, Type typeToConvert, JsonSerializerOptions options)
    {
        if (reader.TokenType != JsonTokenType.StartArray)
        {
            throw new FieldProblem("must be an array of strings");
        }

        var items = new List<string>();
        while (reader.Read() && reader.TokenType != JsonTokenType.EndArray)
        {
            var item = reader.TokenType == JsonTokenType.String ? reader.GetString()! : throw new FieldProblem("must be an array of strings");
            items.Add(item.Contains('\0', StringComparison.Ordinal) ? throw new FieldProblem("must not contain NUL characters") : item);
        }

        return items;
    }

    public override void Write(Utf8JsonWriter writer, IReadOnlyList<string> value, JsonSerializerOptions options)
    {
        writer.WriteStartArray();
        foreach (var item in value)
        {
            writer.WriteStringValue(item);
        }

        writer.WriteEndArray();
    }
}

/// <summary>true or false, or their strings in any case ("false", "False"): the original clients send both.</summary>
public sealed class LooseBooleanConverter : JsonConverter<bool>
{
    public override bool Read(ref Utf8JsonReader reader, Type typeToConvert, JsonSerializerOptions options) => reader.TokenType switch
    {
        JsonTokenType.True => true,
        JsonTokenType.False => false,
        JsonTokenType.String when bool.TryParse(reader.GetString(), out var b) => b,
        _ => throw new FieldProblem("must be true or false"),
    };

    public override void Write(Utf8JsonWriter writer, bool value, JsonSerializerOptions options) => writer.WriteBooleanValue(value);
}

/// <summary>
/// A non-negative number, as a JSON number or a numeric string ("version": "3", "consumed": "1.5"): integers
/// for <see cref="long"/> fields, finite decimals for <see cref="double"/> ones.
/// </summary>
public sealed class LooseNumberConverter<T>(NumberStyles styles, string problem) : JsonConverter<T>
    where T : struct, INumber<T>
{
    public override T Read(ref Utf8JsonReader reader, Type typeToConvert, JsonSerializerOptions options)
    {
        var value = T.Zero;
        var read = reader.TokenType switch
        {
            JsonTokenType.Number => T.TryParse(reader.ValueSpan, styles, CultureInfo.InvariantCulture, out value),
            JsonTokenType.String => T.TryParse(reader.GetString(), styles, CultureInfo.InvariantCulture, out value),
            _ => false,
        };
        return read && T.IsFinite(value) && value >= T.Zero ? value : throw new FieldProblem(problem);
    }

    public override void Write(Utf8JsonWriter writer, T value, JsonSerializerOptions options) =>
        writer.WriteRawValue(value.ToString(null, CultureInfo.InvariantCulture));
}

/// <summary>
/// <see cref="Optional{T}"/> fields of partial updates: an absent key leaves the property unset (the
/// converter is never called), a present one sets it, to null only where the field allows null.
/// </summary>
public sealed class OptionalConverterFactory : JsonConverterFactory
{
    public override bool CanConvert(Type typeToConvert) =>
        typeToConvert.IsGenericType && typeToConvert.GetGenericTypeDefinition() == typeof(Optional<>);

    public override JsonConverter CreateConverter(Type typeToConvert, JsonSerializerOptions options) =>
        Create(typeToConvert.GetGenericArguments()[0], allowNull: true);

    /// <summary>A converter for Optional of <paramref name="valueType"/>; a JSON null is refused unless <paramref name="allowNull"/>.</summary>
    public static JsonConverter Create(Type valueType, bool allowNull) =>
        (JsonConverter)Activator.CreateInstance(typeof(OptionalConverter<>).MakeGenericType(valueType), [allowNull])!;

    private sealed class OptionalConverter<T>(bool allowNull) : JsonConverter<Optional<T>>
    {
        public override bool HandleNull => true;

        public override Optional<T> Read(ref Utf8JsonReader reader, Type typeToConvert, JsonSerializerOptions options)
        {
            // A value type (bool, long, long?) reads null through its own converter: Nullable<> takes it, the rest refuse it.
            if (reader.TokenType == JsonTokenType.Null && !typeof(T).IsValueType)
            {
                return allowNull ? Optional<T>.Of(default!) : throw new FieldProblem("must not be null");
            }

            var converter = (JsonConverter<T>)options.GetConverter(typeof(T));
            return Optional<T>.Of(converter.Read(ref reader, typeof(T), options)!);
        }

        public override void Write(Utf8JsonWriter writer, Optional<T> value, JsonSerializerOptions options)
        {
            if (value.IsSet)
            {
                JsonSerializer.Serialize(writer, value.Value, options);
            }
            else
            {
                writer.WriteNullValue();
            }
        }
    }
}
