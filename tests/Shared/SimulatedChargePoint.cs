using System.Collections.Concurrent;
using System.Globalization;
using System.Net.WebSockets;
using System.Text;
using System.Text.Json.Nodes;

namespace Charge.Tests;

/// <summary>
/// The electrical side of a simulated site: what every charge point's car draws, summed at each change (under one
/// lock, so no two changes interleave), and the highest total seen.
/// </summary>
public sealed class SimulatedSite
{
    private readonly List<SimulatedChargePoint> _points = [];

    public double PeakW { get; private set; }

    /// <summary>Each charge point's draw and limit at the highest total, for a failure message.</summary>
    public string PeakDetail { get; private set; } = "";

    public int Changes { get; private set; }

    public double TotalW
    {
        get
        {
            lock (this)
            {
                return _points.Sum(p => p.DrawW);
            }
        }
    }

    internal void Join(SimulatedChargePoint point)
    {
        lock (this)
        {
            _points.Add(point);
        }
    }

    /// <summary>Applies a change to one charge point's state and samples the site's total draw right after it.</summary>
    internal void Change(Action change)
    {
        lock (this)
        {
            change();
            Changes++;
            var total = _points.Sum(p => p.DrawW);
            if (total > PeakW)
            {
                PeakW = total;
                PeakDetail = string.Join("; ", _points.Select(p => $"tx {p.TransactionId} draws {p.DrawW} under {p.LimitW}"));
            }
        }
    }
}

/// <summary>
/// An OCPP 1.6J charge point with one connector and a car behind it, run concurrently: its own CALLs and the central
/// system's CALLs interleave on the socket as on a real charger. It applies charging profiles (TxDefaultProfile,
/// TxProfile per transaction, in W or A) the moment they arrive, answers GetCompositeSchedule with what it applies,
/// and its car draws the least of its own maximum, the charger's and the limit in force.
/// </summary>
public sealed class SimulatedChargePoint : IAsyncDisposable
{
    private readonly ClientWebSocket _socket;
    private readonly SimulatedSite _site;
    private readonly SemaphoreSlim _send = new(1, 1);
    private readonly ConcurrentDictionary<string, TaskCompletionSource<JsonArray>> _pending = new();
    private readonly Dictionary<int, double> _txLimits = [];
    private readonly CancellationTokenSource _stop = new();
    private readonly Task _receiving;
    private int _next;
    private bool _charging;
    private double? _defaultLimitW;
    private DateTime _meterAt;
    private double _energyWh;

    private SimulatedChargePoint(ClientWebSocket socket, SimulatedSite site, double chargerMaxW, double carMaxW)
    {
        _socket = socket;
        _site = site;
        ChargerMaxW = chargerMaxW;
        CarMaxW = carMaxW;
        site.Join(this);
        _receiving = Task.Run(Receive);
    }

    public double ChargerMaxW { get; }

    /// <summary>What the car would take (a car with a smaller on-board charger draws less than its share).</summary>
    public double CarMaxW { get; }

    public int? TransactionId { get; private set; }

    /// <summary>The central system's CALLs, in order of arrival.</summary>
    public ConcurrentQueue<(string Action, JsonObject Payload)> Received { get; } = new();

    /// <summary>What the car draws now (read under the site's lock).</summary>
    public double DrawW => _charging ? Math.Min(Math.Min(CarMaxW, ChargerMaxW), LimitW ?? double.PositiveInfinity) : 0;

    /// <summary>The limit in force on the connector: the transaction's TxProfile, else the default profile.</summary>
    public double? LimitW => TransactionId is { } tx && _txLimits.TryGetValue(tx, out var limit) ? limit : _defaultLimitW;

