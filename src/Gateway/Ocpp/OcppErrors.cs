namespace Charge.Gateway.Ocpp;

/// <summary>OCPP-J 1.6 CallError codes (section 4.2.3; "OccurenceConstraintViolation" is spelled as the spec does).</summary>
public static class OcppErrorCode
{
    public const string NotImplemented = "NotImplemented";
    public const string NotSupported = "NotSupported";
    public const string InternalError = "InternalError";
    public const string ProtocolError = "ProtocolError";
    public const string SecurityError = "SecurityError";
    public const string FormationViolation = "FormationViolation";
    public const string PropertyConstraintViolation = "PropertyConstraintViolation";
    public const string OccurenceConstraintViolation = "OccurenceConstraintViolation";
    public const string TypeConstraintViolation = "TypeConstraintViolation";
    public const string GenericError = "GenericError";
}

/// <summary>A request the central system answers with a CALLERROR.</summary>
public sealed class OcppCallException(string code, string description) : Exception(description)
{
    public string Code { get; } = code;
}
