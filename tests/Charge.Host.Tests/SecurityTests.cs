using System.Net;
using System.Net.Http.Headers;
using System.Net.WebSockets;
using System.Text.Json.Nodes;
using Charge.Api.V1;
using Charge.Gateway.Hosting;
using Charge.Gateway.Security;
using Charge.Tests;
using Google.Protobuf.Reflection;
using Google.Protobuf.WellKnownTypes;
using Grpc.AspNetCore.Server;
using Grpc.Core;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;

namespace Charge.Host.Tests;

/// <summary>Who may call what: every RPC's policy for every role, and the checks behind the policies.</summary>
public sealed class SecurityTests(SingleHostFixture host) : IClassFixture<SingleHostFixture>
{
    private static readonly DateTime T0 = DateTime.UtcNow.AddMinutes(-30);

    private enum Role { Anonymous, Charger, Driver, Operator }

    private const Role C = Role.Charger, D = Role.Driver, O = Role.Operator;

    /// <summary>Who each RPC admits. An RPC missing here fails <see cref="Every_rpc_is_allowed_or_denied_for_every_role_as_its_policy_says"/>.</summary>
    private static readonly Dictionary<string, Role[]> Policy = new()
    {
        ["charge.v1.StationService/StartSession"] = [C],
        ["charge.v1.StationService/ReportMeterValues"] = [C],
        ["charge.v1.StationService/StopSession"] = [C],
        ["charge.v1.StationService/ReceiveCommands"] = [C],
        ["charge.v1.StationService/ReportStatus"] = [C],
        ["charge.v1.StationService/Heartbeat"] = [C],
        ["charge.v1.SessionService/GetSession"] = [D, O],
        ["charge.v1.SessionService/WatchSession"] = [D, O],
        ["charge.v1.SessionService/ListSessions"] = [D, O],
        ["charge.v1.SessionService/RequestStop"] = [D, O],
        ["charge.v1.SessionService/ForceCloseSession"] = [O],
        ["charge.v1.ChargerService/RegisterCharger"] = [O],
        ["charge.v1.ChargerService/GetCharger"] = [O],
        ["charge.v1.ChargerService/SetChargerSite"] = [O],
        ["charge.v1.ChargerService/RemoteStartTransaction"] = [O],
        ["charge.v1.ChargerService/RemoteStopTransaction"] = [O],
        ["charge.v1.ChargerService/Reset"] = [O],
        ["charge.v1.ChargerService/ChangeAvailability"] = [O],
        ["charge.v1.ChargerService/TriggerMessage"] = [O],
        ["charge.v1.ChargerService/UnlockConnector"] = [O],
        ["charge.v1.ChargerService/GetDeviceModel"] = [O],
        ["charge.v1.ChargerService/RequestDeviceReport"] = [O],
        ["charge.v1.ChargerService/GetVariable"] = [O],
        ["charge.v1.ChargerService/SetVariable"] = [O],
        ["charge.v1.ChargerService/ListChargers"] = [O],
        ["charge.v1.ChargerService/DeregisterCharger"] = [O],
        ["charge.v1.ChargerService/GetChargerAvailability"] = [O],
        ["charge.v1.TokenService/PutToken"] = [O],
        ["charge.v1.TokenService/GetToken"] = [O],
        ["charge.v1.TokenService/ListTokens"] = [O],
        ["charge.v1.TokenService/DeleteToken"] = [O],
        ["charge.v1.TokenService/CheckToken"] = [O],
        ["charge.v1.CustomerService/PutCustomer"] = [O],
        ["charge.v1.CustomerService/GetCustomer"] = [O],
        ["charge.v1.CustomerService/ListCustomers"] = [O],
        ["charge.v1.TariffService/PutTariff"] = [O],
        ["charge.v1.TariffService/GetTariff"] = [D, O],
        ["charge.v1.TariffService/ListTariffs"] = [D, O],
        ["charge.v1.TariffService/DescribeTariff"] = [D, O],
        ["charge.v1.TariffService/GetTariffAssignments"] = [O],
        ["charge.v1.TariffService/AssignTariff"] = [O],
        ["charge.v1.TariffService/EstimateCost"] = [D, O],
        ["charge.v1.SiteService/PutSite"] = [O],
        ["charge.v1.SiteService/GetSite"] = [O],
        ["charge.v1.SiteService/ListSites"] = [O],
        ["charge.v1.SiteService/SetSiteLimits"] = [O],
        ["charge.v1.SiteService/GetSiteLoad"] = [O],
        ["charge.v1.SiteService/DeleteSite"] = [O],
        ["charge.v1.ReportService/GetUsageReport"] = [O],
        ["charge.v1.ReportService/GetLiveLoad"] = [O],
        ["charge.v1.ReportService/WatchLiveLoad"] = [O],
        ["charge.v1.ReportService/GetCapacityPlan"] = [O],
        ["charge.v1.BillingService/GetInvoice"] = [D, O],
        ["charge.v1.BillingService/ListInvoices"] = [D, O],
        ["charge.v1.ReportService/ExportRevenue"] = [O],
        ["charge.v1.BillingService/CreditInvoice"] = [O],
        ["charge.v1.BillingService/ExportCdrs"] = [O],
        ["charge.v1.BillingService/CloseBillingPeriod"] = [O],
    };

