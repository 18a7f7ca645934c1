using System.Runtime.CompilerServices;
using Charge.Grains.Interfaces.Tariffs;

namespace Charge.Grains.Tariffs;

/// <summary>
/// A tariff prepared for pricing: per dimension, the elements that can price it in OCPI order, with their
/// restrictions in the cheapest form to test. Built once per tariff object and cached beside it.
/// </summary>
internal sealed class CompiledTariff
{
    private static readonly ConditionalWeakTable<Tariff, CompiledTariff> Cache = new();

    private CompiledTariff(Tariff tariff)
    {
        Tariff = tariff;
        Zone = TimeZoneInfo.FindSystemTimeZoneById(tariff.TimeZone);
        var candidates = new List<Candidate>();
        var byDimension = new List<int>[4];
        for (var d = 0; d < 4; d++)
        {
            byDimension[d] = [];
        }

        var boundaries = new SortedSet<TimeOnly>();
        var durations = new SortedSet<long>();
        var kwh = new SortedSet<decimal>();
        for (var e = 0; e < tariff.Elements.Length; e++)
        {
            var element = tariff.Elements[e];
            var r = element.Restrictions;
            if (r is not null)
            {
                if (r.StartTime is { } st)
                {
                    boundaries.Add(st);
                }

                if (r.EndTime is { } et)
                {
                    boundaries.Add(et);
                }

                AnyLocal |= r.StartTime is not null || r.EndTime is not null || r.StartDate is not null || r.EndDate is not null || r.DayOfWeek.Length > 0;
                foreach (var s in new[] { r.MinDuration, r.MaxDuration })
                {
                    if (s is > 0)
                    {
                        durations.Add(s.Value * TimeSpan.TicksPerSecond);
                    }
                }

                foreach (var k in new[] { r.MinKwh, r.MaxKwh })
                {
                    if (k is > 0)
                    {
                        kwh.Add(k.Value);
                    }
                }
            }

            // OCPI: an element prices a dimension through its first component of that type.
            var seen = new bool[4];
            foreach (var component in element.PriceComponents)
            {
                var d = (int)component.Type;
                if (!seen[d])
                {
                    seen[d] = true;
                    byDimension[d].Add(candidates.Count);
                    candidates.Add(new Candidate(e, component, r));
                }
            }
        }

        if (AnyLocal)
        {
            // Dates and weekdays change at local midnight.
            boundaries.Add(TimeOnly.MinValue);
        }

        Candidates = [.. candidates];
        ByDimension = [.. byDimension.Select(l => l.ToArray())];
        Boundaries = [.. boundaries];
        DurationThresholdTicks = [.. durations];
        KwhThresholds = [.. kwh];
        UsesKwh = KwhThresholds.Length > 0;
    }

    /// <summary>Whether any element restricts kWh so far; if none does, the running energy need not be kept.</summary>
    public bool UsesKwh { get; }

    public Tariff Tariff { get; }

    public TimeZoneInfo Zone { get; }

    public bool AnyLocal { get; }

    public Candidate[] Candidates { get; }

    /// <summary>Indexes into <see cref="Candidates"/> per <see cref="TariffDimension"/>, in element order.</summary>
    public int[][] ByDimension { get; }

    public TimeOnly[] Boundaries { get; }

    public long[] DurationThresholdTicks { get; }

    public decimal[] KwhThresholds { get; }

    public static CompiledTariff For(Tariff tariff) => Cache.GetValue(tariff, t => new CompiledTariff(t));

    /// <summary>An element's component for one dimension, with its restrictions split into local-time and the rest.</summary>
    internal sealed class Candidate
    {
        public Candidate(int element, PriceComponent component, TariffRestrictions? r)
        {
            Element = element;
            Component = component;
            Never = r?.Reservation is not null;
            HasLocal = r is not null && (r.StartTime is not null || r.EndTime is not null || r.StartDate is not null || r.EndDate is not null || r.DayOfWeek.Length > 0);
            Restrictions = r;
            if (r is null)
            {
                return;
            }

            foreach (var day in r.DayOfWeek)
            {
                DayMask |= 1 << (int)day;
            }

            MinKwh = r.MinKwh;
            MaxKwh = r.MaxKwh;
            MinDurationTicks = r.MinDuration is { } min ? min * TimeSpan.TicksPerSecond : null;
            MaxDurationTicks = r.MaxDuration is { } max ? max * TimeSpan.TicksPerSecond : null;
            MinPower = (double?)r.MinPower;
            MaxPower = (double?)r.MaxPower;
            MinCurrent = (double?)r.MinCurrent;
            MaxCurrent = (double?)r.MaxCurrent;
            HasOthers = MinKwh is not null || MaxKwh is not null || MinDurationTicks is not null || MaxDurationTicks is not null
                || MinPower is not null || MaxPower is not null || MinCurrent is not null || MaxCurrent is not null;
        }

        public int Element { get; }
        public PriceComponent Component { get; }
        public TariffRestrictions? Restrictions { get; }
        public bool Never { get; }
        public bool HasLocal { get; }
        /// <summary>Any restriction other than local time: kWh, duration, power, current.</summary>
        public bool HasOthers { get; }
        public int DayMask { get; }
        public decimal? MinKwh { get; }
        public decimal? MaxKwh { get; }
        public long? MinDurationTicks { get; }
        public long? MaxDurationTicks { get; }
        public double? MinPower { get; }
        public double? MaxPower { get; }
        public double? MinCurrent { get; }
        public double? MaxCurrent { get; }

        /// <summary>The local-time restrictions at a local wall-clock instant (pricing rule 5 and 6).</summary>
        public bool LocalHolds(DateTime local)
        {
            var r = Restrictions!;
            if ((r.StartTime is not null || r.EndTime is not null) && !InWindow(TimeOnly.FromDateTime(local), r.StartTime, r.EndTime))
            {
                return false;
            }

            var date = DateOnly.FromDateTime(local);
            if ((r.StartDate is { } startDate && date < startDate) || (r.EndDate is { } endDate && date >= endDate))
            {
                return false;
            }

            // pricing rule 5: the weekday of the instant itself.
            return DayMask == 0 || (DayMask & (1 << (int)local.DayOfWeek)) != 0;
        }

        /// <summary>
        /// The other restrictions, at a slice's start: kWh and duration so far with min inclusive and max exclusive;
        /// power and current of the period, min &lt;= value &lt; max, an unknown value satisfying no bound (pricing rule 4).
        /// </summary>
        public bool OthersHold(decimal energyBeforeKwh, long ticksFromOrigin, double? powerKw, double? currentA)
        {
            if ((MinKwh is { } minKwh && energyBeforeKwh < minKwh) || (MaxKwh is { } maxKwh && energyBeforeKwh >= maxKwh))
            {
                return false;
            }

            if ((MinDurationTicks is { } minD && ticksFromOrigin < minD) || (MaxDurationTicks is { } maxD && ticksFromOrigin >= maxD))
            {
                return false;
            }

            return InRange(powerKw, MinPower, MaxPower) && InRange(currentA, MinCurrent, MaxCurrent);
        }

        private static bool InRange(double? value, double? min, double? max)
        {
            if (min is null && max is null)
            {
                return true;
            }

            return value is { } v && (min is not { } lo || v >= lo) && (max is not { } hi || v < hi);
        }

        // pricing rule 5: a window whose end is before its start wraps past midnight; "00:00" as end means end of day;
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
    }
}
