using System.Collections.Immutable;

namespace Charge.Grains.Interfaces.Tariffs;

[GenerateSerializer]
[Alias("charge.DisplayText")]
public sealed record DisplayText(
    [property: Id(0)] string Language,
    [property: Id(1)] string Text);
