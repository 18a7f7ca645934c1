namespace Charge.Grains.Interfaces;

public enum StationCommandKind
{
    RemoteStop = 1,

    /// <summary>Draw at most <see cref="StationCommand.LimitW"/> for the session from now on (load balancing); no limit: the limit is lifted.</summary>
    SetLimit = 2,
}
