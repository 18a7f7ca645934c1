using System.Collections.Immutable;

namespace Charge.Grains.Interfaces;

/// <summary>A settled session: its invoice number, when it has an invoice of its own (none without a tariff, or on a monthly statement).</summary>
[GenerateSerializer]
[Alias("charge.Settlement")]
public sealed record Settlement([property: Id(0)] string? InvoiceNumber);
