using Charge.Tests;
using System.Collections.Immutable;
using Charge.Grains.Interfaces;
using Charge.Grains.Interfaces.Tariffs;

namespace Charge.Grains.Tests;

[Collection(ClusterCollection.Name)]
public sealed class TariffFlowTests(ClusterFixture fixture)
{
    private static readonly DateTime T0 = new DateTime(DateTime.UtcNow.Year, DateTime.UtcNow.Month, DateTime.UtcNow.Day, 0, 0, 0, DateTimeKind.Utc).AddDays(-1).AddHours(10);

    private IGrainFactory Grains => fixture.Grains;

    private static string EnergyTariff(string id, decimal pricePerKwh, decimal vat = 20m) =>
        TestTariffs.Json(id, TestTariffs.Energy(pricePerKwh, vat));

    private async Task<string> PutTariff(decimal pricePerKwh)
    {
        var id = TestIds.New("tariff");
        await Grains.GetGrain<ITariffGrain>(id).Put(EnergyTariff(id, pricePerKwh), null);
        return id;
    }

    private async Task<SessionView> RunSession(string chargerId, decimal kwh, Func<Task>? beforeStop = null)
    {
        var sessionId = SessionIds.Of(chargerId, TestIds.New("s"));
        var charger = Grains.GetGrain<IChargerGrain>(chargerId);
        await charger.StartSession(new StartSessionCommand(sessionId, chargerId, 1, "TAG", 0m, T0));
        await charger.ReportMeterValues(sessionId, [new MeterReading(T0.AddMinutes(30), kwh * 500m)]);
        if (beforeStop is not null)
        {
            await beforeStop();
        }

        await charger.StopSession(new StopSessionCommand(sessionId, kwh * 1000m, T0.AddMinutes(60), "Local"));
        return await Grains.GetGrain<ISessionGrain>(sessionId).WaitForCompletion(TimeSpan.FromSeconds(10));
    }

    [Fact]
    public async Task A_session_on_a_charger_with_a_tariff_shows_live_cost_and_a_fixed_final_price()
    {
        var tariffId = await PutTariff(0.30m);
        var chargerId = TestIds.New("cp");
        await Grains.GetGrain<ITariffAssignmentGrain>(ITariffAssignmentGrain.ChargerKey(chargerId))
            .Assign(new TariffAssignment(tariffId, T0.AddDays(-1)));
        SessionView? live = null;

        var final = await RunSession(chargerId, 10m, async () =>
        {
            var sessionId = (await Grains.GetGrain<IChargerGrain>(chargerId).GetView()).Connectors.Single().ActiveSessionId!;
            live = await Eventually.Get(() => Grains.GetGrain<ISessionGrain>(sessionId).GetView(), v => v.ReadingCount == 1);
        });

        // Live: 5 kWh x 0.30 = 1.50 (1.80 incl. 20 %). Final: 10 kWh = 3.00 / 3.60.
        Assert.Equal(new Money(1.5m, 1.8m), live!.Cost!.TotalRounded);
        Assert.Equal(new TariffRef(tariffId, 1), final.Tariff);
        Assert.Equal(new Money(3m, 3.6m), final.Cost!.TotalRounded);
        Assert.NotEmpty(final.Cost.Periods);
    }

    [Fact]
    public async Task A_late_reading_reprices_the_live_cost_from_the_corrected_curve()
    {
        // Below 10 kW: 0.20/kWh, else 0.50. 10 kWh in one hour is 10 kW: 5.00. A late reading at 30 min with
        // 2 kWh makes it 4 kW then 16 kW: 2 x 0.20 + 8 x 0.50 = 4.40.
        var tariffId = TestIds.New("power");
        await Grains.GetGrain<ITariffGrain>(tariffId).Put($$$"""
            {"id":"{{{tariffId}}}","currency":"EUR","elements":[
              {"price_components":[{"type":"ENERGY","price":0.20,"step_size":1}],"restrictions":{"max_power":10}},
              {"price_components":[{"type":"ENERGY","price":0.50,"step_size":1}]}]}
            """, null);
        var chargerId = TestIds.New("cp");
        var sessionId = SessionIds.Of(chargerId, TestIds.New("s"));
        await Grains.GetGrain<ITariffAssignmentGrain>(ITariffAssignmentGrain.ChargerKey(chargerId)).Assign(new TariffAssignment(tariffId, T0.AddDays(-1)));
        var charger = Grains.GetGrain<IChargerGrain>(chargerId);
        var session = Grains.GetGrain<ISessionGrain>(sessionId);
        await charger.StartSession(new StartSessionCommand(sessionId, chargerId, 1, "TAG", 0m, T0));

        await charger.ReportMeterValues(sessionId, [new MeterReading(T0.AddMinutes(60), 10_000m)]);
        var before = await Eventually.Get(() => session.GetView(), v => v.ReadingCount == 1);
        await charger.ReportMeterValues(sessionId, [new MeterReading(T0.AddMinutes(30), 2_000m)]);
        var after = await Eventually.Get(() => session.GetView(), v => v.ReadingCount == 2);

        Assert.Equal(5m, before.Cost!.TotalRounded.ExclVat);
        Assert.Equal(4.4m, after.Cost!.TotalRounded.ExclVat);
    }

