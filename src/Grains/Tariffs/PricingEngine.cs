using System.Collections.Concurrent;
using System.Collections.Immutable;
using Charge.Grains.Interfaces.Tariffs;

namespace Charge.Grains.Tariffs;

/// <summary>
/// Prices a session's charging periods under an OCPI 2.2.1 tariff. Pure and deterministic: the same tariff
/// and periods give the same breakdown, to the last decimal. Where OCPI leaves room, the rules written in
/// shared/tariff-cases/DECISIONS.md apply; each rule below names the one it implements.
/// </summary>
public static class PricingEngine
{
    private const decimal SecondsPerHour = 3600m;
    private const decimal WhPerKwh = 1000m;

    private static readonly ConcurrentDictionary<string, TimeZoneInfo> Zones = new();

    /// <summary>
    /// Prices <paramref name="periods"/> (in time order; each runs until the next one's start, the last until
    /// <paramref name="sessionEnd"/>). Session duration for min/max_duration counts from the first period.
    /// </summary>
    public static CostBreakdown Price(Tariff tariff, IReadOnlyList<ChargingPeriod> periods, DateTime sessionEnd)
    {
        var zone = Zones.GetOrAdd(tariff.TimeZone, TimeZoneInfo.FindSystemTimeZoneById);
        var slices = Cut(tariff, zone, periods, sessionEnd);
        return Bill(tariff, zone, slices);
    }

    /// <summary>A stretch of a period within which no restriction can change its answer.</summary>
    private readonly record struct Slice(
        DateTime Start,
        DateTime End,
        decimal EnergyBeforeKwh,
        decimal EnergyKwh,
        decimal ChargingHours,
        decimal ParkingHours,
        decimal? PowerKw,
        decimal? CurrentA,
        double SecondsFromOrigin);

    // DECISIONS 3: split at every point where the applicable element can change: local time-of-day and date
    // boundaries, weekday changes (midnight), duration and kWh thresholds. Volumes between two cuts are spread
    // linearly over time; a kWh cut puts exactly the threshold's energy before it.
    private static List<Slice> Cut(Tariff tariff, TimeZoneInfo zone, IReadOnlyList<ChargingPeriod> periods, DateTime sessionEnd)
    {
        var slices = new List<Slice>(periods.Count + 8);
        if (periods.Count == 0)
        {
            return slices;
        }

        var origin = periods[0].Start;
        var times = LocalBoundaries(tariff);
        var durations = DurationThresholds(tariff);
        var kwhThresholds = KwhThresholds(tariff);
        var cuts = new List<(DateTime At, decimal? EnergyAt)>();
        var energyBefore = 0m;

        for (var i = 0; i < periods.Count; i++)
        {
            var p = periods[i];
            var end = i + 1 < periods.Count ? periods[i + 1].Start : sessionEnd;
            if (end < p.Start)
            {
                end = p.Start;
            }

            cuts.Clear();
            if (end > p.Start)
            {
                AddLocalTimeCuts(cuts, zone, times, p.Start, end);
                foreach (var seconds in durations)
                {
                    var at = origin.AddSeconds(seconds);
                    if (at > p.Start && at < end)
                    {
                        cuts.Add((at, null));
                    }
                }

                foreach (var kwh in kwhThresholds)
                {
                    if (kwh > energyBefore && kwh < energyBefore + p.EnergyKwh)
                    {
                        var share = (kwh - energyBefore) / p.EnergyKwh;
                        var at = p.Start + TimeSpan.FromTicks((long)Math.Round((end - p.Start).Ticks * share, MidpointRounding.AwayFromZero));
                        if (at > p.Start && at < end)
                        {
                            cuts.Add((at, kwh));
                        }
                    }
                }
            }

            if (cuts.Count == 0)
            {
                slices.Add(new Slice(p.Start, end, energyBefore, p.EnergyKwh, p.ChargingHours, p.ParkingHours,
                    p.PowerKw, p.CurrentA, (p.Start - origin).TotalSeconds));
                energyBefore += p.EnergyKwh;
                continue;
            }

            cuts.Sort((a, b) => a.At.CompareTo(b.At));
            var total = (decimal)(end - p.Start).Ticks;
            var from = p.Start;
            var energyAtFrom = energyBefore;
            decimal chargingUsed = 0m, parkingUsed = 0m;
            for (var c = 0; c <= cuts.Count; c++)
            {
                if (c < cuts.Count && (cuts[c].At <= from || (c > 0 && cuts[c].At == cuts[c - 1].At)))
                {
                    continue;
                }

                var last = c == cuts.Count;
                var to = last ? end : cuts[c].At;
                var share = (to - p.Start).Ticks / total;
                var energyAtTo = last
                    ? energyBefore + p.EnergyKwh
                    : cuts[c].EnergyAt ?? energyBefore + p.EnergyKwh * share;
                // The last slice takes what is left, so the slices add up exactly to the period's volumes.
                var charging = last ? p.ChargingHours - chargingUsed : p.ChargingHours * share - chargingUsed;
                var parking = last ? p.ParkingHours - parkingUsed : p.ParkingHours * share - parkingUsed;
                slices.Add(new Slice(from, to, energyAtFrom, energyAtTo - energyAtFrom, charging, parking,
                    p.PowerKw, p.CurrentA, (from - origin).TotalSeconds));
                chargingUsed += charging;
                parkingUsed += parking;
                energyAtFrom = energyAtTo;
                from = to;
            }

            energyBefore += p.EnergyKwh;
        }

        return slices;
    }

