using System.Globalization;
using System.Text;

namespace Charge.Tests;

/// <summary>OCPI tariff documents for tests, and putting one over REST.</summary>
public static class TestTariffs
{
    /// <summary>A EUR tariff with one element of these price components (each an OCPI JSON object).</summary>
    public static string Json(string id, params string[] components) =>
        $$"""{"id":"{{id}}","currency":"EUR","elements":[{"price_components":[{{string.Join(",", components)}}]}]}""";

    /// <summary>An ENERGY component: a price per kWh, its VAT percentage and step in Wh.</summary>
    public static string Energy(decimal pricePerKwh, decimal vat = 20m, int stepWh = 1) =>
        Component("ENERGY", pricePerKwh, vat, stepWh);

    /// <summary>A TIME component: a price per hour of charging, its VAT percentage and step in seconds.</summary>
    public static string Time(decimal pricePerHour, decimal vat = 20m, int stepSeconds = 60) =>
        Component("TIME", pricePerHour, vat, stepSeconds);

    private static string Component(string type, decimal price, decimal vat, int step) =>
        string.Create(CultureInfo.InvariantCulture, $$"""{"type":"{{type}}","price":{{price}},"vat":{{vat}},"step_size":{{step}}}""");

    /// <summary>PUTs the document as <c>/v1/tariffs/{id}</c> (with a time zone when given); a refusal fails the test.</summary>
    public static async Task Put(HttpClient http, string id, string json, string? timeZone = null)
    {
        using var content = new StringContent(json, Encoding.UTF8, "application/json");
        using var response = await http.PutAsync($"/v1/tariffs/{id}" + (timeZone is null ? "" : $"?timeZone={timeZone}"), content);
        if (!response.IsSuccessStatusCode)
        {
            throw new InvalidOperationException($"PUT tariff {id}: {(int)response.StatusCode} {await response.Content.ReadAsStringAsync()}");
        }
    }
}