    [Fact]
    public async Task A_tariff_change_during_a_session_does_not_reprice_it()
    {
        var tariffId = await PutTariff(0.30m);
        var chargerId = TestIds.New("cp");
        await Grains.GetGrain<ITariffAssignmentGrain>(ITariffAssignmentGrain.ChargerKey(chargerId))
            .Assign(new TariffAssignment(tariffId, T0.AddDays(-1)));

        var final = await RunSession(chargerId, 10m, () =>
            Grains.GetGrain<ITariffGrain>(tariffId).Put(EnergyTariff(tariffId, 0.90m), null));

        Assert.Equal(1, final.Tariff!.Version);
        Assert.Equal(3m, final.Cost!.TotalRounded.ExclVat);
        Assert.Equal(2, (await Grains.GetGrain<ITariffGrain>(tariffId).GetVersion(null)).Version);
    }

    [Fact]
    public async Task A_charger_without_its_own_tariff_is_priced_by_its_sites()
    {
        var tariffId = await PutTariff(0.50m);
        var (chargerId, siteId) = (TestIds.New("cp"), TestIds.New("site"));
        await Grains.GetGrain<ISiteGrain>(siteId).Put(new SiteInfo("Depot", "UTC"));
        await Grains.GetGrain<IChargerGrain>(chargerId).Register(new ChargerRegistration(null, 2, new string('a', 64)));
        await Grains.GetGrain<IChargerGrain>(chargerId).SetSite(siteId);
        await Grains.GetGrain<ITariffAssignmentGrain>(ITariffAssignmentGrain.SiteKey(siteId))
            .Assign(new TariffAssignment(tariffId, T0.AddDays(-1)));

        var final = await RunSession(chargerId, 2m);

        Assert.Equal(1m, final.Cost!.TotalRounded.ExclVat);
    }

    [Fact]
    public async Task An_assignment_effective_after_the_start_does_not_price_the_session()
    {
        var tariffId = await PutTariff(0.50m);
        var chargerId = TestIds.New("cp");
        await Grains.GetGrain<ITariffAssignmentGrain>(ITariffAssignmentGrain.ChargerKey(chargerId))
            .Assign(new TariffAssignment(tariffId, T0.AddMinutes(1)));

        var final = await RunSession(chargerId, 2m);

        Assert.Null(final.Tariff);
        Assert.Null(final.Cost);
    }

    [Fact]
    public async Task Putting_the_same_document_again_keeps_the_version()
    {
        var id = TestIds.New("tariff");
        var grain = Grains.GetGrain<ITariffGrain>(id);

        var first = await grain.Put(EnergyTariff(id, 0.2m), null);
        var again = await grain.Put(EnergyTariff(id, 0.2m), null);
        var changed = await grain.Put(EnergyTariff(id, 0.3m), null);

        Assert.Equal(1, first.Version);
        Assert.Equal(1, again.Version);
        Assert.Equal(2, changed.Version);
        Assert.Equal(EnergyTariff(id, 0.2m), (await grain.GetVersion(1)).OcpiJson);
        Assert.Contains(await Grains.GetGrain<ITariffCatalogGrain>(ITariffCatalogGrain.Key).List(), t => t.TariffId == id && t.Version == 2);
    }

    [Fact]
    public async Task A_tariff_whose_id_differs_from_its_key_is_invalid()
    {
        var error = await Assert.ThrowsAsync<ChargeException>(() => Grains.GetGrain<ITariffGrain>(TestIds.New("t")).Put(EnergyTariff("other", 0.2m), null));
        Assert.Equal(ChargeErrorKind.InvalidArgument, error.Kind);
    }

    [Fact]
    public async Task Assigning_a_tariff_that_does_not_exist_is_not_found()
    {
        var error = await Assert.ThrowsAsync<ChargeException>(() =>
            Grains.GetGrain<ITariffAssignmentGrain>(ITariffAssignmentGrain.ChargerKey(TestIds.New("cp"))).Assign(new TariffAssignment(TestIds.New("nope"), T0)));
        Assert.Equal(ChargeErrorKind.NotFound, error.Kind);
    }

    [Fact]
    public async Task A_tariff_grain_prices_an_estimate()
    {
        var tariffId = await PutTariff(0.40m);
        var cost = await Grains.GetGrain<ITariffGrain>(tariffId).Price(null, [new ChargingPeriod(T0, 25m, 1m, 0m, 25.0)], T0.AddHours(1));

        Assert.Equal(new Money(10m, 12m), cost.TotalRounded);
    }

