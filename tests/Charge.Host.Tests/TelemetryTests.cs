using System.Diagnostics;
using System.Net;
using System.Text.Json.Nodes;
using Charge.Api.V1;
using Charge.Grains.Interfaces;
using Charge.Silo;
using Charge.Tests;
using Microsoft.Extensions.Hosting;
using OpenTelemetry;
using OpenTelemetry.Metrics;
using OpenTelemetry.Trace;

namespace Charge.Host.Tests;

/// <summary>What an operator sees of the system: spans and metrics of a reading's path, the scrape endpoint, the cluster view.</summary>
public sealed class TelemetryTests(SingleHostFixture host) : IClassFixture<SingleHostFixture>
{
    private static readonly DateTime T0 = DateTime.UtcNow.AddMinutes(-30);

    /// <summary>The sum of a counter's points whose tags include every one of <paramref name="tags"/>.</summary>
    private static long Sum(List<Metric> exported, string name, params (string Key, string Value)[] tags)
    {
        long total = 0;
        foreach (var metric in exported.Where(m => m.Name == name))
        {
            foreach (ref readonly var point in metric.GetMetricPoints())
            {
                var have = new Dictionary<string, object?>();
                foreach (var tag in point.Tags)
                {
                    have[tag.Key] = tag.Value;
                }

                if (tags.All(t => have.TryGetValue(t.Key, out var v) && Equals(v, t.Value)))
                {
                    total += metric.MetricType == MetricType.Histogram ? point.GetHistogramCount()
                        : metric.MetricType is MetricType.LongSum or MetricType.LongSumNonMonotonic ? point.GetSumLong() : 0;
                }
            }
        }

        return total;
    }

