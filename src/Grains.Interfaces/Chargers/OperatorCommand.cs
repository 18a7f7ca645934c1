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
    [property: Id(6)] string? RequestedMessage = null);

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
}