    private static CostBreakdown Bill(Tariff tariff, TimeZoneInfo zone, List<Slice> slices)
    {
        var energy = new List<(int Slice, int Element, PriceComponent Component)>();
        var time = new List<(int Slice, int Element, PriceComponent Component)>();
        var parking = new List<(int Slice, int Element, PriceComponent Component)>();
        (int Slice, int Element, PriceComponent Component)? flat = null;

        for (var s = 0; s < slices.Count; s++)
        {
            var slice = slices[s];
            var local = TimeZoneInfo.ConvertTimeFromUtc(DateTime.SpecifyKind(slice.Start, DateTimeKind.Unspecified), zone);
            var context = new RestrictionContext(local, slice);
            // OCPI: for each dimension, the first element that has a component of that dimension and whose
            // restrictions all hold prices it. FLAT is billed once per session (the first that applies).
            flat ??= Find(tariff, TariffDimension.Flat, context) is { } f ? (s, f.Element, f.Component) : null;
            if (slice.EnergyKwh > 0 && Find(tariff, TariffDimension.Energy, context) is { } e)
            {
                energy.Add((s, e.Element, e.Component));
            }

            if (slice.ChargingHours > 0 && Find(tariff, TariffDimension.Time, context) is { } t)
            {
                time.Add((s, t.Element, t.Component));
            }

            if (slice.ParkingHours > 0 && Find(tariff, TariffDimension.ParkingTime, context) is { } pk)
            {
                parking.Add((s, pk.Element, pk.Component));
            }
        }

        var priced = ImmutableArray.CreateBuilder<PricedPeriod>();
        var dimensions = ImmutableArray.CreateBuilder<DimensionCost>();

        // DECISIONS 2: step_size rounds billable volume once per session, with the step of the last period that
        // billed the dimension; the extra is billed in that period. With billable parking, only parking is stepped.
        var hasBillableParking = parking.Count > 0;
        dimensions.Add(BillDimension(TariffDimension.Energy, energy, slices, s => s.EnergyKwh, WhPerKwh, stepped: true, priced));
        dimensions.Add(BillDimension(TariffDimension.Time, time, slices, s => s.ChargingHours, SecondsPerHour, stepped: !hasBillableParking, priced));
        dimensions.Add(BillDimension(TariffDimension.ParkingTime, parking, slices, s => s.ParkingHours, SecondsPerHour, stepped: true, priced));

        var flatCost = Money.Zero;
        if (flat is { } fl)
        {
            flatCost = Cost(1m, fl.Component);
            var slice = slices[fl.Slice];
            priced.Add(new PricedPeriod(slice.Start, slice.End, TariffDimension.Flat, fl.Element, 1m, fl.Component.Price, fl.Component.Vat, flatCost));
        }

        dimensions.Add(new DimensionCost(TariffDimension.Flat, flat is null ? 0m : 1m, flat is null ? 0m : 1m, flatCost));

        var total = Money.Zero;
        foreach (var d in dimensions)
        {
            total += d.Cost;
        }

        // DECISIONS 1: min_price / max_price clamp the session total only, excl. and incl. VAT separately. When the
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

        // DECISIONS 8: full precision until here; the invoice total is rounded to the minor unit, half away from zero.
        return new CostBreakdown
        {
            Currency = tariff.Currency,
            Total = total,
            TotalRounded = new Money(Currencies.Round(total.ExclVat, tariff.Currency), Currencies.Round(total.InclVat, tariff.Currency)),
            Dimensions = dimensions.ToImmutable(),
            Periods = priced.ToImmutable(),
            MinPriceApplied = minApplied,
            MaxPriceApplied = maxApplied,
            MinorUnits = Currencies.MinorUnits(tariff.Currency),
        };
    }

