namespace Charge.Grains.Interfaces;

/// <summary>
/// The one rule set for what a charger reports in a reading, whatever the transport: each adapter (OCPP, gRPC, REST)
/// parses its own format, then asks these and refuses in its own terms (a CALLERROR, InvalidArgument) with the
/// message given here. The instant decides billing and is strict (the register's bound is Limits.MaxEnergyWh, checked
/// by each adapter before it scales or converts the number); power, current and state of charge are what the
/// charger measured beside it.
/// </summary>
public static class ReadingRules
{
    /// <summary>Null when the instant is acceptable: not before <see cref="Limits.Earliest"/>, at most <see cref="Limits.MaxClockSkew"/> ahead of now.</summary>
    public static string? Timestamp(DateTime timestamp, DateTime now) =>
        timestamp < Limits.Earliest ? $"{timestamp:O} is before {Limits.Earliest:yyyy-MM-dd}"
        : timestamp > now + Limits.MaxClockSkew ? $"{timestamp:O} is more than {Limits.MaxClockSkew.TotalMinutes:0} minutes in the future"
        : null;

    /// <summary>
    /// Power (W) or current (A) as read: a finite value within ±<paramref name="max"/>; a negative one (export, or a
    /// meter's noise around zero) reads as 0, since a charge session only imports. Problem is set when refused.
    /// </summary>
    public static double Measured(double value, double max, string unit, out string? problem)
    {
        problem = double.IsFinite(value) && Math.Abs(value) <= max ? null : $"{value} {unit} is not a finite number within ±{max} {unit}";
        return Math.Max(0, value);
    }

    /// <summary>Null when the state of charge is a percentage: 0 to 100.</summary>
    public static string? SocPercent(double value) =>
        double.IsFinite(value) && value is >= 0 and <= 100 ? null : $"{value} % is not a state of charge (0 to 100)";
}
