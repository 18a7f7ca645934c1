namespace Charge.Grains.Interfaces;

/// <summary>
/// One variable of a charger's device model (OCPP 2.0.1: a component's variable and one of its attributes; OCPP
/// 1.6: a configuration key, under the component "OCPP16"), as the charger last reported it.
/// </summary>
[GenerateSerializer]
[Alias("charge.DeviceVariable")]
public sealed record DeviceVariable(
    [property: Id(0)] string Component,
    [property: Id(1)] string? ComponentInstance,
    [property: Id(2)] int? Evse,
    [property: Id(3)] string Variable,
    [property: Id(4)] string? VariableInstance,
    [property: Id(5)] string AttributeType,
    [property: Id(6)] string? Value,
    [property: Id(7)] string? Mutability,
    [property: Id(8)] string? DataType,
    [property: Id(9)] string? Unit,
    [property: Id(10)] DateTime ReportedAt)
{
    /// <summary>What identifies the variable's attribute within the charger.</summary>
    public string Key => $"{Component}/{ComponentInstance}/{Evse}/{Variable}/{VariableInstance}/{AttributeType}";
}