    private static Money Clamp(Money total, Price bound)
    {
        var incl = bound.InclVat ?? (total.ExclVat == 0 ? bound.ExclVat : bound.ExclVat * total.InclVat / total.ExclVat);
        return new Money(bound.ExclVat, incl);
    }

    private static DimensionCost BillDimension(
        TariffDimension dimension,
        List<(int Slice, int Element, PriceComponent Component)> billed,
        List<Slice> slices,
        Func<Slice, decimal> volumeOf,
        decimal stepUnitsPerVolume,
        bool stepped,
        ImmutableArray<PricedPeriod>.Builder priced)
    {
        if (billed.Count == 0)
        {
            return new DimensionCost(dimension, 0m, 0m, Money.Zero);
        }

        var volume = 0m;
        foreach (var b in billed)
        {
            volume += volumeOf(slices[b.Slice]);
        }

        var extra = 0m;
        if (stepped)
        {
            // A step of 1 still rounds up to a whole Wh or second.
            var step = Math.Max(1, billed[^1].Component.StepSize);
            var units = volume * stepUnitsPerVolume;
            var rounded = Math.Ceiling(units / step) * step;
            extra = (rounded - units) / stepUnitsPerVolume;
        }

        var cost = Money.Zero;
        for (var i = 0; i < billed.Count; i++)
        {
            var (sliceIndex, element, component) = billed[i];
            var slice = slices[sliceIndex];
            var v = volumeOf(slice) + (i == billed.Count - 1 ? extra : 0m);
            var c = Cost(v, component);
            cost += c;
            priced.Add(new PricedPeriod(slice.Start, slice.End, dimension, element, v, component.Price, component.Vat, c));
        }

        return new DimensionCost(dimension, volume, volume + extra, cost);
    }

    private static Money Cost(decimal volume, PriceComponent component)
    {
        var excl = volume * component.Price;
        // No vat field: no VAT applies, incl. equals excl.
        var incl = component.Vat is { } vat ? excl + excl * vat / 100m : excl;
        return new Money(excl, incl);
    }

    private readonly record struct RestrictionContext(DateTime Local, Slice Slice);

    private static (int Element, PriceComponent Component)? Find(Tariff tariff, TariffDimension dimension, RestrictionContext context)
    {
        for (var e = 0; e < tariff.Elements.Length; e++)
        {
            var element = tariff.Elements[e];
            foreach (var component in element.PriceComponents)
            {
                if (component.Type == dimension)
                {
                    if (Holds(element.Restrictions, context))
                    {
                        return (e, component);
                    }

                    break;
                }
            }
        }

        return null;
    }

    private static bool Holds(TariffRestrictions? r, RestrictionContext c)
    {
        if (r is null)
        {
            return true;
        }

        if (r.Reservation is not null)
        {
            return false;
        }

        var local = c.Local;
        if ((r.StartTime is not null || r.EndTime is not null) && !InWindow(TimeOnly.FromDateTime(local), r.StartTime, r.EndTime))
        {
            return false;
        }

        var date = DateOnly.FromDateTime(local);
        if ((r.StartDate is { } startDate && date < startDate) || (r.EndDate is { } endDate && date >= endDate))
        {
            return false;
        }

        // DECISIONS 5: the weekday of the instant itself.
        if (r.DayOfWeek.Length > 0 && !r.DayOfWeek.Contains(local.DayOfWeek))
        {
            return false;
        }

        var s = c.Slice;
        // kWh and duration so far, at the slice's start: min inclusive, max exclusive.
        if ((r.MinKwh is { } minKwh && s.EnergyBeforeKwh < minKwh) || (r.MaxKwh is { } maxKwh && s.EnergyBeforeKwh >= maxKwh))
        {
            return false;
        }

        if ((r.MinDuration is { } minDuration && s.SecondsFromOrigin < minDuration)
            || (r.MaxDuration is { } maxDuration && s.SecondsFromOrigin >= maxDuration))
        {
            return false;
        }

        // DECISIONS 4: power and current per period, min <= value < max; an unknown value cannot satisfy a bound.
        return InRange(s.PowerKw, r.MinPower, r.MaxPower) && InRange(s.CurrentA, r.MinCurrent, r.MaxCurrent);
    }

    private static bool InRange(decimal? value, decimal? min, decimal? max)
    {
        if (min is null && max is null)
        {
            return true;
        }

        return value is { } v && (min is not { } lo || v >= lo) && (max is not { } hi || v < hi);
    }

