using System.Collections.Immutable;

namespace Charge.Grains.Interfaces;

/// <summary>The log in a grain's memory, for the in-memory configuration (and tests): shared by every silo, durable in none.</summary>
[Alias("charge.IReadingLogGrain")]
public interface IReadingLogGrain : IGrainWithStringKey
{
    [Alias("Append")]
    Task<long> Append(MeterBatch batch);

    [Alias("Read")]
    Task<ImmutableArray<MeterBatch>> Read(long after);

    [Alias("Drop")]
    Task Drop();
}
