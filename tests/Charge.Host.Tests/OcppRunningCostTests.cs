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
}
