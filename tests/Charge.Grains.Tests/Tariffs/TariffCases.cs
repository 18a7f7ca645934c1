using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;
using Charge.Grains.Interfaces.Tariffs;
using Charge.Grains.Tariffs;

namespace Charge.Grains.Tests.Tariffs;

/// <summary>Loads the OCPI tariff cases (tests/data/tariff-cases, copied from the team's shared cases); cases.json is the authority.</summary>
public static class TariffCases
{
    public static readonly string Folder = Charge.Tests.SharedData.TariffCases;

    private static readonly Lazy<JsonArray> Cases = new(() =>
        JsonNode.Parse(File.ReadAllText(Path.Combine(Folder, "cases.json")))!["cases"]!.AsArray());

    public static IEnumerable<object[]> Ids() => Cases.Value.Select(c => new object[] { c!["id"]!.GetValue<string>() });

    public static JsonNode Case(string id) => Cases.Value.Single(c => c!["id"]!.GetValue<string>() == id)!;

    public static (Tariff Tariff, List<ChargingPeriod> Periods, DateTime End) Load(string id)
    {
        var entry = Case(id);
        var cdr = JsonNode.Parse(File.ReadAllText(Path.Combine(Folder, entry["cdr"]!.GetValue<string>())))!;
        var tariffPath = entry["tariff"]!.GetValue<string>();
        var tariffJson = tariffPath.StartsWith("embedded", StringComparison.Ordinal)
            ? cdr["tariffs"]![0]!.ToJsonString()
            : File.ReadAllText(Path.Combine(Folder, tariffPath));
        var tariff = OcpiTariffJson.Parse(tariffJson, entry["time_zone"]!.GetValue<string>());
        return (tariff, Periods(cdr), Time(cdr["end_date_time"]!));
    }

    /// <summary>An OCPI CDR's charging_periods as the engine's input.</summary>
    public static List<ChargingPeriod> Periods(JsonNode cdr) =>
        cdr["charging_periods"]!.AsArray().Select(p =>
        {
            var dims = p!["dimensions"]!.AsArray().ToDictionary(d => d!["type"]!.GetValue<string>(), d => d!["volume"]!.GetValue<decimal>());
            return new ChargingPeriod(
                Time(p["start_date_time"]!),
                dims.GetValueOrDefault("ENERGY"),
                dims.GetValueOrDefault("TIME"),
                dims.GetValueOrDefault("PARKING_TIME"),
                dims.TryGetValue("MAX_POWER", out var maxP) ? (double)maxP : dims.TryGetValue("MIN_POWER", out var minP) ? (double)minP : null,
                dims.TryGetValue("MAX_CURRENT", out var maxI) ? (double)maxI : dims.TryGetValue("MIN_CURRENT", out var minI) ? (double)minI : null);
        }).ToList();

    public static decimal Dec(JsonNode node) => decimal.Parse(node.GetValue<string>(), NumberStyles.Float, CultureInfo.InvariantCulture);

    private static DateTime Time(JsonNode node) =>
        DateTime.Parse(node.GetValue<string>(), CultureInfo.InvariantCulture, DateTimeStyles.AdjustToUniversal | DateTimeStyles.AssumeUniversal);
}
