using Charge.Api.V1;
using Grpc.Core;

namespace Charge.Simulator;

/// <summary>One simulated charger: where it stands, what it delivers, whether it is broken.</summary>
public sealed record SimulatedCharger(string ChargerId, string SiteId, double MaxPowerKw, string PowerType, int Connectors, bool Faulted = false);

/// <summary>
/// The demo network a newcomer sees: two sites in different time zones, each with a tariff and a grid limit, a few
/// customers whose drivers' tags charge there, and a mixed fleet. Every step is a PUT: running it again changes
/// nothing but the chargers' secrets.
/// </summary>
public static class Demo
{
    public const string Amsterdam = "demo-amsterdam";
    public const string NewYork = "demo-new-york";

    public static readonly SimulatedCharger[] Fleet =
    [
        new("DEMO-AMS-AC1", Amsterdam, 22, "AC_3_PHASE", 2),
        new("DEMO-AMS-AC2", Amsterdam, 22, "AC_3_PHASE", 2),
        new("DEMO-AMS-AC3", Amsterdam, 22, "AC_3_PHASE", 2),
        new("DEMO-AMS-AC4", Amsterdam, 11, "AC_3_PHASE", 2),
        new("DEMO-AMS-AC5", Amsterdam, 22, "AC_3_PHASE", 2, Faulted: true),
        new("DEMO-NYC-DC1", NewYork, 150, "DC", 2),
        new("DEMO-NYC-DC2", NewYork, 150, "DC", 2),
        new("DEMO-NYC-AC1", NewYork, 11, "AC_3_PHASE", 2),
        new("DEMO-NYC-AC2", NewYork, 11, "AC_3_PHASE", 2),
    ];

    private static readonly (string Id, string Kind, string Name, string City, string Country, string Group, int FirstTag)[] Customers =
    [
        ("acme-fleet", "COMPANY", "Acme Logistics B.V.", "Amsterdam", "NLD", "fleet", 1),
        ("jansen", "PERSON", "M. Jansen", "Utrecht", "NLD", "", 11),
        ("miller", "PERSON", "J. Miller", "Brooklyn", "USA", "", 21),
    ];

