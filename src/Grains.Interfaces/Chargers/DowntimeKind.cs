using System.Collections.Immutable;

namespace Charge.Grains.Interfaces;

public enum DowntimeKind
{
    Offline = 0,
    Faulted = 1,
}
