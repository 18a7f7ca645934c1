using System.Collections.Immutable;
using Charge.Grains.Interfaces;
using Charge.Grains.Storage;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Orleans.Concurrency;

namespace Charge.Grains.Billing;

[GenerateSerializer]
[Alias("charge.InvoiceNumberState")]
public sealed record InvoiceNumberState
{
    [Id(0)] public long Last { get; set; }

    /// <summary>Numbers handed out whose documents are not confirmed yet, by document ID.</summary>
    [Id(1)] public Dictionary<string, long> Pending { get; set; } = [];
}

/// <summary>
/// One series' single writer. A number is persisted as handed out before the caller sees it, so a silo failure can
/// never hand it out twice; a caller that fails before issuing asks again with the same document ID and gets the
/// same number, so no number is skipped.
/// </summary>
public sealed class InvoiceNumberGrain([PersistentState("series", StorageNames.Charge)] IPersistentState<InvoiceNumberState> state) : Grain, IInvoiceNumberGrain
{
    public async Task<long> Reserve(string documentId)
    {
        if (state.State.Pending.TryGetValue(documentId, out var reserved))
        {
            return reserved;
        }

        var number = state.State.Last + 1;
        state.State.Last = number;
        state.State.Pending[documentId] = number;
        await state.WriteOrUnavailable(GrainContext);
        return number;
    }

    public async Task Confirm(string documentId)
    {
        if (state.State.Pending.Remove(documentId))
        {
            await state.WriteOrUnavailable(GrainContext);
        }
    }

    public Task<long> Last() => Task.FromResult(state.State.Last);
}

[GenerateSerializer]
[Alias("charge.InvoiceState")]
public sealed record InvoiceState
{
    [Id(0)] public Invoice? Invoice { get; set; }
}

/// <summary>Issued once and read now and then: an idle document leaves memory after minutes, not the default hours.</summary>
[CollectionAgeLimit(Minutes = 10)]
public sealed partial class InvoiceGrain(
    [PersistentState("invoice", StorageNames.Charge)] IPersistentState<InvoiceState> state, IOptions<BillingOptions> options, IInvoiceRegister register,
    ILogger<InvoiceGrain> logger)
    : Grain, IInvoiceGrain
{
    public async Task<Invoice> Issue(Invoice invoice)
    {
        if (invoice.Number != this.GetPrimaryKeyString())
        {
            throw ChargeException.InvalidArgument($"document {invoice.Number} cannot be issued as {this.GetPrimaryKeyString()}");
        }

        if (state.State.Invoice is { } existing)
        {
            // Issued once and never changed: a retry of the same document gets it back (and is indexed, in case the
            // first attempt failed after storing it).
            if (existing.SessionId != invoice.SessionId || existing.Kind != invoice.Kind)
            {
                throw ChargeException.AlreadyExists($"number {invoice.Number} is already issued for session {existing.SessionId}");
            }

            await Index(existing);
            return existing;
        }

        state.State.Invoice = invoice;
        await state.WriteOrUnavailable(GrainContext);
        Telemetry.GrainMetrics.InvoicesIssued.Add(1, new KeyValuePair<string, object?>("kind", invoice.Kind.ToString()));
        await Index(invoice);
        return invoice;
    }

    /// <summary>
    /// Lists the document under its month of issue (in the billing calendar): in the network's register, and under its
    /// id_tag's and its customer's month.
    /// </summary>
    private async Task Index(Invoice invoice)
    {
        var month = Month(invoice);
        var summary = InvoiceSummary.Of(invoice);
        await Register(month, summary);
        var keys = new List<string>();
        if (invoice.IdTag.Length > 0)
        {
            keys.Add(IInvoiceIndexGrain.IdTagKey(invoice.IdTag, month));
        }

        if (invoice.BillTo is { } to)
        {
            keys.Add(IInvoiceIndexGrain.CustomerKey(to.CustomerId, month));
        }

        await Task.WhenAll(keys.Select(k => GrainFactory.GetGrain<IInvoiceIndexGrain>(k).Add(summary)));
    }

    private string Month(Invoice invoice) => LocalTime.Of(invoice.IssuedAt, TimeZoneInfo.FindSystemTimeZoneById(options.Value.TimeZone))
        .ToString("yyyy-MM", System.Globalization.CultureInfo.InvariantCulture);

    private Task Register(string month, InvoiceSummary summary) => DurableWrite.OrUnavailable(
        async () => { await register.RecordAsync(month, summary); return true; },
        e => LogRegisterFailed(e, summary.Number),
        "storage is unavailable: the document is stored but not yet listed; retry",
        "invoices");

    [LoggerMessage(Level = LogLevel.Warning, Message = "Invoice {Number}: the month's register was not written")]
    private partial void LogRegisterFailed(Exception e, string number);

    public Task<Invoice?> Get() => Task.FromResult(state.State.Invoice);

    public async Task<Invoice> MarkCredited(string creditNoteNumber)
    {
        var invoice = state.State.Invoice ?? throw ChargeException.NotFound($"invoice {this.GetPrimaryKeyString()} does not exist");
        if (invoice.CreditedBy is { } already && already != creditNoteNumber)
        {
            throw ChargeException.FailedPrecondition($"invoice {invoice.Number} is already credited by {already}");
        }

        if (invoice.CreditedBy is null)
        {
            state.State.Invoice = invoice = invoice with { CreditedBy = creditNoteNumber };
            await state.WriteOrUnavailable(GrainContext);
        }

        // Again on a retry: the month's list shows the invoice as credited once this returns.
        await Register(Month(invoice), InvoiceSummary.Of(invoice));
        return invoice;
    }
}