    public static async Task<SimulatedChargePoint> ConnectAsync(Uri uri, string authorization, SimulatedSite site, double chargerMaxW, double carMaxW)
    {
        var socket = new ClientWebSocket();
        socket.Options.AddSubProtocol("ocpp1.6");
        socket.Options.SetRequestHeader("Authorization", authorization);
        await socket.ConnectAsync(uri, CancellationToken.None);
        return new SimulatedChargePoint(socket, site, chargerMaxW, carMaxW);
    }

    /// <summary>Sends a CALL and waits for its CALLRESULT payload (a CALLERROR fails the test).</summary>
    public async Task<JsonObject> Call(string action, JsonObject payload)
    {
        var id = $"sim{Interlocked.Increment(ref _next)}";
        var answer = new TaskCompletionSource<JsonArray>(TaskCreationOptions.RunContinuationsAsynchronously);
        _pending[id] = answer;
        await Send(new JsonArray(2, id, action, payload));
        var frame = await answer.Task.WaitAsync(TimeSpan.FromSeconds(20));
        Assert.True(frame[0]!.GetValue<int>() == 3, $"{action} answered {frame.ToJsonString()}");
        return frame[2]!.AsObject();
    }

    public Task<JsonObject> Boot() =>
        Call("BootNotification", new JsonObject { ["chargePointVendor"] = "Sim", ["chargePointModel"] = "AC22" });

    /// <summary>The car is plugged in and the transaction starts: it draws under the default profile until its own arrives.</summary>
    public async Task<int> StartTransaction(string idTag)
    {
        var now = DateTime.UtcNow;
        _site.Change(() =>
        {
            _charging = true;
            _meterAt = now;
        });
        var answer = await Call("StartTransaction", new JsonObject
        {
            ["connectorId"] = 1, ["idTag"] = idTag, ["meterStart"] = (long)_energyWh, ["timestamp"] = now.ToString("O"),
        });
        Assert.Equal("Accepted", answer["idTagInfo"]!["status"]!.GetValue<string>());
        var tx = answer["transactionId"]!.GetValue<int>();
        _site.Change(() => TransactionId = tx);
        return tx;
    }

    /// <summary>Reports the register (integrated from what the car drew) and the power drawn now.</summary>
    public async Task MeterValues()
    {
        if (TransactionId is not { } tx)
        {
            return;
        }

        var now = DateTime.UtcNow;
        double power = 0;
        _site.Change(() =>
        {
            power = DrawW;
            _energyWh += power * (now - _meterAt).TotalHours;
            _meterAt = now;
        });
        await Call("MeterValues", new JsonObject
        {
            ["connectorId"] = 1, ["transactionId"] = tx,
            ["meterValue"] = new JsonArray(new JsonObject
            {
                ["timestamp"] = now.ToString("O"),
                ["sampledValue"] = new JsonArray(
                    new JsonObject { ["value"] = Math.Floor(_energyWh).ToString(CultureInfo.InvariantCulture), ["measurand"] = "Energy.Active.Import.Register", ["unit"] = "Wh" },
                    new JsonObject { ["value"] = Math.Round(power).ToString(CultureInfo.InvariantCulture), ["measurand"] = "Power.Active.Import", ["unit"] = "W" }),
            }),
        });
    }

    /// <summary>The car leaves: it stops drawing, then the transaction is stopped.</summary>
    public async Task StopTransaction()
    {
        var tx = TransactionId ?? throw new InvalidOperationException("no transaction");
        var now = DateTime.UtcNow;
        _site.Change(() =>
        {
            _energyWh += DrawW * (now - _meterAt).TotalHours;
            _charging = false;
        });
        await Call("StopTransaction", new JsonObject
        {
            ["transactionId"] = tx, ["meterStop"] = (long)_energyWh, ["timestamp"] = now.ToString("O"), ["reason"] = "EVDisconnected",
        });
        _site.Change(() => TransactionId = null);
    }

