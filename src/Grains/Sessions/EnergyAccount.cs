using System.Collections.Immutable;
using Charge.Grains.Interfaces;

namespace Charge.Grains.Sessions;

/// <summary>What became of one reading offered to an <see cref="EnergyAccount"/>.</summary>
public enum ReadingOutcome
{
    Accepted,
    /// <summary>The same register at the same instant was already counted: delivery repeated.</summary>
    Duplicate,
    /// <summary>An implausible rise, held until the next reading or the stop decides whether it is a spike or a new level.</summary>
    Held,
    Anomaly,
}

/// <summary>The outcome and how many points entered the curve (a decided held reading adds one).</summary>
public readonly record struct ReadingResult(ReadingOutcome Outcome, int PointsAccepted = 0);

/// <summary>
/// Energy accounting over a session's cumulative meter register, by the rules of docs/energy-rules.md.
/// The curve is the list of accepted points in time order, the first being the start register, in billing terms:
/// the charger's register plus the start when MeterValues are session-relative, less the jumps excluded so far. So
/// energy is last point minus first, and energy between two points is spread linearly over time (which is also how
/// slots and tariff periods are cut). Every anomaly is reported to the sink the account is given, with the value
/// as the charger sent it. The account works on the state it is given, so a grain keeps that as its state.
/// </summary>
public sealed class EnergyAccount
{
    /// <summary>Slots are aligned to the clock in UTC; every zone in use today is offset by a multiple of 15 minutes, so they align locally too.</summary>
    public static readonly TimeSpan SlotLength = TimeSpan.FromMinutes(15);

    /// <summary>energy rule 4: the slack that covers registers with kWh resolution.</summary>
    public const decimal SlackWh = 1000m;

    private readonly List<MeterReading> _points;
    private readonly RegisterState _register;
    private readonly Action<MeterAnomaly> _anomalies;

    public EnergyAccount(List<MeterReading> points, RegisterState? register = null, Action<MeterAnomaly>? anomalies = null)
    {
        if (points.Count == 0)
        {
            throw new ArgumentException("An energy account needs its start register as the first point.", nameof(points));
        }

        _points = points;
        _register = register ?? new RegisterState();
        _anomalies = anomalies ?? (_ => { });
    }

    /// <summary>The point list of a new account: the start register alone.</summary>
    public static List<MeterReading> Begin(DateTime startedAt, decimal meterStartWh) =>
        [new MeterReading(startedAt, meterStartWh)];

    public MeterReading Start => _points[0];

    public MeterReading Last => _points[^1];

    public decimal EnergyWh => Last.EnergyWh - Start.EnergyWh;

    /// <summary>Accepted points, the start register included.</summary>
    public IReadOnlyList<MeterReading> Points => _points;

    /// <summary>The connector's maximum power in force (0 in the state: the most any connector draws).</summary>
    private decimal MaxPowerW => (decimal)(_register.MaxPowerW > 0 ? _register.MaxPowerW : Limits.DefaultMaxPowerW(null));

    /// <summary>The charger's register behind a point of the curve (what its display showed).</summary>
    public decimal ChargerRegister(MeterReading point) =>
        point.EnergyWh + _register.ExcludedWh - (_register.Relative ? Start.EnergyWh : 0);

