using System.ComponentModel.DataAnnotations;
using Microsoft.Extensions.Options;

namespace Charge.Hosting;

/// <summary>Options bound from configuration and validated by their attributes, at start-up rather than at first use.</summary>
public static class ChargeOptionsBinding
{
    /// <summary>Registers <typeparamref name="T"/> from <paramref name="section"/>, validated when the host starts.</summary>
    public static OptionsBuilder<T> AddChargeOptions<T>(this IServiceCollection services, IConfiguration configuration, string section)
        where T : class =>
        services.AddOptions<T>().Bind(configuration.GetSection(section)).ValidateDataAnnotations().ValidateOnStart();

    /// <summary>
    /// Binds and validates <typeparamref name="T"/> now, for settings needed while the host is being built (cluster
    /// membership, ports): a wrong value stops the process with a message naming the key, like ValidateOnStart.
    /// </summary>
    public static T ReadChargeOptions<T>(this IConfiguration configuration, string section)
        where T : class, new()
    {
        var options = configuration.GetSection(section).Get<T>() ?? new T();
        var results = new List<ValidationResult>();
        if (!Validator.TryValidateObject(options, new ValidationContext(options), results, validateAllProperties: true))
        {
            throw new OptionsValidationException(section, typeof(T),
                [.. results.Select(r => $"{section}:{string.Join(",", r.MemberNames)}: {r.ErrorMessage}")]);
        }

        return options;
    }
}
