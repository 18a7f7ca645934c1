using System.Collections.Immutable;

namespace Charge.Grains.Interfaces;

public enum CustomerKind
{
    Person = 0,
    Company = 1,
}