    /// <summary>Places a reading in time order, holds an implausible rise, or says why it cannot be counted.</summary>
    public ReadingResult Add(MeterReading reading)
    {
        if (reading.Timestamp < Start.Timestamp)
        {
            return Reject(AnomalyKind.BeforeSessionStart, reading,
                $"reading at {reading.Timestamp:O} is before the session start at {Start.Timestamp:O}");
        }

        if (!_register.AnyReading)
        {
            _register.AnyReading = true;
            // energy rule 5: a first value below the start that is a plausible rise from 0 is session-relative.
            if (reading.EnergyWh < Start.EnergyWh && Plausible(new MeterReading(Start.Timestamp, 0), reading.EnergyWh, reading.Timestamp))
            {
                _register.Relative = true;
                Note(AnomalyKind.RelativeMeterValues, reading,
                    $"register {reading.EnergyWh} Wh is below meter_start {Start.EnergyWh} Wh: the charger reports MeterValues relative to the session; each is counted as meter_start + value");
            }
        }

        if (_register.Held is { } held && held.Timestamp == reading.Timestamp)
        {
            return held.EnergyWh == reading.EnergyWh
                ? new ReadingResult(ReadingOutcome.Duplicate)
                : Reject(AnomalyKind.ConflictingReading, reading,
                    $"register {reading.EnergyWh} Wh at {reading.Timestamp:O} conflicts with {held.EnergyWh} Wh held for that instant");
        }

        var point = reading with { EnergyWh = Billing(reading.EnergyWh) };
        var index = IndexOf(point.Timestamp);
        if (index >= 0)
        {
            var existing = _points[index];
            return existing.EnergyWh == point.EnergyWh
                ? new ReadingResult(ReadingOutcome.Duplicate)
                : Reject(AnomalyKind.ConflictingReading, reading,
                    $"register {reading.EnergyWh} Wh at {reading.Timestamp:O} conflicts with the register already counted for that instant");
        }

        var insertAt = ~index;
        if (insertAt < _points.Count)
        {
            return Between(reading, point, insertAt);
        }

        var accepted = 0;
        if (_register.Held is { } pending && pending.Timestamp < point.Timestamp)
        {
            // energy rule 4: the next value decides what the held one was.
            _register.Held = null;
            var heldPoint = pending with { EnergyWh = Billing(pending.EnergyWh) };
            if (point.EnergyWh >= heldPoint.EnergyWh && PlausibleStep(heldPoint, point.EnergyWh, point.Timestamp))
            {
                ExcludeJump(pending, heldPoint);
                accepted++;
                point = reading with { EnergyWh = Billing(reading.EnergyWh) };
            }
            else
            {
                Note(AnomalyKind.Spike, pending,
                    $"register {pending.EnergyWh} Wh at {pending.Timestamp:O} was an implausible rise that the next reading did not confirm: set aside");
            }
        }
        else if (_register.Held is not null)
        {
            // Older than the held reading: judged against the curve, which the held one will be judged against later.
            return Between(reading, point, _points.Count);
        }

        var last = Last;
        if (point.EnergyWh < last.EnergyWh)
        {
            Reject(AnomalyKind.RegisterWentBackwards, reading,
                $"register {reading.EnergyWh} Wh at {reading.Timestamp:O} is below {ChargerRegister(last)} Wh, the last accepted register at {last.Timestamp:O}");
            return new ReadingResult(ReadingOutcome.Anomaly, accepted);
        }

        if (!Plausible(last, point.EnergyWh, point.Timestamp))
        {
            _register.Held = reading;
            return new ReadingResult(ReadingOutcome.Held, accepted);
        }

        _points.Add(point);
        return new ReadingResult(ReadingOutcome.Accepted, accepted + 1);
    }

    /// <summary>A reading that falls between accepted points in time (late, queued by an offline charger).</summary>
    private ReadingResult Between(MeterReading reading, MeterReading point, int insertAt)
    {
        var previous = _points[insertAt - 1];
        if (point.EnergyWh < previous.EnergyWh)
        {
            return Reject(AnomalyKind.RegisterWentBackwards, reading,
                $"register {reading.EnergyWh} Wh at {reading.Timestamp:O} is below {ChargerRegister(previous)} Wh, accepted at {previous.Timestamp:O}");
        }

        // An out-of-order reading must also fit below the reading that follows it in time.
        if (insertAt < _points.Count && point.EnergyWh > _points[insertAt].EnergyWh)
        {
            var next = _points[insertAt];
            return Reject(AnomalyKind.RegisterWentBackwards, reading,
                $"register {reading.EnergyWh} Wh at {reading.Timestamp:O} is above {ChargerRegister(next)} Wh, accepted at the later time {next.Timestamp:O}");
        }

        if (!Plausible(previous, point.EnergyWh, point.Timestamp))
        {
            return Reject(AnomalyKind.Spike, reading,
                $"register {reading.EnergyWh} Wh at {reading.Timestamp:O} rises faster than the connector's {MaxPowerW:0} W allow");
        }

        _points.Insert(insertAt, point);
        return new ReadingResult(ReadingOutcome.Accepted, 1);
    }

