namespace Charge.Grains.Interfaces;

/// <summary>
/// An operator's command to a charger over OCPP, in the domain's words; the gateway holding the socket writes it in
/// the charger's OCPP version (IOcppCommandSet) and returns the charger's status.
/// </summary>
[GenerateSerializer]
[Alias("charge.OperatorCommand")]
public sealed record OperatorCommand(
    [property: Id(0)] OperatorCommandKind Kind,
    [property: Id(1)] int ConnectorId = 0,
    [property: Id(2)] string? IdTag = null,
    [property: Id(3)] string? SessionId = null,
    [property: Id(4)] bool Hard = false,
    [property: Id(5)] bool Operative = true,
    [property: Id(6)] string? RequestedMessage = null,
    [property: Id(7)] string? Component = null,
    [property: Id(8)] string? Variable = null,
    [property: Id(9)] string? Value = null,
    [property: Id(10)] string? ReportBase = null);

/// <summary>What an operator asks a charger to do.</summary>
public enum OperatorCommandKind
{
    /// <summary>Start a transaction for <see cref="OperatorCommand.IdTag"/> (on <see cref="OperatorCommand.ConnectorId"/>, 0: the charger chooses).</summary>
    RemoteStart = 0,

    /// <summary>Stop the transaction of <see cref="OperatorCommand.SessionId"/>.</summary>
    RemoteStop = 1,

    /// <summary>Restart the charger: once idle (soft), or at once (<see cref="OperatorCommand.Hard"/>).</summary>
    Reset = 2,

    /// <summary>Make a connector (0: the whole charger) operative or not.</summary>
    ChangeAvailability = 3,

    /// <summary>Ask the charger to send <see cref="OperatorCommand.RequestedMessage"/> now.</summary>
    TriggerMessage = 4,

    /// <summary>Release the cable lock of a connector.</summary>
    Unlock = 5,

    /// <summary>Ask for the device model (2.0.1 GetBaseReport of <see cref="OperatorCommand.ReportBase"/>, reported by NotifyReport; 1.6 GetConfiguration).</summary>
    RequestReport = 6,

    /// <summary>Read one variable (2.0.1 GetVariables; 1.6 GetConfiguration of a key); the value is recorded in the device model.</summary>
    GetVariable = 7,

    /// <summary>Set one variable (2.0.1 SetVariables; 1.6 ChangeConfiguration); an accepted value is recorded in the device model.</summary>
    SetVariable = 8,
}
