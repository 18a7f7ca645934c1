using Charge.Grains.Billing;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Charge.Grains.Tests.Billing;

/// <summary>A silo says at start-up what its invoices would lack.</summary>
public sealed class BillingSetupCheckTests
{
    private sealed class Collected : ILogger<BillingSetupCheck>
    {
        public List<(LogLevel Level, string Message)> Entries { get; } = [];

        public IDisposable? BeginScope<TState>(TState state) where TState : notnull => null;

        public bool IsEnabled(LogLevel logLevel) => true;

        public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter) =>
            Entries.Add((logLevel, formatter(state, exception)));
    }

    [Fact]
    public async Task A_seller_without_address_or_vat_id_is_warned_about_at_start_and_a_complete_one_is_not()
    {
        var bare = new Collected();
        var complete = new Collected();

        await new BillingSetupCheck(Options.Create(new BillingOptions()), bare).StartAsync(CancellationToken.None);
        await new BillingSetupCheck(Options.Create(new BillingOptions { SellerAddress = "Kade 1, 1011AB Amsterdam", SellerVatId = "NL123456789B01" }), complete)
            .StartAsync(CancellationToken.None);

        Assert.Equal(2, bare.Entries.Count);
        Assert.All(bare.Entries, e => Assert.Equal(LogLevel.Warning, e.Level));
        Assert.Contains(bare.Entries, e => e.Message.Contains("Charge:Billing:SellerAddress", StringComparison.Ordinal));
        Assert.Contains(bare.Entries, e => e.Message.Contains("Charge:Billing:SellerVatId", StringComparison.Ordinal));
        Assert.Empty(complete.Entries);
    }
}