    /// <summary>
    /// Ends the curve at the charger's stop register (OCPP meterStop), by energy rule 4–6: a held reading is decided
    /// by the stop; a plausible stop is the final word (points after it in time or above it leave the curve); an
    /// implausible rise or a stop below the start leaves energy at what the readings show. Never throws: a stop is
    /// always resolved, so no session stays open.
    /// </summary>
    public void Close(DateTime stoppedAt, decimal meterStopWh)
    {
        var stop = new MeterReading(stoppedAt, meterStopWh);
        if (stoppedAt < Start.Timestamp)
        {
            Note(AnomalyKind.StopBeforeStart, stop,
                $"stop at {stoppedAt:O} is before the session start at {Start.Timestamp:O}: the session ends at its last accepted reading");
            stoppedAt = Last.Timestamp;
            stop = stop with { Timestamp = stoppedAt };
        }

        for (var i = _points.Count - 1; i >= 1; i--)
        {
            if (_points[i].Timestamp > stoppedAt)
            {
                Note(AnomalyKind.AfterSessionStop, _points[i] with { EnergyWh = ChargerRegister(_points[i]) },
                    $"reading at {_points[i].Timestamp:O} is after the session stop at {stoppedAt:O}");
                _points.RemoveAt(i);
            }
        }

        // A session-relative charger's stop is relative when below the start (counted as its readings are, excluded
        // jumps taken out), its lifetime register otherwise.
        decimal Billed() => _register.Relative && meterStopWh >= Start.EnergyWh ? meterStopWh : Billing(meterStopWh);
        var billed = Billed();

        if (_register.Held is { } held)
        {
            _register.Held = null;
            var heldPoint = held with { EnergyWh = Billing(held.EnergyWh) };
            if (held.Timestamp <= stoppedAt && billed >= heldPoint.EnergyWh && PlausibleStep(heldPoint, billed, stoppedAt))
            {
                ExcludeJump(held, heldPoint);
                billed = Billed();
            }
            else
            {
                Note(AnomalyKind.Spike, held,
                    $"register {held.EnergyWh} Wh at {held.Timestamp:O} was an implausible rise that the stop did not confirm: set aside");
            }
        }

        if (billed < Start.EnergyWh)
        {
            Note(AnomalyKind.StopBelowStart, stop,
                $"meter_stop {meterStopWh} Wh is below meter_start {Start.EnergyWh} Wh: energy is what the accepted readings show");
            End(stoppedAt, Last.EnergyWh);
            return;
        }

        if (billed > Last.EnergyWh && !Plausible(Last, billed, stoppedAt))
        {
            Note(AnomalyKind.JumpExcluded, stop,
                $"meter_stop {meterStopWh} Wh rises faster than the connector's {MaxPowerW:0} W allow since {Last.Timestamp:O}: the jump is not billed");
            _register.ExcludedWh += billed - Last.EnergyWh;
            End(stoppedAt, Last.EnergyWh);
            return;
        }

        for (var i = _points.Count - 1; i >= 1; i--)
        {
            var point = _points[i];
            if (point.EnergyWh > billed)
            {
                Note(AnomalyKind.AboveMeterStop, point with { EnergyWh = ChargerRegister(point) },
                    $"register at {point.Timestamp:O} is above meter_stop {meterStopWh} Wh: the stop is the charger's final word");
                _points.RemoveAt(i);
            }
            else if (point.Timestamp == stoppedAt && point.EnergyWh != billed)
            {
                Note(AnomalyKind.ConflictingReading, point with { EnergyWh = ChargerRegister(point) },
                    $"register at the stop instant differs from meter_stop {meterStopWh} Wh");
                _points.RemoveAt(i);
            }
        }

        End(stoppedAt, billed);
    }

    /// <summary>
    /// Ends the curve without the charger's stop (superseded, abandoned, force-closed): at the last accepted register,
    /// at its time. An undecided held reading is not billed.
    /// </summary>
    public void CloseAtLastRegister(string why)
    {
        if (_register.Held is { } held)
        {
            _register.Held = null;
            Note(AnomalyKind.Spike, held, $"register {held.EnergyWh} Wh at {held.Timestamp:O} was an implausible rise still undecided when the session was closed: set aside");
        }

        Note(AnomalyKind.ClosedWithoutStop, Last with { EnergyWh = ChargerRegister(Last) }, why);
    }

    private void End(DateTime stoppedAt, decimal billed)
    {
        if (Last.Timestamp < stoppedAt)
        {
            _points.Add(new MeterReading(stoppedAt, Math.Max(billed, Last.EnergyWh)));
        }
    }

    /// <summary>Accepts a held reading as the register's new level: its rise is excluded, counting goes on from it.</summary>
    private void ExcludeJump(MeterReading held, MeterReading heldPoint)
    {
        var last = Last;
        var jump = heldPoint.EnergyWh - last.EnergyWh;
        _register.ExcludedWh += jump;
        _points.Add(new MeterReading(held.Timestamp, last.EnergyWh, held.PowerW, held.CurrentA, held.SocPercent));
        Note(AnomalyKind.JumpExcluded, held,
            $"the register jumped by {jump} Wh to {held.EnergyWh} Wh at {held.Timestamp:O}, faster than the connector allows, and stayed at that level: the jump is not billed");
    }

    /// <summary>The charger's value in billing terms: session-relative values on top of the start, less excluded jumps.</summary>
    private decimal Billing(decimal register) =>
        (_register.Relative ? Start.EnergyWh + register : register) - _register.ExcludedWh;

    /// <summary>energy rule 4 and 7: the rise from a point, and from the start, within the connector's power (plus the slack).</summary>
    private bool Plausible(MeterReading from, decimal to, DateTime at) =>
        PlausibleStep(from, to, at) && PlausibleStep(Start, to, at);

    private bool PlausibleStep(MeterReading from, decimal to, DateTime at)
    {
        var hours = (decimal)(at - from.Timestamp).Ticks / TimeSpan.TicksPerHour;
        return to - from.EnergyWh <= MaxPowerW * Math.Max(hours, 0) + SlackWh;
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

    private ReadingResult Reject(AnomalyKind kind, MeterReading reading, string detail)
    {
        Note(kind, reading, detail);
        return new ReadingResult(ReadingOutcome.Anomaly);
    }

    private void Note(AnomalyKind kind, MeterReading reading, string detail) =>
        _anomalies(new MeterAnomaly(kind, reading.Timestamp, reading.EnergyWh, detail));
}