    private static readonly Google.Protobuf.Reflection.ServiceDescriptor[] PublicServices =
    [
        StationReflection.Descriptor.Services[0], SessionsReflection.Descriptor.Services[0],
        ChargersReflection.Descriptor.Services[0], TariffsReflection.Descriptor.Services[0],
        SitesReflection.Descriptor.Services[0], ReportsReflection.Descriptor.Services[0], BillingReflection.Descriptor.Services[0],
        TokensReflection.Descriptor.Services[0], CustomersReflection.Descriptor.Services[0],
    ];

    private static Timestamp At(double minutes) => Timestamp.FromDateTime(T0.AddMinutes(minutes));

    private CallInvoker Raw => host.RawChannel.CreateCallInvoker();

    private string OperatorToken => host.Security.OperatorToken;

    private string DriverToken(params string[] idTags) => host.Security.Token("driver", "driver-1", idTags);

    private static Metadata Auth(string authorization) => TestSecurity.Header(authorization);

    private Task<string> ChargerAuth(string chargerId) => host.Security.ChargerAuthorization(Raw, chargerId);

    [Fact]
    public void Every_grpc_endpoint_names_a_policy_or_is_explicitly_anonymous()
    {
        var endpoints = host.GatewayServices.GetRequiredService<EndpointDataSource>().Endpoints
            .Where(e => e.Metadata.GetMetadata<GrpcMethodMetadata>() is not null)
            .ToList();
        var unnamed = endpoints
            .Where(e => e.Metadata.GetMetadata<IAllowAnonymous>() is null
                        && !e.Metadata.GetOrderedMetadata<IAuthorizeData>().Any(a => !string.IsNullOrEmpty(a.Policy)))
            .Select(e => e.DisplayName)
            .ToList();

        Assert.NotEmpty(endpoints);
        Assert.Empty(unnamed);
        // Anonymous: the health service alone.
        Assert.All(endpoints.Where(e => e.Metadata.GetMetadata<IAllowAnonymous>() is not null),
            e => Assert.Equal("grpc.health.v1.Health", e.Metadata.GetMetadata<GrpcMethodMetadata>()!.Method.ServiceName));
    }

    [Fact]
    public async Task Every_rpc_is_allowed_or_denied_for_every_role_as_its_policy_says()
    {
        var methods = PublicServices.SelectMany(s => s.Methods).ToList();
        Assert.Equal(Policy.Keys.Order(), methods.Select(m => $"{m.Service.FullName}/{m.Name}").Order());

        var credentials = new Dictionary<Role, string?>
        {
            [Role.Anonymous] = null,
            [Role.Charger] = await ChargerAuth(TestIds.New("cp")),
            [Role.Driver] = TestSecurity.Bearer(DriverToken("TAG-D")),
            [Role.Operator] = TestSecurity.Bearer(OperatorToken),
        };
        var wrong = new List<string>();
        foreach (var method in methods)
        {
            var name = $"{method.Service.FullName}/{method.Name}";
            foreach (var (role, authorization) in credentials)
            {
                var status = await CallWithEmptyRequest(method, authorization);
                var allowed = Policy[name].Contains(role);
                var expected = allowed ? "allowed" : role == Role.Anonymous ? "Unauthenticated" : "PermissionDenied";
                var actual = status switch
                {
                    StatusCode.Unauthenticated or StatusCode.PermissionDenied => status.ToString(),
                    _ => "allowed",
                };
                if (actual != expected)
                {
                    wrong.Add($"{name} as {role}: expected {expected}, got {status}");
                }
            }
        }

        Assert.Empty(wrong);
    }

