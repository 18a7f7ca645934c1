using Charge.Tests;
using System.Collections.Immutable;
using System.Threading.Channels;
using Charge.Grains.Interfaces;

namespace Charge.Grains.Tests;

[Collection(ClusterCollection.Name)]
public sealed class SessionFlowTests(ClusterFixture fixture)
{
    private static readonly DateTime T0 = DateTime.UtcNow.AddHours(-2) is var t
        ? new DateTime(t.Year, t.Month, t.Day, t.Hour, 0, 0, DateTimeKind.Utc)
        : default;

    private IGrainFactory Grains => fixture.Grains;

    /// <summary>A charger and a session of it, by the session's full (charger-namespaced) ID.</summary>
    private static (string ChargerId, string SessionId) Ids()
    {
        var chargerId = TestIds.New("cp");
        return (chargerId, SessionIds.Of(chargerId, TestIds.New("s")));
    }

    private static StartSessionCommand Start(string sessionId, string chargerId, int connector = 1, decimal meterStart = 10_000m) =>
        new(sessionId, chargerId, connector, "TAG-1", meterStart, T0);

    private static ImmutableArray<MeterReading> Readings(params (double minutes, decimal wh)[] points) =>
        [.. points.Select(p => new MeterReading(T0.AddMinutes(p.minutes), p.wh, PowerW: 7000))];

    private Task<SessionView> Settled(string sessionId, int readingCount) =>
        Eventually.Get(() => Grains.GetGrain<ISessionGrain>(sessionId).GetView(), v => v.ReadingCount + v.AnomalyCount >= readingCount);

    [Fact]
    public async Task A_session_accumulates_streamed_readings_and_completes_with_stop_minus_start()
    {
        var (chargerId, sessionId) = Ids();
        var charger = Grains.GetGrain<IChargerGrain>(chargerId);

        var started = await charger.StartSession(Start(sessionId, chargerId));
        await charger.ReportMeterValues(sessionId, Readings((5, 10_500m), (10, 11_000m)));
        var live = await Settled(sessionId, 2);
        var stopped = await charger.StopSession(new StopSessionCommand(sessionId, 11_600m, T0.AddMinutes(20), "Local"));
        var final = await Grains.GetGrain<ISessionGrain>(sessionId).WaitForCompletion(TimeSpan.FromSeconds(10));

        Assert.Equal(SessionStatus.Active, started.Status);
        Assert.Equal(1000m, live.EnergyWh);
        Assert.Equal(7000, live.LastPowerW);
        Assert.Equal(SessionStatus.Completed, final.Status);
        Assert.Equal(1600m, final.EnergyWh);
        Assert.Equal(1600m, final.Slots.Sum(s => s.EnergyWh));
        Assert.Equal("Local", final.StopReason);
        Assert.True(stopped.Version <= final.Version);
    }

    [Fact]
    public async Task A_followed_up_session_leaves_memory_and_its_chargers_reminder_does_not_bring_it_back()
    {
        var (chargerId, sessionId) = Ids();
        var charger = Grains.GetGrain<IChargerGrain>(chargerId);
        var session = Grains.GetGrain<ISessionGrain>(sessionId);
        var management = Grains.GetGrain<IManagementGrain>(0);
        Task<int> Activations() => management.GetGrainActivationCount((GrainReference)session);

        await charger.StartSession(Start(sessionId, chargerId));
        await charger.ReportMeterValues(sessionId, Readings((5, 10_500m)));
        await Settled(sessionId, 1);
        await charger.StopSession(new StopSessionCommand(sessionId, 11_000m, T0.AddMinutes(20), "Local"));
        await Eventually.Get(() => session.GetView(), v => v.Billed);
        // Read once more (the poll above may have read it right after it went): it lingers a second, then goes.
        var billed = await session.GetView();
        var afterFollowUp = await Eventually.Get(Activations, n => n == 0);
        var reads = FaultInjectedStorage.Reads(session.GetGrainId());
        // The charger's reminder (every 2 s here) asks its unsettled sessions; this one told the charger it is done, so
        // it is not asked, which would activate it again (a read of its state each time).
        await Task.Delay(TimeSpan.FromSeconds(5));
        var readsAfterReminders = FaultInjectedStorage.Reads(session.GetGrainId());
        var afterReminders = await Activations();
        var stored = await session.GetView();

        Assert.True(billed.Billed);
        Assert.Equal(0, afterFollowUp);
        Assert.Equal((reads, 0), (readsAfterReminders, afterReminders));
        Assert.Equal((SessionStatus.Completed, 1000m, true), (stored.Status, stored.EnergyWh, stored.Billed));
    }

