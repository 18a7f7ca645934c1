using System.Collections.Concurrent;
using System.Globalization;
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
/// The electrical model of a charge point with one connector and a car behind it, over the tests' one OCPP client,
/// speaking OCPP 1.6 or 2.0.1: it applies charging profiles (TxDefaultProfile, TxProfile per transaction, in W or
/// A) the moment they arrive, answers GetCompositeSchedule with what it applies, and its car draws the least of its
/// own maximum, the charger's and the limit in force.
/// </summary>
public sealed class SimulatedChargePoint : IAsyncDisposable
{
    private readonly OcppClient _client;
    private readonly SimulatedSite _site;
    private readonly Dictionary<string, double> _txLimits = [];
    private readonly bool _v201;
    private int _seqNo;
    private bool _charging;
    private double? _defaultLimitW;
    private DateTime _meterAt;
    private double _energyWh;

    private SimulatedChargePoint(OcppClient client, SimulatedSite site, double chargerMaxW, double carMaxW, bool v201)
    {
        _client = client;
        _v201 = v201;
        _site = site;
        ChargerMaxW = chargerMaxW;
        CarMaxW = carMaxW;
        site.Join(this);
        client.OnCall = Answer;
    }

    public double ChargerMaxW { get; }

    /// <summary>What the car would take (a car with a smaller on-board charger draws less than its share).</summary>
    public double CarMaxW { get; }

    /// <summary>The running transaction's ID (1.6: the integer we were given; 2.0.1: our own).</summary>
    public string? TransactionId { get; private set; }

    /// <summary>
    /// Whether a remote stop (1.6 RemoteStopTransaction, 2.0.1 RequestStopTransaction) is accepted and the transaction
    /// then stopped by the charger, as a real one does; off, the CALL is left to the client's default answer.
    /// </summary>
    public bool StopsWhenAsked { get; set; }

    /// <summary>The central system's CALLs, in order of arrival.</summary>
    public ConcurrentQueue<(string Action, JsonObject Payload)> Received { get; } = new();

    /// <summary>What the car draws now (read under the site's lock).</summary>
    public double DrawW => _charging ? Math.Min(Math.Min(CarMaxW, ChargerMaxW), LimitW ?? double.PositiveInfinity) : 0;

    /// <summary>The limit in force on the connector: the transaction's TxProfile, else the default profile.</summary>
    public double? LimitW => TransactionId is { } tx && _txLimits.TryGetValue(tx, out var limit) ? limit : _defaultLimitW;

    public string Protocol => _v201 ? "ocpp2.0.1" : "ocpp1.6";

    /// <summary>The OCPP client underneath (a test may put it in strict mode).</summary>
    public OcppClient Client => _client;

    public static async Task<SimulatedChargePoint> ConnectAsync(Uri uri, string authorization, SimulatedSite site, double chargerMaxW, double carMaxW, bool v201 = false) =>
        new(await OcppClient.ConnectAsync(uri, authorization, v201 ? "ocpp2.0.1" : "ocpp1.6"), site, chargerMaxW, carMaxW, v201);

    /// <summary>Sends a CALL and waits for its CALLRESULT payload (a CALLERROR fails the test).</summary>
    public Task<JsonObject> Call(string action, JsonObject payload) => _client.CallResult(action, payload);

    public Task<JsonObject> Boot() => _v201
        ? Call("BootNotification", new JsonObject { ["reason"] = "PowerUp", ["chargingStation"] = new JsonObject { ["vendorName"] = "Sim", ["model"] = "AC22" } })
        : Call("BootNotification", new JsonObject { ["chargePointVendor"] = "Sim", ["chargePointModel"] = "AC22" });

    /// <summary>A 2.0.1 TransactionEvent of the running transaction, with the register (and power) now.</summary>
    private Task<JsonObject> Event(string type, string tx, DateTime at, string trigger, string? context, double? powerW, string? idTag = null)
    {
        var register = new JsonObject { ["value"] = Math.Floor(_energyWh), ["measurand"] = "Energy.Active.Import.Register" };
        if (context is not null)
        {
            register["context"] = context;
        }

        var samples = new JsonArray(register);
        if (powerW is { } w)
        {
            samples.Add(new JsonObject { ["value"] = Math.Round(w), ["measurand"] = "Power.Active.Import", ["unitOfMeasure"] = new JsonObject { ["unit"] = "W" } });
        }

        var e = new JsonObject
        {
            ["eventType"] = type, ["timestamp"] = at.ToString("O"), ["triggerReason"] = trigger, ["seqNo"] = _seqNo++,
            ["transactionInfo"] = new JsonObject { ["transactionId"] = tx }, ["evse"] = new JsonObject { ["id"] = 1, ["connectorId"] = 1 },
            ["meterValue"] = new JsonArray(new JsonObject { ["timestamp"] = at.ToString("O"), ["sampledValue"] = samples }),
        };
        if (idTag is not null)
        {
            e["idToken"] = new JsonObject { ["idToken"] = idTag, ["type"] = "ISO14443" };
        }

        return Call("TransactionEvent", e);
    }

