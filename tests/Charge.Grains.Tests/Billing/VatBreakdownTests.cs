using Charge.Grains.Billing;
using Charge.Grains.Interfaces;
using Charge.Grains.Interfaces.Tariffs;

namespace Charge.Grains.Tests.Billing;

public sealed class VatBreakdownTests
{
    [Fact]
    public void Each_rate_is_rounded_on_its_own_when_the_rows_already_add_up_to_the_total()
    {
        var rows = InvoiceBuilder.Breakdown(
            [new VatAmount(21m, new Money(2.14275m, 2.5927275m)), new VatAmount(9m, new Money(0.35m, 0.3815m))],
            new Money(2.49m, 2.97m), 2);

        Assert.Equal<VatAmount>([new VatAmount(21m, new Money(2.14m, 2.59m)), new VatAmount(9m, new Money(0.35m, 0.38m))], rows.ToArray());
    }

    [Fact]
    public void A_rounding_difference_against_the_total_goes_to_the_largest_row_so_the_rows_add_up()
    {
        // 0.005 and 0.005 each round up to 0.01, but the total 0.010 is 0.01: the rows must say 0.01, not 0.02.
        var rows = InvoiceBuilder.Breakdown(
            [new VatAmount(21m, new Money(0.006m, 0.00726m)), new VatAmount(9m, new Money(0.005m, 0.00545m))],
            new Money(0.01m, 0.01m), 2);

        Assert.Equal(0.01m, rows.Sum(r => r.Amount.ExclVat));
        Assert.Equal(0.01m, rows.Sum(r => r.Amount.InclVat));
        Assert.Equal(new Money(0.00m, 0.00m), rows.Single(r => r.RatePercent == 21m).Amount);
    }

    [Fact]
    public void Rows_of_the_same_rate_from_several_sessions_are_added_before_rounding()
    {
        var rows = InvoiceBuilder.Breakdown(
            [new VatAmount(21m, new Money(1.004m, 1.21484m)), new VatAmount(21m, new Money(1.004m, 1.21484m))],
            new Money(2.01m, 2.43m), 2);

        Assert.Equal(new VatAmount(21m, new Money(2.01m, 2.43m)), Assert.Single(rows));
    }
}