    [Fact]
    public async Task A_time_of_day_tariff_survives_serialization_between_silos()
    {
        var id = TestIds.New("tod");
        var json = $$$"""
            {"id":"{{{id}}}","currency":"EUR","time_zone":"Europe/Amsterdam","elements":[
              {"price_components":[{"type":"TIME","price":1.00,"step_size":60}],"restrictions":{"start_time":"22:00","end_time":"06:00","day_of_week":["SATURDAY"],"start_date":"2026-01-01","min_current":6.5}},
              {"price_components":[{"type":"TIME","price":2.00,"step_size":60}]}]}
            """;
        await Grains.GetGrain<ITariffGrain>(id).Put(json, null);

        var stored = await Grains.GetGrain<ITariffGrain>(id).GetVersion(1);

        Assert.Equal([DayOfWeek.Saturday], stored.Tariff.Elements[0].Restrictions!.DayOfWeek.ToArray());
        Assert.Equal(new TimeOnly(22, 0), stored.Tariff.Elements[0].Restrictions!.StartTime);
        Assert.Equal(new DateOnly(2026, 1, 1), stored.Tariff.Elements[0].Restrictions!.StartDate);
        Assert.Equal(6.5m, stored.Tariff.Elements[0].Restrictions!.MinCurrent);
    }

    [Fact]
    public async Task Settling_a_completed_session_again_neither_bills_nor_counts_it_twice()
    {
        var tariffId = await PutTariff(0.30m);
        var chargerId = TestIds.New("cp");
        await Grains.GetGrain<ITariffAssignmentGrain>(ITariffAssignmentGrain.ChargerKey(chargerId))
            .Assign(new TariffAssignment(tariffId, T0.AddDays(-1)));
        var completed = await RunSession(chargerId, 10m);
        var billed = await Eventually.Get(() => Grains.GetGrain<ISessionGrain>(completed.SessionId).GetView(), v => v.Billed);
        // A charger's day has one shard.
        var day = Grains.GetGrain<IUsageDayGrain>(IUsageDayGrain.Key(new UsageScope(UsageScope.Charger, chargerId).Key, DateOnly.FromDateTime(T0), 0));

        var again = await Grains.GetGrain<ISettlementGrain>(completed.SessionId).Settle(billed);
        var running = await Assert.ThrowsAsync<ChargeException>(() =>
            Grains.GetGrain<ISettlementGrain>(completed.SessionId).Settle(billed with { Status = SessionStatus.Active }));

        Assert.NotNull(billed.InvoiceNumber);
        Assert.Equal(billed.InvoiceNumber, again.InvoiceNumber);
        Assert.Equal(1, (await day.Get()).Sessions);
        Assert.Equal(new Money(3m, 3.6m), (await Grains.GetGrain<IInvoiceGrain>(billed.InvoiceNumber).Get())!.Total);
        Assert.Equal(ChargeErrorKind.FailedPrecondition, running.Kind);
    }

    [Fact]
    public async Task A_session_whose_tariff_cannot_be_found_stops_completes_and_settles_unpriced_and_flagged_for_review()
    {
        var tariffId = await PutTariff(0.30m);
        var chargerId = TestIds.New("cp");
        var sessionId = SessionIds.Of(chargerId, TestIds.New("s"));
        var session = Grains.GetGrain<ISessionGrain>(sessionId);
        var day = DateOnly.FromDateTime(T0);

        // Pinned to version 7 of a tariff that has one (a version lost, say, to a storage restore).
        var started = await session.Start(new StartSessionCommand(sessionId, chargerId, 1, "TAG", 0m, T0), new SessionTerms(new TariffRef(tariffId, 7), null, null, 22_000));
        await session.Stop(new StopSessionCommand(sessionId, 5000m, T0.AddMinutes(60), "Local"), 0, []);
        var completed = await session.WaitForCompletion(TimeSpan.FromSeconds(10));
        var billed = await Eventually.Get(() => session.GetView(), v => v.Billed);
        var billing = Grains.GetGrain<IBillingGrain>("billing");
        var exported = await billing.CompletedSessions(new ExportQuery(day, day, chargerId));
        var cdrs = await billing.CdrSessions(new ExportQuery(day, day, chargerId));

        Assert.Equal(SessionStatus.Active, started.Status);
        Assert.Equal(SessionStatus.Completed, completed.Status);
        Assert.Equal(5000m, completed.EnergyWh);
        Assert.Null(completed.Cost);
        Assert.Contains($"tariff {tariffId} version 7 could not be found", billed.Review);
        Assert.Contains(billed.Anomalies, a => a.Kind == AnomalyKind.TariffMissing);
        Assert.Null(billed.InvoiceNumber);
        Assert.Equal([sessionId], exported.Select(s => s.SessionId));
        Assert.Empty(cdrs.Sessions);
    }
}