    [Fact]
    public async Task A_readings_path_yields_one_trace_from_gateway_to_storage_and_every_transport_is_counted()
    {
        // Spans end on any thread, also those of tests running beside this one: they are collected into a concurrent queue
        // (the in-memory exporter's List is not safe to read while another thread adds to it).
        var collected = new SpanCollector();
        var metrics = new List<Metric>();
        using var tracing = Sdk.CreateTracerProviderBuilder()
            .AddSource(ChargeTelemetry.SourceName, "Microsoft.Orleans.Runtime", "Microsoft.Orleans.Application")
            .AddAspNetCoreInstrumentation()
            .AddProcessor(new SimpleActivityExportProcessor(collected))
            .Build();
        using var metering = Sdk.CreateMeterProviderBuilder().AddMeter(ChargeTelemetry.Meters).AddInMemoryExporter(metrics, reader =>
        {
            // Exported only when the test flushes, never by the reader's timer while the test reads the list.
            reader.PeriodicExportingMetricReaderOptions.ExportIntervalMilliseconds = int.MaxValue;
        }).Build();
        var station = new StationDriver(host.Channel);
        var chargerId = TestIds.New("TEL");
        // Priced, so that pricing and the invoice show up too.
        var tariffId = TestIds.New("tel-t");
        using var tariff = new StringContent($$"""{"id":"{{tariffId}}","currency":"EUR","elements":[{"price_components":[{"type":"ENERGY","price":0.30,"vat":21,"step_size":1}]}]}""",
            System.Text.Encoding.UTF8, "application/json");
        (await host.Http.PutAsync($"/v1/tariffs/{tariffId}", tariff)).EnsureSuccessStatusCode();
        await host.Security.ChargerAuthorization(host.RawChannel.CreateCallInvoker(), chargerId);
        await new TariffService.TariffServiceClient(host.Channel).AssignTariffAsync(new AssignTariffRequest
        {
            ChargerId = chargerId, TariffId = tariffId, EffectiveFrom = Google.Protobuf.WellKnownTypes.Timestamp.FromDateTime(T0.AddDays(-1)),
        });

        // gRPC: a session with two readings, then its stop.
        var session = await station.Start(chargerId, "TEL-TAG", 0, T0);
        await station.Report(chargerId, session.SessionId, T0.AddMinutes(1), 400, 7_000);
        await station.Report(chargerId, session.SessionId, T0.AddMinutes(2), 800, 7_000);
        // REST: a reading with a negative register is refused.
        using var refused = await host.Http.PostAsync($"/v1/chargers/{chargerId}/meter-values", JsonContent(new JsonObject
        {
            ["sessionId"] = session.SessionId,
            ["readings"] = new JsonArray(new JsonObject { ["timestamp"] = T0.AddMinutes(3).ToString("O"), ["energyWh"] = -5 }),
        }));
        await station.Stop(chargerId, session.SessionId, 800, T0.AddMinutes(4));

        // OCPP: a transaction with one MeterValues of two samples, and readings of a transaction nobody knows.
        var ocppId = TestIds.New("TELO");
        await using var cp = await host.ConnectOcpp(ocppId);
        var tx = (await cp.Call("StartTransaction", new JsonObject { ["connectorId"] = 1, ["idTag"] = "TEL-TAG", ["meterStart"] = 0, ["timestamp"] = T0.ToString("O") }))[2]!["transactionId"]!.GetValue<int>();
        await cp.Call("MeterValues", new JsonObject
        {
            ["connectorId"] = 1, ["transactionId"] = tx,
            ["meterValue"] = new JsonArray(
                new JsonObject { ["timestamp"] = T0.AddMinutes(1).ToString("O"), ["sampledValue"] = new JsonArray(new JsonObject { ["value"] = "300" }) },
                new JsonObject { ["timestamp"] = T0.AddMinutes(2).ToString("O"), ["sampledValue"] = new JsonArray(new JsonObject { ["value"] = "600" }) }),
        });
        await cp.Call("MeterValues", new JsonObject
        {
            ["connectorId"] = 1, ["transactionId"] = tx + 1000,
            ["meterValue"] = new JsonArray(new JsonObject { ["timestamp"] = T0.AddMinutes(2).ToString("O"), ["sampledValue"] = new JsonArray(new JsonObject { ["value"] = "10" }) }),
        });
        // An operator asks the OCPP charge point to stop: a RemoteStopTransaction round trip, answered Accepted.
        var asked = new SessionService.SessionServiceClient(host.Channel).RequestStopAsync(new RequestStopRequest { SessionId = SessionIds.OfTransaction(ocppId, tx) });
        var (remoteStop, _) = await cp.AnswerNextCall((_, _) => new JsonObject { ["status"] = "Accepted" });
        await asked;
        // The stopped gRPC session's invoice follows its stop.
        // Each flush exports every metric again, cumulative since the provider started: only the last export counts.
        void Flush()
        {
            metrics.Clear();
            metering.ForceFlush();
        }

        await Eventually.Until(() =>
        {
            Flush();
            return Sum(metrics, "charge.invoices.issued", ("kind", "Invoice")) > 0;
        });
        Flush();
        tracing.ForceFlush();
        var spans = collected.Snapshot();

        // The first gRPC reading: its request span, the grain call it made and the log append, in one trace.
        var request = spans.First(s => s.Source.Name == "Microsoft.AspNetCore" && s.DisplayName.Contains("ReportMeterValues", StringComparison.Ordinal));
        var trace = spans.Where(s => s.TraceId == request.TraceId).ToList();
        var described = string.Join("; ", trace.Select(s => $"{s.Source.Name}: {s.DisplayName} [{string.Join(",", s.Tags.Select(t => $"{t.Key}={t.Value}"))}]"));
        Assert.True(trace.Any(s => s.Source.Name.StartsWith("Microsoft.Orleans", StringComparison.Ordinal) && s.DisplayName.Contains("ReportMeterValues", StringComparison.Ordinal)
            && s.GetTagItem(ChargeTelemetry.SessionIdTag) as string == session.SessionId && s.GetTagItem(ChargeTelemetry.ChargerIdTag) as string == chargerId), described);
        Assert.True(trace.Any(s => s.Source.Name == ChargeTelemetry.SourceName && s.DisplayName == "storage reading-log.append"), described);
        // An OCPP message is a span of its own, with its charger, and its grain calls are its children.
        var ocpp = spans.First(s => s.DisplayName == "ocpp MeterValues" && s.GetTagItem(ChargeTelemetry.ChargerIdTag) as string == ocppId);
        Assert.Contains(spans, s => s.TraceId == ocpp.TraceId && s.Source.Name.StartsWith("Microsoft.Orleans", StringComparison.Ordinal)
            && s.GetTagItem(ChargeTelemetry.SessionIdTag) as string == SessionIds.OfTransaction(ocppId, tx));

        Assert.Equal(HttpStatusCode.BadRequest, refused.StatusCode);
        Assert.Equal("RemoteStopTransaction", remoteStop);
        Assert.Equal(1, Sum(metrics, "charge.commands.duration", ("action", "RemoteStopTransaction"), ("outcome", "answered")));
        Assert.Equal(1, Sum(metrics, "charge.invoices.issued", ("kind", "Invoice")));
        Assert.True(Sum(metrics, "charge.pricing.duration", ("kind", "final")) >= 1);
        Assert.Equal(2, Sum(metrics, "charge.readings.accepted", (ChargeTelemetry.TransportTag, "grpc")));
        Assert.Equal(2, Sum(metrics, "charge.readings.accepted", (ChargeTelemetry.TransportTag, "ocpp")));
        Assert.Equal(0, Sum(metrics, "charge.readings.accepted", (ChargeTelemetry.TransportTag, "rest")));
        Assert.Equal(1, Sum(metrics, "charge.readings.rejected", (ChargeTelemetry.TransportTag, "rest"), ("reason", "InvalidArgument")));
        Assert.Equal(1, Sum(metrics, "charge.readings.anomalous", ("kind", nameof(AnomalyKind.UnknownSession))));
        Assert.Equal(2, Sum(metrics, "charge.sessions.started"));
        Assert.Equal(1, Sum(metrics, "charge.sessions.completed"));
        Assert.Equal(1, Sum(metrics, "charge.sessions.active"));
        Assert.Equal(1, Sum(metrics, "charge.ocpp.connected"));
        // One append per accepted batch: two over gRPC, one over OCPP (its two samples travel together).
        Assert.Equal(3, Sum(metrics, "charge.storage.duration", ("store", "reading-log.append")));
        // The gRPC stop took its charger's hand-over (it holds both logged batches) instead of reading the log back.
        Assert.Equal(0, Sum(metrics, "charge.storage.duration", ("store", "reading-log.read")));
        Assert.True(Sum(metrics, "charge.storage.duration", ("store", "session")) >= 2);
        // Every grain's writes, not only those on the reading path: the provider itself is measured.
        Assert.True(Sum(metrics, "charge.storage.duration", ("store", "chargerhistory")) >= 2);
        Assert.True(Sum(metrics, "charge.storage.duration", ("store", "idtag")) >= 1);
    }

