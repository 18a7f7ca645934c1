using System.Collections.Immutable;
using Charge.Grains.Interfaces;
using Charge.Grains.Storage;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Orleans.Concurrency;

namespace Charge.Grains.Billing;

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
