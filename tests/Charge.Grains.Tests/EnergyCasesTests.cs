using System.Collections.Immutable;
using System.Text.Json;
using Charge.Grains.Interfaces;
using Charge.Tests;

namespace Charge.Grains.Tests;

/// <summary>
/// Every session of <c>shared/energy-cases/cases.json</c>, reported to a registered charger grain on the 2-silo
/// cluster as the misbehaving charger sent it (one call per reading, in the order sent), then stopped: the
/// completed session bills the case's energy and shows exactly its kinds of anomaly.
/// </summary>
[Collection(ClusterCollection.Name)]
public sealed class EnergyCasesTests(ClusterFixture fixture)
{
    /// <summary>The case files' anomaly names and ours (README, "Meter values and anomalies").</summary>
    private static readonly Dictionary<string, AnomalyKind> Kinds = new()
    {
        ["backwards"] = AnomalyKind.RegisterWentBackwards,
        ["spike"] = AnomalyKind.Spike,
        ["jump-excluded"] = AnomalyKind.JumpExcluded,
        ["relative"] = AnomalyKind.RelativeMeterValues,
        ["stop-below-start"] = AnomalyKind.StopBelowStart,
        ["above-stop"] = AnomalyKind.AboveMeterStop,
    };

    public static TheoryData<string> Cases()
    {
        var data = new TheoryData<string>();
        foreach (var c in Load().RootElement.EnumerateArray())
        {
            data.Add(c.GetProperty("id").GetString()!);
        }

        return data;
    }

    private static JsonDocument Load() => JsonDocument.Parse(File.ReadAllText(Path.Combine(SharedData.EnergyCases, "cases.json")));

    [Theory]
    [MemberData(nameof(Cases))]
    public async Task A_misbehaving_chargers_session_bills_the_cases_energy_and_shows_its_anomalies(string caseId)
    {
        using var doc = Load();
        var c = doc.RootElement.EnumerateArray().Single(e => e.GetProperty("id").GetString() == caseId);
        var chargerId = $"ec-{caseId}-{Guid.NewGuid():N}"[..40];
        var charger = fixture.Grains.GetGrain<IChargerGrain>(chargerId);
        await charger.Register(new ChargerRegistration(null, 1, new string('0', 64), MaxPowerW: c.GetProperty("connector_max_power_w").GetDouble()));

        var start = c.GetProperty("start");
        var session = await charger.StartSession(new StartSessionCommand(
            "s", chargerId, 1, "TAG", start.GetProperty("meter_start_wh").GetDecimal(), Time(start.GetProperty("timestamp"))));
        var sent = 0;
        foreach (var r in c.GetProperty("readings").EnumerateArray())
        {
            await charger.ReportMeterValues(session.SessionId, [new MeterReading(Time(r.GetProperty("timestamp")), r.GetProperty("energy_wh").GetDecimal())]);
            sent++;
        }

        var stop = c.GetProperty("stop");
        if (stop.ValueKind == JsonValueKind.Null)
        {
            await charger.CloseSession(session.SessionId, new CloseSessionCommand(CloseReasons.ForceClosed, "test", DateTime.UtcNow));
        }
        else
        {
            await charger.StopSession(new StopSessionCommand(session.SessionId, stop.GetProperty("meter_stop_wh").GetDecimal(), Time(stop.GetProperty("timestamp")), "Local"));
        }

        var final = await fixture.Grains.GetGrain<ISessionGrain>(session.SessionId).WaitForCompletion(TimeSpan.FromSeconds(15));
        var expected = c.GetProperty("expected");
        var expectedKinds = expected.GetProperty("anomaly_kinds").EnumerateArray().Select(k => Kinds[k.GetString()!]).ToHashSet();

        Assert.Equal(SessionStatus.Completed, final.Status);
        Assert.Equal(expected.GetProperty("energy_wh").GetDecimal(), final.EnergyWh);
        Assert.Equal(final.EnergyWh, final.Slots.Sum(s => s.EnergyWh));
        Assert.Equal(expectedKinds.Order(), final.Anomalies.Select(a => a.Kind).ToHashSet().Order());
        Assert.True(final.ReadingCount <= sent);
    }

    private static DateTime Time(JsonElement e) => DateTime.Parse(e.GetString()!, null, System.Globalization.DateTimeStyles.AdjustToUniversal);
}