    /// <summary>Calls a method with an empty message: admitted calls then fail validation (or answer), refused ones fail authorization.</summary>
    private async Task<StatusCode> CallWithEmptyRequest(MethodDescriptor method, string? authorization)
    {
        var marshaller = Marshallers.Create<byte[]>(b => b, b => b);
        var type = method.IsServerStreaming ? MethodType.ServerStreaming : MethodType.Unary;
        var grpcMethod = new Method<byte[], byte[]>(type, method.Service.FullName, method.Name, marshaller, marshaller);
        var options = new CallOptions(authorization is null ? null : Auth(authorization), DateTime.UtcNow.AddSeconds(20));
        try
        {
            if (method.IsServerStreaming)
            {
                using var stream = Raw.AsyncServerStreamingCall(grpcMethod, null, options, []);
                await stream.ResponseStream.MoveNext();
            }
            else
            {
                await Raw.AsyncUnaryCall(grpcMethod, null, options, []);
            }

            return StatusCode.OK;
        }
        catch (RpcException e)
        {
            return e.StatusCode;
        }
    }

    [Fact]
    public async Task Server_reflection_is_for_operators_and_health_for_anyone()
    {
        var health = await new Grpc.Health.V1.Health.HealthClient(host.RawChannel).CheckAsync(new Grpc.Health.V1.HealthCheckRequest());
        var reflection = new Grpc.Reflection.V1Alpha.ServerReflection.ServerReflectionClient(host.RawChannel);
        using var anonymous = reflection.ServerReflectionInfo();
        var error = await Assert.ThrowsAsync<RpcException>(async () =>
        {
            try
            {
                await anonymous.RequestStream.WriteAsync(new Grpc.Reflection.V1Alpha.ServerReflectionRequest { ListServices = "" });
            }
            catch (RpcException)
            {
                // The server may refuse the call before the write completes; the response carries its status.
            }

            await anonymous.ResponseStream.MoveNext();
        });

        Assert.Equal(Grpc.Health.V1.HealthCheckResponse.Types.ServingStatus.Serving, health.Status);
        Assert.Equal(StatusCode.Unauthenticated, error.StatusCode);
    }

    private async Task<(string ChargerId, string SessionId)> StartedSession(string idTag)
    {
        var chargerId = TestIds.New("cp");
        var station = new StationService.StationServiceClient(Raw);
        var session = await station.StartSessionAsync(new StartSessionRequest
        {
            ChargerId = chargerId, ConnectorId = 1, IdTag = idTag, MeterStartWh = 1000, Timestamp = At(0),
        }, Auth(await ChargerAuth(chargerId)));
        return (chargerId, session.SessionId);
    }

