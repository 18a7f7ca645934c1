using System.Collections.Immutable;

namespace Charge.Grains.Interfaces.Tariffs;

/// <summary>An amount excl. and incl. VAT.</summary>
[GenerateSerializer]
[Alias("charge.Money")]
public readonly record struct Money(
    [property: Id(0)] decimal ExclVat,
    [property: Id(1)] decimal InclVat)
{
    public static readonly Money Zero = new(0m, 0m);

    public static Money operator +(Money a, Money b) => new(a.ExclVat + b.ExclVat, a.InclVat + b.InclVat);

    public static Money operator -(Money a, Money b) => new(a.ExclVat - b.ExclVat, a.InclVat - b.InclVat);
}
