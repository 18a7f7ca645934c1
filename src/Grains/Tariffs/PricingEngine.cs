using System.Collections.Immutable;
using Charge.Grains.Interfaces.Tariffs;

namespace Charge.Grains.Tariffs;

/// <summary>
/// Prices a session's charging periods under an OCPI 2.2.1 tariff. Pure and deterministic: the same tariff
/// and periods give the same breakdown, to the last decimal. Where OCPI leaves room, the rules written in
/// docs/pricing-rules.md apply; each rule below names the one it implements.
/// </summary>
/// <remarks>
/// Cost is linear in volume, so a period is only cut where the applicable element can change (pricing rule 3):
/// local time boundaries (evaluated once per stretch of local time, not per period), duration thresholds and
/// kWh thresholds. Consecutive slices priced by the same element are billed as one run.
/// </remarks>
public static class PricingEngine
{
    private const decimal SecondsPerHour = 3600m;
    private const decimal WhPerKwh = 1000m;

    /// <summary>
    /// Prices <paramref name="periods"/> (in time order; each runs until the next one's start, the last until
    /// <paramref name="sessionEnd"/>). Session duration for min/max_duration counts from the first period.
    /// </summary>
    public static CostBreakdown Price(Tariff tariff, IReadOnlyList<ChargingPeriod> periods, DateTime sessionEnd)
    {
        var pricer = new Pricer(CompiledTariff.For(tariff), periods, sessionEnd);
        pricer.Walk();
        return pricer.Bill();
    }

    private sealed class Run(int candidate, long start, long end, decimal volume, int lastSlice)
    {
        public int Candidate = candidate;
        public long Start = start;
        public long End = end;
        public decimal Volume = volume;
        public int LastSlice = lastSlice;
    }

    private sealed class Pricer
    {
        private readonly CompiledTariff _t;
        private readonly IReadOnlyList<ChargingPeriod> _periods;
        private readonly long _end;
        private readonly long _origin;
        private readonly List<Run>[] _runs = [[], [], [], []];
        private long[] _segmentStarts = [];
        private bool[] _localOk = [];
        private Run? _flat;
        private int _slice;

        public Pricer(CompiledTariff t, IReadOnlyList<ChargingPeriod> periods, DateTime sessionEnd)
        {
            _t = t;
            _periods = periods;
            _end = sessionEnd.Ticks;
            _origin = periods.Count > 0 ? periods[0].Start.Ticks : _end;
        }

        public void Walk()
        {
            if (_periods.Count == 0)
            {
                return;
            }

            BuildTimeline(Math.Max(_end, _periods[^1].Start.Ticks));
            var segment = 0;
            var duration = 0;
            var thresholds = _t.DurationThresholdTicks;
            var usesKwh = _t.UsesKwh;
            var energyBefore = 0m;
            var periods = _periods is List<ChargingPeriod> list
                ? System.Runtime.InteropServices.CollectionsMarshal.AsSpan(list)
                : _periods.ToArray().AsSpan();
            for (var i = 0; i < periods.Length; i++)
            {
                var p = periods[i];
                var start = p.Start.Ticks;
                var end = i + 1 < periods.Length ? periods[i + 1].Start.Ticks : _end;
                if (end < start)
                {
                    end = start;
                }

                while (segment + 1 < _segmentStarts.Length && _segmentStarts[segment + 1] <= start)
                {
                    segment++;
                }

                while (duration < thresholds.Length && _origin + thresholds[duration] <= start)
                {
                    duration++;
                }

                var cut = (segment + 1 < _segmentStarts.Length && _segmentStarts[segment + 1] < end)
                    || (duration < thresholds.Length && _origin + thresholds[duration] < end)
                    || (usesKwh && CrossesKwhThreshold(energyBefore, p.EnergyKwh));
                if (!cut)
                {
                    Slice(segment, start, end, energyBefore, p.EnergyKwh, p.ChargingHours, p.ParkingHours, p.PowerKw, p.CurrentA);
                }
                else
                {
                    SliceAtCuts(p, start, end, energyBefore, segment);
                }

                if (usesKwh)
                {
                    energyBefore += p.EnergyKwh;
                }
            }
        }

        private bool CrossesKwhThreshold(decimal before, decimal kwh)
        {
            foreach (var k in _t.KwhThresholds)
            {
                if (k > before && k < before + kwh)
                {
                    return true;
                }
            }

            return false;
        }