    [Fact]
    public async Task A_charger_cannot_report_for_another_charger_or_touch_its_session()
    {
        var (victim, sessionId) = await StartedSession("TAG-V");
        var intruder = TestIds.New("cp");
        var intruderAuth = Auth(await ChargerAuth(intruder));
        var station = new StationService.StationServiceClient(Raw);
        var readings = new[] { new MeterReading { Timestamp = At(5), EnergyWh = 99_000 } };

        var asVictim = await Assert.ThrowsAsync<RpcException>(() => station.ReportMeterValuesAsync(
            new ReportMeterValuesRequest { ChargerId = victim, SessionId = sessionId, Readings = { readings } }, intruderAuth).ResponseAsync);
        var intoVictimsSession = await Assert.ThrowsAsync<RpcException>(() => station.ReportMeterValuesAsync(
            new ReportMeterValuesRequest { ChargerId = intruder, SessionId = sessionId, Readings = { readings } }, intruderAuth).ResponseAsync);
        var stopVictims = await Assert.ThrowsAsync<RpcException>(() => station.StopSessionAsync(
            new StopSessionRequest { SessionId = sessionId, MeterStopWh = 99_000, Timestamp = At(6) }, intruderAuth).ResponseAsync);
        var statusForVictim = await Assert.ThrowsAsync<RpcException>(() => station.ReportStatusAsync(
            new ReportStatusRequest { ChargerId = victim, ConnectorId = 1, Status = ConnectorStatus.Faulted, Timestamp = At(6) }, intruderAuth).ResponseAsync);
        var session = await new SessionService.SessionServiceClient(Raw).GetSessionAsync(new GetSessionRequest { SessionId = sessionId }, Auth(TestSecurity.Bearer(OperatorToken)));
        var charger = await new ChargerService.ChargerServiceClient(Raw).GetChargerAsync(new GetChargerRequest { ChargerId = victim }, Auth(TestSecurity.Bearer(OperatorToken)));

        Assert.Equal(StatusCode.PermissionDenied, asVictim.StatusCode);
        Assert.Contains(intruder, asVictim.Status.Detail);
        Assert.Equal(StatusCode.NotFound, intoVictimsSession.StatusCode);
        Assert.NotEqual(StatusCode.OK, stopVictims.StatusCode);
        Assert.Equal(StatusCode.PermissionDenied, statusForVictim.StatusCode);
        Assert.Equal(SessionState.Active, session.State);
        Assert.Equal(0, session.EnergyWh);
        Assert.Equal(ConnectorStatus.Charging, charger.Connectors.Single(c => c.ConnectorId == 1).Status);
    }

    [Fact]
    public async Task A_driver_sees_and_stops_only_sessions_of_their_own_id_tags()
    {
        var (chargerId, mine) = await StartedSession("TAG-MINE");
        var (_, theirs) = await StartedSession("TAG-THEIRS");
        var driver = Auth(TestSecurity.Bearer(DriverToken("TAG-MINE", "TAG-CARD-2")));
        var sessions = new SessionService.SessionServiceClient(Raw);
        var station = new StationService.StationServiceClient(Raw);

        var own = await sessions.GetSessionAsync(new GetSessionRequest { SessionId = mine }, driver);
        var other = await Assert.ThrowsAsync<RpcException>(() => sessions.GetSessionAsync(new GetSessionRequest { SessionId = theirs }, driver).ResponseAsync);
        var ownList = await sessions.ListSessionsAsync(new ListSessionsRequest { IdTag = "TAG-MINE" }, driver);
        var otherList = await Assert.ThrowsAsync<RpcException>(() => sessions.ListSessionsAsync(new ListSessionsRequest { IdTag = "TAG-THEIRS" }, driver).ResponseAsync);
        var chargerList = await Assert.ThrowsAsync<RpcException>(() => sessions.ListSessionsAsync(new ListSessionsRequest { ChargerId = chargerId }, driver).ResponseAsync);
        var watchOther = await Assert.ThrowsAsync<RpcException>(async () =>
        {
            using var watch = sessions.WatchSession(new WatchSessionRequest { SessionId = theirs }, driver);
            await watch.ResponseStream.MoveNext();
        });
        var stopOther = await Assert.ThrowsAsync<RpcException>(() => sessions.RequestStopAsync(new RequestStopRequest { SessionId = theirs }, driver).ResponseAsync);
        var unknown = await Assert.ThrowsAsync<RpcException>(() => sessions.GetSessionAsync(new GetSessionRequest { SessionId = theirs + "x" }, driver).ResponseAsync);
        // The driver's own session: asked of a charger that is not connected, which the answer says.
        var stopMine = await Assert.ThrowsAsync<RpcException>(() => sessions.RequestStopAsync(new RequestStopRequest { SessionId = mine }, driver).ResponseAsync);
        var theirsAfter = await sessions.GetSessionAsync(new GetSessionRequest { SessionId = theirs }, Auth(TestSecurity.Bearer(OperatorToken)));
        var mineAfter = await sessions.GetSessionAsync(new GetSessionRequest { SessionId = mine }, Auth(TestSecurity.Bearer(OperatorToken)));

        Assert.Equal("TAG-MINE", own.IdTag);
        // Someone else's session and no session get the same answer: a driver cannot learn what exists.
        Assert.Equal(StatusCode.NotFound, other.StatusCode);
        Assert.Equal(StatusCode.NotFound, unknown.StatusCode);
        Assert.Equal(other.Status.Detail.Replace(theirs, "ID"), unknown.Status.Detail.Replace(theirs + "x", "ID"));
        Assert.Equal([mine], ownList.Sessions.Select(s => s.SessionId));
        Assert.Equal(StatusCode.PermissionDenied, otherList.StatusCode);
        Assert.Equal(StatusCode.PermissionDenied, chargerList.StatusCode);
        Assert.Equal(StatusCode.NotFound, watchOther.StatusCode);
        Assert.Equal(StatusCode.NotFound, stopOther.StatusCode);
        Assert.Equal(StatusCode.FailedPrecondition, stopMine.StatusCode);
        Assert.Contains("not connected", stopMine.Status.Detail);
        Assert.Equal(SessionState.Active, theirsAfter.State);
        Assert.Equal(SessionState.Active, mineAfter.State);
    }

