using System.Collections.Immutable;

namespace Charge.Grains.Interfaces;

public enum SessionStatus
{
    /// <summary>No session with this ID was ever started.</summary>
    None = 0,
    Active = 1,
    /// <summary>Stop received; waiting for meter batches already in flight before fixing the record.</summary>
    Stopping = 2,
    Completed = 3,
}
