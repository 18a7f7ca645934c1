using System.Collections.Immutable;
using Charge.Grains.Interfaces;

namespace Charge.Grains.Chargers;

/// <summary>
/// Whether a charger is online, when it was last seen, and the periods it was offline or faulted, over its
/// persisted state. An OCPP charger is online while its socket is open and it keeps sending (heartbeats at least);
/// a gRPC station while it calls or holds its command stream. Offline periods are opened when a socket closes and
/// recorded after the fact when a charger that went silent is heard from again.
/// </summary>
internal sealed class ChargerPresence(Func<ChargerState> state, FleetOptions options)
{
    /// <summary>Periods kept per charger; older ones fall out of availability figures.</summary>
    public const int DowntimeKept = 500;

    private ChargerState State => state();

    /// <summary>Whether last-seen changed since it was last written (written at deactivation, not per heartbeat).</summary>
    public bool Unwritten { get; private set; }

    public void Written() => Unwritten = false;

    /// <summary>The charger was heard from. Whether a downtime period was recorded or closed (then worth a write).</summary>
    public bool Seen(DateTime now)
    {
        var changed = false;
        if (State.LastSeen is { } last && now - last > options.OfflineAfter && Open(DowntimeKind.Offline) is null)
        {
            Add(new Downtime(DowntimeKind.Offline, last + options.OfflineAfter, now));
            changed = true;
        }

        changed |= Close(DowntimeKind.Offline, now);
        State.LastSeen = now;
        Unwritten = true;
        return changed;
    }

    /// <summary>The OCPP socket closed: offline from now until it is heard from again.</summary>
    public void SocketClosed(DateTime now)
    {
        if (Open(DowntimeKind.Offline) is null)
        {
            Add(new Downtime(DowntimeKind.Offline, now, null));
        }
    }

    /// <summary>Keeps the faulted period in step with the charger's fault state; whether it changed.</summary>
    public bool Faulted(bool faulted, DateTime at)
    {
        var open = Open(DowntimeKind.Faulted);
        if (faulted && open is null)
        {
            Add(new Downtime(DowntimeKind.Faulted, at, null));
            return true;
        }

        return !faulted && Close(DowntimeKind.Faulted, at);
    }

    public bool Online(DateTime now, bool ocppSocketOpen, bool commandStreamOpen)
    {
        if (State.DecommissionedAt is not null)
        {
            return false;
        }

        var heard = State.LastSeen is { } last && now - last <= options.OfflineAfter;
        return State.ViaOcpp ? ocppSocketOpen && heard : heard || commandStreamOpen;
    }

    /// <summary>Availability in [from, to): measured from registration (or first sighting) to decommissioning or now.</summary>
    public AvailabilityView Availability(string chargerId, DateTime from, DateTime to, DateTime now)
    {
        var begin = Max(from, State.RegisteredAt ?? State.Downtime.FirstOrDefault()?.Start ?? State.LastSeen ?? to);
        var end = Min(to, State.DecommissionedAt ?? now, now);
        var periods = new List<Downtime>(State.Downtime);
        // Silent since last seen (or never seen since registration): offline from when it should have been heard from.
        if (Open(DowntimeKind.Offline) is null && State.DecommissionedAt is null)
        {
            var silentFrom = State.LastSeen is { } last ? last + options.OfflineAfter : State.RegisteredAt;
            if (silentFrom is { } s && s < now)
            {
                periods.Add(new Downtime(DowntimeKind.Offline, s, null));
            }
        }

        var clipped = periods
            .Select(p => (p.Kind, Start: Max(p.Start, begin), End: Min(p.End ?? now, end)))
            .Where(p => p.End > p.Start)
            .ToArray();
        double Union(IEnumerable<(DowntimeKind Kind, DateTime Start, DateTime End)> ps)
        {
            var total = 0.0;
            DateTime? runStart = null, runEnd = null;
            foreach (var p in ps.OrderBy(p => p.Start))
            {
                if (runEnd is { } e && p.Start <= e)
                {
                    runEnd = Max(e, p.End);
                    continue;
                }

                if (runStart is { } rs && runEnd is { } re)
                {
                    total += (re - rs).TotalSeconds;
                }

                (runStart, runEnd) = (p.Start, p.End);
            }

            return total + (runStart is { } a && runEnd is { } b ? (b - a).TotalSeconds : 0);
        }

        return new AvailabilityView(chargerId, from, to,
            MeasuredSeconds: end > begin ? (end - begin).TotalSeconds : 0,
            OfflineSeconds: Union(clipped.Where(p => p.Kind == DowntimeKind.Offline)),
            FaultedSeconds: Union(clipped.Where(p => p.Kind == DowntimeKind.Faulted)),
            UnavailableSeconds: Union(clipped),
            Periods: [.. periods.Where(p => (p.End ?? now) > begin && p.Start < end).OrderBy(p => p.Start)]);
    }

    private Downtime? Open(DowntimeKind kind) => State.Downtime.LastOrDefault(p => p.Kind == kind && p.End is null);

    private bool Close(DowntimeKind kind, DateTime at)
    {
        var index = State.Downtime.FindLastIndex(p => p.Kind == kind && p.End is null);
        if (index < 0)
        {
            return false;
        }

        State.Downtime[index] = State.Downtime[index] with { End = Max(at, State.Downtime[index].Start) };
        return true;
    }

    private void Add(Downtime period)
    {
        State.Downtime.Add(period);
        if (State.Downtime.Count > DowntimeKept)
        {
            State.Downtime.RemoveAt(State.Downtime.FindIndex(p => p.End is not null) is var i and >= 0 ? i : 0);
        }
    }

    private static DateTime Max(DateTime a, DateTime b) => a > b ? a : b;

    private static DateTime Min(DateTime a, DateTime b) => a < b ? a : b;

    private static DateTime Min(DateTime a, DateTime b, DateTime c) => Min(Min(a, b), c);
}
