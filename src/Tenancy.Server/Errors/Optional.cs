namespace Tenancy.Server.Errors;

/// <summary>
/// A field of a partial update: either absent, or present with a value (which may be null).
/// Needed because "absent" and "set to null" mean different things in a PUT.
/// </summary>
public readonly struct Optional<T>
{
    private Optional(T value)
    {
        IsSet = true;
        Value = value;
    }

    public bool IsSet { get; }

    public T Value { get; }

    public static Optional<T> Of(T value) => new(value);

    public T Or(T fallback) => IsSet ? Value : fallback;
}
