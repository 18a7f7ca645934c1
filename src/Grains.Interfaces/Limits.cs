namespace Charge.Grains.Interfaces;

/// <summary>
/// The numeric bounds every transport (gRPC, REST, OCPP) and the domain apply to what a caller sends: one set, so
/// a value refused on one path is refused on all, and no accepted value can overflow the arithmetic behind it.
/// </summary>
public static class Limits
{
    /// <summary>A meter register beyond this (1 TWh) is not a real charger; decimal arithmetic on it cannot overflow.</summary>
    public const decimal MaxEnergyWh = 1_000_000_000_000m;

    /// <summary>The most connectors a charger may declare (OCPP connector IDs are small integers).</summary>
    public const int MaxConnectors = 1000;

    /// <summary>The most power a connector may be registered with or a reading may report (10 MW: beyond megawatt charging).</summary>
    public const double MaxPowerW = 10_000_000;

    public const double MaxCurrentA = 10_000;

    /// <summary>IDs: charge point IDs, id_tags, tariff and site IDs.</summary>
    public const int MaxIdLength = 64;

    public const int MaxReadingsPerCall = 1000;

    /// <summary>A status report's error code (as OCPP 1.6 bounds a vendorErrorCode: 50 characters).</summary>
    public const int MaxErrorCodeLength = 50;

    /// <summary>Why a session stopped, as a station says it.</summary>
    public const int MaxStopReasonLength = 64;

    /// <summary>A customer's postal code (a site's follows OCPI's Location: 10 characters).</summary>
    public const int MaxPostalCodeLength = 20;

    /// <summary>A charger's secret (its OCPP AuthorizationKey, or the gRPC station's password).</summary>
    public const int MaxSecretLength = 64;

    /// <summary>Station clocks drift; a timestamp further ahead of the server's clock than this is refused.</summary>
    public static readonly TimeSpan MaxClockSkew = TimeSpan.FromMinutes(10);

    /// <summary>The earliest instant a station may report, and the range of dates reports and billing accept.</summary>
    public static readonly DateTime Earliest = new(2000, 1, 1, 0, 0, 0, DateTimeKind.Utc);

    public static readonly DateTime Latest = new(2200, 1, 1, 0, 0, 0, DateTimeKind.Utc);

    /// <summary>A tariff price per unit (kWh, hour, session) above this is a typo, not a price.</summary>
    public const decimal MaxPrice = 1_000_000m;

    /// <summary>Tariff volumes (kWh, seconds, steps) and power/current bounds in restrictions.</summary>
    public const decimal MaxTariffVolume = 1_000_000_000m;

    /// <summary>
    /// What a connector whose charger did not say can draw at most (energy rules: the default must never
    /// set aside real charging): any AC connector 43 kW (three-phase 63 A), DC and unknown 400 kW.
    /// </summary>
    public static double DefaultMaxPowerW(string? powerType) => powerType switch
    {
        "AC_1_PHASE" or "AC_2_PHASE" or "AC_2_PHASE_SPLIT" or "AC_3_PHASE" => 43_000,
        _ => 400_000,
    };
}