    // DECISIONS 5: a window whose end is before its start wraps past midnight; "00:00" as end means end of day;
    // equal start and end is empty. Only a start: until midnight; only an end: from midnight.
    private static bool InWindow(TimeOnly t, TimeOnly? start, TimeOnly? end)
    {
        var from = start ?? TimeOnly.MinValue;
        if (end is not { } e || e == TimeOnly.MinValue)
        {
            return t >= from;
        }

        if (from == e)
        {
            return false;
        }

        return from < e ? t >= from && t < e : t >= from || t < e;
    }

    private static ImmutableArray<TimeOnly> LocalBoundaries(Tariff tariff)
    {
        var set = new SortedSet<TimeOnly>();
        var anyLocal = false;
        foreach (var element in tariff.Elements)
        {
            if (element.Restrictions is not { } r)
            {
                continue;
            }

            if (r.StartTime is { } st)
            {
                set.Add(st);
            }

            if (r.EndTime is { } et)
            {
                set.Add(et);
            }

            anyLocal |= r.StartTime is not null || r.EndTime is not null || r.StartDate is not null || r.EndDate is not null || r.DayOfWeek.Length > 0;
        }

        if (anyLocal)
        {
            // Dates and weekdays change at local midnight.
            set.Add(TimeOnly.MinValue);
        }

        return [.. set];
    }

    private static ImmutableArray<int> DurationThresholds(Tariff tariff) =>
    [
        .. tariff.Elements
            .Where(e => e.Restrictions is not null)
            .SelectMany(e => new[] { e.Restrictions!.MinDuration, e.Restrictions.MaxDuration })
            .OfType<int>()
            .Where(d => d > 0)
            .Distinct(),
    ];

    private static ImmutableArray<decimal> KwhThresholds(Tariff tariff) =>
    [
        .. tariff.Elements
            .Where(e => e.Restrictions is not null)
            .SelectMany(e => new[] { e.Restrictions!.MinKwh, e.Restrictions.MaxKwh })
            .OfType<decimal>()
            .Where(k => k > 0)
            .Distinct(),
    ];

    // DECISIONS 6: restrictions read the local wall clock in the tariff's zone. A cut is added wherever the wall
    // clock can cross a boundary: for every local day in the period and every UTC offset in force that day, plus
    // the daylight-saving transition itself (where a skipped local time "begins"). Extra cuts are harmless: a
    // slice only ever carries the element its start selects, and volumes add up unchanged.
    private static void AddLocalTimeCuts(List<(DateTime, decimal?)> cuts, TimeZoneInfo zone, ImmutableArray<TimeOnly> times, DateTime start, DateTime end)
    {
        if (times.Length == 0)
        {
            return;
        }

        var startOffset = zone.GetUtcOffset(DateTime.SpecifyKind(start, DateTimeKind.Utc));
        var endOffset = zone.GetUtcOffset(DateTime.SpecifyKind(end, DateTimeKind.Utc));
        if (startOffset != endOffset)
        {
            var transition = FindTransition(zone, start, end, startOffset);
            if (transition > start && transition < end)
            {
                cuts.Add((transition, null));
            }
        }

        var firstDay = DateOnly.FromDateTime(start + (startOffset < endOffset ? startOffset : endOffset)).AddDays(-1);
        var lastDay = DateOnly.FromDateTime(end + (startOffset > endOffset ? startOffset : endOffset)).AddDays(1);
        for (var day = firstDay; day <= lastDay; day = day.AddDays(1))
        {
            foreach (var time in times)
            {
                var local = day.ToDateTime(time);
                AddCut(cuts, local - startOffset, start, end);
                if (endOffset != startOffset)
                {
                    AddCut(cuts, local - endOffset, start, end);
                }
            }
        }
    }

    private static void AddCut(List<(DateTime, decimal?)> cuts, DateTime utc, DateTime start, DateTime end)
    {
        if (utc > start && utc < end)
        {
            cuts.Add((DateTime.SpecifyKind(utc, DateTimeKind.Utc), null));
        }
    }

    private static DateTime FindTransition(TimeZoneInfo zone, DateTime start, DateTime end, TimeSpan startOffset)
    {
        // The first instant whose offset differs from the start's, to the second; transitions are rare enough
        // that a binary search only when the offsets differ costs nothing.
        long lo = start.Ticks, hi = end.Ticks;
        while (hi - lo > TimeSpan.TicksPerSecond)
        {
            var mid = lo + (hi - lo) / 2;
            if (zone.GetUtcOffset(new DateTime(mid, DateTimeKind.Utc)) == startOffset)
            {
                lo = mid;
            }
            else
            {
                hi = mid;
            }
        }

        return new DateTime(hi - hi % TimeSpan.TicksPerSecond, DateTimeKind.Utc);
    }
}
