using Charge.Grains.Sessions;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;

namespace Charge.Grains;

/// <summary>Registers what the domain grains need from the silo's container.</summary>
public static class GrainsServiceCollectionExtensions
{
    public static IServiceCollection AddChargeGrains(this IServiceCollection services, IConfiguration configuration)
    {
        services.TryAddSingleton(TimeProvider.System);
        // Replaced by the Azure Table archive when durable storage is configured.
        services.TryAddSingleton<Storage.ISessionArchive, Storage.MemorySessionArchive>();
        services.TryAddSingleton<Storage.IInvoiceRegister, Storage.MemoryInvoiceRegister>();
        // Replaced by append blobs in the storage account when durable storage is configured.
        services.TryAddSingleton<IReadingLog, GrainReadingLog>();
        // Replaced by a blob container probe when durable storage is configured.
        services.TryAddSingleton<Health.IStorageProbe, Health.MemoryStorageProbe>();
        services.TryAddSingleton<Storage.NewGrains>();
        services.AddOptions<SessionOptions>()
            .Bind(configuration.GetSection(SessionOptions.Section))
            .ValidateDataAnnotations()
            .ValidateOnStart();
        services.AddOptions<Billing.BillingOptions>()
            .Bind(configuration.GetSection(Billing.BillingOptions.Section))
            .ValidateDataAnnotations()
            .Validate(o => TimeZoneInfo.TryFindSystemTimeZoneById(o.TimeZone, out _), "Charge:Billing:TimeZone must be an IANA time zone")
            .ValidateOnStart();
        services.AddHostedService<Billing.BillingSetupCheck>();
        services.AddOptions<Chargers.FleetOptions>()
            .Bind(configuration.GetSection(Chargers.FleetOptions.Section))
            .ValidateDataAnnotations()
            .ValidateOnStart();
        services.AddOptions<Tokens.AuthorizationOptions>()
            .Bind(configuration.GetSection(Tokens.AuthorizationOptions.Section))
            .ValidateDataAnnotations()
            .ValidateOnStart();
        return services;
    }
}
