using System.Reflection;
using Charge.Grains.Interfaces;

namespace Charge.Grains.Tests;

/// <summary>A grain interface is one role a reader can hold in their head; a grain with more jobs implements several.</summary>
public sealed class GrainInterfaceSizeTests
{
    public const int MaxMethods = 12;

    [Fact]
    public void No_grain_interface_declares_more_than_twelve_methods()
    {
        var large = typeof(IChargerGrain).Assembly.GetTypes()
            .Where(t => t.IsInterface && typeof(IAddressable).IsAssignableFrom(t))
            .Select(t => (t.Name, Methods: t.GetMethods(BindingFlags.Public | BindingFlags.Instance | BindingFlags.DeclaredOnly).Length))
            .Where(t => t.Methods > MaxMethods)
            .Select(t => $"{t.Name}: {t.Methods}")
            .ToList();

        Assert.True(large.Count == 0, "too many methods: " + string.Join(", ", large));
    }
}
