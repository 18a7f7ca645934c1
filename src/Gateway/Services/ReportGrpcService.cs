using System.Globalization;
using Charge.Api.V1;
using Charge.Gateway.Security;
using Charge.Grains.Interfaces;
using Grpc.Core;
using Microsoft.AspNetCore.Authorization;
using static Charge.Gateway.Services.RequestValidation;
using DomainTrendPoint = Charge.Grains.Interfaces.TrendPoint;
using DomainUsageReport = Charge.Grains.Interfaces.UsageReport;

namespace Charge.Gateway.Services;

/// <summary>Usage reports (a fan-in of usage-day grains) and live load (a fan-out to sites), for operators.</summary>
public sealed class ReportGrpcService(IGrainFactory grains, TimeProvider time) : ReportService.ReportServiceBase
{
    private static readonly string[] Weekdays = CultureInfo.InvariantCulture.DateTimeFormat.DayNames;

    private IReportGrain Reports => grains.GetGrain<IReportGrain>("reports");

    [Authorize(Policy = ChargeRoles.Policies.Operator)]
    public override async Task<Api.V1.UsageReport> GetUsageReport(UsageReportRequest request, ServerCallContext context)
    {
        var scope = Scope(request);
        var (from, to) = DateRange(request.From, request.To);
        return ToApi(await Reports.Usage(scope, from, to));
    }

    [Authorize(Policy = ChargeRoles.Policies.Operator)]
    public override async Task<Google.Api.HttpBody> ExportRevenue(UsageReportRequest request, ServerCallContext context)
    {
        var scope = Scope(request);
        var (from, to) = DateRange(request.From, request.To);
        var csv = new System.Text.StringBuilder(
            "date,scope,id,currency,sessions,energy_kwh,revenue_excl_vat,revenue_incl_vat,credited_excl_vat,credited_incl_vat,credited_sessions\r\n");
        foreach (var row in await Reports.Revenue(scope, from, to))
        {
            var r = row.Revenue;
            // Every field through the CDR CSV's quoting: an ID like -A1*2R1 must not run as a spreadsheet formula.
            string[] fields =
            [
                Text(row.Date), row.Scope.Kind, row.Scope.Id ?? "", r.Currency, r.Sessions.ToString(CultureInfo.InvariantCulture),
                CostMapping.Text(r.EnergyWh / 1000m), CostMapping.Text(r.Amount.ExclVat), CostMapping.Text(r.Amount.InclVat),
                CostMapping.Text(r.Credited.ExclVat), CostMapping.Text(r.Credited.InclVat), r.CreditedSessions.ToString(CultureInfo.InvariantCulture),
            ];
            csv.Append(string.Join(',', fields.Select(Billing.CdrExport.Quote))).Append("\r\n");
        }

        return new Google.Api.HttpBody { ContentType = "text/csv; charset=utf-8", Data = Google.Protobuf.ByteString.CopyFromUtf8(csv.ToString()) };
    }

    [Authorize(Policy = ChargeRoles.Policies.Operator)]
    public override async Task<Api.V1.CapacityPlan> GetCapacityPlan(CapacityPlanRequest request, ServerCallContext context)
    {
        var siteId = Id(request.SiteId, "site_id");
        // Neither bound: the plan's default range, in the site's zone.
        var (from, to) = request.From.Length == 0 && request.To.Length == 0 ? ((DateOnly?)null, (DateOnly?)null) : DateRange(request.From, request.To);
        var p = await Reports.CapacityPlan(siteId, from, to);
        var plan = new Api.V1.CapacityPlan
        {
            SiteId = p.SiteId, From = Text(p.From), To = Text(p.To), Connectors = p.Connectors,
            HoursAtLimit = p.HoursAtLimit, ShareAtLimit = p.ShareAtLimit, EnergyDeferredKwh = p.EnergyDeferredKwh,
            ShareDeferred = p.ShareDeferred, PeakAllowedKw = p.PeakAllowedKw, StartsRefused = p.StartsRefused,
            PeakHourUtilisation = p.PeakHourUtilisation, PeakWeekday = p.PeakWeekday, PeakHour = p.PeakHour,
            SaturatedHoursPerWeek = p.SaturatedHoursPerWeek, EnergyKwh = D(p.EnergyKwh), Utilisation = D(p.Utilisation),
            ForecastNote = p.ForecastNote ?? "",
        };
        if (p.GridLimitKw is { } limit)
        {
            plan.GridLimitKw = limit;
        }

        plan.Advice.AddRange(p.Advice.Select(a => new Api.V1.CapacityAdvice { Kind = a.Kind, Reason = a.Reason }));
        plan.History.AddRange(p.History.Select(Point));
        if (p.Forecast is { } f)
        {
            plan.Forecast = new Api.V1.DemandForecast { TrendKwhPerWeek = f.TrendKwhPerWeek, Method = f.Method };
            plan.Forecast.Days.AddRange(f.Days.Select(d => new Api.V1.ForecastPoint { Date = Text(d.Date), EnergyKwh = d.EnergyKwh }));
            if (f.MeanAbsoluteErrorKwh is { } mae)
            {
                plan.Forecast.MeanAbsoluteErrorKwh = mae;
            }

            if (f.MeanAbsolutePercentError is { } mape)
            {
                plan.Forecast.MeanAbsolutePercentError = mape;
            }
        }

        return plan;
    }