    /// <summary>Every exported span, safe to add to from any thread and to read while others add.</summary>
    private sealed class SpanCollector : BaseExporter<Activity>
    {
        private readonly System.Collections.Concurrent.ConcurrentQueue<Activity> spans = new();

        public override ExportResult Export(in Batch<Activity> batch)
        {
            foreach (var span in batch)
            {
                spans.Enqueue(span);
            }

            return ExportResult.Success;
        }

        public List<Activity> Snapshot() => [.. spans];
    }

    private static StringContent JsonContent(JsonObject body) => new(body.ToJsonString(), System.Text.Encoding.UTF8, "application/json");

    [Fact]
    public async Task Metrics_are_scraped_by_an_operator_and_refused_to_a_driver_or_anyone()
    {
        await new StationDriver(host.Channel).Start(TestIds.New("SCR"), "SCR-TAG", 0, T0);

        async Task<HttpResponseMessage> Scrape(string? token)
        {
            using var request = new HttpRequestMessage(HttpMethod.Get, "/metrics");
            if (token is not null)
            {
                request.Headers.Authorization = new System.Net.Http.Headers.AuthenticationHeaderValue("Bearer", token);
            }

            return await host.RawHttp.SendAsync(request);
        }

        using var asOperator = await Scrape(host.Security.OperatorToken);
        using var asDriver = await Scrape(host.Security.Token("driver", "d1", ["SCR-TAG"]));
        using var anonymous = await Scrape(null);
        var text = await asOperator.Content.ReadAsStringAsync();

        Assert.Equal(HttpStatusCode.OK, asOperator.StatusCode);
        Assert.Contains("charge_sessions_started", text);
        // ASP.NET Core's and the runtime's meters are there too.
        Assert.Contains("http_server_request_duration", text);
        Assert.Contains("dotnet_gc", text);
        Assert.Equal(HttpStatusCode.Forbidden, asDriver.StatusCode);
        Assert.Equal(HttpStatusCode.Unauthorized, anonymous.StatusCode);
    }

