using Charge.Api.V1;
using Charge.Grains.Interfaces;
using Google.Protobuf.WellKnownTypes;
using ApiConnectorStatus = Charge.Api.V1.ConnectorStatus;
using ApiEnergySlot = Charge.Api.V1.EnergySlot;
using ApiMeterAnomaly = Charge.Api.V1.MeterAnomaly;
using DomainConnectorStatus = Charge.Grains.Interfaces.ConnectorStatus;

namespace Charge.Gateway.Services;

/// <summary>Between the grains' records and the public API messages.</summary>
public static class Mapping
{
    public static Session ToApi(this SessionView v, DateTime now, bool withDetail = true)
    {
        var end = v.StoppedAt ?? now;
        var session = new Session
        {
            SessionId = v.SessionId,
            ChargerId = v.ChargerId,
            ConnectorId = v.ConnectorId,
            IdTag = v.IdTag,
            State = v.Status switch
            {
                SessionStatus.Active => SessionState.Active,
                SessionStatus.Stopping => SessionState.Stopping,
                SessionStatus.Completed => SessionState.Completed,
                _ => SessionState.Unspecified,
            },
            StartedAt = Ts(v.StartedAt),
            StoppedAt = v.StoppedAt is { } stopped ? Ts(stopped) : null,
            MeterStartWh = (double)v.MeterStartWh,
            LastRegisterWh = (double)v.LastRegisterWh,
            EnergyWh = (double)v.EnergyWh,
            DurationSeconds = Math.Max(0, (long)(end - v.StartedAt).TotalSeconds),
            LastReadingAt = v.LastReadingAt is { } last ? Ts(last) : null,
            StopReason = v.StopReason,
            AnomalyCount = v.AnomalyCount,
            ReadingCount = v.ReadingCount,
            Version = v.Version,
            SiteId = v.SiteId ?? "",
            TimeZone = v.TimeZone,
            InvoiceNumber = v.InvoiceNumber ?? "",
            CreditNoteNumber = v.CreditNoteNumber ?? "",
            Review = v.Review ?? "",
            Billed = v.Billed,
            LocalStart = Local(v.StartedAt, v.TimeZone),
            LocalStop = v.StoppedAt is { } stopAt ? Local(stopAt, v.TimeZone) : "",
            ClosedBy = v.ClosedBy ?? "",
            ClosedAt = v.ClosedAt is { } closedAt ? Ts(closedAt) : null,
            MaxPowerW = v.MaxPowerW,
            CustomerId = v.CustomerId ?? "",
        };
        if (v.AllowanceW is { } allowance)
        {
            session.AllowanceW = allowance;
        }
        if (v.MeterStopWh is { } meterStop)
        {
            session.MeterStopWh = (double)meterStop;
        }

        if (v.LastPowerW is { } power)
        {
            session.LastPowerW = power;
        }

        if (v.LastCurrentA is { } current)
        {
            session.LastCurrentA = current;
        }

        if (v.LastSocPercent is { } soc)
        {
            session.SocPercent = soc;
        }

        if (v.Cost is { } cost)
        {
            session.Cost = (withDetail ? cost : cost with { Periods = [] }).ToApi(v.Tariff);
        }

        if (withDetail)
        {
            foreach (var slot in v.Slots)
            {
                var s = new ApiEnergySlot { Start = Ts(slot.Start), EnergyWh = (double)slot.EnergyWh };
                if (slot.MaxPowerW is { } max)
                {
                    s.MaxPowerW = max;
                }

                session.Slots.Add(s);
            }

            session.Anomalies.AddRange(v.Anomalies.Select(ToApi));
        }

        return session;
    }

    private static string Local(DateTime utc, string zoneId) =>
        LocalTime.Iso(utc, TimeZoneInfo.TryFindSystemTimeZoneById(zoneId, out var zone) ? zone : TimeZoneInfo.Utc);

