namespace Charge.Grains.Interfaces;

/// <summary>A domain rule violation raised by a grain. The message is safe to show to the caller.</summary>
[GenerateSerializer]
[Alias("charge.ChargeException")]
public sealed class ChargeException : Exception
{
    public ChargeException(ChargeErrorKind kind, string message) : base(message) => Kind = kind;

    [Id(0)]
    public ChargeErrorKind Kind { get; private set; }

    public static ChargeException InvalidArgument(string message) => new(ChargeErrorKind.InvalidArgument, message);
    public static ChargeException NotFound(string message) => new(ChargeErrorKind.NotFound, message);
    public static ChargeException AlreadyExists(string message) => new(ChargeErrorKind.AlreadyExists, message);
    public static ChargeException FailedPrecondition(string message) => new(ChargeErrorKind.FailedPrecondition, message);
    public static ChargeException Unavailable(string message) => new(ChargeErrorKind.Unavailable, message);
    public static ChargeException PermissionDenied(string message) => new(ChargeErrorKind.PermissionDenied, message);
}
