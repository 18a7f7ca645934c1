namespace Charge.Grains.Interfaces;

/// <summary>Stream provider and namespace names, in one place for silo, grains and tests.</summary>
public static class StreamNames
{
    /// <summary>The stream provider every silo registers.</summary>
    public const string Provider = "charge";

    /// <summary>Meter batches from a charger grain to a session grain; the stream key is the session ID.</summary>
    public const string MeterReadings = "meter-readings";
}