    public static TheoryData<string> ForgedTokens => ["wrong key", "expired", "other issuer", "other audience", "unsigned", "role raised", "garbage"];

    [Theory]
    [MemberData(nameof(ForgedTokens))]
    public async Task Forged_and_expired_tokens_are_refused(string forgery)
    {
        var security = host.Security;
        var token = forgery switch
        {
            "wrong key" => security.Token("operator", "mallory", [], key: Convert.ToBase64String(new byte[32])),
            "expired" => security.Token("operator", "alice", [], lifetime: TimeSpan.FromMinutes(5), issuedAt: DateTime.UtcNow.AddHours(-1)),
            "other issuer" => security.Token("operator", "alice", [], issuer: "someone-else"),
            "other audience" => security.Token("operator", "alice", [], audience: "another-api"),
            "unsigned" => string.Join('.', security.Token("operator", "mallory", []).Split('.')[..2]
                .Select((part, i) => i == 0 ? TestSecurity.B64("{\"alg\":\"none\",\"typ\":\"JWT\"}"u8.ToArray()) : part)) + ".",
            "role raised" => RaiseRole(security.Token("driver", "mallory", ["TAG-X"])),
            _ => "not-a-token",
        };
        var tariffs = new TariffService.TariffServiceClient(Raw);

        var error = await Assert.ThrowsAsync<RpcException>(() => tariffs.ListTariffsAsync(new ListTariffsRequest(), Auth(TestSecurity.Bearer(token))).ResponseAsync);
        using var rest = new HttpRequestMessage(HttpMethod.Get, "/v1/tariffs") { Headers = { Authorization = new AuthenticationHeaderValue("Bearer", token) } };
        using var restResponse = await host.RawHttp.SendAsync(rest);

        Assert.Equal(StatusCode.Unauthenticated, error.StatusCode);
        Assert.Equal(HttpStatusCode.Unauthorized, restResponse.StatusCode);
    }

    /// <summary>A driver's token with its payload edited to say operator, keeping the original signature.</summary>
    private static string RaiseRole(string token)
    {
        var parts = token.Split('.');
        var json = System.Text.Encoding.UTF8.GetString(Convert.FromBase64String(parts[1].Replace('-', '+').Replace('_', '/').PadRight((parts[1].Length + 3) / 4 * 4, '=')));
        var payload = JsonNode.Parse(json)!.AsObject();
        payload["role"] = "operator";
        return $"{parts[0]}.{TestSecurity.B64(System.Text.Encoding.UTF8.GetBytes(payload.ToJsonString()))}.{parts[2]}";
    }

    [Fact]
    public async Task A_token_minted_by_the_token_command_is_accepted()
    {
        var output = new StringWriter();
        var exit = ProgramCommands.TryRun(["token", "--role", "operator", "--subject", "first-admin", $"--Charge:Security:Jwt:SigningKey={host.Security.SigningKey}"], output, TextWriter.Null);
        var list = await new TariffService.TariffServiceClient(Raw).ListTariffsAsync(new ListTariffsRequest(), Auth(TestSecurity.Bearer(output.ToString().Trim())));

        Assert.Equal(0, exit);
        Assert.NotNull(list);
    }

