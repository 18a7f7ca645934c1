using Charge.Grains.Interfaces;
using Charge.Grains.Chargers;
using Charge.Tests;

namespace Charge.Grains.Tests;

/// <summary>
/// A boot costs the store what it changes: the identity a charger reports (vendor, model, firmware, serial) is stored
/// before the answer, a reboot of the same charger writes nothing new (its boot time goes with the next write), and a
/// boot storm after a restart therefore costs one write per charger.
/// </summary>
[Collection(ClusterCollection.Name)]
public sealed class ChargerBootTests(ClusterFixture fixture)
{
    private IGrainFactory Grains => fixture.Grains;

    private Task<ChargerState> Stored(string chargerId) => fixture.StoredCharger(chargerId);

    [Fact]
    public async Task A_changed_identity_is_stored_before_the_answer_and_a_plain_reboot_writes_nothing()
    {
        var chargerId = TestIds.New("BOOT");
        var charger = Grains.GetGrain<IChargerGrain>(chargerId);
        var grain = charger.GetGrainId();
        await charger.Register(new ChargerRegistration(null, 1, new string('b', 64)));
        var t0 = DateTime.UtcNow;

        var beforeFirst = FaultInjectedStorage.Writes(grain);
        await charger.Boot(new BootInfo("Acme", "AC22", "1.0.0", "SN-1", t0));
        var first = FaultInjectedStorage.Writes(grain) - beforeFirst;
        Assert.Equal(1, first);
        Assert.Equal("1.0.0", (await Stored(chargerId)).Boot!.FirmwareVersion);

        // The same charger rebooting while online: only its boot time changed.
        var beforeReboot = FaultInjectedStorage.Writes(grain);
        await charger.Boot(new BootInfo("Acme", "AC22", "1.0.0", "SN-1", t0.AddMinutes(5)));
        Assert.Equal(beforeReboot, FaultInjectedStorage.Writes(grain));
        Assert.Equal(t0.AddMinutes(5), (await charger.GetView()).Boot!.BootedAt);

        // New firmware: stored before the answer, one write.
        var beforeUpdate = FaultInjectedStorage.Writes(grain);
        await charger.Boot(new BootInfo("Acme", "AC22", "1.1.0", "SN-1", t0.AddMinutes(10)));
        Assert.Equal(beforeUpdate + 1, FaultInjectedStorage.Writes(grain));
        var stored = await Stored(chargerId);
        Assert.Equal(("1.1.0", t0.AddMinutes(10)), (stored.Boot!.FirmwareVersion, stored.Boot.BootedAt));
    }

    [Fact]
    public async Task A_boot_whose_write_fails_is_refused_and_keeps_nothing_of_the_new_identity()
    {
        var chargerId = TestIds.New("BOOTF");
        var charger = Grains.GetGrain<IChargerGrain>(chargerId);
        await charger.Register(new ChargerRegistration(null, 1, new string('c', 64)));
        await charger.Boot(new BootInfo("Acme", "AC22", "1.0.0", "SN-1", DateTime.UtcNow));

        FaultInjectedStorage.FailNextWrites(charger.GetGrainId(), 1);
        await Assert.ThrowsAsync<ChargeException>(() => charger.Boot(new BootInfo("Acme", "AC22", "2.0.0", "SN-1", DateTime.UtcNow)));

        Assert.Equal("1.0.0", (await charger.GetView()).Boot!.FirmwareVersion);
        Assert.Equal("1.0.0", (await Stored(chargerId)).Boot!.FirmwareVersion);
    }
}