        // pricing rule 3: volumes between two cuts are spread linearly over time; a kWh cut puts exactly the
        // threshold's energy before it. The last slice takes what is left, so slices add up to the period.
        private void SliceAtCuts(ChargingPeriod p, long start, long end, decimal energyBefore, int segment)
        {
            var cuts = new List<(long At, decimal? EnergyAt)>();
            foreach (var s in _segmentStarts)
            {
                if (s > start && s < end)
                {
                    cuts.Add((s, null));
                }
            }

            foreach (var d in _t.DurationThresholdTicks)
            {
                if (_origin + d > start && _origin + d < end)
                {
                    cuts.Add((_origin + d, null));
                }
            }

            foreach (var k in _t.KwhThresholds)
            {
                if (k > energyBefore && k < energyBefore + p.EnergyKwh)
                {
                    var at = start + (long)Math.Round((end - start) * ((k - energyBefore) / p.EnergyKwh), MidpointRounding.AwayFromZero);
                    if (at > start && at < end)
                    {
                        cuts.Add((at, k));
                    }
                }
            }

            cuts.Sort((a, b) => a.At.CompareTo(b.At));
            var total = (decimal)(end - start);
            var from = start;
            var energyAtFrom = energyBefore;
            decimal chargingUsed = 0m, parkingUsed = 0m;
            for (var c = 0; c <= cuts.Count; c++)
            {
                if (c < cuts.Count && cuts[c].At <= from)
                {
                    continue;
                }

                var last = c == cuts.Count;
                var to = last ? end : cuts[c].At;
                var share = (to - start) / total;
                var energyAtTo = last ? energyBefore + p.EnergyKwh : cuts[c].EnergyAt ?? energyBefore + p.EnergyKwh * share;
                var charging = last ? p.ChargingHours - chargingUsed : p.ChargingHours * share - chargingUsed;
                var parking = last ? p.ParkingHours - parkingUsed : p.ParkingHours * share - parkingUsed;
                while (segment + 1 < _segmentStarts.Length && _segmentStarts[segment + 1] <= from)
                {
                    segment++;
                }

                Slice(segment, from, to, energyAtFrom, energyAtTo - energyAtFrom, charging, parking, p.PowerKw, p.CurrentA);
                chargingUsed += charging;
                parkingUsed += parking;
                energyAtFrom = energyAtTo;
                from = to;
            }
        }

        private void Slice(int segment, long start, long end, decimal energyBefore, decimal kwh, decimal chargingHours, decimal parkingHours, double? power, double? current)
        {
            var fromOrigin = start - _origin;
            // OCPI: for each dimension, the first element that has a component of that dimension and whose
            // restrictions all hold prices it. FLAT is billed once per session: the first that applies.
            if (_flat is null && Find(TariffDimension.Flat, segment, energyBefore, fromOrigin, power, current) is var f and >= 0)
            {
                _flat = new Run(f, start, end, 1m, _slice);
            }

            if (kwh > 0)
            {
                Add(TariffDimension.Energy, Find(TariffDimension.Energy, segment, energyBefore, fromOrigin, power, current), start, end, kwh);
            }

            if (chargingHours > 0)
            {
                Add(TariffDimension.Time, Find(TariffDimension.Time, segment, energyBefore, fromOrigin, power, current), start, end, chargingHours);
            }

            if (parkingHours > 0)
            {
                Add(TariffDimension.ParkingTime, Find(TariffDimension.ParkingTime, segment, energyBefore, fromOrigin, power, current), start, end, parkingHours);
            }

            _slice++;
        }

        private int Find(TariffDimension dimension, int segment, decimal energyBefore, long fromOrigin, double? power, double? current)
        {
            var candidates = _t.Candidates;
            foreach (var index in _t.ByDimension[(int)dimension])
            {
                var c = candidates[index];
                if (c.Never
                    || (c.HasLocal && !_localOk[segment * candidates.Length + index])
                    || (c.HasOthers && !c.OthersHold(energyBefore, fromOrigin, power, current)))
                {
                    continue;
                }

                return index;
            }

            return -1;
        }

