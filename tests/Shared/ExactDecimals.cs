using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace Charge.Tests;

/// <summary>Reads the API's money and quantities, which are exact decimal strings ("12.24265"), never JSON numbers.</summary>
public static class ExactDecimals
{
    public static decimal ExactDecimal(this JsonNode node) =>
        node.GetValueKind() == JsonValueKind.String
            ? decimal.Parse(node.GetValue<string>(), NumberStyles.AllowLeadingSign | NumberStyles.AllowDecimalPoint, CultureInfo.InvariantCulture)
            : throw new FormatException($"expected an exact decimal string, got {node.ToJsonString()}");
}
