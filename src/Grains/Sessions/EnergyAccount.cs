using System.Collections.Immutable;
using Charge.Grains.Interfaces;

namespace Charge.Grains.Sessions;

/// <summary>What became of one reading offered to an <see cref="EnergyAccount"/>.</summary>
public enum ReadingOutcome
{
    Accepted,
    /// <summary>The same register at the same instant was already counted: delivery repeated.</summary>
    Duplicate,
    Anomaly,
}

public readonly record struct ReadingResult(ReadingOutcome Outcome, MeterAnomaly? Anomaly = null)
{
    public static readonly ReadingResult Accepted = new(ReadingOutcome.Accepted);
    public static readonly ReadingResult Duplicate = new(ReadingOutcome.Duplicate);
}

/// <summary>
/// Energy accounting over a session's cumulative meter register. The register curve is the list of accepted
/// points in time order, the first being the start register; energy is last register minus start register,
/// and energy between two points is spread linearly over time (which is also how slots and, later, tariff
/// periods are cut). The account works on the list it is given, so a grain keeps that list as its state.
/// </summary>
public sealed class EnergyAccount
{
    /// <summary>Slots are aligned to the clock in UTC; every zone in use today is offset by a multiple of 15 minutes, so they align locally too.</summary>
    public static readonly TimeSpan SlotLength = TimeSpan.FromMinutes(15);

    private readonly List<MeterReading> _points;

    public EnergyAccount(List<MeterReading> points)
    {
        if (points.Count == 0)
        {
            throw new ArgumentException("An energy account needs its start register as the first point.", nameof(points));
        }

        _points = points;
    }

    /// <summary>The point list of a new account: the start register alone.</summary>
    public static List<MeterReading> Begin(DateTime startedAt, decimal meterStartWh) =>
        [new MeterReading(startedAt, meterStartWh)];

    public MeterReading Start => _points[0];

    public MeterReading Last => _points[^1];

    public decimal EnergyWh => Last.EnergyWh - Start.EnergyWh;

    /// <summary>Accepted points, the start register included.</summary>
    public IReadOnlyList<MeterReading> Points => _points;

    /// <summary>Places a reading in time order, or says why it cannot be counted.</summary>
    public ReadingResult Add(MeterReading reading)
    {
        if (reading.Timestamp < Start.Timestamp)
        {
            return Reject(AnomalyKind.BeforeSessionStart, reading,
                $"reading at {reading.Timestamp:O} is before the session start at {Start.Timestamp:O}");
        }

        var index = IndexOf(reading.Timestamp);
        if (index >= 0)
        {
            var existing = _points[index];
            return existing.EnergyWh == reading.EnergyWh
                ? ReadingResult.Duplicate
                : Reject(AnomalyKind.ConflictingReading, reading,
                    $"register {reading.EnergyWh} Wh at {reading.Timestamp:O} conflicts with {existing.EnergyWh} Wh already counted for that instant");
        }

        var insertAt = ~index;
        var previous = _points[insertAt - 1];
        if (reading.EnergyWh < previous.EnergyWh)
        {
            return Reject(AnomalyKind.RegisterWentBackwards, reading,
                $"register {reading.EnergyWh} Wh at {reading.Timestamp:O} is below {previous.EnergyWh} Wh at {previous.Timestamp:O}");
        }

        // An out-of-order reading must also fit below the reading that follows it in time.
        if (insertAt < _points.Count && reading.EnergyWh > _points[insertAt].EnergyWh)
        {
            var next = _points[insertAt];
            return Reject(AnomalyKind.RegisterWentBackwards, reading,
                $"register {reading.EnergyWh} Wh at {reading.Timestamp:O} is above {next.EnergyWh} Wh at the later time {next.Timestamp:O}");
        }

        _points.Insert(insertAt, reading);
        return ReadingResult.Accepted;
    }

    /// <summary>
    /// Ends the curve at the stop register. The stop is the charger's final word (OCPP's meterStop), so points
    /// after it in time or above it in register cannot be right: they leave the curve and are returned as anomalies.
    /// </summary>
    public IReadOnlyList<MeterAnomaly> Close(DateTime stoppedAt, decimal meterStopWh)
    {
        if (stoppedAt < Start.Timestamp || meterStopWh < Start.EnergyWh)
        {
            throw new ArgumentException("The stop must not precede the start in time or register.");
        }

        var removed = new List<MeterAnomaly>();
        for (var i = _points.Count - 1; i >= 1; i--)
        {
            var point = _points[i];
            MeterAnomaly? anomaly = null;
            if (point.Timestamp > stoppedAt)
            {
                anomaly = Anomaly(AnomalyKind.AfterSessionStop, point,
                    $"reading at {point.Timestamp:O} is after the session stop at {stoppedAt:O}");
            }
            else if (point.EnergyWh > meterStopWh)
            {
                anomaly = Anomaly(AnomalyKind.AboveMeterStop, point,
                    $"register {point.EnergyWh} Wh at {point.Timestamp:O} is above meter_stop {meterStopWh} Wh");
            }
            else if (point.Timestamp == stoppedAt && point.EnergyWh != meterStopWh)
            {
                anomaly = Anomaly(AnomalyKind.ConflictingReading, point,
                    $"register {point.EnergyWh} Wh at the stop instant differs from meter_stop {meterStopWh} Wh");
            }

            if (anomaly is not null)
            {
                _points.RemoveAt(i);
                removed.Add(anomaly);
            }
        }

        if (Last.Timestamp < stoppedAt)
        {
            _points.Add(new MeterReading(stoppedAt, meterStopWh));
        }

        removed.Reverse();
        return removed;
    }

