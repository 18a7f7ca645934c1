using Charge.Grains.Interfaces;
using Microsoft.Extensions.Logging;

namespace Charge.Grains.Chargers;

/// <summary>
/// A charger's stored record and what each piece of the charger grain needs with it: who the charger is, the clock,
/// the grain factory, when the charger was last heard from, and the one way the record is written. The pieces share
/// this record, never the grain: a failed write is Unavailable and the activation goes (DurableWrite), so no piece
/// goes on from a record its caller was told was not changed.
/// </summary>
internal sealed class ChargerRecord
{
    private readonly IPersistentState<ChargerState> _state;
    private readonly IGrainContext _context;
    private readonly TimeProvider _time;
    private readonly ILogger _logger;

    public ChargerRecord(string chargerId, IPersistentState<ChargerState> state, IGrainContext context, IGrainFactory grains,
        TimeProvider time, FleetOptions fleet, ILogger logger)
    {
        ChargerId = chargerId;
        Grains = grains;
        _state = state;
        _context = context;
        _time = time;
        _logger = logger;
        Presence = new ChargerPresence(() => state.State, fleet);
        LastContact = Now;
    }

    public string ChargerId { get; }

    public ChargerState State => _state.State;

    public IGrainFactory Grains { get; }

    public DateTime Now => _time.GetUtcNow().UtcDateTime;

    /// <summary>Online, offline and faulted periods, kept in the record.</summary>
    public ChargerPresence Presence { get; }

    /// <summary>
    /// The last reading, status, heartbeat or start seen from the charger. Kept in memory (not worth a write per
    /// message): after a reactivation it starts at the activation, so the sweep never closes a session early.
    /// </summary>
    public DateTime LastContact { get; private set; }

    /// <summary>The sweep's clock starts at the activation, so a reactivated charger's sessions are never closed early.</summary>
    public void Activated() => LastContact = Now;

    /// <summary>
    /// The charger was heard from: the sweep's clock and last-seen move on. A return after a silence longer than
    /// OfflineAfter records the offline period, which is written at once; last-seen alone waits for the next write.
    /// </summary>
    public async Task Contact()
    {
        if (Heard())
        {
            await Persist();
        }
    }

    /// <summary>
    /// The charger was heard from, for a caller that writes the record anyway: the clock and presence move on, and
    /// whether that alone needs a write is answered instead of written (one write for both, not two in a row).
    /// </summary>
    public bool Heard()
    {
        var now = Now;
        LastContact = now;
        return Presence.Seen(now);
    }

    public async Task Persist()
    {
        await _state.WriteOrUnavailable(_context, e => _logger.StorageFailed(e, ChargerId));
        Presence.Written();
    }
}