    [Fact]
    public async Task A_stop_right_after_readings_waits_for_the_batches_in_flight()
    {
        var (chargerId, sessionId) = Ids();
        var charger = Grains.GetGrain<IChargerGrain>(chargerId);
        await charger.StartSession(Start(sessionId, chargerId));

        await charger.ReportMeterValues(sessionId, Readings((5, 10_400m)));
        await charger.ReportMeterValues(sessionId, Readings((10, 10_900m)));
        await charger.StopSession(new StopSessionCommand(sessionId, 11_000m, T0.AddMinutes(12), "Local"));
        var final = await Grains.GetGrain<ISessionGrain>(sessionId).WaitForCompletion(TimeSpan.FromSeconds(10));

        Assert.Equal(SessionStatus.Completed, final.Status);
        Assert.Equal(2, final.ReadingCount);
        Assert.Equal(0, final.AnomalyCount);
    }

    [Fact]
    public async Task Starting_the_same_session_twice_is_idempotent()
    {
        var (chargerId, sessionId) = Ids();
        var charger = Grains.GetGrain<IChargerGrain>(chargerId);

        var first = await charger.StartSession(Start(sessionId, chargerId));
        var second = await charger.StartSession(Start(sessionId, chargerId));

        Assert.Equal(first.Version, second.Version);
        var list = await charger.ListSessions(DateTime.MinValue, DateTime.MaxValue, 10);
        Assert.Equal([sessionId], list.Select(s => s.SessionId));
    }

    [Fact]
    public async Task The_same_local_session_id_on_two_chargers_names_two_sessions()
    {
        var local = TestIds.New("s");
        var (a, b) = (TestIds.New("cp"), TestIds.New("cp"));
        var onA = await Grains.GetGrain<IChargerGrain>(a).StartSession(Start(local, a));
        var onB = await Grains.GetGrain<IChargerGrain>(b).StartSession(Start(local, b));

        Assert.Equal($"{a}~{local}", onA.SessionId);
        Assert.Equal($"{b}~{local}", onB.SessionId);
        Assert.Equal(SessionStatus.Active, onB.Status);
    }

    [Fact]
    public async Task A_charger_cannot_start_a_session_in_another_chargers_namespace()
    {
        var (victim, attacker) = (TestIds.New("cp"), TestIds.New("cp"));

        var error = await Assert.ThrowsAsync<ChargeException>(() =>
            Grains.GetGrain<IChargerGrain>(attacker).StartSession(Start(SessionIds.OfTransaction(victim, 1), attacker)));

        Assert.Equal(ChargeErrorKind.NotFound, error.Kind);
        Assert.Equal(SessionStatus.None, (await Grains.GetGrain<ISessionGrain>(SessionIds.OfTransaction(victim, 1)).GetView()).Status);
    }

    [Fact]
    public async Task A_new_start_on_a_busy_connector_supersedes_the_stale_session_at_its_last_register()
    {
        var chargerId = TestIds.New("cp");
        var charger = Grains.GetGrain<IChargerGrain>(chargerId);
        var first = (await charger.StartSession(Start(TestIds.New("s"), chargerId))).SessionId;
        await charger.ReportMeterValues(first, Readings((5, 10_400m)));

        var second = await charger.StartSession(Start(TestIds.New("s"), chargerId) with { Timestamp = T0.AddMinutes(30), MeterStartWh = 10_500m });
        var stale = await Grains.GetGrain<ISessionGrain>(first).GetView();

        Assert.Equal(SessionStatus.Active, second.Status);
        Assert.Equal(SessionStatus.Completed, stale.Status);
        Assert.Equal(CloseReasons.Superseded, stale.StopReason);
        Assert.Equal(400m, stale.EnergyWh);
        Assert.Equal(1, stale.ReadingCount);
        Assert.Contains(stale.Anomalies, a => a.Kind == AnomalyKind.ClosedWithoutStop);
        Assert.Equal("system", stale.ClosedBy);
        Assert.Equal(second.SessionId, (await charger.GetView()).Connectors.Single().ActiveSessionId);
    }

