namespace Charge.Grains.Interfaces;

/// <summary>Grain storage names.</summary>
public static class StorageNames
{
    /// <summary>The grain storage all domain grains persist to.</summary>
    public const string Charge = "charge";
}
