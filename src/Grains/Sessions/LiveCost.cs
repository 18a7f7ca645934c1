using Charge.Grains.Interfaces;
using Charge.Grains.Interfaces.Tariffs;
using Charge.Grains.Tariffs;

namespace Charge.Grains.Sessions;

/// <summary>
/// A running session's cost up to its last reading. The charging periods are extended as readings arrive in order
/// and rebuilt after a late one, so a batch does not convert the whole curve again.
/// </summary>
internal sealed class LiveCost
{
    private List<ChargingPeriod>? _periods;
    private int _endPoint;

    /// <summary>A reading arrived before the last one: the periods are rebuilt at the next price.</summary>
    public void Reset() => _periods = null;

    public CostBreakdown? Price(Tariff? tariff, EnergyAccount account)
    {
        if (tariff is null)
        {
            return null;
        }

        if (_periods is null)
        {
            _periods = SessionPeriods.FromPoints(account.Points);
        }
        else
        {
            SessionPeriods.Append(account.Points, _endPoint + 1, _periods);
        }

        _endPoint = account.Points.Count - 1;
        return Telemetry.GrainMetrics.Priced("live", () => PricingEngine.Price(tariff, _periods, account.Last.Timestamp)) with { Periods = [] };
    }
}
