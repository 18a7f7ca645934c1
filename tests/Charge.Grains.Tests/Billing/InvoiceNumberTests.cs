using Charge.Grains.Interfaces;

namespace Charge.Grains.Tests.Billing;

/// <summary>The invoice series across a 2-silo cluster: contiguous, never repeated, stable on retry.</summary>
[Collection(ClusterCollection.Name)]
public sealed class InvoiceNumberTests(ClusterFixture fixture)
{
    [Fact]
    public async Task Concurrent_reservations_get_contiguous_distinct_numbers_and_a_retry_gets_the_same_one()
    {
        var series = fixture.Grains.GetGrain<IInvoiceNumberGrain>($"T{Guid.NewGuid():N}"[..12] + ":2026");
        var documents = Enumerable.Range(0, 40).Select(i => $"doc-{i}").ToArray();

        var numbers = await Task.WhenAll(documents.Select(d => series.Reserve(d)));
        var retried = await series.Reserve(documents[7]);
        await series.Confirm(documents[7]);
        var afterConfirm = await series.Reserve("doc-new");

        Assert.Equal(Enumerable.Range(1, 40).Select(n => (long)n), numbers.Order());
        Assert.Equal(numbers[7], retried);
        Assert.Equal(41, afterConfirm);
        Assert.Equal(41, await series.Last());
    }

    [Fact]
    public async Task An_issued_document_never_changes_and_its_number_cannot_be_reused()
    {
        var number = $"INV-2026-{Random.Shared.Next(100_000, 999_999)}";
        var invoice = new Invoice
        {
            Number = number, SessionId = "s-1", ChargerId = "cp", IdTag = "T", TimeZone = "UTC", LocalStart = "", LocalStop = "",
            Currency = "EUR", Seller = "Op", Total = new Interfaces.Tariffs.Money(10, 12),
        };
        var grain = fixture.Grains.GetGrain<IInvoiceGrain>(number);

        await grain.Issue(invoice);
        var again = await grain.Issue(invoice with { Total = new Interfaces.Tariffs.Money(99, 99) });
        var other = await Assert.ThrowsAsync<ChargeException>(() => grain.Issue(invoice with { SessionId = "s-2" }));

        Assert.Equal(10m, again.Total.ExclVat);
        Assert.Equal(ChargeErrorKind.AlreadyExists, other.Kind);
    }
}
