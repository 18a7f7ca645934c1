using Charge.Grains.Interfaces;
using Charge.Grains.Interfaces.Tariffs;

namespace Charge.Grains.Tariffs;

/// <summary>Turns a session's register curve into OCPI charging periods, one per meter interval.</summary>
public static class SessionPeriods
{
    private const decimal TicksPerHour = TimeSpan.TicksPerHour;

    /// <summary>
    /// Each interval between two accepted points is a period. Energy is the register difference; the interval is
    /// charging time while energy increases and parking time while it does not (DECISIONS 7); power is the
    /// interval's average and current the mean of the readings at its ends (DECISIONS 4).
    /// </summary>
    public static List<ChargingPeriod> FromPoints(IReadOnlyList<MeterReading> points)
    {
        var periods = new List<ChargingPeriod>(Math.Max(0, points.Count - 1));
        for (var i = 1; i < points.Count; i++)
        {
            var from = points[i - 1];
            var to = points[i];
            var hours = (to.Timestamp - from.Timestamp).Ticks / TicksPerHour;
            if (hours <= 0)
            {
                continue;
            }

            var kwh = (to.EnergyWh - from.EnergyWh) / 1000m;
            var current = (from.CurrentA, to.CurrentA) switch
            {
                ({ } a, { } b) => (decimal?)(((decimal)a + (decimal)b) / 2m),
                (null, { } b) => (decimal)b,
                ({ } a, null) => (decimal)a,
                _ => null,
            };
            periods.Add(kwh > 0
                ? new ChargingPeriod(from.Timestamp, kwh, hours, 0m, kwh / hours, current)
                : new ChargingPeriod(from.Timestamp, 0m, 0m, hours, 0m, current));
        }

        return periods;
    }
}