    /// <summary>The car is plugged in and the transaction starts: it draws under the default profile until its own arrives.</summary>
    public async Task<int> StartTransaction(string idTag)
    {
        var now = DateTime.UtcNow;
        _site.Change(() =>
        {
            _charging = true;
            _meterAt = now;
        });
        if (_v201)
        {
            var id = Guid.NewGuid().ToString("N");
            _seqNo = 0;
            // The transaction is ours before the answer: its profile may arrive while the event is answered.
            _site.Change(() => TransactionId = id);
            var started = await Event("Started", id, now, "Authorized", "Transaction.Begin", null, idTag);
            Assert.Equal("Accepted", started["idTokenInfo"]!["status"]!.GetValue<string>());
            return 0;
        }

        var answer = await Call("StartTransaction", new JsonObject
        {
            ["connectorId"] = 1, ["idTag"] = idTag, ["meterStart"] = (long)_energyWh, ["timestamp"] = now.ToString("O"),
        });
        Assert.Equal("Accepted", answer["idTagInfo"]!["status"]!.GetValue<string>());
        var tx = answer["transactionId"]!.GetValue<int>();
        _site.Change(() => TransactionId = tx.ToString(CultureInfo.InvariantCulture));
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
        if (_v201)
        {
            await Event("Updated", tx, now, "MeterValuePeriodic", null, power);
            return;
        }

        await Call("MeterValues", new JsonObject
        {
            ["connectorId"] = 1, ["transactionId"] = int.Parse(tx, CultureInfo.InvariantCulture),
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
        if (_v201)
        {
            var ended = Event("Ended", tx, now, "EVCommunicationLost", "Transaction.End", null);
            await ended;
        }
        else
        {
            await Call("StopTransaction", new JsonObject
            {
                ["transactionId"] = int.Parse(tx, CultureInfo.InvariantCulture), ["meterStop"] = (long)_energyWh, ["timestamp"] = now.ToString("O"), ["reason"] = "EVDisconnected",
            });
        }
        _site.Change(() => TransactionId = null);
    }

    /// <summary>Applies and answers one CALL of the central system.</summary>
    private JsonObject? Answer(string action, JsonObject payload)
    {
        Received.Enqueue((action, payload));
        JsonObject? response = null;
        switch (action)
        {
            case "RemoteStopTransaction" or "RequestStopTransaction" when StopsWhenAsked && TransactionId is not null:
                response = new JsonObject { ["status"] = "Accepted" };
                // The charger answers first, then ends the transaction with its own stop.
                _ = Task.Run(async () =>
                {
                    await Task.Delay(200);
                    await StopTransaction();
                });
                break;
            case "SetChargingProfile":
                var profile = payload[_v201 ? "chargingProfile" : "csChargingProfiles"]!;
                var schedule = _v201 ? profile["chargingSchedule"]![0]! : profile["chargingSchedule"]!;
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
                        _txLimits[_v201 ? profile["transactionId"]!.GetValue<string>() : profile["transactionId"]!.GetValue<int>().ToString(CultureInfo.InvariantCulture)] = watts;
                    }
                });
                response = new JsonObject { ["status"] = "Accepted" };
                break;
            case "ClearChargingProfile":
                var cleared = payload[_v201 ? "chargingProfileId" : "id"]?.GetValue<int>();
                _site.Change(() =>
                {
                    if (cleared == (_v201 ? 1 : 0))
                    {
                        _defaultLimitW = null;
                    }
                    else if (_v201 && cleared >= 1000 && TransactionId is { } current)
                    {
                        // 2.0.1 TxProfiles are per EVSE (ID 1000 + EVSE): the running transaction's goes.
                        _txLimits.Remove(current);
                    }
                    else if (cleared is { } tx)
                    {
                        _txLimits.Remove(tx.ToString(CultureInfo.InvariantCulture));
                    }
                });
                response = new JsonObject { ["status"] = "Accepted" };
                break;
            case "GetCompositeSchedule":
                double applied = 0;
                _site.Change(() => applied = LimitW ?? ChargerMaxW);
                response = _v201
                    ? new JsonObject
                    {
                        ["status"] = "Accepted",
                        ["schedule"] = new JsonObject
                        {
                            ["evseId"] = 1, ["duration"] = 60, ["scheduleStart"] = DateTime.UtcNow.ToString("O"), ["chargingRateUnit"] = "W",
                            ["chargingSchedulePeriod"] = new JsonArray(new JsonObject { ["startPeriod"] = 0, ["limit"] = applied }),
                        },
                    }
                    : new JsonObject
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

        return response;
    }

    public ValueTask DisposeAsync() => _client.DisposeAsync();
}