    [Fact]
    public void The_token_command_refuses_wrong_arguments_naming_them_and_prints_no_token()
    {
        (int? Exit, string Output, string Error) Run(params string[] args)
        {
            var (output, error) = (new StringWriter(), new StringWriter());
            return (ProgramCommands.TryRun(args, output, error), output.ToString(), error.ToString());
        }

        var role = Run("token", "--role", "admin");
        var hours = Run("token", "--role", "operator", "--hours", "soon");
        var missing = Run("token");
        var driver = Run("token", "--role", "driver");
        var unknown = Run("token", "--role", "operator", "--bogus");
        var help = Run("token", "--help");
        var notOurs = Run("--Charge:Storage:Provider=Memory");

        Assert.All(new[] { role, hours, missing, driver, unknown }, r =>
        {
            Assert.NotEqual(0, r.Exit);
            Assert.DoesNotContain("eyJ", r.Output);
        });
        Assert.Contains("'admin' not recognized", role.Error);
        Assert.Contains("Cannot parse argument 'soon' for option '--hours'", hours.Error);
        Assert.Contains("--role", missing.Error);
        Assert.Contains("needs at least one --id-tag", driver.Error);
        Assert.Contains("'--bogus' is not an option of token", unknown.Error);
        Assert.Equal(0, help.Exit);
        Assert.Contains("--id-tag", help.Output);
        // Anything else is the host's own command line.
        Assert.Null(notOurs.Exit);
    }

    [Fact]
    public async Task A_wrong_or_unknown_charger_credential_is_refused_and_changes_nothing()
    {
        var (chargerId, sessionId) = await StartedSession("TAG-W");
        var station = new StationService.StationServiceClient(Raw);
        var request = new ReportMeterValuesRequest { ChargerId = chargerId, SessionId = sessionId, Readings = { new MeterReading { Timestamp = At(5), EnergyWh = 50_000 } } };

        var wrongSecret = await Assert.ThrowsAsync<RpcException>(() => station.ReportMeterValuesAsync(request, Auth(TestSecurity.Basic(chargerId, "not-the-secret-at-all"))).ResponseAsync);
        var unknown = await Assert.ThrowsAsync<RpcException>(() => station.HeartbeatAsync(new HeartbeatRequest { ChargerId = "NEVER-REGISTERED" }, Auth(TestSecurity.Basic("NEVER-REGISTERED", "whatever-secret-1234"))).ResponseAsync);
        var operatorAsStation = await Assert.ThrowsAsync<RpcException>(() => station.ReportMeterValuesAsync(request, Auth(TestSecurity.Bearer(OperatorToken))).ResponseAsync);
        var session = await new SessionService.SessionServiceClient(Raw).GetSessionAsync(new GetSessionRequest { SessionId = sessionId }, Auth(TestSecurity.Bearer(OperatorToken)));

        Assert.Equal(StatusCode.Unauthenticated, wrongSecret.StatusCode);
        Assert.Equal(StatusCode.Unauthenticated, unknown.StatusCode);
        Assert.Equal(StatusCode.PermissionDenied, operatorAsStation.StatusCode);
        Assert.Equal(0, session.EnergyWh);
    }

    [Fact]
    public async Task Requests_naming_invented_charger_ids_are_refused_without_bringing_a_charger_grain_into_memory()
    {
        var management = host.GatewayServices.GetRequiredService<IGrainFactory>().GetGrain<Orleans.Runtime.IManagementGrain>(0);
        async Task<int> ChargerActivations() => (await management.GetSimpleGrainStatistics())
            .Where(s => s.GrainType.Contains("ChargerGrain", StringComparison.Ordinal)).Sum(s => s.ActivationCount);
        var station = new StationService.StationServiceClient(Raw);
        var before = await ChargerActivations();

        var codes = new List<StatusCode>();
        for (var i = 0; i < 25; i++)
        {
            var invented = TestIds.New("nobody");
            try
            {
                await station.HeartbeatAsync(new HeartbeatRequest { ChargerId = invented }, Auth(TestSecurity.Basic(invented, "a-secret-nobody-issued")));
                codes.Add(StatusCode.OK);
            }
            catch (RpcException e)
            {
                codes.Add(e.StatusCode);
            }
        }

        var socketId = TestIds.New("nobody");
        var ocpp = await Assert.ThrowsAnyAsync<Exception>(() => OcppClient.ConnectAsync(host.OcppUri(socketId), TestSecurity.Basic(socketId, "a-secret-nobody-issued")));
        var after = await ChargerActivations();

        Assert.All(codes, c => Assert.Equal(StatusCode.Unauthenticated, c));
        Assert.Contains("401", ocpp.Message);
        Assert.Equal(before, after);
    }

