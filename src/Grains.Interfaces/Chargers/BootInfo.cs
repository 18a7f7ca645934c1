using System.Collections.Immutable;

namespace Charge.Grains.Interfaces;

/// <summary>What a charge point said about itself at its last BootNotification.</summary>
[GenerateSerializer]
[Alias("charge.BootInfo")]
public sealed record BootInfo(
    [property: Id(0)] string Vendor,
    [property: Id(1)] string Model,
    [property: Id(2)] string? FirmwareVersion,
    [property: Id(3)] string? SerialNumber,
    [property: Id(4)] DateTime BootedAt);
