using Microsoft.Extensions.DependencyInjection;
using Charge.Grains.Interfaces;
using Charge.Grains.Interfaces.Tariffs;
using Microsoft.Extensions.Logging;

namespace Charge.Grains.Sessions;

/// <summary>
/// The end of a session: its record fixed (at the stop, at a close, or when the stop's grace period runs out), then
/// handed to its settlement (archive, usage, invoice), retried on a timer until done. After a crash, its charger's
/// reminder brings it back (<see cref="EnsureFollowedUp"/>).
/// </summary>
internal sealed class SessionCompletion(
    SessionLedger ledger,
    IGrainContext grain,
    SessionOptions options,
    IReadingLog log,
    ILogger logger)
{
    private readonly FollowUpSchedule _schedule = new(grain, options);

    private SessionState State => ledger.State;

    private bool Durable => options.Acknowledge == AcknowledgeMode.Durable;

    /// <summary>The settlement has answered: archive, usage and invoice are done.</summary>
    public bool FollowedUp => State.Invoiced;

    /// <summary>Fixes the record with what the energy account holds, writes it, then schedules what follows.</summary>
    public async Task Complete(bool closeCurve = true)
    {
        var account = ledger.Account();
        SessionRecord.Complete(State, account, ledger.Tariff, closeCurve);
        ledger.Changed();
        // No crash leaves a completed session without its follow-up: its charger's reminder, registered before the
        // session's start was answered, asks every session the charger stopped until it is followed up (and the
        // charger's sweep releases one whose stop it did not get to record).
        await ledger.Persist();
        Telemetry.GrainMetrics.SessionsCompleted.Add(1);
        Telemetry.GrainMetrics.SessionsActive.Add(-1);

        _schedule.EndStopGrace();
        ledger.Watchers.Completed();
        if (Durable)
        {
            try
            {
                await log.CompletedAsync(ledger.SessionId);
            }
            catch (Exception e) when (e is not ChargeException)
            {
                // Only a memory log is dropped here; keeping it a little longer costs nothing but memory.
                logger.FollowUpFailed(e, ledger.SessionId);
            }
        }

        logger.Completed(ledger.SessionId, account.EnergyWh);
        ledger.NotifyWatchers();
        // The stop is answered once its final record is durable; what follows runs right after it, on a timer (the
        // charger's reminder covers a crash meanwhile), so a stop never waits for archive, usage and invoice.
        ScheduleFollowUp(options.FollowUpDelay);
    }

    /// <summary>A stop waits for batches still in flight: after the grace period the record is fixed with those consumed.</summary>
    public void StartStopGrace() => _schedule.StartStopGrace(CompleteAfterGrace);

    /// <summary>Asked by the charger's reminder: true when nothing is left to follow up.</summary>
    public async Task<bool> EnsureFollowedUp()
    {
        switch (State.Status)
        {
            case SessionStatus.Stopping:
                // This activation waits out the grace period (started when it activated, if it was not running).
                return false;
            case SessionStatus.Completed when !FollowedUp:
                await FollowUp();
                return FollowedUp;
            default:
                return true;
        }
    }

    /// <summary>
    /// Nothing is left for this activation to do: a completed session is read rarely (its record, a late reading), and
    /// the stored state answers that. Kept until idle collection, every completed session of the day stayed in memory
    /// (the network run: 7,200 of 8,000 completed sessions still activated after 4 minutes). Brought back later to be
    /// read, it lingers a little (<see cref="SessionOptions.FinishedLinger"/>).
    /// </summary>
    private void Leave() => grain.ActivationServices.GetRequiredService<IGrainRuntime>().DeactivateOnIdle(grain);

    /// <summary>Its charger stops asking (one way; if the message is lost, the charger's reminder asks as before).</summary>
    private void TellCharger()
    {
        try
        {
            _ = ledger.Grains.GetGrain<IChargerCoordination>(State.ChargerId).SessionSettled(ledger.SessionId);
        }
        catch (Exception e)
        {
            logger.ChargerNotTold(e, ledger.SessionId);
        }
    }

    /// <summary>
    /// Hands the completed record to its settlement (archive, usage, invoice, each once). The grain state is the
    /// record of truth and was written first; a failure is retried on a timer (and at the next activation), and
    /// settlement is idempotent, so a retry never counts or bills twice.
    /// </summary>
    public async Task FollowUp()
    {
        try
        {
            var settled = await ledger.Grains.GetGrain<ISettlementGrain>(ledger.SessionId).Settle(ledger.View());
            State.InvoiceNumber = settled.InvoiceNumber;
            State.Invoiced = true;
            ledger.Changed();
            await ledger.Persist();
            ledger.NotifyWatchers();
            _schedule.Done();
            await CompactLog();
            TellCharger();
            Leave();
        }
        catch (Exception e)
        {
            logger.FollowUpFailed(e, ledger.SessionId);
            ScheduleFollowUp(options.ArchiveRetry);
        }
    }

    /// <summary>Billed: nothing appends to the log again. A failure leaves the log as it was, readable the same.</summary>
    private async Task CompactLog()
    {
        if (!Durable)
        {
            return;
        }

        try
        {
            await log.CompactAsync(ledger.SessionId);
        }
        catch (Exception e) when (e is not ChargeException)
        {
            logger.LogNotCompacted(e, ledger.SessionId);
        }
    }

    /// <summary>Runs the follow-up on a timer (first after <paramref name="due"/>, then every ArchiveRetry) until it is done.</summary>
    private void ScheduleFollowUp(TimeSpan due) => _schedule.Retry(due, () => FollowedUp ? Task.CompletedTask : FollowUp());

    /// <summary>The stop's grace period is over (timer or reminder): the record is fixed with the batches consumed.</summary>
    private async Task CompleteAfterGrace()
    {
        if (State.Status == SessionStatus.Stopping)
        {
            logger.StopGraceExpired(ledger.SessionId, State.ConsumedSequence, State.AwaitedSequence);
            await Complete();
        }
    }
}
