using Charge.Tests;
using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace Charge.Host.Tests;

/// <summary>The same API through gRPC JSON transcoding, as an app or a script would use it.</summary>
public sealed class RestApiTests(SingleHostFixture host) : IClassFixture<SingleHostFixture>
{
    private static readonly DateTime T0 = DateTime.UtcNow.AddMinutes(-30);

    private HttpClient Http => host.Http;

    private static string At(double minutes) => T0.AddMinutes(minutes).ToString("yyyy-MM-ddTHH:mm:ss.fffZ");

    private async Task<(HttpStatusCode Status, JsonNode Body)> Send(HttpMethod method, string path, object? body = null)
    {
        using var request = new HttpRequestMessage(method, path);
        if (body is not null)
        {
            request.Content = JsonContent.Create(body);
        }

        using var response = await Http.SendAsync(request);
        var text = await response.Content.ReadAsStringAsync();
        return (response.StatusCode, JsonNode.Parse(text)!);
    }

    [Fact]
    public async Task A_session_runs_end_to_end_over_rest()
    {
        var chargerId = TestIds.New("cp");
        var local = TestIds.New("s");

        var (startStatus, started) = await Send(HttpMethod.Post, $"/v1/chargers/{chargerId}/sessions",
            new { connectorId = 2, idTag = "APP-USER-7", meterStartWh = 100, timestamp = At(0), sessionId = local });
        var sessionId = started["sessionId"]!.GetValue<string>();
        var (meterStatus, meter) = await Send(HttpMethod.Post, $"/v1/chargers/{chargerId}/meter-values",
            new { sessionId = local, readings = new object[] { new { timestamp = At(15), energyWh = 2100, powerW = 8000 } } });
        var live = await Eventually(() => Send(HttpMethod.Get, $"/v1/sessions/{sessionId}"), b => b["energyWh"]!.GetValue<double>() == 2000);
        var (chargerStatus, charger) = await Send(HttpMethod.Get, $"/v1/chargers/{chargerId}");
        var (stopStatus, stopped) = await Send(HttpMethod.Post, $"/v1/sessions/{sessionId}:stop",
            new { meterStopWh = 2600, timestamp = At(20), reason = "Remote" });

        Assert.Equal($"{chargerId}~{local}", sessionId);
        Assert.Equal(HttpStatusCode.OK, startStatus);
        Assert.Equal("SESSION_STATE_ACTIVE", started["state"]!.GetValue<string>());
        Assert.Equal(HttpStatusCode.OK, meterStatus);
        Assert.Equal(1, meter["accepted"]!.GetValue<int>());
        Assert.Equal(8000, live["lastPowerW"]!.GetValue<double>());
        Assert.Equal(HttpStatusCode.OK, chargerStatus);
        var connector = charger["connectors"]!.AsArray().Single(c => c!["connectorId"]!.GetValue<int>() == 2)!;
        Assert.Equal("CONNECTOR_STATUS_CHARGING", connector["status"]!.GetValue<string>());
        Assert.Equal(sessionId, connector["activeSessionId"]!.GetValue<string>());
        Assert.Equal(HttpStatusCode.OK, stopStatus);
        Assert.Equal("SESSION_STATE_COMPLETED", stopped["state"]!.GetValue<string>());
        Assert.Equal(2500, stopped["energyWh"]!.GetValue<double>());
        Assert.Equal("Remote", stopped["stopReason"]!.GetValue<string>());
    }

    [Fact]
    public async Task A_missing_field_is_400_with_a_message_naming_it()
    {
        var (status, body) = await Send(HttpMethod.Post, $"/v1/chargers/{TestIds.New("cp")}/sessions",
            new { connectorId = 1, meterStartWh = 0, timestamp = At(0) });

        Assert.Equal(HttpStatusCode.BadRequest, status);
        Assert.Contains("id_tag", body["message"]!.GetValue<string>());
    }

    [Fact]
    public async Task An_unknown_session_is_404()
    {
        var (status, body) = await Send(HttpMethod.Get, $"/v1/sessions/{TestIds.New("s")}");

        Assert.Equal(HttpStatusCode.NotFound, status);
        Assert.Contains("does not exist", body["message"]!.GetValue<string>());
    }

    [Fact]
    public async Task A_station_cannot_start_a_session_in_another_chargers_namespace()
    {
        var victim = TestIds.New("cp");
        var squatted = $"{victim}~1";

        var (status, body) = await Send(HttpMethod.Post, $"/v1/chargers/{TestIds.New("cp")}/sessions",
            new { connectorId = 1, idTag = "T", meterStartWh = 0, timestamp = At(0), sessionId = squatted });
        var (lookup, _) = await Send(HttpMethod.Get, $"/v1/sessions/{squatted}");

        Assert.Equal(HttpStatusCode.NotFound, status);
        Assert.Contains("belong to the charger named before it", body["message"]!.GetValue<string>());
        Assert.Equal(HttpStatusCode.NotFound, lookup);
    }

