using System.Collections.Immutable;
using Charge.Grains.Interfaces;
using Charge.Grains.Storage;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Orleans.Concurrency;

namespace Charge.Grains.Billing;

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