        private void Add(TariffDimension dimension, int candidate, long start, long end, decimal volume)
        {
            if (candidate < 0)
            {
                return;
            }

            var runs = _runs[(int)dimension];
            if (runs.Count > 0 && runs[^1] is var run && run.Candidate == candidate && run.LastSlice == _slice - 1)
            {
                run.Volume += volume;
                run.End = end;
                run.LastSlice = _slice;
                return;
            }

            runs.Add(new Run(candidate, start, end, volume, _slice));
        }

        // pricing rule 6: restrictions read the local wall clock in the tariff's zone. The session's time is cut where
        // the wall clock can cross a boundary (for every local day and every UTC offset in force, plus each
        // daylight-saving transition, where a skipped local time "begins"); each stretch is judged once. Extra cuts
        // are harmless: a slice only carries the element its start selects, and volumes add up unchanged.
        private void BuildTimeline(long last)
        {
            if (!_t.AnyLocal)
            {
                _segmentStarts = [_origin];
                return;
            }

            var zone = _t.Zone;
            var cuts = new List<long>();
            var offsets = new List<TimeSpan>();
            var offset = Offset(zone, _origin);
            offsets.Add(offset);
            for (var probe = _origin; probe < last;)
            {
                var next = Math.Min(last, probe + TimeSpan.TicksPerDay);
                var nextOffset = Offset(zone, next);
                if (nextOffset != offset)
                {
                    cuts.Add(FindTransition(zone, probe, next, offset));
                    offsets.Add(nextOffset);
                    offset = nextOffset;
                }

                probe = next;
            }

            var firstDay = DateOnly.FromDateTime(new DateTime(_origin + offsets.Min().Ticks)).AddDays(-1);
            var lastDay = DateOnly.FromDateTime(new DateTime(last + offsets.Max().Ticks)).AddDays(1);
            for (var day = firstDay; day <= lastDay; day = day.AddDays(1))
            {
                foreach (var time in _t.Boundaries)
                {
                    var local = day.ToDateTime(time).Ticks;
                    foreach (var o in offsets)
                    {
                        var utc = local - o.Ticks;
                        if (utc > _origin && utc < last)
                        {
                            cuts.Add(utc);
                        }
                    }
                }
            }

            cuts.Add(_origin);
            cuts.Sort();
            _segmentStarts = [.. cuts.Distinct()];
            var candidates = _t.Candidates;
            _localOk = new bool[_segmentStarts.Length * candidates.Length];
            for (var s = 0; s < _segmentStarts.Length; s++)
            {
                var local = new DateTime(_segmentStarts[s] + Offset(zone, _segmentStarts[s]).Ticks);
                for (var c = 0; c < candidates.Length; c++)
                {
                    _localOk[s * candidates.Length + c] = candidates[c].HasLocal && candidates[c].LocalHolds(local);
                }
            }
        }

        private static TimeSpan Offset(TimeZoneInfo zone, long utcTicks) => zone.GetUtcOffset(new DateTime(utcTicks, DateTimeKind.Utc));

        private static long FindTransition(TimeZoneInfo zone, long start, long end, TimeSpan startOffset)
        {
            // The first second whose offset differs from the start's; only runs when the offsets differ.
            long lo = start, hi = end;
            while (hi - lo > TimeSpan.TicksPerSecond)
            {
                var mid = lo + (hi - lo) / 2;
                if (Offset(zone, mid) == startOffset)
                {
                    lo = mid;
                }
                else
                {
                    hi = mid;
                }
            }

            return hi - hi % TimeSpan.TicksPerSecond;
        }