    [Fact]
    public async Task The_cluster_view_opens_for_an_operator_with_the_cookie_from_their_token_and_for_no_one_else()
    {
        using var cookies = new HttpClientHandler { CookieContainer = new CookieContainer() };
        using var browser = new HttpClient(cookies) { BaseAddress = host.RawHttp.BaseAddress };

        async Task<HttpResponseMessage> Exchange(string token)
        {
            using var request = new HttpRequestMessage(HttpMethod.Post, "/dashboard/cluster-session");
            request.Headers.Authorization = new System.Net.Http.Headers.AuthenticationHeaderValue("Bearer", token);
            return await browser.SendAsync(request);
        }

        using var before = await browser.GetAsync("/orleans/");
        using var driverExchange = await Exchange(host.Security.Token("driver", "d1", ["T"]));
        using var afterDriver = await browser.GetAsync("/orleans/");
        using var operatorExchange = await Exchange(host.Security.OperatorToken);
        var location = JsonNode.Parse(await operatorExchange.Content.ReadAsStringAsync())!["location"]!.GetValue<string>();
        using var page = await browser.GetAsync(location);
        var cookie = cookies.CookieContainer.GetCookies(new Uri(host.RawHttp.BaseAddress!, "/orleans/")).Single();

        Assert.Equal(HttpStatusCode.Unauthorized, before.StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, driverExchange.StatusCode);
        Assert.Equal(HttpStatusCode.Unauthorized, afterDriver.StatusCode);
        Assert.Equal(HttpStatusCode.OK, operatorExchange.StatusCode);
        Assert.Equal(HttpStatusCode.OK, page.StatusCode);
        Assert.Contains("<html", await page.Content.ReadAsStringAsync(), StringComparison.OrdinalIgnoreCase);
        Assert.True(cookie.HttpOnly);
        Assert.Equal("/orleans", cookie.Path);
        // The cookie is not a credential anywhere else.
        Assert.Empty(cookies.CookieContainer.GetCookies(new Uri(host.RawHttp.BaseAddress!, "/v1/sites")));
    }

