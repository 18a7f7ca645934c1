using System.Net;
using System.Text;
using System.Text.Json.Nodes;
using Charge.Api.V1;
using Google.Protobuf.WellKnownTypes;
using Grpc.Core;

using Charge.Tests;

namespace Charge.Host.Tests;

/// <summary>A chatty charger cannot starve the others; oversized requests are refused before any work.</summary>
public sealed class AbuseTests(RateLimitedHostFixture host) : IClassFixture<RateLimitedHostFixture>
{
    private StationService.StationServiceClient Station => new(host.Channel);

    private async Task<StatusCode> Heartbeat(string chargerId)
    {
        try
        {
            await Station.HeartbeatAsync(new HeartbeatRequest { ChargerId = chargerId });
            return StatusCode.OK;
        }
        catch (RpcException e)
        {
            return e.StatusCode;
        }
    }

    [Fact]
    public async Task A_charger_over_its_rate_gets_resource_exhausted_while_another_is_served()
    {
        var (chatty, quiet) = (TestIds.New("RL"), TestIds.New("RL"));

        var burst = new List<StatusCode>();
        for (var i = 0; i < 4 * RateLimitedHostFixture.PerSecond; i++)
        {
            burst.Add(await Heartbeat(chatty));
        }

        var other = await Heartbeat(quiet);
        await Task.Delay(TimeSpan.FromSeconds(1.5));
        var later = await Heartbeat(chatty);

        Assert.Contains(StatusCode.ResourceExhausted, burst);
        Assert.True(burst.Count(s => s == StatusCode.OK) <= 2 * RateLimitedHostFixture.PerSecond);
        Assert.Equal(StatusCode.OK, other);
        Assert.Equal(StatusCode.OK, later);
    }

    [Fact]
    public async Task A_chatty_ocpp_charge_point_gets_generic_errors_and_others_are_served()
    {
        await using var chatty = await host.ConnectOcpp(TestIds.New("RL"));
        await using var quiet = await host.ConnectOcpp(TestIds.New("RL"));

        var codes = new List<string>();
        for (var i = 0; i < 4 * RateLimitedHostFixture.PerSecond; i++)
        {
            var reply = await chatty.SendRaw($$"""[2,"h{{i}}","Heartbeat",{}]""");
            codes.Add(reply[0]!.GetValue<int>() == 3 ? "ok" : reply[2]!.GetValue<string>());
        }

        var other = await quiet.Call("Heartbeat", []);

        Assert.Contains("GenericError", codes);
        Assert.Equal(3, other[0]!.GetValue<int>());
    }

    [Fact]
    public async Task An_oversized_rest_body_is_refused_with_413()
    {
        var body = "{\"connectorId\":1,\"idTag\":\"" + new string('x', 2 * 1024 * 1024) + "\"}";
        using var content = new StringContent(body, Encoding.UTF8, "application/json");
        using var response = await host.Http.PostAsync($"/v1/chargers/{TestIds.New("RL")}/sessions", content);

        Assert.Equal(HttpStatusCode.RequestEntityTooLarge, response.StatusCode);
    }

    [Fact]
    public async Task An_oversized_chunked_rest_body_is_refused_with_413_and_a_json_message()
    {
        var body = "{\"connectorId\":1,\"idTag\":\"" + new string('x', 2 * 1024 * 1024) + "\"}";
        // No Content-Length: the limit is met while the body is read.
        using var content = new StreamContent(new MemoryStream(Encoding.UTF8.GetBytes(body)));
        content.Headers.ContentType = new System.Net.Http.Headers.MediaTypeHeaderValue("application/json");
        using var request = new HttpRequestMessage(HttpMethod.Post, $"/v1/chargers/{TestIds.New("RL")}/sessions") { Content = content };
        request.Headers.TransferEncodingChunked = true;
        using var response = await host.Http.SendAsync(request);
        var json = System.Text.Json.Nodes.JsonNode.Parse(await response.Content.ReadAsStringAsync())!;

        Assert.Equal(HttpStatusCode.RequestEntityTooLarge, response.StatusCode);
        Assert.Equal((413, "request bodies are limited to 1024 KiB"), (json["code"]!.GetValue<int>(), json["message"]!.GetValue<string>()));
    }

    [Fact]
    public async Task A_refused_grpc_call_reads_its_reason_unencoded()
    {
        var refused = await Assert.ThrowsAsync<RpcException>(() => new ChargerService.ChargerServiceClient(host.RawChannel)
            .GetChargerAsync(new GetChargerRequest { ChargerId = TestIds.New("RL") }).ResponseAsync);

        Assert.Equal(StatusCode.Unauthenticated, refused.StatusCode);
        Assert.Contains("'Authorization: Bearer <token>', chargers HTTP Basic chargerId:secret", refused.Status.Detail);
        Assert.DoesNotContain("%3A", refused.Status.Detail);
    }

    [Fact]
    public async Task An_oversized_grpc_message_is_refused_with_resource_exhausted()
    {
        var error = await Assert.ThrowsAsync<RpcException>(() => Station.StartSessionAsync(new StartSessionRequest
        {
            ChargerId = TestIds.New("RL"), ConnectorId = 1, IdTag = new string('x', 2 * 1024 * 1024), MeterStartWh = 0, Timestamp = Timestamp.FromDateTime(DateTime.UtcNow),
        }).ResponseAsync);

        Assert.Equal(StatusCode.ResourceExhausted, error.StatusCode);
    }

    [Fact]
    public async Task Errors_carry_no_internal_detail()
    {
        // A body that is JSON but not the message: the error names the field, no type names or stack frames.
        using var content = new StringContent("{\"connectorId\":{\"nested\":true}}", Encoding.UTF8, "application/json");
        using var response = await host.Http.PostAsync($"/v1/chargers/{TestIds.New("RL")}/sessions", content);
        var text = await response.Content.ReadAsStringAsync();

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.DoesNotContain("   at ", text);
        Assert.DoesNotContain("Exception", text);
        Assert.DoesNotContain("Orleans", text);
    }
}