    [Fact]
    public async Task An_operator_force_close_ends_a_zombie_at_its_last_accepted_register_and_frees_the_connector()
    {
        var (chargerId, sessionId) = Ids();
        var charger = Grains.GetGrain<IChargerGrain>(chargerId);
        await charger.StartSession(Start(sessionId, chargerId));
        await charger.ReportMeterValues(sessionId, Readings((5, 10_300m), (10, 10_700m)));
        var at = DateTime.UtcNow;

        var closed = await charger.CloseSession(sessionId, new CloseSessionCommand(CloseReasons.ForceClosed, "operator:ops-1", at));

        Assert.Equal(SessionStatus.Completed, closed.Status);
        Assert.Equal(700m, closed.EnergyWh);
        Assert.Equal(2, closed.ReadingCount);
        Assert.Equal(10_700m, closed.MeterStopWh);
        Assert.Equal(T0.AddMinutes(10), closed.StoppedAt);
        Assert.Equal(CloseReasons.ForceClosed, closed.StopReason);
        Assert.Equal(("operator:ops-1", at), (closed.ClosedBy, closed.ClosedAt));
        Assert.Null((await charger.GetView()).Connectors.Single().ActiveSessionId);
    }

    [Fact]
    public async Task Readings_after_stop_are_refused_with_a_clear_error()
    {
        var (chargerId, sessionId) = Ids();
        var charger = Grains.GetGrain<IChargerGrain>(chargerId);
        await charger.StartSession(Start(sessionId, chargerId));
        await charger.StopSession(new StopSessionCommand(sessionId, 10_100m, T0.AddMinutes(5), "Local"));

        var error = await Assert.ThrowsAsync<ChargeException>(() => charger.ReportMeterValues(sessionId, Readings((6, 10_200m))));

        Assert.Equal(ChargeErrorKind.FailedPrecondition, error.Kind);
        Assert.Contains("after stop", error.Message);
    }

    [Fact]
    public async Task Readings_for_an_unknown_session_are_not_found()
    {
        var chargerId = TestIds.New("cp");
        var error = await Assert.ThrowsAsync<ChargeException>(() =>
            Grains.GetGrain<IChargerGrain>(chargerId).ReportMeterValues(TestIds.New("s"), Readings((1, 1m))));

        Assert.Equal(ChargeErrorKind.NotFound, error.Kind);
    }

    [Fact]
    public async Task A_charger_cannot_report_into_another_chargers_session()
    {
        var sessionId = TestIds.New("s");
        var (owner, other) = (TestIds.New("cp"), TestIds.New("cp"));
        await Grains.GetGrain<IChargerGrain>(owner).StartSession(Start(sessionId, owner));

        var error = await Assert.ThrowsAsync<ChargeException>(() =>
            Grains.GetGrain<IChargerGrain>(other).ReportMeterValues(sessionId, Readings((1, 10_100m))));

        Assert.Equal(ChargeErrorKind.NotFound, error.Kind);
    }

    [Fact]
    public async Task Out_of_order_and_repeated_readings_through_the_stream_count_once_in_time_order()
    {
        var (chargerId, sessionId) = Ids();
        var charger = Grains.GetGrain<IChargerGrain>(chargerId);
        await charger.StartSession(Start(sessionId, chargerId));

        await charger.ReportMeterValues(sessionId, Readings((20, 12_000m)));
        await charger.ReportMeterValues(sessionId, Readings((10, 11_000m), (20, 12_000m)));
        var view = await Settled(sessionId, 2);
        await Task.Delay(300);
        view = await Grains.GetGrain<ISessionGrain>(sessionId).GetView();

        Assert.Equal(2000m, view.EnergyWh);
        Assert.Equal(2, view.ReadingCount);
        Assert.Equal(0, view.AnomalyCount);
        Assert.Equal(T0.AddMinutes(20), view.LastReadingAt);
    }

    [Fact]
    public async Task A_register_going_backwards_is_kept_as_an_anomaly()
    {
        var (chargerId, sessionId) = Ids();
        var charger = Grains.GetGrain<IChargerGrain>(chargerId);
        await charger.StartSession(Start(sessionId, chargerId));

        await charger.ReportMeterValues(sessionId, Readings((5, 11_000m), (10, 10_500m)));
        var view = await Settled(sessionId, 2);

        Assert.Equal(1000m, view.EnergyWh);
        var anomaly = Assert.Single(view.Anomalies);
        Assert.Equal(AnomalyKind.RegisterWentBackwards, anomaly.Kind);
        Assert.Equal(10_500m, anomaly.EnergyWh);
    }