/// <summary>Credit notes, exports and renderings. Stateless: documents live in invoice grains, numbers in series grains.</summary>
[StatelessWorker]
public sealed class BillingGrain(IOptions<BillingOptions> options, ISessionArchive archive, IInvoiceRegister register, TimeProvider time) : Grain, IBillingGrain
{
    public Task<ImmutableArray<InvoiceSummary>> Invoices(string month, string? after, int take) =>
        DurableWrite.OrUnavailable(() => register.ListAsync(month, after, take), _ => { }, "storage is unavailable: the invoices cannot be listed; retry", "invoices");

    public async Task<Invoice> CreditInvoice(string invoiceNumber, string reason)
    {
        var invoiceGrain = GrainFactory.GetGrain<IInvoiceGrain>(invoiceNumber);
        var invoice = await invoiceGrain.Get() ?? throw ChargeException.NotFound($"invoice {invoiceNumber} does not exist");
        if (invoice.Kind != InvoiceKind.Invoice)
        {
            throw ChargeException.FailedPrecondition($"{invoiceNumber} is a credit note; only invoices are credited");
        }

        var documentId = $"credit:{invoiceNumber}";
        var (series, year) = Series(options.Value, time.GetUtcNow().UtcDateTime);
        if (invoice.CreditedBy is { } done)
        {
            // Already credited (a retry after a failure, or a second request): the same credit note, and whatever of
            // its follow-up the failure left undone.
            await CreditSessions(invoice, done);
            await GrainFactory.GetGrain<IInvoiceNumberGrain>(SeriesOf(done)).Confirm(documentId);
            return (await GrainFactory.GetGrain<IInvoiceGrain>(done).Get())!;
        }

        var numbers = GrainFactory.GetGrain<IInvoiceNumberGrain>(series);
        var number = InvoiceBuilder.Number(options.Value.InvoicePrefix, year, await numbers.Reserve(documentId));
        var note = await GrainFactory.GetGrain<IInvoiceGrain>(number).Issue(InvoiceBuilder.CreditNote(number, invoice, reason, time.GetUtcNow().UtcDateTime));
        await invoiceGrain.MarkCredited(number);
        await CreditSessions(invoice, number);
        await numbers.Confirm(documentId);
        return note;
    }

    /// <summary>Each session the invoice billed (one, or a month's) leaves the revenue figures and is marked credited.</summary>
    private Task CreditSessions(Invoice invoice, string creditNote)
    {
        IEnumerable<string> sessions = invoice.Period is null ? [invoice.SessionId] : invoice.SessionIds;
        return Task.WhenAll(sessions.Select(id => GrainFactory.GetGrain<ISettlementGrain>(id).Credit(creditNote)));
    }

    /// <summary>The series of the current year in the billing time zone: "{operator}:{year}".</summary>
    public static (string Series, int Year) Series(BillingOptions options, DateTime utcNow)
    {
        var year = LocalTime.Of(utcNow, TimeZoneInfo.FindSystemTimeZoneById(options.TimeZone)).Year;
        return ($"{options.OperatorId}:{year}", year);
    }

    private string SeriesOf(string number) => $"{options.Value.OperatorId}:{number.Split('-')[^2]}";