    private static UsageScope Scope(UsageReportRequest request) => request.Scope switch
    {
        "" or UsageScope.Network => request.Id.Length == 0 ? UsageScope.OfNetwork : throw Invalid("the network scope takes no id"),
        UsageScope.Site or UsageScope.Charger => new UsageScope(request.Scope, Id(request.Id, "id")),
        _ => throw Invalid("scope must be network, site or charger"),
    };

    [Authorize(Policy = ChargeRoles.Policies.Operator)]
    public override async Task<LiveLoad> GetLiveLoad(LiveLoadRequest request, ServerCallContext context) =>
        await Live(request);

    [Authorize(Policy = ChargeRoles.Policies.Operator)]
    public override async Task WatchLiveLoad(LiveLoadRequest request, IServerStreamWriter<LiveLoad> responseStream, ServerCallContext context)
    {
        var interval = request.IntervalSeconds switch
        {
            0 => TimeSpan.FromSeconds(2),
            < 1 or > 60 => throw Invalid("interval_seconds must be between 1 and 60"),
            var s => TimeSpan.FromSeconds(s),
        };
        using var timer = new PeriodicTimer(interval, time);
        try
        {
            do
            {
                await responseStream.WriteAsync(await Live(request), context.CancellationToken);
            }
            while (await timer.WaitForNextTickAsync(context.CancellationToken));
        }
        catch (OperationCanceledException) when (context.CancellationToken.IsCancellationRequested)
        {
            // The caller left.
        }
    }

    private async Task<LiveLoad> Live(LiveLoadRequest request)
    {
        var sites = await Reports.Live(OptionalId(request.SiteId, "site_id"));
        var load = new LiveLoad { At = Mapping.Ts(time.GetUtcNow().UtcDateTime) };
        foreach (var site in sites)
        {
            // Chargers on no site are one entry with no site ID.
            var api = new SiteLoad { SiteId = site.SiteId == ISiteGrain.Unsited ? "" : site.SiteId, ActiveSessions = site.ActiveSessions, PowerKw = site.PowerW / 1000, AllowedKw = site.AllowedW / 1000 };
            if (site.LimitW is { } limit)
            {
                api.LimitKw = limit / 1000;
            }

            api.Chargers.AddRange(site.Chargers.Select(c => new ChargerLoad { ChargerId = c.ChargerId, ActiveSessions = c.ActiveSessions, PowerKw = c.PowerW / 1000 }));
            load.Sites.Add(api);
        }

        load.ActiveSessions = sites.Sum(s => s.ActiveSessions);
        load.PowerKw = sites.Sum(s => s.PowerW) / 1000;
        return load;
    }

    /// <summary>Local dates [from, to], yyyy-MM-dd, at most 366 days: what reports and exports cover.</summary>
    public static (DateOnly From, DateOnly To) DateRange(string fromText, string toText)
    {
        static DateOnly Date(string value, string field) =>
            !DateOnly.TryParseExact(value, "yyyy-MM-dd", CultureInfo.InvariantCulture, DateTimeStyles.None, out var date)
                ? throw Invalid($"{field} must be a date, yyyy-MM-dd")
                : date.Year < Limits.Earliest.Year || date.Year >= Limits.Latest.Year
                    ? throw Invalid($"{field} {value} is outside the supported years {Limits.Earliest.Year} to {Limits.Latest.Year - 1}")
                    : date;
        var (from, to) = (Date(fromText, "from"), Date(toText, "to"));
        return to < from || to.DayNumber - from.DayNumber >= 366
            ? throw Invalid("from must not be after to, and the range is at most 366 days")
            : (from, to);
    }