    /// <summary>
    /// Energy per clock-aligned 15-minute slot from the start register to the last point. Each slot is the
    /// difference of the register curve at its two edges, interpolated to a micro-Wh, so the slots add up
    /// exactly to <see cref="EnergyWh"/>.
    /// </summary>
    public ImmutableArray<EnergySlot> Slots()
    {
        if (_points.Count < 2)
        {
            return [];
        }

        var first = SlotStart(Start.Timestamp);
        var count = (int)((SlotStart(Last.Timestamp - TimeSpan.FromTicks(1)) - first).Ticks / SlotLength.Ticks) + 1;
        var builder = ImmutableArray.CreateBuilder<EnergySlot>(count);
        var maxPower = new double?[count];
        for (var i = 1; i < _points.Count; i++)
        {
            // A reading closes the interval before it, so its power belongs to the slot that interval ends in.
            if (_points[i].PowerW is { } power)
            {
                var slot = SlotIndex(first, _points[i].Timestamp - TimeSpan.FromTicks(1));
                maxPower[slot] = maxPower[slot] is { } seen ? Math.Max(seen, power) : power;
            }
        }

        var segment = 1;
        var registerAtEdge = Start.EnergyWh;
        for (var i = 0; i < count; i++)
        {
            var slotStart = first + SlotLength * i;
            var edge = slotStart + SlotLength;
            decimal registerAtNextEdge;
            if (edge >= Last.Timestamp)
            {
                registerAtNextEdge = Last.EnergyWh;
            }
            else
            {
                while (_points[segment].Timestamp < edge)
                {
                    segment++;
                }

                registerAtNextEdge = RegisterAt(_points[segment - 1], _points[segment], edge);
            }

            builder.Add(new EnergySlot(slotStart, registerAtNextEdge - registerAtEdge, maxPower[i]));
            registerAtEdge = registerAtNextEdge;
        }

        return builder.MoveToImmutable();
    }

    /// <summary>The register at <paramref name="t"/> between two points, spread linearly over time, to a micro-Wh.</summary>
    public static decimal RegisterAt(MeterReading from, MeterReading to, DateTime t)
    {
        if (t <= from.Timestamp)
        {
            return from.EnergyWh;
        }

        if (t >= to.Timestamp)
        {
            return to.EnergyWh;
        }

        var share = (decimal)(t - from.Timestamp).Ticks / (to.Timestamp - from.Timestamp).Ticks;
        return Math.Round(from.EnergyWh + (to.EnergyWh - from.EnergyWh) * share, 6, MidpointRounding.AwayFromZero);
    }

    public static DateTime SlotStart(DateTime t) =>
        new(t.Ticks - t.Ticks % SlotLength.Ticks, DateTimeKind.Utc);

    private static int SlotIndex(DateTime first, DateTime t) => (int)((SlotStart(t) - first).Ticks / SlotLength.Ticks);

    private int IndexOf(DateTime timestamp)
    {
        // Readings mostly arrive in order: check the end before searching.
        if (timestamp > Last.Timestamp)
        {
            return ~_points.Count;
        }

        int lo = 0, hi = _points.Count - 1;
        while (lo <= hi)
        {
            var mid = lo + ((hi - lo) >> 1);
            var c = _points[mid].Timestamp.CompareTo(timestamp);
            if (c == 0)
            {
                return mid;
            }

            if (c < 0)
            {
                lo = mid + 1;
            }
            else
            {
                hi = mid - 1;
            }
        }

        return ~lo;
    }

    private static ReadingResult Reject(AnomalyKind kind, MeterReading reading, string detail) =>
        new(ReadingOutcome.Anomaly, Anomaly(kind, reading, detail));

    private static MeterAnomaly Anomaly(AnomalyKind kind, MeterReading reading, string detail) =>
        new(kind, reading.Timestamp, reading.EnergyWh, detail);
}
