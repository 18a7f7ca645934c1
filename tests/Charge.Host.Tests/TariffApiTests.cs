using Charge.Tests;
using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json.Nodes;
using Charge.Api.V1;
using Google.Protobuf.WellKnownTypes;
using Grpc.Core;

namespace Charge.Host.Tests;

/// <summary>Tariffs through the public API: OCPI JSON in and out, assignment, live and final cost, estimates.</summary>
public sealed class TariffApiTests(SingleHostFixture host) : IClassFixture<SingleHostFixture>
{
    private static readonly string Cases = Charge.Tests.SharedData.TariffCases;

    private HttpClient Http => host.Http;

    private static string ComplexTariff(string id) =>
        File.ReadAllText(Path.Combine(Cases, "ocpi-tariffs", "complex", "tariff.json")).Replace("\"id\": \"14\"", $"\"id\": \"{id}\"");

    private async Task<HttpResponseMessage> PutTariff(string id, string json, string? zone = "Europe/Berlin")
    {
        var content = new StringContent(json, Encoding.UTF8);
        content.Headers.ContentType = new MediaTypeHeaderValue("application/json");
        return await Http.PutAsync($"/v1/tariffs/{id}" + (zone is null ? "" : $"?timeZone={zone}"), content);
    }

    private async Task<JsonNode> Post(string path, object body)
    {
        using var response = await Http.PostAsJsonAsync(path, body);
        var text = await response.Content.ReadAsStringAsync();
        Assert.True(response.IsSuccessStatusCode, $"{path}: {(int)response.StatusCode} {text}");
        return JsonNode.Parse(text)!;
    }

    [Fact]
    public async Task An_ocpi_tariff_put_over_rest_comes_back_byte_for_byte()
    {
        var id = TestIds.New("t");
        var json = ComplexTariff(id);

        using var put = await PutTariff(id, json);
        var info = JsonNode.Parse(await put.Content.ReadAsStringAsync())!;
        var back = await Http.GetStringAsync($"/v1/tariffs/{id}");
        var list = JsonNode.Parse(await Http.GetStringAsync("/v1/tariffs"))!;

        Assert.Equal(HttpStatusCode.OK, put.StatusCode);
        Assert.Equal(1, info["version"]!.GetValue<int>());
        Assert.Equal("Europe/Berlin", info["timeZone"]!.GetValue<string>());
        Assert.Equal(json, back);
        Assert.Contains(list["tariffs"]!.AsArray(), t => t!["tariffId"]!.GetValue<string>() == id);
    }

    [Fact]
    public async Task A_misspelled_field_is_400_naming_it_and_stores_nothing()
    {
        var id = TestIds.New("t");
        var json = """{"id":"ID","currency":"EUR","elements":[{"price_components":[{"type":"ENERGY","price":0.3,"step_size":1}],"restrictions":{"dayOfWeek":["MONDAY"]}}]}""".Replace("ID", id);

        using var put = await PutTariff(id, json);
        using var get = await Http.GetAsync($"/v1/tariffs/{id}");

        Assert.Equal(HttpStatusCode.BadRequest, put.StatusCode);
        Assert.Contains("dayOfWeek", await put.Content.ReadAsStringAsync());
        Assert.Equal(HttpStatusCode.NotFound, get.StatusCode);
    }

    [Fact]
    public async Task A_time_of_day_tariff_without_a_time_zone_is_400()
    {
        var id = TestIds.New("t");
        using var put = await PutTariff(id, ComplexTariff(id), zone: null);

        Assert.Equal(HttpStatusCode.BadRequest, put.StatusCode);
        Assert.Contains("time_zone", await put.Content.ReadAsStringAsync());
    }