    [Fact]
    public async Task Readiness_fails_while_storage_is_down_and_recovers_with_it_while_liveness_holds()
    {
        var azurite = await Azurite.StartAsync();
        var ports = DevService.FreePorts(4);
        using var app = ChargeSiloHost.Build([
            $"--Charge:Gateway:HttpUrl=http://127.0.0.1:{ports[0]}", $"--Charge:Gateway:GrpcUrl=http://127.0.0.1:{ports[1]}",
            $"--Charge:Cluster:SiloPort={ports[2]}", $"--Charge:Cluster:GatewayPort={ports[3]}", $"--Charge:Cluster:ClusterId=ready-{Guid.NewGuid():N}",
            "--Logging:LogLevel:Default=Critical", "--Charge:Storage:Provider=AzureBlob", $"--Charge:Storage:ConnectionString={azurite.ConnectionString}",
            .. host.Security.HostArgs,
        ]);
        await app.StartAsync();
        using var http = new HttpClient { BaseAddress = new Uri($"http://127.0.0.1:{ports[0]}") };
        async Task<(HttpStatusCode Ready, HttpStatusCode Live, string Body)> Probe()
        {
            using var ready = await http.GetAsync("/health/ready");
            using var live = await http.GetAsync("/health/live");
            return (ready.StatusCode, live.StatusCode, await ready.Content.ReadAsStringAsync());
        }

        try
        {
            var up = await Eventually.Get(Probe, p => p.Ready == HttpStatusCode.OK);
            await azurite.StopProcessAsync(graceful: false);
            var down = await Eventually.Get(Probe, p => p.Ready == HttpStatusCode.ServiceUnavailable, TimeSpan.FromSeconds(30));
            azurite = await azurite.RestartAsync();
            var back = await Eventually.Get(Probe, p => p.Ready == HttpStatusCode.OK, TimeSpan.FromSeconds(30));

            Assert.True((up.Ready, up.Live) == (HttpStatusCode.OK, HttpStatusCode.OK), up.Body);
            Assert.Equal((HttpStatusCode.ServiceUnavailable, HttpStatusCode.OK), (down.Ready, down.Live));
            var storage = JsonNode.Parse(down.Body)!["checks"]!["storage"]!;
            Assert.Equal("Unhealthy", storage["status"]!.GetValue<string>());
            Assert.Equal("Healthy", JsonNode.Parse(down.Body)!["checks"]!["cluster"]!["status"]!.GetValue<string>());
            Assert.True((back.Ready, back.Live) == (HttpStatusCode.OK, HttpStatusCode.OK), back.Body);
            // The containers' health check is the program's own `health` command against the same endpoint.
            Assert.Equal(0, Charge.Gateway.Hosting.ProgramCommands.TryRun(["health", "--url", $"http://127.0.0.1:{ports[0]}/health/ready"], TextWriter.Null, TextWriter.Null));
            Assert.Equal(1, Charge.Gateway.Hosting.ProgramCommands.TryRun(["health", "--url", $"http://127.0.0.1:{ports[1]}/nothing"], TextWriter.Null, TextWriter.Null));
        }
        finally
        {
            await app.StopAsync(TimeSpan.FromSeconds(10));
            await azurite.DisposeAsync();
        }
    }

    [Theory]
    [InlineData("127.0.0.0/8", HttpStatusCode.OK)]
    [InlineData("10.0.0.0/8", HttpStatusCode.Forbidden)]
    public async Task A_silo_alone_serves_its_probes_and_its_metrics_to_the_scrape_networks_only(string network, HttpStatusCode expected)
    {
        var ports = DevService.FreePorts(3);
        using var silo = ChargeSiloHost.Build([
            "--Charge:Silo:HostGateway=false", $"--Charge:Silo:HttpUrl=http://127.0.0.1:{ports[0]}",
            $"--Charge:Cluster:SiloPort={ports[1]}", $"--Charge:Cluster:GatewayPort={ports[2]}", $"--Charge:Cluster:ClusterId=alone-{Guid.NewGuid():N}",
            "--Logging:LogLevel:Default=Critical", "--Charge:Storage:Provider=Memory", $"--Charge:Telemetry:ScrapeNetworks:0={network}",
        ]);
        await silo.StartAsync();
        try
        {
            using var http = new HttpClient { BaseAddress = new Uri($"http://127.0.0.1:{ports[0]}") };
            var ready = await Eventually.Get(async () => (await http.GetAsync("/health/ready")).StatusCode, s => s == HttpStatusCode.OK);
            using var live = await http.GetAsync("/health/live");
            using var metrics = await http.GetAsync("/metrics");
            using var api = await http.GetAsync("/v1/sites");

            Assert.Equal((HttpStatusCode.OK, HttpStatusCode.OK), (ready, live.StatusCode));
            Assert.Equal(expected, metrics.StatusCode);
            if (expected == HttpStatusCode.OK)
            {
                Assert.Contains("orleans_", await metrics.Content.ReadAsStringAsync());
            }

            // A silo alone serves no API.
            Assert.Equal(HttpStatusCode.NotFound, api.StatusCode);
        }
        finally
        {
            await silo.StopAsync(TimeSpan.FromSeconds(10));
        }
    }
}
