using Charge.Grains.Interfaces;
using Charge.Grains.Interfaces.Tariffs;

namespace Charge.Grains.Tariffs;

/// <summary>Turns a session's register curve into OCPI charging periods, one per meter interval.</summary>
public static class SessionPeriods
{
    // Multiplying by the reciprocal costs a tenth of a decimal division; both round at the 28th digit.
    private const decimal HoursPerTick = 1m / TimeSpan.TicksPerHour;

    /// <summary>
    /// Each interval between two accepted points is a period. Energy is the register difference; the interval is
    /// charging time while energy increases and parking time while it does not (pricing rule 7); power is the
    /// interval's average and current the mean of the readings at its ends (pricing rule 4).
    /// </summary>
    public static List<ChargingPeriod> FromPoints(IReadOnlyList<MeterReading> points)
    {
        var periods = new List<ChargingPeriod>(Math.Max(0, points.Count - 1));
        Append(points, 1, periods);
        return periods;
    }

    /// <summary>Appends the periods that end at points[<paramref name="firstEnd"/>..]: how a running session extends its list.</summary>
    public static void Append(IReadOnlyList<MeterReading> points, int firstEnd, List<ChargingPeriod> periods)
    {
        for (var i = Math.Max(1, firstEnd); i < points.Count; i++)
        {
            var from = points[i - 1];
            var to = points[i];
            var ticks = (to.Timestamp - from.Timestamp).Ticks;
            if (ticks <= 0)
            {
                continue;
            }

            var hours = ticks * HoursPerTick;
            var wh = to.EnergyWh - from.EnergyWh;
            var current = (from.CurrentA, to.CurrentA) switch
            {
                ({ } a, { } b) => (a + b) / 2,
                (null, { } b) => b,
                ({ } a, null) => a,
                _ => (double?)null,
            };
            periods.Add(wh > 0
                ? new ChargingPeriod(from.Timestamp, wh * 0.001m, hours, 0m, (double)wh * TimeSpan.TicksPerHour / 1000.0 / ticks, current)
                : new ChargingPeriod(from.Timestamp, 0m, 0m, hours, 0.0, current));
        }
    }
}