    [Fact]
    public async Task A_repeated_stop_returns_the_same_record_and_a_different_one_is_refused()
    {
        var (chargerId, sessionId) = Ids();
        var charger = Grains.GetGrain<IChargerGrain>(chargerId);
        await charger.StartSession(Start(sessionId, chargerId));
        var stop = new StopSessionCommand(sessionId, 10_300m, T0.AddMinutes(5), "Local");
        await charger.StopSession(stop);
        await Grains.GetGrain<ISessionGrain>(sessionId).WaitForCompletion(TimeSpan.FromSeconds(10));
        // Settlement changes the record once more (billed); the repeat is compared with the settled record.
        var first = await Eventually.Get(() => Grains.GetGrain<ISessionGrain>(sessionId).GetView(), v => v.Billed);

        Assert.True(first.Billed);
        var again = await charger.StopSession(stop);
        var error = await Assert.ThrowsAsync<ChargeException>(() => charger.StopSession(stop with { MeterStopWh = 10_400m }));

        Assert.Equal(first.Version, again.Version);
        Assert.Equal(ChargeErrorKind.FailedPrecondition, error.Kind);
    }

    [Fact]
    public async Task A_session_without_reading_status_or_heartbeat_is_closed_as_abandoned_by_the_reminder_and_a_live_one_is_not()
    {
        var (idle, idleSession) = Ids();
        var (alive, aliveSession) = Ids();
        await Grains.GetGrain<IChargerGrain>(idle).StartSession(Start(idleSession, idle));
        await Grains.GetGrain<IChargerGrain>(idle).ReportMeterValues(idleSession, Readings((5, 10_250m)));
        await Grains.GetGrain<IChargerGrain>(alive).StartSession(Start(aliveSession, alive));
        using var heartbeats = new CancellationTokenSource();
        var beating = Task.Run(async () =>
        {
            while (!heartbeats.IsCancellationRequested)
            {
                await Grains.GetGrain<IChargerGrain>(alive).Heartbeat(DateTime.UtcNow);
                await Task.Delay(500);
            }
        });

        // Nobody reads or calls the idle session: only its charger's reminder can close it.
        var closed = await Eventually.Get(() => Grains.GetGrain<ISessionGrain>(idleSession).GetView(), v => v.Status == SessionStatus.Completed, TimeSpan.FromSeconds(30));
        var live = await Grains.GetGrain<ISessionGrain>(aliveSession).GetView();
        await heartbeats.CancelAsync();
        await beating;

        Assert.Equal(SessionStatus.Completed, closed.Status);
        Assert.Equal(CloseReasons.Abandoned, closed.StopReason);
        Assert.Equal(250m, closed.EnergyWh);
        Assert.Equal("system", closed.ClosedBy);
        Assert.Null((await Grains.GetGrain<IChargerGrain>(idle).GetView()).Connectors.Single().ActiveSessionId);
        Assert.Equal(SessionStatus.Active, live.Status);
    }

    [Fact]
    public async Task A_session_that_loses_its_activation_rebuilds_every_acknowledged_reading_from_its_log()
    {
        var (chargerId, sessionId) = Ids();
        var charger = Grains.GetGrain<IChargerGrain>(chargerId);
        await charger.StartSession(Start(sessionId, chargerId));
        var acknowledged = 0;
        for (var i = 1; i <= 12; i++)
        {
            acknowledged += (await charger.ReportMeterValues(sessionId, Readings((i, 10_000m + 100m * i), (i + 0.5, 10_000m + 100m * i + 50m)))).Accepted;
        }

        var before = await Settled(sessionId, acknowledged);
        // Every idle activation in the cluster goes, the session's with what it had only in memory.
        await Grains.GetGrain<IManagementGrain>(0).ForceActivationCollection(TimeSpan.Zero);
        var after = await Grains.GetGrain<ISessionGrain>(sessionId).GetView();

        Assert.Equal(24, acknowledged);
        Assert.Equal(24, after.ReadingCount);
        Assert.Equal(before.EnergyWh, after.EnergyWh);
        Assert.Equal(1250m, after.EnergyWh);
        Assert.Equal(before.Slots.Select(x => (x.Start.Ticks, x.EnergyWh, x.MaxPowerW)), after.Slots.Select(x => (x.Start.Ticks, x.EnergyWh, x.MaxPowerW)));
        Assert.True(after.Version > before.Version, "versions after a rebuild stay above those watchers have seen");
    }