    [Fact]
    public async Task The_same_station_session_id_on_two_chargers_is_two_sessions()
    {
        var local = TestIds.New("s");
        var (a, b) = (TestIds.New("cp"), TestIds.New("cp"));
        var (first, onA) = await Send(HttpMethod.Post, $"/v1/chargers/{a}/sessions",
            new { connectorId = 1, idTag = "T", meterStartWh = 0, timestamp = At(0), sessionId = local });

        var (second, onB) = await Send(HttpMethod.Post, $"/v1/chargers/{b}/sessions",
            new { connectorId = 1, idTag = "T", meterStartWh = 0, timestamp = At(0), sessionId = local });

        Assert.Equal((HttpStatusCode.OK, HttpStatusCode.OK), (first, second));
        Assert.NotEqual(onA["sessionId"]!.GetValue<string>(), onB["sessionId"]!.GetValue<string>());
    }

    [Fact]
    public async Task An_unknown_charger_is_404()
    {
        var (status, _) = await Send(HttpMethod.Get, $"/v1/chargers/{TestIds.New("cp")}");
        Assert.Equal(HttpStatusCode.NotFound, status);
    }

    [Fact]
    public async Task Malformed_json_is_400()
    {
        using var content = new StringContent("{\"connectorId\": \"one\"", System.Text.Encoding.UTF8, "application/json");
        using var response = await Http.PostAsync($"/v1/chargers/{TestIds.New("cp")}/sessions", content);

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
    }

    private static async Task<JsonNode> Eventually(Func<Task<(HttpStatusCode, JsonNode)>> read, Func<JsonNode, bool> done) =>
        (await Charge.Tests.Eventually.Get(read, r => done(r.Item2))).Item2;

    [Fact]
    public async Task A_body_that_is_not_application_json_or_says_one_field_twice_or_against_the_path_is_refused()
    {
        var chargerId = TestIds.New("cp");
        var body = $$"""{"connectorId":1,"idTag":"T","meterStartWh":0,"timestamp":"{{At(0)}}"}""";

        async Task<(HttpStatusCode Status, string Message)> Post(string path, string json, string contentType)
        {
            using var request = new HttpRequestMessage(HttpMethod.Post, path) { Content = new StringContent(json) };
            request.Content.Headers.ContentType = System.Net.Http.Headers.MediaTypeHeaderValue.Parse(contentType);
            using var response = await Http.SendAsync(request);
            return (response.StatusCode, JsonNode.Parse(await response.Content.ReadAsStringAsync())?["message"]?.GetValue<string>() ?? "");
        }

        var plusJson = await Post($"/v1/chargers/{chargerId}/sessions", body, "application/vnd.charge+json");
        var twoSpellings = await Post($"/v1/chargers/{chargerId}/sessions", body.Replace("\"meterStartWh\":0", "\"meterStartWh\":0,\"meter_start_wh\":5000"), "application/json");
        var otherCharger = await Post($"/v1/chargers/{chargerId}/sessions", body.Replace("{\"connectorId\"", "{\"chargerId\":\"someone-else\",\"connectorId\""), "application/json");
        var otherPeriod = await Post("/v1/billing-periods/2025-01:close", """{"period":"2099-01"}""", "application/json");
        var samePeriod = await Post("/v1/billing-periods/2025-01:close", """{"period":"2025-01"}""", "application/json");
        var (_, listed) = await Send(HttpMethod.Get, $"/v1/sessions?chargerId={chargerId}");

        Assert.Equal(HttpStatusCode.UnsupportedMediaType, plusJson.Status);
        Assert.Contains("must be application/json", plusJson.Message);
        Assert.Equal(HttpStatusCode.BadRequest, twoSpellings.Status);
        Assert.Contains("meter_start_wh is given twice, as 'meterStartWh' and 'meter_start_wh'", twoSpellings.Message);
        Assert.Equal(HttpStatusCode.BadRequest, otherCharger.Status);
        Assert.Contains("charger_id is 'someone-else' in the body but", otherCharger.Message);
        Assert.Equal(HttpStatusCode.BadRequest, otherPeriod.Status);
        Assert.Contains("period is '2099-01' in the body but '2025-01' in the path", otherPeriod.Message);
        // The same value in both places is not ambiguous: the request goes through.
        Assert.Equal(HttpStatusCode.OK, samePeriod.Status);
        // Nothing of the refused starts was applied.
        Assert.Empty(listed["sessions"]?.AsArray() ?? []);
    }
}