    [Fact]
    public async Task Rotating_a_secret_closes_the_socket_and_the_command_stream_opened_with_the_old_one()
    {
        var chargerId = TestIds.New("cp");
        var chargers = new ChargerService.ChargerServiceClient(Raw);
        var operatorAuth = Auth(TestSecurity.Bearer(OperatorToken));
        var first = await chargers.RegisterChargerAsync(new RegisterChargerRequest { ChargerId = chargerId, ConnectorCount = 1 }, operatorAuth);
        var oldCredential = TestSecurity.Basic(chargerId, first.Secret);
        await using var socket = await OcppClient.ConnectAsync(host.OcppUri(chargerId), oldCredential);
        await socket.Call("BootNotification", new System.Text.Json.Nodes.JsonObject { ["chargePointVendor"] = "Acme", ["chargePointModel"] = "AC22" });
        using var stream = new StationService.StationServiceClient(Raw).ReceiveCommands(new ReceiveCommandsRequest { ChargerId = chargerId }, Auth(oldCredential));
        await Charge.Tests.Eventually.Get(() => chargers.GetChargerAsync(new GetChargerRequest { ChargerId = chargerId }, operatorAuth).ResponseAsync,
            c => c.OcppConnected && c.CommandStreamOpen);

        await chargers.RegisterChargerAsync(new RegisterChargerRequest { ChargerId = chargerId, ConnectorCount = 1 }, operatorAuth);
        var closed = await socket.ReceiveClose(TimeSpan.FromSeconds(10));
        var ended = await Assert.ThrowsAsync<RpcException>(async () =>
        {
            using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(10));
            while (await stream.ResponseStream.MoveNext(timeout.Token))
            {
            }
        });
        var reconnect = await Assert.ThrowsAnyAsync<Exception>(() => OcppClient.ConnectAsync(host.OcppUri(chargerId), oldCredential));