    public async Task<CdrExportData> CdrSessions(ExportQuery query)
    {
        var priced = ImmutableArray.CreateBuilder<CdrSession>();
        var tariffs = new Dictionary<(string, int), string?>();
        var sites = new Dictionary<string, SiteInfo?>();
        var chargers = new Dictionary<string, ConnectorKind>();
        foreach (var session in await Sessions(query))
        {
            if (session.Cost is null)
            {
                continue;
            }

            var tariffJson = session.Tariff is { } t
                ? tariffs.TryGetValue((t.TariffId, t.Version), out var j) ? j
                : tariffs[(t.TariffId, t.Version)] = await TariffJson(t.TariffId, t.Version)
                : null;
            var site = session.SiteId is { } siteId
                ? sites.TryGetValue(siteId, out var known) ? known : sites[siteId] = (await GrainFactory.GetGrain<ISiteGrain>(siteId).Get()).Info
                : null;
            if (!chargers.TryGetValue(session.ChargerId, out var kind))
            {
                kind = chargers[session.ChargerId] = (await GrainFactory.GetGrain<IChargerGrain>(session.ChargerId).GetView()).Kind ?? ConnectorKind.Default;
            }

            priced.Add(new CdrSession(session, site, kind, tariffJson));
        }

        return new CdrExportData(new CdrParty(options.Value.CountryCode, options.Value.PartyId), priced.ToImmutable());
    }

    /// <summary>The tariff version's OCPI JSON; null when it cannot be found: that session's CDR goes without, the export goes on.</summary>
    private async Task<string?> TariffJson(string tariffId, int version)
    {
        try
        {
            return (await GrainFactory.GetGrain<Interfaces.Tariffs.ITariffGrain>(tariffId).GetVersion(version)).OcpiJson;
        }
        catch (ChargeException e) when (e.Kind == ChargeErrorKind.NotFound)
        {
            return null;
        }
    }

    public async Task<ImmutableArray<SessionView>> CompletedSessions(ExportQuery query) => [.. await Sessions(query)];

    /// <summary>The completed sessions of the query, from the archive, with their full records from the session grains.</summary>
    private async Task<IReadOnlyList<SessionView>> Sessions(ExportQuery query)
    {
        var archived = await archive.QueryAsync(query.From, query.To, query.ChargerId, siteId: query.SiteId);
        var views = new List<SessionView>(archived.Length);
        foreach (var chunk in archived.Chunk(100))
        {
            views.AddRange(await Task.WhenAll(chunk.Select(a => GrainFactory.GetGrain<ISessionGrain>(a.SessionId).GetView())));
        }

        return [.. views.Where(v => v.Status == SessionStatus.Completed).OrderBy(v => v.StartedAt).ThenBy(v => v.SessionId, StringComparer.Ordinal)];
    }

    public async Task<ImmutableArray<string>> CloseMonth(string period)
    {
        if (!DateOnly.TryParseExact(period + "-01", "yyyy-MM-dd", System.Globalization.CultureInfo.InvariantCulture, System.Globalization.DateTimeStyles.None, out var first))
        {
            throw ChargeException.InvalidArgument("period must be a month, yyyy-MM");
        }

        var zone = TimeZoneInfo.FindSystemTimeZoneById(options.Value.TimeZone);
        var today = DateOnly.FromDateTime(LocalTime.Of(time.GetUtcNow().UtcDateTime, zone));
        if (first.AddMonths(1) > today)
        {
            throw ChargeException.FailedPrecondition($"{period} has not ended yet in {options.Value.TimeZone}");
        }

        // Accounts: id_tags without a customer, and "customer:{id}" for customers' tags.
        // Closed first, so no account joins after the list is read: a later session is invoiced alone.
        var accounts = await GrainFactory.GetGrain<IBillingPeriodGrain>(period).Close();
        var numbers = ImmutableArray.CreateBuilder<string>(accounts.Length);
        foreach (var account in accounts)
        {
            // One at a time: numbers follow the accounts' order, and a failure leaves the rest for the retry.
            if (await GrainFactory.GetGrain<IMonthlyStatementGrain>(IMonthlyStatementGrain.Key(account, period)).Close() is { } number)
            {
                numbers.Add(number);
            }
        }

        return numbers.ToImmutable();
    }
}

[GenerateSerializer]
[Alias("charge.InvoiceIndexState")]
public sealed record InvoiceIndexState
{
    [Id(0)] public List<InvoiceSummary> Documents { get; set; } = [];
}

/// <summary>One account's documents of one month, in the order issued.</summary>
public sealed class InvoiceIndexGrain([PersistentState("invoices", StorageNames.Charge)] IPersistentState<InvoiceIndexState> state) : Grain, IInvoiceIndexGrain
{
    public async Task Add(InvoiceSummary summary)
    {
        if (state.State.Documents.Any(d => d.Number == summary.Number))
        {
            return;
        }

        state.State.Documents.Add(summary);
        await state.WriteOrUnavailable(GrainContext);
    }

    public Task<ImmutableArray<InvoiceSummary>> List() => Task.FromResult(state.State.Documents.ToImmutableArray());
}
