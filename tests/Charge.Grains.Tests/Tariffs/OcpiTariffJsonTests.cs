using Charge.Grains.Interfaces;
using Charge.Grains.Tariffs;

namespace Charge.Grains.Tests.Tariffs;

public sealed class OcpiTariffJsonTests
{
    private const string Energy = """{"price_components":[{"type":"ENERGY","price":0.25,"step_size":1}]}""";

    private static ChargeException Rejected(string json, string? zone = null) =>
        Assert.Throws<ChargeException>(() => OcpiTariffJson.Parse(json, zone));

    [Fact]
    public void Every_shared_tariff_file_is_accepted()
    {
        var files = Directory.GetFiles(Path.Combine(TariffCases.Folder, "ocpi-tariffs"), "tariff.json", SearchOption.AllDirectories);
        Assert.Equal(24, files.Length);
        foreach (var file in files)
        {
            var tariff = OcpiTariffJson.Parse(File.ReadAllText(file), "Europe/Berlin");
            Assert.NotEmpty(tariff.Elements);
        }
    }

    [Fact]
    public void A_misspelled_field_is_rejected_with_its_name()
    {
        var json = File.ReadAllText(Path.Combine(TariffCases.Folder, "ocpi-tariffs-codeberg", "misspelled_field", "tariff.json"));
        var error = Rejected(json, "Europe/London");

        Assert.Equal(ChargeErrorKind.InvalidArgument, error.Kind);
        Assert.Contains("dayOfWeek", error.Message);
    }

    [Theory]
    [InlineData("""{"id":"t","currency":"XXY","elements":[{0}]}""", "currency")]
    [InlineData("""{"id":"t","currency":"eur","elements":[{0}]}""", "currency")]
    [InlineData("""{"id":"t","currency":"EUR","elements":[{"price_components":[{"type":"ENERGY","price":-0.1,"step_size":1}]}]}""", "elements[0].price_components[0].price")]
    [InlineData("""{"id":"t","currency":"EUR","elements":[{"price_components":[{"type":"ENERGY","price":0.1,"step_size":0}]}]}""", "elements[0].price_components[0].step_size")]
    [InlineData("""{"id":"t","currency":"EUR","elements":[{"price_components":[{"type":"KWH","price":0.1,"step_size":1}]}]}""", "elements[0].price_components[0].type")]
    [InlineData("""{"id":"t","currency":"EUR","elements":[{"price_components":[{"type":"TIME","price":0.1,"step_size":1}],"restrictions":{"start_time":"25:00"}}]}""", "elements[0].restrictions.start_time")]
    [InlineData("""{"id":"t","currency":"EUR","elements":[{"price_components":[{"type":"TIME","price":0.1,"step_size":1}],"restrictions":{"day_of_week":["FUNDAY"]}}]}""", "day_of_week[0]")]
    [InlineData("""{"id":"t","currency":"EUR","elements":[{"price_components":[{"type":"TIME","price":0.1,"step_size":1}],"restrictions":{"min_kwh":5,"max_kwh":1}}]}""", "min_kwh")]
    [InlineData("""{"id":"t","currency":"EUR","elements":[]}""", "elements")]
    [InlineData("""{"currency":"EUR","elements":[{0}]}""", "id")]
    [InlineData("""{"id":"t","currency":"EUR","elements":[{0}],"min_price":{"excl_vat":5},"max_price":{"excl_vat":1}}""", "min_price")]
    [InlineData("""{"id":"t","currency":"EUR","elements":[{0}],"surprise":1}""", "surprise")]
    [InlineData("""{"id":"t","currency":"EUR","elements":[{"price_components":[{"type":"ENERGY","price":"cheap","step_size":1}]}]}""", "price")]
    public void An_invalid_tariff_is_rejected_naming_the_field(string template, string field)
    {
        var error = Rejected(template.Replace("{0}", Energy));

        Assert.Equal(ChargeErrorKind.InvalidArgument, error.Kind);
        Assert.Contains(field, error.Message);
    }

    [Fact]
    public void A_bad_time_zone_is_rejected()
    {
        var error = Rejected($$"""{"id":"t","currency":"EUR","elements":[{{Energy}}]}""", "Mars/Olympus_Mons");
        Assert.Contains("time_zone", error.Message);
    }

    [Fact]
    public void A_time_of_day_tariff_without_a_time_zone_is_rejected()
    {
        var error = Rejected("""{"id":"t","currency":"EUR","elements":[{"price_components":[{"type":"TIME","price":1,"step_size":1}],"restrictions":{"start_time":"08:00","end_time":"20:00"}}]}""");
        Assert.Contains("time_zone is required", error.Message);
    }

    [Fact]
    public void The_time_zone_may_travel_inside_the_document()
    {
        var t = OcpiTariffJson.Parse("""{"id":"t","currency":"EUR","time_zone":"Europe/Paris","elements":[{"price_components":[{"type":"TIME","price":1,"step_size":1}],"restrictions":{"start_time":"08:00"}}]}""");
        Assert.Equal("Europe/Paris", t.TimeZone);
    }

    [Fact]
    public void Malformed_json_is_rejected()
    {
        var error = Rejected("""{"id":"t","currency":""");
        Assert.Equal(ChargeErrorKind.InvalidArgument, error.Kind);
    }
}
