using System.Diagnostics.CodeAnalysis;

namespace Tenancy.Server.Errors;

/// <summary>Either a value or an <see cref="Errors.Error"/>.</summary>
public readonly struct Result<T>
{
    private readonly T? _value;

    private Result(T? value, Error? error)
    {
        _value = value;
        Error = error;
    }

    public Error? Error { get; }

    [MemberNotNullWhen(false, nameof(Error))]
    public bool IsOk => Error is null;

    /// <summary>For values whose static type is an interface (no implicit conversion exists for those).</summary>
    public static Result<T> Ok(T value) => new(value, null);

    public T Value => IsOk ? _value! : throw new InvalidOperationException($"No value: {Error.Message}");

    [SuppressMessage("Usage", "CA2225", Justification = "Implicit conversions keep handlers terse.")]
    public static implicit operator Result<T>(T value) => new(value, null);

    [SuppressMessage("Usage", "CA2225", Justification = "Implicit conversions keep handlers terse.")]
    public static implicit operator Result<T>(Error error) => new(default, error);
}

/// <summary>A successful result that carries no value.</summary>
public readonly record struct Done
{
    public static readonly Done Value;
}
