using Charge.Silo;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;

namespace Charge.Host.Tests;

/// <summary>A setting outside its documented range stops the process at start with the key named, never at first use.</summary>
public sealed class StartupValidationTests
{
    [Theory]
    [InlineData("Charge:Cluster:SiloPort", "0", "between 1 and 65535")]
    [InlineData("Charge:Cluster:ResponseTimeout", "00:00:00", "ResponseTimeout")]
    [InlineData("Charge:Sessions:MaxAnomaliesKept", "0", "between 1 and 10000")]
    [InlineData("Charge:Telemetry:ScrapeNetworks:0", "banana", "'banana' is not a network in CIDR notation")]
    [InlineData("Charge:Telemetry:OtlpEndpoint", "collector", "'collector' is not an http(s) URL")]
    public void A_setting_needed_to_build_the_host_is_validated_when_it_is_read(string key, string value, string expected)
    {
        var error = Assert.Throws<OptionsValidationException>(() => ChargeSiloHost.Build([$"--{key}={value}", "--Charge:Storage:Provider=Memory"]));

        Assert.Contains(key, error.Message);
        Assert.Contains(expected, error.Message);
    }

    [Fact]
    public async Task A_service_setting_out_of_range_stops_the_start_before_anything_listens()
    {
        using var host = ChargeSiloHost.Build(["--Charge:RateLimit:PerChargerPerSecond=0", "--Charge:Storage:Provider=Memory"]);

        var error = await Assert.ThrowsAsync<OptionsValidationException>(() => host.StartAsync());

        Assert.Contains("PerChargerPerSecond", error.Message);
        Assert.Contains("between 1 and 100000", error.Message);
    }
}