        Assert.Equal(System.Net.WebSockets.WebSocketCloseStatus.PolicyViolation, closed);
        Assert.Equal(StatusCode.Unauthenticated, ended.StatusCode);
        Assert.Contains("rotated", ended.Status.Detail);
        Assert.Contains("401", reconnect.Message);
    }

    [Fact]
    public async Task Registering_again_rotates_the_secret_and_declares_the_connectors()
    {
        var chargerId = TestIds.New("cp");
        var chargers = new ChargerService.ChargerServiceClient(Raw);
        var station = new StationService.StationServiceClient(Raw);
        var operatorAuth = Auth(TestSecurity.Bearer(OperatorToken));
        var siteId = TestIds.New("SITE");
        await new SiteService.SiteServiceClient(Raw).PutSiteAsync(new PutSiteRequest { SiteId = siteId, Name = "Depot", TimeZone = "UTC" }, operatorAuth);
        var first = await chargers.RegisterChargerAsync(new RegisterChargerRequest { ChargerId = chargerId, ConnectorCount = 2, SiteId = siteId }, operatorAuth);
        await station.HeartbeatAsync(new HeartbeatRequest { ChargerId = chargerId }, Auth(TestSecurity.Basic(chargerId, first.Secret)));
        var chosen = "chosen-secret-0123456789";
        // A rotation names no site: the charger stays where it is.
        var second = await chargers.RegisterChargerAsync(new RegisterChargerRequest { ChargerId = chargerId, ConnectorCount = 2, Secret = chosen }, operatorAuth);

        var oldSecret = await Assert.ThrowsAsync<RpcException>(() => station.HeartbeatAsync(new HeartbeatRequest { ChargerId = chargerId }, Auth(TestSecurity.Basic(chargerId, first.Secret))).ResponseAsync);
        var newSecret = await station.HeartbeatAsync(new HeartbeatRequest { ChargerId = chargerId }, Auth(TestSecurity.Basic(chargerId, chosen)));
        var thirdConnector = await Assert.ThrowsAsync<RpcException>(() => station.StartSessionAsync(new StartSessionRequest
        {
            ChargerId = chargerId, ConnectorId = 3, IdTag = "T", MeterStartWh = 0, Timestamp = At(0),
        }, Auth(TestSecurity.Basic(chargerId, chosen))).ResponseAsync);
        var weak = await Assert.ThrowsAsync<RpcException>(() => chargers.RegisterChargerAsync(new RegisterChargerRequest { ChargerId = chargerId, ConnectorCount = 2, Secret = "short" }, operatorAuth).ResponseAsync);
        var view = await chargers.GetChargerAsync(new GetChargerRequest { ChargerId = chargerId }, operatorAuth);

        Assert.True(first.Secret.Length >= 32);
        Assert.Equal(chosen, second.Secret);
        Assert.Equal(StatusCode.Unauthenticated, oldSecret.StatusCode);
        Assert.NotNull(newSecret.CurrentTime);
        Assert.Equal(StatusCode.InvalidArgument, thirdConnector.StatusCode);
        Assert.Contains("2 connector", thirdConnector.Status.Detail);
        Assert.Equal(StatusCode.InvalidArgument, weak.StatusCode);
        Assert.True(view.Registered);
        Assert.Equal(2, view.ConnectorCount);
        Assert.Equal(siteId, view.SiteId);
    }

    [Fact]
    public async Task An_ocpp_charge_point_is_refused_before_the_upgrade_without_its_own_credential()
    {
        var chargePoint = TestIds.New("CP");
        var other = TestIds.New("CP");
        var otherAuth = await ChargerAuth(other);
        var ownAuth = await ChargerAuth(chargePoint);

        async Task<HttpStatusCode> Upgrade(string? authorization)
        {
            using var socket = new ClientWebSocket();
            socket.Options.AddSubProtocol("ocpp1.6");
            socket.Options.CollectHttpResponseDetails = true;
            if (authorization is not null)
            {
                socket.Options.SetRequestHeader("Authorization", authorization);
            }

            try
            {
                await socket.ConnectAsync(host.OcppUri(chargePoint), CancellationToken.None);
                return HttpStatusCode.SwitchingProtocols;
            }
            catch (WebSocketException)
            {
                return socket.HttpStatusCode;
            }
        }

        Assert.Equal(HttpStatusCode.Unauthorized, await Upgrade(null));
        Assert.Equal(HttpStatusCode.Unauthorized, await Upgrade(TestSecurity.Basic(chargePoint, "wrong-secret-wrong-secret")));
        Assert.Equal(HttpStatusCode.Forbidden, await Upgrade(TestSecurity.Bearer(OperatorToken)));
        Assert.Equal(HttpStatusCode.Forbidden, await Upgrade(otherAuth));
        Assert.Equal(HttpStatusCode.SwitchingProtocols, await Upgrade(ownAuth));
    }

    [Fact]
    public async Task Rest_calls_need_a_token_and_the_right_role()
    {
        using var anonymous = await host.RawHttp.GetAsync("/v1/tariffs");
        using var asDriver = new HttpRequestMessage(HttpMethod.Put, "/v1/tariffs/T-DRIVER")
        {
            Content = new StringContent("""{"id":"T-DRIVER","currency":"EUR","elements":[{"price_components":[{"type":"ENERGY","price":0.01,"step_size":1}]}]}""", System.Text.Encoding.UTF8, "application/json"),
            Headers = { Authorization = new AuthenticationHeaderValue("Bearer", DriverToken("TAG-D")) },
        };
        using var driverPut = await host.RawHttp.SendAsync(asDriver);
        using var stillMissing = new HttpRequestMessage(HttpMethod.Get, "/v1/tariffs/T-DRIVER") { Headers = { Authorization = new AuthenticationHeaderValue("Bearer", OperatorToken) } };
        using var afterwards = await host.RawHttp.SendAsync(stillMissing);

        Assert.Equal(HttpStatusCode.Unauthorized, anonymous.StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, driverPut.StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, afterwards.StatusCode);
    }
}
