using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Charge.Grains.Billing;

/// <summary>
/// Says at start-up what an invoice issued with this configuration would lack: most tax authorities (the EU's VAT
/// directive among them) require the seller's address and VAT ID on an invoice, and an issued invoice never changes.
/// </summary>
public sealed partial class BillingSetupCheck(IOptions<BillingOptions> options, ILogger<BillingSetupCheck> logger) : IHostedService
{
    public static IReadOnlyList<string> Missing(BillingOptions options)
    {
        var missing = new List<string>();
        if (options.SellerAddress.Trim().Length == 0)
        {
            missing.Add("Charge:Billing:SellerAddress (the seller's legal address)");
        }

        if (options.SellerVatId.Length == 0)
        {
            missing.Add("Charge:Billing:SellerVatId (the seller's VAT ID)");
        }

        return missing;
    }

    public Task StartAsync(CancellationToken cancellationToken)
    {
        foreach (var setting in Missing(options.Value))
        {
            LogMissing(setting);
        }

        return Task.CompletedTask;
    }

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    [LoggerMessage(Level = LogLevel.Warning, Message = "{Setting} is not set: invoices are issued without it, and an issued invoice never changes")]
    private partial void LogMissing(string setting);
}
