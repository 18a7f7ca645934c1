using Charge.Tests;
using Charge.Api.V1;
using Google.Protobuf.WellKnownTypes;
using Grpc.Core;
using Grpc.Health.V1;
using Grpc.Reflection.V1Alpha;

namespace Charge.Host.Tests;

public sealed class GrpcApiTests(SingleHostFixture host) : IClassFixture<SingleHostFixture>
{
    private static readonly DateTime T0 = DateTime.UtcNow.AddMinutes(-30);

    private StationService.StationServiceClient Station => new(host.Channel);

    private SessionService.SessionServiceClient Sessions => new(host.Channel);

    private static Timestamp At(double minutes) => Timestamp.FromDateTime(T0.AddMinutes(minutes));

    private static MeterReading Reading(double minutes, double wh, double? powerW = null)
    {
        var r = new MeterReading { Timestamp = At(minutes), EnergyWh = wh };
        if (powerW is { } p)
        {
            r.PowerW = p;
        }

        return r;
    }

    private async Task<Session> StartAsync(string chargerId, string sessionId = "") =>
        await Station.StartSessionAsync(new StartSessionRequest
        {
            ChargerId = chargerId,
            ConnectorId = 1,
            IdTag = "TAG-1",
            MeterStartWh = 5000,
            Timestamp = At(0),
            SessionId = sessionId,
        });

    [Fact]
    public async Task A_session_runs_end_to_end_over_grpc()
    {
        var chargerId = TestIds.New("cp");
        var started = await StartAsync(chargerId);
        var accepted = await Station.ReportMeterValuesAsync(new ReportMeterValuesRequest
        {
            ChargerId = chargerId,
            SessionId = started.SessionId,
            Readings = { Reading(10, 6000, 6000), Reading(20, 7000, 6000) },
        });
        var stopped = await Station.StopSessionAsync(new StopSessionRequest
        {
            ChargerId = chargerId,
            SessionId = started.SessionId,
            MeterStopWh = 7200,
            Timestamp = At(25),
            Reason = "EVDisconnected",
        });
        var read = await Sessions.GetSessionAsync(new GetSessionRequest { SessionId = started.SessionId });
        var listed = await Sessions.ListSessionsAsync(new ListSessionsRequest { ChargerId = chargerId });

        Assert.False(string.IsNullOrEmpty(started.SessionId));
        Assert.Equal(SessionState.Active, started.State);
        Assert.Equal(2, accepted.Accepted);
        Assert.Equal(SessionState.Completed, stopped.State);
        Assert.Equal(2200, stopped.EnergyWh);
        Assert.Equal(1500, stopped.DurationSeconds);
        Assert.Equal(2200, read.Slots.Sum(s => s.EnergyWh), 6);
        Assert.Equal(2, read.ReadingCount);
        Assert.Equal(started.SessionId, Assert.Single(listed.Sessions).SessionId);
    }

    [Fact]
    public async Task WatchSession_pushes_every_change_and_ends_when_the_session_completes()
    {
        var chargerId = TestIds.New("cp");
        var started = await StartAsync(chargerId);
        using var call = Sessions.WatchSession(new WatchSessionRequest { SessionId = started.SessionId });
        var seen = new List<Session>();
        var reading = Task.Run(async () =>
        {
            await foreach (var update in call.ResponseStream.ReadAllAsync())
            {
                lock (seen)
                {
                    seen.Add(update);
                }
            }
        });

        await WaitUntil(() => seen.Count >= 1);
        await Station.ReportMeterValuesAsync(new ReportMeterValuesRequest
        {
            ChargerId = chargerId,
            SessionId = started.SessionId,
            Readings = { Reading(5, 5500, 6600) },
        });
        await WaitUntil(() => seen.Any(s => s.EnergyWh == 500));
        await Station.StopSessionAsync(new StopSessionRequest
        {
            ChargerId = chargerId, SessionId = started.SessionId, MeterStopWh = 5800, Timestamp = At(8), Reason = "Local",
        });
        await reading.WaitAsync(TimeSpan.FromSeconds(15));

        Assert.Equal(SessionState.Active, seen[0].State);
        Assert.Contains(seen, s => s.EnergyWh == 500 && s.LastPowerW == 6600);
        Assert.Equal(SessionState.Completed, seen[^1].State);
        Assert.Equal(800, seen[^1].EnergyWh);
        Assert.True(seen.Zip(seen.Skip(1)).All(p => p.Second.Version > p.First.Version));
    }