    /// <summary>Sites, tariffs and their assignment, limits, customers and tokens; then the fleet registered on its sites.</summary>
    public static async Task<IReadOnlyList<(SimulatedCharger Charger, string Secret)>> SetUp(CallInvoker channel, Metadata auth, Func<Func<Task>, Task> persistently, TextWriter log)
    {
        var sites = new SiteService.SiteServiceClient(channel);
        var tariffs = new TariffService.TariffServiceClient(channel);
        var customers = new CustomerService.CustomerServiceClient(channel);
        var tokens = new TokenService.TokenServiceClient(channel);
        var chargers = new ChargerService.ChargerServiceClient(channel);

        await persistently(async () =>
        {
            await sites.PutSiteAsync(new PutSiteRequest { SiteId = Amsterdam, Name = "Amsterdam Zuidas P+R", TimeZone = "Europe/Amsterdam", Address = "Gustav Mahlerlaan 10", PostalCode = "1082 PP", City = "Amsterdam", Country = "NLD" }, auth);
            await sites.PutSiteAsync(new PutSiteRequest { SiteId = NewYork, Name = "Brooklyn Navy Yard", TimeZone = "America/New_York", Address = "63 Flushing Ave", PostalCode = "11205", City = "Brooklyn", Country = "USA" }, auth);
            await Tariff(tariffs, auth, "DEMO-EUR", "Europe/Amsterdam", """
                {"country_code":"NL","party_id":"CHG","id":"DEMO-EUR","currency":"EUR","type":"REGULAR",
                 "elements":[{"price_components":[{"type":"FLAT","price":0.35,"vat":21,"step_size":1},{"type":"ENERGY","price":0.39,"vat":21,"step_size":1}]},
                             {"price_components":[{"type":"ENERGY","price":0.49,"vat":21,"step_size":1}],"restrictions":{"start_time":"17:00","end_time":"21:00"}}],
                 "last_updated":"2026-12-01T00:00:00Z"}
                """);
            await Tariff(tariffs, auth, "DEMO-USD", "America/New_York", """
                {"country_code":"US","party_id":"CHG","id":"DEMO-USD","currency":"USD","type":"REGULAR",
                 "elements":[{"price_components":[{"type":"ENERGY","price":0.48,"vat":0,"step_size":1},{"type":"PARKING_TIME","price":6.00,"vat":0,"step_size":60}]}],
                 "last_updated":"2026-12-01T00:00:00Z"}
                """);
            var since = Google.Protobuf.WellKnownTypes.Timestamp.FromDateTime(DateTime.UtcNow.Date.AddDays(-30));
            await tariffs.AssignTariffAsync(new AssignTariffRequest { SiteId = Amsterdam, TariffId = "DEMO-EUR", EffectiveFrom = since }, auth);
            await tariffs.AssignTariffAsync(new AssignTariffRequest { SiteId = NewYork, TariffId = "DEMO-USD", EffectiveFrom = since }, auth);
            // Amsterdam shares 60 kW, 40 kW in the evening peak, the fleet's drivers served first; New York 250 kW.
            // (A tariff assigned to the fleet's group would price its drivers everywhere, New York included: the demo
            // keeps the sites' tariffs.)
            await sites.SetSiteLimitsAsync(new SetSiteLimitsRequest
            {
                SiteId = Amsterdam, GridLimitKw = 60, PriorityGroups = { "fleet" },
                TimeOfDay = { new Api.V1.TimeOfDayLimit { Start = "17:00", End = "21:00", LimitKw = 40 } },
            }, auth);
            await sites.SetSiteLimitsAsync(new SetSiteLimitsRequest { SiteId = NewYork, GridLimitKw = 250 }, auth);
            foreach (var c in Customers)
            {
                await customers.PutCustomerAsync(new PutCustomerRequest { CustomerId = c.Id, Kind = c.Kind, Name = c.Name, City = c.City, Country = c.Country, TariffGroup = c.Group }, auth);
            }

            for (var n = 0; n < ChargerSimulation.IdTags.Length; n++)
            {
                var owner = Customers.LastOrDefault(c => n + 1 >= c.FirstTag && n + 1 < c.FirstTag + 10);
                await tokens.PutTokenAsync(new PutTokenRequest { IdTag = ChargerSimulation.IdTags[n], Status = "ACCEPTED", Label = "demo", CustomerId = owner.Id ?? "" }, auth);
            }
        });
        log.WriteLine($"Demo network: {Amsterdam} (Europe/Amsterdam, 60 kW, 40 kW 17:00–21:00) and {NewYork} (America/New_York, 250 kW), 2 tariffs, {Customers.Length} customers, {ChargerSimulation.IdTags.Length} tags");

        var registered = new List<(SimulatedCharger, string)>();
        foreach (var c in Fleet)
        {
            string secret = "";
            await persistently(async () => secret = (await chargers.RegisterChargerAsync(new RegisterChargerRequest
            {
                ChargerId = c.ChargerId, SiteId = c.SiteId, ConnectorCount = c.Connectors, ConnectorPowerType = c.PowerType,
                ConnectorStandard = c.PowerType == "DC" ? "IEC_62196_T2_COMBO" : "IEC_62196_T2", ConnectorFormat = c.PowerType == "DC" ? "CABLE" : "SOCKET",
                MaxPowerW = c.MaxPowerKw * 1000,
            }, auth)).Secret);
            registered.Add((c, secret));
        }

        log.WriteLine($"Fleet: {string.Join(", ", Fleet.Select(c => $"{c.ChargerId} {c.MaxPowerKw:0} kW{(c.Faulted ? " (faulted)" : "")}"))}");
        return registered;
    }

    private static Task Tariff(TariffService.TariffServiceClient tariffs, Metadata auth, string id, string zone, string json) =>
        tariffs.PutTariffAsync(new PutTariffRequest
        {
            TariffId = id, TimeZone = zone,
            Ocpi = new Google.Api.HttpBody { ContentType = "application/json", Data = Google.Protobuf.ByteString.CopyFromUtf8(json) },
        }, auth).ResponseAsync;
}