    [Fact]
    public async Task Readings_answered_before_a_transactions_token_survive_the_chargers_activation()
    {
        // OCPP 2.0.1 plug-in first: the events before the token are held in the charger's record, not in memory.
        var chargerId = TestIds.New("cp");
        var tx = TestIds.New("tx");
        var charger = Grains.GetGrain<IChargerGrain>(chargerId);
        TransactionEventReport Event(TransactionEventKind kind, int seqNo, double minutes, ImmutableArray<MeterReading> readings, string? idTag = null, decimal? begin = null, decimal? end = null) =>
            new(tx, kind, seqNo, T0.AddMinutes(minutes), false, 1, idTag, readings, begin, end, kind == TransactionEventKind.Ended ? "Local" : null);

        var plugged = await charger.TransactionEvent(Event(TransactionEventKind.Started, 0, 0, Readings((0, 1000m)), begin: 1000m));
        var held = await charger.TransactionEvent(Event(TransactionEventKind.Updated, 1, 5, Readings((5, 1500m))));
        // Every idle activation in the cluster goes: what was answered must come back from storage.
        await Grains.GetGrain<IManagementGrain>(0).ForceActivationCollection(TimeSpan.Zero);
        var authorized = await charger.TransactionEvent(Event(TransactionEventKind.Updated, 2, 6, [], idTag: "TAG-1"));
        var ended = await charger.TransactionEvent(Event(TransactionEventKind.Ended, 3, 10, Readings((10, 3000m)), end: 3000m));
        var final = await Grains.GetGrain<ISessionGrain>(SessionIds.Of(chargerId, tx)).WaitForCompletion(TimeSpan.FromSeconds(10));

        Assert.Null(plugged.Session);
        Assert.Null(held.Session);
        Assert.NotNull(authorized.Session);
        Assert.Equal(T0, authorized.Session!.StartedAt);
        Assert.False(ended.AwaitingEvents);
        Assert.Equal(SessionStatus.Completed, final.Status);
        Assert.Equal(2000m, final.EnergyWh);
        // The held reading (1,500 at 5 min) and the end's: none lost to the reactivation.
        Assert.Equal(2, final.ReadingCount);
    }

    [Fact]
    public async Task A_stop_register_below_the_start_is_answered_and_closes_the_session_on_its_readings()
    {
        var (chargerId, sessionId) = Ids();
        var charger = Grains.GetGrain<IChargerGrain>(chargerId);
        await charger.StartSession(Start(sessionId, chargerId, meterStart: 100_000m));
        await charger.ReportMeterValues(sessionId, Readings((5, 100_400m)));
        await Settled(sessionId, 1);

        await charger.StopSession(new StopSessionCommand(sessionId, 9_000m, T0.AddMinutes(10), "Local"));
        var final = await Grains.GetGrain<ISessionGrain>(sessionId).WaitForCompletion(TimeSpan.FromSeconds(10));

        Assert.Equal(SessionStatus.Completed, final.Status);
        Assert.Equal(400m, final.EnergyWh);
        Assert.Contains(final.Anomalies, a => a.Kind == AnomalyKind.StopBelowStart);
        Assert.Null((await charger.GetView()).Connectors.Single().ActiveSessionId);
    }

    [Fact]
    public async Task The_charger_knows_its_connectors_active_session_and_heartbeat()
    {
        var (chargerId, sessionId) = Ids();
        var charger = Grains.GetGrain<IChargerGrain>(chargerId);
        await charger.Heartbeat(DateTime.UtcNow);
        await charger.ReportStatus(new StatusReport(2, ConnectorStatus.Faulted, "GroundFailure", T0));
        await charger.StartSession(Start(sessionId, chargerId));

        var view = await charger.GetView();

        Assert.NotNull(view.LastHeartbeat);
        var one = view.Connectors.Single(c => c.ConnectorId == 1);
        Assert.Equal(ConnectorStatus.Charging, one.Status);
        Assert.Equal(sessionId, one.ActiveSessionId);
        var two = view.Connectors.Single(c => c.ConnectorId == 2);
        Assert.Equal(ConnectorStatus.Faulted, two.Status);
        Assert.Equal("GroundFailure", two.ErrorCode);
    }