    [Fact]
    public async Task A_bad_field_is_invalid_argument_naming_the_field()
    {
        var chargerId = TestIds.New("cp");
        var started = await StartAsync(chargerId);

        var error = await Assert.ThrowsAsync<RpcException>(() => Station.ReportMeterValuesAsync(new ReportMeterValuesRequest
        {
            ChargerId = chargerId,
            SessionId = started.SessionId,
            Readings = { Reading(1, 5100), Reading(2, -1) },
        }).ResponseAsync);

        Assert.Equal(StatusCode.InvalidArgument, error.StatusCode);
        Assert.Contains("readings[1].energy_wh", error.Status.Detail);
    }

    [Fact]
    public async Task A_timestamp_far_in_the_future_is_invalid_argument()
    {
        var error = await Assert.ThrowsAsync<RpcException>(() => Station.StartSessionAsync(new StartSessionRequest
        {
            ChargerId = TestIds.New("cp"), ConnectorId = 1, IdTag = "T", MeterStartWh = 0,
            Timestamp = Timestamp.FromDateTime(DateTime.UtcNow.AddDays(2)),
        }).ResponseAsync);

        Assert.Equal(StatusCode.InvalidArgument, error.StatusCode);
        Assert.Contains("timestamp", error.Status.Detail);
    }

    [Fact]
    public async Task An_unknown_session_is_not_found()
    {
        var error = await Assert.ThrowsAsync<RpcException>(() => Sessions.GetSessionAsync(new GetSessionRequest { SessionId = TestIds.New("s") }).ResponseAsync);
        Assert.Equal(StatusCode.NotFound, error.StatusCode);
    }

    [Fact]
    public async Task A_session_id_is_namespaced_by_charger_and_a_repeated_start_is_idempotent()
    {
        var sessionId = TestIds.New("s");
        var chargerId = TestIds.New("cp");
        var first = await StartAsync(chargerId, sessionId);
        var again = await StartAsync(chargerId, sessionId);
        var other = await StartAsync(TestIds.New("cp"), sessionId);

        var squat = await Assert.ThrowsAsync<RpcException>(() => StartAsync(TestIds.New("cp"), first.SessionId));

        Assert.Equal($"{chargerId}~{sessionId}", first.SessionId);
        Assert.Equal(first.SessionId, again.SessionId);
        Assert.Equal(first.Version, again.Version);
        Assert.NotEqual(first.SessionId, other.SessionId);
        Assert.Equal(StatusCode.NotFound, squat.StatusCode);
        Assert.Equal(SessionState.Active, (await Sessions.GetSessionAsync(new GetSessionRequest { SessionId = first.SessionId })).State);
    }

    [Fact]
    public async Task Readings_after_stop_are_failed_precondition()
    {
        var chargerId = TestIds.New("cp");
        var started = await StartAsync(chargerId);
        await Station.StopSessionAsync(new StopSessionRequest
        {
            ChargerId = chargerId, SessionId = started.SessionId, MeterStopWh = 5000, Timestamp = At(1), Reason = "Local",
        });

        var error = await Assert.ThrowsAsync<RpcException>(() => Station.ReportMeterValuesAsync(new ReportMeterValuesRequest
        {
            ChargerId = chargerId, SessionId = started.SessionId, Readings = { Reading(2, 5100) },
        }).ResponseAsync);

        Assert.Equal(StatusCode.FailedPrecondition, error.StatusCode);
    }

    [Fact]
    public async Task The_standard_health_service_reports_serving()
    {
        var health = new Health.HealthClient(host.Channel);
        var response = await health.CheckAsync(new HealthCheckRequest());
        Assert.Equal(HealthCheckResponse.Types.ServingStatus.Serving, response.Status);
    }

    [Fact]
    public async Task Server_reflection_lists_the_public_services()
    {
        var reflection = new ServerReflection.ServerReflectionClient(host.Channel);
        using var call = reflection.ServerReflectionInfo();
        await call.RequestStream.WriteAsync(new ServerReflectionRequest { ListServices = "" });
        await call.RequestStream.CompleteAsync();
        Assert.True(await call.ResponseStream.MoveNext());
        var services = call.ResponseStream.Current.ListServicesResponse.Service.Select(s => s.Name).ToList();

        Assert.Contains("charge.v1.StationService", services);
        Assert.Contains("charge.v1.SessionService", services);
        Assert.Contains("charge.v1.ChargerService", services);
    }

    private static Task WaitUntil(Func<bool> condition) => Charge.Tests.Eventually.Until(condition);
}
