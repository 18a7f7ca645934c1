using System.Collections.Immutable;
using Charge.Grains.Interfaces;
using Charge.Grains.Sessions;

namespace Charge.Grains.Tests;

/// <summary>When a durable stop may trust its charger's hand-over instead of reading the session's log.</summary>
public sealed class StopHandOverTests
{
    private static MeterBatch Logged(long position) =>
        new("S", "C", position * 10, [new MeterReading(DateTime.UnixEpoch.AddMinutes(position), position * 100m, null, null, null)], position);

    [Fact]
    public void A_hand_over_holding_every_position_after_the_applied_one_is_taken_without_reading_the_log()
    {
        var taken = SessionReadings.HandOverIsComplete(3, [Logged(2), Logged(3), Logged(5), Logged(4)]);

        Assert.Equal([4L, 5L], taken!.Select(b => b.LogPosition));
    }

    [Fact]
    public void A_hand_over_the_session_has_applied_entirely_needs_nothing_more()
    {
        Assert.Empty(SessionReadings.HandOverIsComplete(7, [Logged(6), Logged(7)])!);
    }

    [Fact]
    public void A_gap_means_the_log_is_read()
    {
        // Position 5 was appended (kept by the store though its charger was told otherwise, or by an earlier activation).
        Assert.Null(SessionReadings.HandOverIsComplete(3, [Logged(4), Logged(6)]));
        // The hand-over starts above the applied position: what lies between was appended by an earlier activation.
        Assert.Null(SessionReadings.HandOverIsComplete(3, [Logged(6), Logged(7)]));
    }

    [Fact]
    public void No_logged_batch_in_the_hand_over_means_the_log_is_read()
    {
        // The charger's activation appended nothing for the session (it was reactivated, or every batch is older).
        Assert.Null(SessionReadings.HandOverIsComplete(3, []));
        Assert.Null(SessionReadings.HandOverIsComplete(0, [Logged(0) with { LogPosition = 0 }]));
    }
}
