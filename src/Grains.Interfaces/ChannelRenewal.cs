namespace Charge.Grains.Interfaces;

/// <summary>
/// How long a gateway's channel to a charger lives in the charger grain: the gateway renews it every
/// <see cref="Every"/> while its socket or stream is open, and the grain takes one not renewed within
/// <see cref="ExpiresAfter"/> (three renewals) as belonging to a gateway that is gone.
/// </summary>
public static class ChannelRenewal
{
    public static readonly TimeSpan Every = TimeSpan.FromSeconds(30);

    public static readonly TimeSpan ExpiresAfter = Every * 3;
}