    [Fact]
    public async Task An_older_status_report_does_not_override_a_newer_one()
    {
        var charger = Grains.GetGrain<IChargerGrain>(TestIds.New("cp"));
        await charger.ReportStatus(new StatusReport(1, ConnectorStatus.Available, "", T0.AddMinutes(10)));
        var view = await charger.ReportStatus(new StatusReport(1, ConnectorStatus.Faulted, "", T0));

        Assert.Equal(ConnectorStatus.Available, view.Connectors.Single().Status);
    }

    [Fact]
    public async Task A_faulted_connector_refuses_to_start_a_session()
    {
        var chargerId = TestIds.New("cp");
        var charger = Grains.GetGrain<IChargerGrain>(chargerId);
        await charger.ReportStatus(new StatusReport(1, ConnectorStatus.Faulted, "", T0));

        var error = await Assert.ThrowsAsync<ChargeException>(() => charger.StartSession(Start(TestIds.New("s"), chargerId)));

        Assert.Equal(ChargeErrorKind.FailedPrecondition, error.Kind);
    }

    [Fact]
    public async Task An_unknown_charger_is_not_found()
    {
        var error = await Assert.ThrowsAsync<ChargeException>(() => Grains.GetGrain<IChargerGrain>(TestIds.New("cp")).GetView());
        Assert.Equal(ChargeErrorKind.NotFound, error.Kind);
    }

    [Fact]
    public async Task Sessions_are_listed_by_charger_and_by_id_tag_within_the_time_range()
    {
        var chargerId = TestIds.New("cp");
        var idTag = TestIds.New("tag");
        var charger = Grains.GetGrain<IChargerGrain>(chargerId);
        var ids = new List<string>();
        for (var i = 0; i < 3; i++)
        {
            var id = SessionIds.Of(chargerId, TestIds.New("s"));
            ids.Add(id);
            await charger.StartSession(new StartSessionCommand(id, chargerId, 1, idTag, 0m, T0.AddHours(i)));
            await charger.StopSession(new StopSessionCommand(id, 100m, T0.AddHours(i).AddMinutes(30), "Local"));
        }

        var byCharger = await charger.ListSessions(T0.AddHours(1), T0.AddHours(3), 10);
        var byTag = await Grains.GetGrain<IIdTagGrain>(idTag).ListSessions(DateTime.MinValue, DateTime.MaxValue, 2);

        Assert.Equal([ids[2], ids[1]], byCharger.Select(s => s.SessionId));
        Assert.Equal([ids[2], ids[1]], byTag.Select(s => s.SessionId));
    }

    [Fact]
    public async Task A_watcher_is_told_of_every_change_until_completion()
    {
        var (chargerId, sessionId) = Ids();
        var charger = Grains.GetGrain<IChargerGrain>(chargerId);
        await charger.StartSession(Start(sessionId, chargerId));
        var updates = Channel.CreateUnbounded<SessionView>();
        var watcher = new Watcher(updates.Writer);
        var reference = Grains.CreateObjectReference<ISessionWatcher>(watcher);
        var session = Grains.GetGrain<ISessionGrain>(sessionId);

        var initial = await session.Watch(reference);
        await charger.ReportMeterValues(sessionId, Readings((5, 10_500m)));
        var afterReading = await Next(updates.Reader, v => v.EnergyWh == 500m);
        await charger.StopSession(new StopSessionCommand(sessionId, 10_800m, T0.AddMinutes(10), "Local"));
        var completed = await Next(updates.Reader, v => v.Status == SessionStatus.Completed);

        Assert.Equal(0m, initial.EnergyWh);
        Assert.True(afterReading.Version > initial.Version);
        Assert.Equal(800m, completed.EnergyWh);
        GC.KeepAlive(watcher);
    }

    private static async Task<SessionView> Next(ChannelReader<SessionView> reader, Func<SessionView, bool> match)
    {
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(15));
        while (true)
        {
            var view = await reader.ReadAsync(timeout.Token);
            if (match(view))
            {
                return view;
            }
        }
    }

    private sealed class Watcher(ChannelWriter<SessionView> writer) : ISessionWatcher
    {
        public Task OnSessionChanged(SessionView view)
        {
            writer.TryWrite(view);
            return Task.CompletedTask;
        }
    }
}