    private async Task Receive()
    {
        var buffer = new byte[64 * 1024];
        try
        {
            while (!_stop.IsCancellationRequested)
            {
                var count = 0;
                WebSocketReceiveResult result;
                do
                {
                    result = await _socket.ReceiveAsync(new ArraySegment<byte>(buffer, count, buffer.Length - count), _stop.Token);
                    count += result.Count;
                }
                while (!result.EndOfMessage);

                if (result.MessageType == WebSocketMessageType.Close)
                {
                    return;
                }

                var frame = JsonNode.Parse(Encoding.UTF8.GetString(buffer, 0, count))!.AsArray();
                if (frame[0]!.GetValue<int>() == 2)
                {
                    await Answer(frame[1]!.GetValue<string>(), frame[2]!.GetValue<string>(), frame[3]!.AsObject());
                }
                else if (_pending.TryRemove(frame[1]!.GetValue<string>(), out var waiting))
                {
                    waiting.TrySetResult(frame);
                }
            }
        }
        catch (Exception e) when (e is OperationCanceledException or WebSocketException)
        {
            // Closed.
        }
    }

    /// <summary>Applies and answers one CALL of the central system.</summary>
    private Task Answer(string id, string action, JsonObject payload)
    {
        Received.Enqueue((action, payload));
        JsonObject? response = null;
        switch (action)
        {
            case "SetChargingProfile":
                var profile = payload["csChargingProfiles"]!;
                var schedule = profile["chargingSchedule"]!;
                var limit = schedule["chargingSchedulePeriod"]![0]!["limit"]!.GetValue<double>();
                var watts = schedule["chargingRateUnit"]!.GetValue<string>() == "A" ? limit * 230 * 3 : limit;
                _site.Change(() =>
                {
                    if (profile["chargingProfilePurpose"]!.GetValue<string>() == "TxDefaultProfile")
                    {
                        _defaultLimitW = watts;
                    }
                    else
                    {
                        _txLimits[profile["transactionId"]!.GetValue<int>()] = watts;
                    }
                });
                response = new JsonObject { ["status"] = "Accepted" };
                break;
            case "ClearChargingProfile":
                var cleared = payload["id"]?.GetValue<int>();
                _site.Change(() =>
                {
                    if (cleared == 0)
                    {
                        _defaultLimitW = null;
                    }
                    else if (cleared is { } tx)
                    {
                        _txLimits.Remove(tx);
                    }
                });
                response = new JsonObject { ["status"] = "Accepted" };
                break;
            case "GetCompositeSchedule":
                double applied = 0;
                _site.Change(() => applied = LimitW ?? ChargerMaxW);
                response = new JsonObject
                {
                    ["status"] = "Accepted", ["connectorId"] = 1,
                    ["chargingSchedule"] = new JsonObject
                    {
                        ["chargingRateUnit"] = "W",
                        ["chargingSchedulePeriod"] = new JsonArray(new JsonObject { ["startPeriod"] = 0, ["limit"] = applied }),
                    },
                };
                break;
        }

        return Send(response is null
            ? new JsonArray(4, id, "NotImplemented", $"{action} is not simulated", new JsonObject())
            : new JsonArray(3, id, response));
    }

    private async Task Send(JsonArray frame)
    {
        await _send.WaitAsync();
        try
        {
            await _socket.SendAsync(Encoding.UTF8.GetBytes(frame.ToJsonString()), WebSocketMessageType.Text, true, CancellationToken.None);
        }
        finally
        {
            _send.Release();
        }
    }

    public async ValueTask DisposeAsync()
    {
        try
        {
            if (_socket.State == WebSocketState.Open)
            {
                using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(2));
                await _socket.CloseOutputAsync(WebSocketCloseStatus.NormalClosure, "", timeout.Token);
            }
        }
        catch (Exception e) when (e is WebSocketException or OperationCanceledException)
        {
            // Already gone.
        }

        _stop.Cancel();
        await _receiving;
        _socket.Dispose();
        _stop.Dispose();
        _send.Dispose();
    }
}