        public CostBreakdown Bill()
        {
            var tariff = _t.Tariff;
            var priced = ImmutableArray.CreateBuilder<PricedPeriod>();
            var dimensions = ImmutableArray.CreateBuilder<DimensionCost>(4);

            // pricing rule 2: step_size rounds billable volume once per session, with the step of the last period that
            // billed the dimension; the extra is billed there. With billable parking, only parking is stepped.
            var hasBillableParking = _runs[(int)TariffDimension.ParkingTime].Count > 0;
            dimensions.Add(BillDimension(TariffDimension.Energy, WhPerKwh, stepped: true, priced));
            dimensions.Add(BillDimension(TariffDimension.Time, SecondsPerHour, stepped: !hasBillableParking, priced));
            dimensions.Add(BillDimension(TariffDimension.ParkingTime, SecondsPerHour, stepped: true, priced));

            var flatCost = Money.Zero;
            if (_flat is { } flat)
            {
                var component = _t.Candidates[flat.Candidate].Component;
                flatCost = Cost(1m, component);
                priced.Add(new PricedPeriod(Utc(flat.Start), Utc(flat.End), TariffDimension.Flat, _t.Candidates[flat.Candidate].Element,
                    1m, component.Price, component.Vat, flatCost));
            }

            dimensions.Add(new DimensionCost(TariffDimension.Flat, _flat is null ? 0m : 1m, _flat is null ? 0m : 1m, flatCost));

            var total = Money.Zero;
            foreach (var d in dimensions)
            {
                total += d.Cost;
            }

            // pricing rule 1: min_price / max_price clamp the session total only, excl. and incl. VAT separately. When the
            // tariff gives no incl_vat bound, the incl. total moves with the excl. total at the session's own VAT ratio.
            bool minApplied = false, maxApplied = false;
            if (tariff.MinPrice is { } min && total.ExclVat < min.ExclVat)
            {
                total = Clamp(total, min);
                minApplied = true;
            }
            else if (tariff.MinPrice is { InclVat: { } minIncl } && total.InclVat < minIncl)
            {
                total = total with { InclVat = minIncl };
                minApplied = true;
            }

            if (tariff.MaxPrice is { } max && total.ExclVat > max.ExclVat)
            {
                total = Clamp(total, max);
                maxApplied = true;
            }
            else if (tariff.MaxPrice is { InclVat: { } maxIncl } && total.InclVat > maxIncl)
            {
                total = total with { InclVat = maxIncl };
                maxApplied = true;
            }

            // pricing rule 8: full precision until here; the invoice total is rounded to the minor unit, half away from zero.
            return new CostBreakdown
            {
                Currency = tariff.Currency,
                Total = total,
                TotalRounded = new Money(Currencies.Round(total.ExclVat, tariff.Currency), Currencies.Round(total.InclVat, tariff.Currency)),
                Dimensions = dimensions.MoveToImmutable(),
                Periods = priced.ToImmutable(),
                MinPriceApplied = minApplied,
                MaxPriceApplied = maxApplied,
                MinorUnits = Currencies.MinorUnits(tariff.Currency),
            };
        }

        private DimensionCost BillDimension(TariffDimension dimension, decimal stepUnitsPerVolume, bool stepped, ImmutableArray<PricedPeriod>.Builder priced)
        {
            var runs = _runs[(int)dimension];
            if (runs.Count == 0)
            {
                return new DimensionCost(dimension, 0m, 0m, Money.Zero);
            }

            var volume = 0m;
            foreach (var run in runs)
            {
                volume += run.Volume;
            }

            var extra = 0m;
            if (stepped)
            {
                // A step of 1 still rounds up to a whole Wh or second. Volumes summed from repeating decimals (a minute
                // is 0.01666... h) may exceed a whole unit by 1e-25; nine decimals of a Wh or second are plenty.
                var step = Math.Max(1, _t.Candidates[runs[^1].Candidate].Component.StepSize);
                var units = volume * stepUnitsPerVolume;
                var rounded = Math.Ceiling(Math.Round(units, 9, MidpointRounding.AwayFromZero) / step) * step;
                extra = (rounded - units) / stepUnitsPerVolume;
            }

            var cost = Money.Zero;
            for (var i = 0; i < runs.Count; i++)
            {
                var run = runs[i];
                var candidate = _t.Candidates[run.Candidate];
                var v = run.Volume + (i == runs.Count - 1 ? extra : 0m);
                var c = Cost(v, candidate.Component);
                cost += c;
                priced.Add(new PricedPeriod(Utc(run.Start), Utc(run.End), dimension, candidate.Element, v, candidate.Component.Price, candidate.Component.Vat, c));
            }

            return new DimensionCost(dimension, volume, volume + extra, cost);
        }

        private static DateTime Utc(long ticks) => new(ticks, DateTimeKind.Utc);
    }

    private static Money Clamp(Money total, Price bound)
    {
        var incl = bound.InclVat ?? (total.ExclVat == 0 ? bound.ExclVat : bound.ExclVat * total.InclVat / total.ExclVat);
        return new Money(bound.ExclVat, incl);
    }

    private static Money Cost(decimal volume, PriceComponent component)
    {
        var excl = volume * component.Price;
        // No vat field: no VAT applies, incl. equals excl.
        var incl = component.Vat is { } vat ? excl + excl * vat / 100m : excl;
        return new Money(excl, incl);
    }
}
