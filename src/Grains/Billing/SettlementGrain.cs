using System.Globalization;
using Charge.Grains.Interfaces;
using Charge.Grains.Interfaces.Tariffs;
using Charge.Grains.Storage;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Charge.Grains.Billing;

/// <summary>The persisted progress of one session's settlement.</summary>
[GenerateSerializer]
[Alias("charge.SettlementState")]
public sealed record SettlementState
{
    /// <summary>Whether the final record is in the reporting archive.</summary>
    [Id(0)] public bool Archived { get; set; }

    /// <summary>Whether the usage statistics have this session.</summary>
    [Id(1)] public bool UsageRecorded { get; set; }

    /// <summary>The invoice number reserved for this session (kept before the invoice is issued, so a retry reuses it) and its series.</summary>
    [Id(2)] public string? InvoiceNumber { get; set; }
    [Id(3)] public string? InvoiceSeries { get; set; }

    /// <summary>Whether billing is done: the invoice is issued, the monthly statement has the session, or nothing is due.</summary>
    [Id(4)] public bool Invoiced { get; set; }

    /// <summary>Whether the session went onto its id_tag's monthly statement instead of an invoice of its own.</summary>
    [Id(5)] public bool OnStatement { get; set; }

    /// <summary>Whether the usage shards were told this session will not be sent again (they drop it from their in-flight lists).</summary>
    [Id(6)] public bool UsageReleased { get; set; }

    /// <summary>The credit note that reversed the session's invoice, once its revenue is taken back in the usage figures.</summary>
    [Id(7)] public string? CreditNote { get; set; }

    /// <summary>Whether the usage shards were told the credit will not be sent again, and the session marked credited.</summary>
    [Id(8)] public bool CreditDone { get; set; }
}