    [Fact]
    public async Task A_session_on_an_assigned_charger_is_priced_live_and_finally_over_rest()
    {
        var (tariffId, chargerId, sessionId) = (TestIds.New("t"), TestIds.New("cp"), TestIds.New("s"));
        (await PutTariff(tariffId, $$"""{"id":"{{tariffId}}","currency":"EUR","elements":[{"price_components":[{"type":"FLAT","price":0.50,"vat":20,"step_size":1},{"type":"ENERGY","price":0.25,"vat":10,"step_size":1}]}]}""", null)).Dispose();
        var t0 = DateTime.UtcNow.AddHours(-1);
        var unknown = await Http.PostAsJsonAsync($"/v1/chargers/{chargerId}/tariff", new { tariffId, effectiveFrom = t0.AddDays(-1) });
        await host.Security.ChargerAuthorization(host.RawChannel.CreateCallInvoker(), chargerId);
        await Post($"/v1/chargers/{chargerId}/tariff", new { tariffId, effectiveFrom = t0.AddDays(-1) });
        // A tariff is assigned only to a charger that exists (a typo must not price nothing silently).
        Assert.Equal(HttpStatusCode.NotFound, unknown.StatusCode);

        await Post($"/v1/chargers/{chargerId}/sessions", new { connectorId = 1, idTag = "T", meterStartWh = 0, timestamp = t0, sessionId });
        await Post($"/v1/chargers/{chargerId}/meter-values", new { sessionId, readings = new[] { new { timestamp = t0.AddMinutes(20), energyWh = 10_000 } } });
        JsonNode live;
        var deadline = DateTime.UtcNow.AddSeconds(15);
        do
        {
            live = JsonNode.Parse(await Http.GetStringAsync($"/v1/sessions/{chargerId}~{sessionId}"))!;
        }
        while (live["readingCount"]!.GetValue<int>() < 1 && DateTime.UtcNow < deadline);

        var stopped = await Post($"/v1/sessions/{chargerId}~{sessionId}:stop", new { meterStopWh = 20_000, timestamp = t0.AddMinutes(40), reason = "Local" });

        // Live: 0.50 + 10 kWh x 0.25 = 3.00 (0.60 + 2.75 = 3.35 incl). Final: 0.50 + 20 x 0.25 = 5.50 / 6.10.
        Assert.Equal("3.00", live["cost"]!["total"]!["exclVat"]!.GetValue<string>());
        Assert.Equal("3.35", live["cost"]!["total"]!["inclVat"]!.GetValue<string>());
        Assert.Equal(tariffId, stopped["cost"]!["tariffId"]!.GetValue<string>());
        Assert.Equal(1, stopped["cost"]!["tariffVersion"]!.GetValue<int>());
        Assert.Equal("5.50", stopped["cost"]!["total"]!["exclVat"]!.GetValue<string>());
        Assert.Equal("6.10", stopped["cost"]!["total"]!["inclVat"]!.GetValue<string>());
        Assert.NotEmpty(stopped["cost"]!["periods"]!.AsArray());
    }

    [Fact]
    public async Task EstimateCost_over_grpc_prices_the_specs_complex_monday_example()
    {
        var tariffId = TestIds.New("t");
        (await PutTariff(tariffId, ComplexTariff(tariffId), zone: "UTC")).Dispose();
        var client = new TariffService.TariffServiceClient(host.Channel);

        // OCPI's worked example: Monday 09:30, 2 h 45 min at 16 A, then 42 min parking: 9.00 / 10.30.
        var cost = await client.EstimateCostAsync(new EstimateCostRequest
        {
            TariffId = tariffId,
            PlannedStart = Timestamp.FromDateTime(new DateTime(2026, 11, 23, 9, 30, 0, DateTimeKind.Utc)),
            EnergyKwh = 10.12,
            ChargingSeconds = 9900,
            ParkingSeconds = 2520,
            CurrentA = 16,
        });

        Assert.Equal("9.00", cost.Total.ExclVat);
        Assert.Equal("10.30", cost.Total.InclVat);
        Assert.Equal(1, cost.TariffVersion);
    }

    [Fact]
    public async Task Estimating_for_a_charger_without_a_tariff_is_failed_precondition()
    {
        var client = new TariffService.TariffServiceClient(host.Channel);
        var error = await Assert.ThrowsAsync<RpcException>(() => client.EstimateCostAsync(new EstimateCostRequest
        {
            ChargerId = TestIds.New("cp"), EnergyKwh = 10, ChargingSeconds = 3600,
        }).ResponseAsync);

        Assert.Equal(StatusCode.FailedPrecondition, error.StatusCode);
    }

    [Fact]
    public async Task Assigning_an_unknown_tariff_is_404()
    {
        var siteId = TestIds.New("site");
        (await Http.PutAsJsonAsync($"/v1/sites/{siteId}", new { name = "Depot", timeZone = "UTC" })).EnsureSuccessStatusCode();
        using var response = await Http.PostAsJsonAsync($"/v1/sites/{siteId}/tariff", new { tariffId = TestIds.New("nope") });
        using var noSite = await Http.PostAsJsonAsync($"/v1/sites/{TestIds.New("site")}/tariff", new { tariffId = TestIds.New("nope") });
        Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
        Assert.Contains("tariff", await response.Content.ReadAsStringAsync());
        Assert.Equal(HttpStatusCode.NotFound, noSite.StatusCode);
        Assert.Contains("does not exist: create it with PutSite first", await noSite.Content.ReadAsStringAsync());
    }
}
