using System.Text;
using System.Text.Json.Nodes;
using Charge.Api.V1;
using Google.Protobuf.WellKnownTypes;

using Charge.Tests;

namespace Charge.Host.Tests;

/// <summary>The running cost shown on chargers that support the OCA California Pricing DataTransfer.</summary>
public sealed class OcppRunningCostTests(RunningCostHostFixture host) : IClassFixture<RunningCostHostFixture>
{
    [Fact]
    public async Task A_priced_session_sends_running_cost_after_meter_values_and_final_cost_after_stop()
    {
        var cp = $"CAL-{Guid.NewGuid():N}"[..20];
        var tariffId = $"T-{Guid.NewGuid():N}"[..20];
        var t0 = DateTime.UtcNow.AddHours(-1);
        string At(double m) => t0.AddMinutes(m).ToString("yyyy-MM-ddTHH:mm:ss.fffZ");
        using (var body = new StringContent($$"""{"id":"{{tariffId}}","currency":"USD","elements":[{"price_components":[{"type":"ENERGY","price":0.40,"vat":10,"step_size":1}]}]}""", Encoding.UTF8, "application/json"))
        {
            (await host.Http.PutAsync($"/v1/tariffs/{tariffId}", body)).EnsureSuccessStatusCode();
        }

        await host.Security.ChargerAuthorization(host.RawChannel.CreateCallInvoker(), cp);
        await new TariffService.TariffServiceClient(host.Channel).AssignTariffAsync(new AssignTariffRequest
        {
            ChargerId = cp, TariffId = tariffId, EffectiveFrom = Timestamp.FromDateTime(t0.AddDays(-1)),
        });
        await using var client = await host.ConnectOcpp(cp);
        var start = await client.Call("StartTransaction", new JsonObject { ["connectorId"] = 1, ["idTag"] = "RFID-9", ["meterStart"] = 0, ["timestamp"] = At(0) });
        var tx = start[2]!["transactionId"]!.GetValue<int>();

        await client.Call("MeterValues", new JsonObject
        {
            ["connectorId"] = 1, ["transactionId"] = tx,
            ["meterValue"] = new JsonArray(new JsonObject { ["timestamp"] = At(10), ["sampledValue"] = new JsonArray(new JsonObject { ["value"] = "5000" }) }),
        });
        var (runningAction, running) = await client.AnswerNextCall((_, _) => new JsonObject { ["status"] = "Accepted" });
        await client.Call("StopTransaction", new JsonObject { ["transactionId"] = tx, ["meterStop"] = 10_000, ["timestamp"] = At(20) });
        var (finalAction, final) = await client.AnswerNextCall((_, _) => new JsonObject { ["status"] = "Accepted" });

        Assert.Equal("DataTransfer", runningAction);
        Assert.Equal("org.openchargealliance.costmsg", running["vendorId"]!.GetValue<string>());
        Assert.Equal("RunningCost", running["messageId"]!.GetValue<string>());
        var runningData = JsonNode.Parse(running["data"]!.GetValue<string>())!;
        Assert.Equal(tx, runningData["transactionId"]!.GetValue<int>());
        Assert.True(runningData["cost"]!.GetValue<decimal>() <= 2.20m);
        Assert.Equal("DataTransfer", finalAction);
        Assert.Equal("FinalCost", final["messageId"]!.GetValue<string>());
        // 10 kWh x 0.40 + 10 % VAT = 4.40.
        Assert.Equal(4.40m, JsonNode.Parse(final["data"]!.GetValue<string>())!["cost"]!.GetValue<decimal>());
        Assert.Equal("4.40 USD", JsonNode.Parse(final["data"]!.GetValue<string>())!["priceText"]!.GetValue<string>());
    }

    [Fact]
    public async Task A_201_station_is_sent_cost_updated_while_charging_and_the_final_cost_in_the_ended_answer()
    {
        var cp = TestIds.New("V201");
        var tariffId = TestIds.New("TARIFF");
        var t0 = DateTime.UtcNow.AddHours(-1);
        string At(double m) => t0.AddMinutes(m).ToString("yyyy-MM-ddTHH:mm:ss.fffZ");
        await TestTariffs.Put(host.Http, tariffId, TestTariffs.Json(tariffId, TestTariffs.Energy(0.40m, vat: 10m)));
        await host.Security.ChargerAuthorization(host.RawChannel.CreateCallInvoker(), cp);
        await new TariffService.TariffServiceClient(host.Channel).AssignTariffAsync(new AssignTariffRequest
        {
            ChargerId = cp, TariffId = tariffId, EffectiveFrom = Timestamp.FromDateTime(t0.AddDays(-1)),
        });
        await using var station = await host.ConnectOcpp201(cp);
        var tx = Guid.NewGuid().ToString();
        JsonObject Event(string type, int seqNo, double m, double wh, string? context = null)
        {
            var sample = new JsonObject { ["value"] = wh };
            if (context is not null)
            {
                sample["context"] = context;
            }

            var e = new JsonObject
            {
                ["eventType"] = type, ["timestamp"] = At(m), ["triggerReason"] = type == "Started" ? "Authorized" : "MeterValuePeriodic", ["seqNo"] = seqNo,
                ["transactionInfo"] = new JsonObject { ["transactionId"] = tx }, ["evse"] = new JsonObject { ["id"] = 1 },
                ["meterValue"] = new JsonArray(new JsonObject { ["timestamp"] = At(m), ["sampledValue"] = new JsonArray(sample) }),
            };
            if (type == "Started")
            {
                e["idToken"] = new JsonObject { ["idToken"] = "RFID-9", ["type"] = "ISO14443" };
            }

            return e;
        }

        await station.CallResult("TransactionEvent", Event("Started", 0, 0, 0, "Transaction.Begin"));
        await station.CallResult("TransactionEvent", Event("Updated", 1, 10, 5000));
        var (action, payload) = await Eventually.Get(() => station.AnswerNextCall((_, _) => new JsonObject()), c => c.Action == "CostUpdated");
        var ended = await station.CallResult("TransactionEvent", Event("Ended", 2, 20, 10_000, "Transaction.End"));

        // The CostUpdated passed the 2.0.1 schema (strict client); the cost so far is at most 5 kWh's.
        Assert.Equal(tx, payload["transactionId"]!.GetValue<string>());
        Assert.True(payload["totalCost"]!.GetValue<decimal>() <= 2.20m);
        // 10 kWh x 0.40 + 10 % VAT = 4.40, in the Ended answer.
        Assert.Equal(4.40m, ended["totalCost"]!.GetValue<decimal>());
    }
}
