using Charge.Tests;
using Charge.Grains.Interfaces;
using Charge.Grains.Tokens;

namespace Charge.Grains.Tests.Tokens;

[Collection(ClusterCollection.Name)]
public sealed class TokenGrainTests(ClusterFixture fixture)
{
    [Fact]
    public async Task A_slot_whose_session_never_started_stays_taken_for_the_grace_period_then_frees_itself()
    {
        var token = fixture.Grains.GetGrain<ITokenGrain>(TestIds.New("TAG"));
        await token.Put(new TokenSpec(TokenStatus.Accepted, MaxConcurrentSessions: 1));

        // A start that took the slot and is still starting (or failed before its session existed).
        var starting = await token.AuthorizeStart(TestIds.New("cp") + "~starting");
        // Another start racing it on another charger must not take the slot from it.
        var racing = await token.AuthorizeStart(TestIds.New("cp") + "~racing");
        // The fixture's grace is 2 s: a start that is still not a session by then failed; its slot frees itself.
        await Task.Delay(TimeSpan.FromSeconds(2.5));
        var later = await token.AuthorizeStart(TestIds.New("cp") + "~later");

        Assert.True(starting.HoldsSlot);
        Assert.Equal(AuthorizationStatus.ConcurrentTx, racing.Authorization.Status);
        Assert.False(racing.HoldsSlot);
        Assert.Equal(AuthorizationStatus.Accepted, later.Authorization.Status);
        Assert.Equal(1, (await token.Get()).ActiveSessions);
    }

    [Fact]
    public async Task A_start_retried_after_a_failed_write_holds_a_slot_that_is_stored()
    {
        var idTag = TestIds.New("TAG");
        var token = fixture.Grains.GetGrain<ITokenGrain>(idTag);
        await token.Put(new TokenSpec(TokenStatus.Accepted, MaxConcurrentSessions: 1));
        var sessionId = TestIds.New("cp") + "~s-1";
        FaultInjectedStorage.FailNextWrites(token.GetGrainId(), 1);

        var failed = await Assert.ThrowsAsync<ChargeException>(() => token.AuthorizeStart(sessionId));
        // The charger retries the same start: the slot must be in storage before it is answered as held.
        var retried = await token.AuthorizeStart(sessionId);

        Assert.Equal(ChargeErrorKind.Unavailable, failed.Kind);
        Assert.True(retried.HoldsSlot);
        var stored = await fixture.Stored<TokenState>("token", token.GetGrainId());
        Assert.Equal([sessionId], stored.Running);
    }

    [Fact]
    public async Task A_running_session_keeps_its_slot_and_the_same_start_again_is_accepted()
    {
        var idTag = TestIds.New("TAG");
        await fixture.Grains.GetGrain<ITokenGrain>(idTag).Put(new TokenSpec(TokenStatus.Accepted, MaxConcurrentSessions: 1));
        var chargerId = TestIds.New("cp");
        var charger = fixture.Grains.GetGrain<IChargerGrain>(chargerId);
        var start = new StartSessionCommand("s-1", chargerId, 1, idTag, 0m, DateTime.UtcNow.AddMinutes(-5));

        var started = await charger.StartSession(start);
        var again = await charger.StartSession(start);
        var elsewhere = await Assert.ThrowsAsync<ChargeException>(() =>
            fixture.Grains.GetGrain<IChargerGrain>(TestIds.New("cp")).StartSession(start with { SessionId = "s-2", ChargerId = "" }));
        await charger.StopSession(new StopSessionCommand(started.SessionId, 100m, DateTime.UtcNow, "Local"));
        var afterStop = await fixture.Grains.GetGrain<ITokenGrain>(idTag).AuthorizeStart(TestIds.New("cp") + "~s-3");

        Assert.Equal(started.SessionId, again.SessionId);
        Assert.Equal(ChargeErrorKind.PermissionDenied, elsewhere.Kind);
        Assert.Contains("already has 1 session(s) running, its limit is 1", elsewhere.Message);
        Assert.Equal(AuthorizationStatus.Accepted, afterStop.Authorization.Status);
    }

    [Fact]
    public async Task A_deleted_group_no_longer_governs_its_members()
    {
        var group = TestIds.New("GRP");
        var member = TestIds.New("TAG");
        await fixture.Grains.GetGrain<ITokenGrain>(group).Put(new TokenSpec(TokenStatus.Blocked));
        await fixture.Grains.GetGrain<ITokenGrain>(member).Put(new TokenSpec(TokenStatus.Accepted, ParentIdTag: group));

        var blocked = await fixture.Grains.GetGrain<ITokenGrain>(member).Authorize();
        await fixture.Grains.GetGrain<ITokenGrain>(group).Delete();
        var afterDelete = await fixture.Grains.GetGrain<ITokenGrain>(member).Authorize();

        Assert.Equal(AuthorizationStatus.Blocked, blocked.Status);
        Assert.Equal(AuthorizationStatus.Accepted, afterDelete.Status);
    }
}
