using BenchmarkDotNet.Attributes;
using Charge.Grains.Interfaces;
using Charge.Grains.Interfaces.Tariffs;
using Charge.Grains.Tariffs;

namespace Charge.Bench;

/// <summary>
/// Issue 3's target: price a 24-hour session with one reading a minute under a 6-element time-of-day tariff in
/// under 50 microseconds. "Periods" prices prepared periods (the engine alone); "Readings" also turns the
/// register curve into periods, which is what a session grain does for its live cost.
/// </summary>
[MemoryDiagnoser]
public class PricingBenchmarks
{
    private Tariff _tariff = null!;
    private List<MeterReading> _points = null!;
    private List<ChargingPeriod> _periods = null!;
    private DateTime _end;

    [GlobalSetup]
    public void Setup()
    {
        _tariff = OcpiTariffJson.Parse(
            """
            {"id":"tod6","currency":"EUR","time_zone":"Europe/Amsterdam","elements":[
              {"price_components":[{"type":"FLAT","price":0.35,"vat":21,"step_size":1}]},
              {"price_components":[{"type":"ENERGY","price":0.22,"vat":21,"step_size":1}],"restrictions":{"start_time":"23:00","end_time":"07:00"}},
              {"price_components":[{"type":"ENERGY","price":0.45,"vat":21,"step_size":1}],"restrictions":{"start_time":"17:00","end_time":"21:00","day_of_week":["MONDAY","TUESDAY","WEDNESDAY","THURSDAY","FRIDAY"]}},
              {"price_components":[{"type":"ENERGY","price":0.36,"vat":21,"step_size":1}],"restrictions":{"start_time":"07:00","end_time":"17:00"}},
              {"price_components":[{"type":"ENERGY","price":0.30,"vat":21,"step_size":1}],"restrictions":{"day_of_week":["SATURDAY","SUNDAY"]}},
              {"price_components":[{"type":"ENERGY","price":0.32,"vat":21,"step_size":1},{"type":"PARKING_TIME","price":2.00,"vat":21,"step_size":300}]}
            ]}
            """);
        var start = new DateTime(2026, 11, 24, 6, 0, 0, DateTimeKind.Utc);
        _points = [new MeterReading(start, 1_000_000m)];
        var random = new Random(42);
        for (var minute = 1; minute <= 24 * 60; minute++)
        {
            // Mostly charging at 3.7 to 11 kW, with idle stretches that become parking.
            var wh = minute % 240 < 200 ? 60m + random.Next(0, 120) : 0m;
            _points.Add(new MeterReading(start.AddMinutes(minute), _points[^1].EnergyWh + wh, (double)wh * 60));
        }

        _periods = SessionPeriods.FromPoints(_points);
        _end = _points[^1].Timestamp;
    }

    [Benchmark(Baseline = true)]
    public CostBreakdown Periods() => PricingEngine.Price(_tariff, _periods, _end);

    [Benchmark]
    public CostBreakdown Readings() => PricingEngine.Price(_tariff, SessionPeriods.FromPoints(_points), _end);
}