    /// <summary>A currency's revenue; per kWh to four decimals (a price's precision).</summary>
    private static Api.V1.Revenue Revenue(CurrencyRevenue r) => new()
    {
        Currency = r.Currency,
        Amount = CostMapping.Exact(r.Amount),
        Sessions = r.Sessions,
        EnergyKwh = D(r.EnergyWh / 1000m),
        PerKwh = CostMapping.Exact(new Charge.Grains.Interfaces.Tariffs.Money(
            Math.Round(r.PerKwh.ExclVat, 4, MidpointRounding.AwayFromZero), Math.Round(r.PerKwh.InclVat, 4, MidpointRounding.AwayFromZero))),
        Credited = CostMapping.Exact(r.Credited),
        CreditedSessions = r.CreditedSessions,
    };

    private static Api.V1.UsageReport ToApi(DomainUsageReport r)
    {
        var report = new Api.V1.UsageReport
        {
            Scope = r.Scope.Kind,
            Id = r.Scope.Id ?? "",
            From = Text(r.From),
            To = Text(r.To),
            Sessions = r.Sessions,
            EnergyKwh = D(r.EnergyKwh),
            AverageEnergyPerSessionKwh = D(r.AverageEnergyPerSessionKwh),
            AverageDurationMinutes = D(r.AverageDurationMinutes),
            Connectors = r.Connectors,
            Utilisation = D(r.Utilisation),
            PreviousEnergyKwh = D(r.PreviousEnergyKwh),
            PreviousSessions = r.PreviousSessions,
            PeakEnergy = new PeakTime { Weekday = Weekdays[r.PeakEnergyWeekday], Hour = r.PeakEnergyHour },
            PeakConcurrency = new PeakTime { Weekday = Weekdays[r.PeakConcurrencyWeekday], Hour = r.PeakConcurrencyHour },
        };
        if (r.EnergyChangePercent is { } change)
        {
            report.EnergyChangePercent = D(change);
        }

        if (r.AvailablePercent is { } available)
        {
            report.AvailablePercent = available;
        }

        if (r.SiteLoad is { } siteLoad)
        {
            report.PeakAllowedKw = siteLoad.PeakAllowedW / 1000;
            report.HoursAtLimit = siteLoad.SecondsAtLimit / 3600;
            report.EnergyDeferredKwh = siteLoad.DeferredWh / 1000;
        }

        report.Revenue.AddRange(r.Revenue.Select(Revenue));
        report.PreviousRevenue.AddRange(r.PreviousRevenue.Select(Revenue));
        report.DailyRevenue.AddRange(r.DailyRevenue.Select(p => new Api.V1.RevenuePoint { Start = Text(p.Start), Currency = p.Currency, Amount = CostMapping.Exact(p.Amount) }));

        for (var w = 0; w < 7; w++)
        {
            report.EnergyKwhByWeekdayHour.Add(Row(w, r.EnergyKwhByWeekdayHour[w]));
            report.ConcurrentByWeekdayHour.Add(Row(w, r.ConcurrentByWeekdayHour[w]));
        }

        report.Daily.AddRange(r.Daily.Select(Point));
        report.Weekly.AddRange(r.Weekly.Select(Point));
        report.Monthly.AddRange(r.Monthly.Select(Point));
        var bounds = UsageDay.EnergyBucketsKwh;
        for (var b = 0; b < r.EnergyHistogram.Length; b++)
        {
            var label = b == 0 ? $"<{bounds[0]} kWh" : b == bounds.Length ? $"≥{bounds[^1]} kWh" : $"{bounds[b - 1]}–{bounds[b]} kWh";
            report.EnergyPerSession.Add(new HistogramBucket { Label = label, Sessions = r.EnergyHistogram[b] });
        }

        return report;
    }

    private static HourRow Row(int weekday, System.Collections.Immutable.ImmutableArray<decimal> values)
    {
        var row = new HourRow { Weekday = Weekdays[weekday] };
        row.Values.AddRange(values.Select(D));
        return row;
    }

    private static Api.V1.TrendPoint Point(DomainTrendPoint p) => new() { Start = Text(p.Start), EnergyKwh = D(p.EnergyKwh), Sessions = p.Sessions };

    /// <summary>Report figures are not money: JSON numbers carry them as doubles (about 15 significant digits).</summary>
    private static double D(decimal value) => (double)value;

    private static string Text(DateOnly d) => d.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture);
}
