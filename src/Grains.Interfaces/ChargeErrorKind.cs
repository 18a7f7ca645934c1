namespace Charge.Grains.Interfaces;

/// <summary>What kind of rule a rejected request broke; the gateway maps it to a gRPC status / OCPP CallError.</summary>
public enum ChargeErrorKind
{
    InvalidArgument = 0,
    NotFound = 1,
    AlreadyExists = 2,
    FailedPrecondition = 3,
    /// <summary>Storage or the cluster could not take the request now; nothing of it was applied; retry.</summary>
    Unavailable = 4,
    /// <summary>The request is well formed but who it is for may not do it (a blocked or unknown id_tag).</summary>
    PermissionDenied = 5,
}