    public static Charger ToApi(this ChargerView v)
    {
        var charger = new Charger
        {
            ChargerId = v.ChargerId,
            LastHeartbeat = v.LastHeartbeat is { } hb ? Ts(hb) : null,
            SiteId = v.SiteId ?? "",
            AnomalyCount = v.AnomalyCount,
            Registered = v.Registered,
            ConnectorCount = v.ConnectorCount,
            ConnectorStandard = v.Kind?.Standard ?? "",
            ConnectorFormat = v.Kind?.Format ?? "",
            ConnectorPowerType = v.Kind?.PowerType ?? "",
        };
        if (!v.Anomalies.IsDefault)
        {
            charger.Anomalies.AddRange(v.Anomalies.Select(ToApi));
        }

        if (!v.RefusedStarts.IsDefault)
        {
            charger.RefusedStarts.AddRange(v.RefusedStarts.Select(r => new Api.V1.RefusedStart
            {
                At = Ts(r.At),
                ConnectorId = r.ConnectorId,
                IdTag = r.IdTag,
                Status = r.Status.ToString(),
                Reason = r.Reason,
                TransactionId = r.TransactionId ?? 0,
            }));
        }

        charger.RefusedStartCount = v.RefusedStartCount;
        if (!v.SecurityEvents.IsDefault)
        {
            charger.SecurityEvents.AddRange(v.SecurityEvents.Select(e => new Api.V1.SecurityEvent
            {
                Type = e.Type, Timestamp = Ts(e.Timestamp), TechInfo = e.TechInfo ?? "", ReceivedAt = Ts(e.ReceivedAt),
            }));
        }

        charger.SecurityEventCount = v.SecurityEventCount;
        if (!v.PendingStops.IsDefault)
        {
            charger.PendingStops.AddRange(v.PendingStops.Select(p => new Api.V1.PendingStop
            {
                SessionId = p.SessionId, RequestedAt = Ts(p.RequestedAt), RequestedBy = p.RequestedBy, Channel = p.Channel, Status = p.Status,
            }));
        }
        charger.Online = v.Online;
        charger.LastSeen = v.LastSeenAt is { } seen ? Ts(seen) : null;
        charger.Status = v.FleetStatus.ToString().ToUpperInvariant();
        charger.Vendor = v.Boot?.Vendor ?? "";
        charger.Model = v.Boot?.Model ?? "";
        charger.FirmwareVersion = v.Boot?.FirmwareVersion ?? "";
        charger.SerialNumber = v.Boot?.SerialNumber ?? "";
        charger.LastBoot = v.Boot is { } boot ? Ts(boot.BootedAt) : null;
        charger.DecommissionedAt = v.DecommissionedAt is { } gone ? Ts(gone) : null;
        charger.LocalListVersion = v.LocalListVersion;
        charger.LocalListUnsupported = v.LocalListUnsupported;
        charger.OcppConnected = v.OcppConnected;
        charger.CommandStreamOpen = v.CommandStreamOpen;
        if (v.MaxPowerW is { } powers)
        {
            charger.ConnectorMaxPowerW.AddRange(powers.OrderBy(p => p.Key).Select(p => new ConnectorPower { ConnectorId = p.Key, MaxPowerW = p.Value }));
        }

        foreach (var c in v.Connectors)
        {
            var connector = new Connector
            {
                ConnectorId = c.ConnectorId,
                Status = (ApiConnectorStatus)(int)c.Status,
                ActiveSessionId = c.ActiveSessionId ?? "",
                ErrorCode = c.ErrorCode,
                StatusAt = c.StatusAt is { } at ? Ts(at) : null,
            };
            if (c.PowerW is { } w)
            {
                connector.PowerW = w;
            }

            if (c.IdleMeter is { } idle)
            {
                connector.IdleMeterWh = (double)idle.EnergyWh;
                connector.IdleMeterAt = Ts(idle.Timestamp);
            }

            charger.Connectors.Add(connector);
        }

        return charger;
    }

    private static ApiMeterAnomaly ToApi(Charge.Grains.Interfaces.MeterAnomaly a) => new()
    {
        Kind = a.Kind.ToString(),
        ReadingTimestamp = Ts(a.ReadingTimestamp),
        EnergyWh = (double)a.EnergyWh,
        Detail = a.Detail,
    };

    public static DomainConnectorStatus ToDomain(this ApiConnectorStatus status) =>
        status is > ApiConnectorStatus.Unspecified and <= ApiConnectorStatus.Faulted
            ? (DomainConnectorStatus)(int)status
            : throw RequestValidation.Invalid("status must be one of the CONNECTOR_STATUS_ values other than UNSPECIFIED");

    public static Timestamp Ts(DateTime t) => Timestamp.FromDateTime(DateTime.SpecifyKind(t, DateTimeKind.Utc));
}