/// <summary>
/// Settles a completed session: archive, usage, invoice, in that order and each once. The session grain's completed
/// record is the truth and is written first; this grain keeps how far it got, so a retry after any failure neither
/// counts nor bills twice.
/// </summary>
public sealed partial class SettlementGrain(
    [PersistentState("settlement", StorageNames.Charge)] IPersistentState<SettlementState> state,
    ISessionArchive archive,
    IOptions<BillingOptions> billing,
    TimeProvider time,
    ILogger<SettlementGrain> logger) : Grain, ISettlementGrain
{
    private SettlementState State => state.State;

    public async Task<Settlement> Settle(SessionView session)
    {
        if (session.Status != SessionStatus.Completed || session.SessionId != this.GetPrimaryKeyString())
        {
            throw ChargeException.FailedPrecondition($"session {session.SessionId} is not completed; only a completed session is settled");
        }

        if (!State.Archived || !State.UsageRecorded)
        {
            // One write for both steps: the archive is an upsert of the session's row and a usage shard takes a session
            // it holds in flight once, so a retry after a failure between them repeats neither.
            if (!State.Archived)
            {
                await archive.ArchiveAsync(Archived(session));
                State.Archived = true;
            }

            await RecordUsage(session, (grain, day) => grain.Record(day));
            State.UsageRecorded = true;
            await Persist();
        }

        if (!State.UsageReleased)
        {
            // Only once the record above is durable: a shard that forgot the session must never get it again. Written
            // with the invoice step's change (a retry releases again, which changes nothing).
            await RecordUsage(session, (grain, _) => grain.Release(session.SessionId));
            State.UsageReleased = true;
        }

        if (!State.Invoiced)
        {
            await Invoice(session);
        }

        // Settled: a repeated call is answered from the stored state, so the activation need not wait for idle collection.
        this.DeactivateOnIdle();
        return new Settlement(State.OnStatement ? null : State.InvoiceNumber);
    }

    public async Task Credit(string creditNoteNumber)
    {
        if (State.CreditNote is { } earlier && earlier != creditNoteNumber)
        {
            throw ChargeException.FailedPrecondition($"session {this.GetPrimaryKeyString()} is already credited by {earlier}");
        }

        if (State.CreditDone)
        {
            return;
        }

        var session = await GrainFactory.GetGrain<ISessionGrain>(this.GetPrimaryKeyString()).GetView();
        if (!State.UsageRecorded)
        {
            throw ChargeException.FailedPrecondition($"session {session.SessionId} is not settled yet; only billed revenue is credited");
        }

        var key = CreditKey(session.SessionId);
        if (State.CreditNote is null)
        {
            // Counted on the day the session's revenue is, under a key of its own: a shard holds it in flight like a
            // session, so a retry after a failure before the write below does not take it back twice.
            if (session.Cost is { } cost)
            {
                await CreditUsage(session, (grain, day) => grain.Record(Taken(key, day, cost)));
            }

            State.CreditNote = creditNoteNumber;
            await Persist();
        }

        await CreditUsage(session, (grain, _) => grain.Release(key));
        await GrainFactory.GetGrain<ISessionGrain>(session.SessionId).MarkCredited(creditNoteNumber);
        State.CreditDone = true;
        await Persist();
    }

    private static string CreditKey(string sessionId) => $"credit|{sessionId}";

    private static UsageContribution Taken(string key, DateOnly day, Interfaces.Tariffs.CostBreakdown cost) =>
        new(key, false, 0m, 0, [.. new decimal[UsageDay.Hours]], [.. new long[UsageDay.Hours]],
            CurrencyRevenue.Credit(cost.Currency, cost.TotalRounded));

    /// <summary>The credit goes to the local day the session started (where its revenue counts), in every scope it counted in.</summary>
    private Task CreditUsage(SessionView session, Func<IUsageDayGrain, DateOnly, Task> call)
    {
        var day = DateOnly.FromDateTime(LocalTime.Of(session.StartedAt, TimeZoneInfo.FindSystemTimeZoneById(session.TimeZone)));
        return Task.WhenAll(Scopes(session).Select(scope =>
            call(GrainFactory.GetGrain<IUsageDayGrain>(IUsageDayGrain.Key(scope, day, IUsageDayGrain.ShardOf(scope, session.SessionId))), day)));
    }

    private static List<string> Scopes(SessionView session)
    {
        var scopes = new List<string> { UsageScope.OfNetwork.Key, new UsageScope(UsageScope.Charger, session.ChargerId).Key };
        if (session.SiteId is { } site)
        {
            scopes.Add(new UsageScope(UsageScope.Site, site).Key);
        }

        return scopes;
    }

    /// <summary>
    /// The session's part in each local day it touched, for its charger, its site and the network, each to the shard
    /// of its day the session hashes to.
    /// </summary>
    private Task RecordUsage(SessionView session, Func<IUsageDayGrain, Interfaces.UsageContribution, Task> call)
    {
        // Revenue is what the session's invoice says: its total rounded to the minor unit.
        var revenue = session.Cost is { } cost ? new CurrencyRevenue(cost.Currency, cost.TotalRounded, 1, session.EnergyWh) : null;
        var days = Analytics.UsageAttribution.Split(session.SessionId, session.StartedAt, session.StoppedAt!.Value, session.EnergyWh, session.Slots,
            TimeZoneInfo.FindSystemTimeZoneById(session.TimeZone), revenue);
        var scopes = Scopes(session);
        return Task.WhenAll(days.SelectMany(day => scopes.Select(scope =>
            call(GrainFactory.GetGrain<IUsageDayGrain>(IUsageDayGrain.Key(scope, day.Key, IUsageDayGrain.ShardOf(scope, session.SessionId))), day.Value))));
    }

    /// <summary>
    /// Issues the session's invoice. The number is reserved and kept in this grain's state before the invoice is
    /// written, and confirmed after: a failure anywhere leads to a retry with the same number, never a second one.
    /// </summary>
    private async Task Invoice(SessionView session)
    {
        if (session.Cost is null || session.Tariff is not { } pinned)
        {
            // No tariff, no price: nothing to bill.
            State.Invoiced = true;
            await Persist();
            return;
        }

        var options = billing.Value;
        var explained = await Explained(pinned);
        var site = session.SiteId is { } siteId ? (await GrainFactory.GetGrain<ISiteGrain>(siteId).Get()).Info : null;
        var siteName = site?.Name;
        if (options.InvoicePer == InvoicePeriod.IdTagMonth && State.InvoiceNumber is null)
        {
            // The account's month (in the billing calendar) collects the session; the operator's month close invoices
            // it. A customer's tags share one statement; a tag without a customer has its own.
            var month = LocalTime.Of(session.StartedAt, TimeZoneInfo.FindSystemTimeZoneById(options.TimeZone));
            var account = session.CustomerId is { } customer ? IMonthlyStatementGrain.CustomerAccount(customer) : session.IdTag;
            var statement = GrainFactory.GetGrain<IMonthlyStatementGrain>(
                IMonthlyStatementGrain.Key(account, month.ToString("yyyy-MM", CultureInfo.InvariantCulture)));
            if (await statement.Add(InvoiceBuilder.Entry(session, explained, siteName)))
            {
                State.Invoiced = true;
                State.OnStatement = true;
                await Persist();
                return;
            }

            // The month was closed before this session completed: it gets an invoice of its own.
        }

        if (State.InvoiceNumber is null)
        {
            var (series, year) = BillingGrain.Series(options, time.GetUtcNow().UtcDateTime);
            var sequence = await GrainFactory.GetGrain<IInvoiceNumberGrain>(series).Reserve(session.SessionId);
            State.InvoiceNumber = InvoiceBuilder.Number(options.InvoicePrefix, year, sequence);
            State.InvoiceSeries = series;
            await Persist();
        }

        var billTo = session.CustomerId is { } customerId
            ? InvoiceBuilder.BillTo(await GrainFactory.GetGrain<ICustomerGrain>(customerId).Get())
            : null;
        var invoice = InvoiceBuilder.ForSession(State.InvoiceNumber, session, explained, site,
            Seller.Of(options), billTo, time.GetUtcNow().UtcDateTime);
        await GrainFactory.GetGrain<IInvoiceGrain>(State.InvoiceNumber).Issue(invoice);
        await GrainFactory.GetGrain<IInvoiceNumberGrain>(State.InvoiceSeries!).Confirm(session.SessionId);
        State.Invoiced = true;
        await Persist();
    }

    /// <summary>
    /// The pinned tariff in words for the invoice. The price was fixed when the session completed; a version that can
    /// no longer be found only leaves the explanation out, it never stops the invoice.
    /// </summary>
    private async Task<System.Collections.Immutable.ImmutableArray<string>> Explained(TariffRef pinned)
    {
        try
        {
            return [.. TariffExplainer.Explain((await GrainFactory.GetGrain<ITariffGrain>(pinned.TariffId).GetVersion(pinned.Version)).Tariff)];
        }
        catch (ChargeException e) when (e.Kind == ChargeErrorKind.NotFound)
        {
            return [$"Tariff {pinned.TariffId} version {pinned.Version} could not be found; the amounts are those fixed when the session completed."];
        }
    }

    private static ArchivedSession Archived(SessionView session) => new()
    {
        SessionId = session.SessionId,
        ChargerId = session.ChargerId,
        SiteId = session.SiteId,
        ConnectorId = session.ConnectorId,
        IdTag = session.IdTag,
        StartedAt = session.StartedAt,
        StoppedAt = session.StoppedAt!.Value,
        LocalDate = DateOnly.FromDateTime(LocalTime.Of(session.StartedAt, TimeZoneInfo.FindSystemTimeZoneById(session.TimeZone))),
        TimeZone = session.TimeZone,
        EnergyWh = session.EnergyWh,
        StopReason = session.StopReason,
        TariffId = session.Tariff?.TariffId,
        TariffVersion = session.Tariff?.Version,
        Currency = session.Cost?.Currency,
        TotalExclVat = session.Cost?.TotalRounded.ExclVat,
        TotalInclVat = session.Cost?.TotalRounded.InclVat,
    };

    private Task Persist() => state.WriteOrUnavailable(GrainContext, e => LogStorageFailed(e, this.GetPrimaryKeyString()));

    [LoggerMessage(Level = LogLevel.Warning, Message = "Settlement of {SessionId}: storage write failed")]
    private partial void LogStorageFailed(Exception e, string sessionId);
}
