namespace Tenancy.Server.Errors;

/// <summary>
/// A field of a partial update: either absent, or present with a value (which may be null).
/// Needed because "absent" and "set to null" mean different things in a PUT.
/// </summary>
public readonly record struct Optional<T>(bool IsSet, T Value)
{
    public static Optional<T> Unset => default;

    public static Optional<T> Of(T value) => new(true, value);

    public T Or(T fallback) => IsSet ? Value : fallback;
}
