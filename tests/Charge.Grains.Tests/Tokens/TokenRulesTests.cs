using Charge.Grains.Interfaces;
using Charge.Grains.Tokens;

namespace Charge.Grains.Tests.Tokens;

public sealed class TokenRulesTests
{
    private static readonly DateTime Now = new(2026, 12, 2, 12, 0, 0, DateTimeKind.Utc);

    [Theory]
    [InlineData(TokenStatus.Accepted, AuthorizationStatus.Accepted)]
    [InlineData(TokenStatus.Blocked, AuthorizationStatus.Blocked)]
    [InlineData(TokenStatus.Expired, AuthorizationStatus.Expired)]
    [InlineData(TokenStatus.Invalid, AuthorizationStatus.Invalid)]
    public void A_tag_is_answered_with_its_own_status(TokenStatus status, AuthorizationStatus expected)
    {
        var answer = TokenRules.Decide("A", new TokenSpec(status), Now, group: null, runningSessions: 0);

        Assert.Equal(expected, answer.Status);
        Assert.Equal(expected == AuthorizationStatus.Accepted, answer.Reason.Length == 0);
    }

    [Fact]
    public void An_accepted_tag_past_its_expiry_is_expired_and_says_when()
    {
        var answer = TokenRules.Decide("A", new TokenSpec(TokenStatus.Accepted, ExpiresAt: Now.AddSeconds(-1)), Now, null, 0);

        Assert.Equal(AuthorizationStatus.Expired, answer.Status);
        Assert.Contains("2026-12-02T11:59:59Z", answer.Reason);
        Assert.Equal(Now.AddSeconds(-1), answer.ExpiryDate);
    }

    [Fact]
    public void A_tag_before_its_expiry_is_accepted_and_carries_the_expiry_and_parent()
    {
        var answer = TokenRules.Decide("A", new TokenSpec(TokenStatus.Accepted, Now.AddDays(1), "GROUP"), Now,
            new TokenAuthorization(AuthorizationStatus.Accepted, null, null, ""), 0);

        Assert.Equal(AuthorizationStatus.Accepted, answer.Status);
        Assert.Equal(Now.AddDays(1), answer.ExpiryDate);
        Assert.Equal("GROUP", answer.ParentIdTag);
    }

    [Theory]
    [InlineData(AuthorizationStatus.Blocked)]
    [InlineData(AuthorizationStatus.Expired)]
    [InlineData(AuthorizationStatus.Invalid)]
    public void A_group_that_is_not_accepted_refuses_its_members_with_its_status(AuthorizationStatus groupStatus)
    {
        var group = new TokenAuthorization(groupStatus, null, null, "id_tag 'GROUP' is refused");

        var answer = TokenRules.Decide("A", new TokenSpec(TokenStatus.Accepted, ParentIdTag: "GROUP"), Now, group, 0);

        Assert.Equal(groupStatus, answer.Status);
        Assert.Contains("group 'GROUP'", answer.Reason);
        Assert.Equal("GROUP", answer.ParentIdTag);
    }

    [Fact]
    public void A_tags_own_refusal_comes_before_its_groups()
    {
        var group = new TokenAuthorization(AuthorizationStatus.Expired, null, null, "expired");

        var answer = TokenRules.Decide("A", new TokenSpec(TokenStatus.Blocked, ParentIdTag: "GROUP"), Now, group, 0);

        Assert.Equal(AuthorizationStatus.Blocked, answer.Status);
    }

    [Theory]
    [InlineData(1, 0, AuthorizationStatus.Accepted)]
    [InlineData(1, 1, AuthorizationStatus.ConcurrentTx)]
    [InlineData(3, 2, AuthorizationStatus.Accepted)]
    [InlineData(3, 3, AuthorizationStatus.ConcurrentTx)]
    public void A_tag_at_its_concurrent_session_limit_is_concurrent_tx(int max, int running, AuthorizationStatus expected)
    {
        var answer = TokenRules.Decide("A", new TokenSpec(TokenStatus.Accepted, MaxConcurrentSessions: max), Now, null, running);

        Assert.Equal(expected, answer.Status);
    }

    [Fact]
    public void A_tag_without_a_limit_is_never_concurrent_tx()
    {
        Assert.Equal(AuthorizationStatus.Accepted, TokenRules.Decide("A", new TokenSpec(TokenStatus.Accepted), Now, null, 1000).Status);
    }

    [Fact]
    public void An_unknown_tag_follows_the_operators_policy()
    {
        Assert.Equal(AuthorizationStatus.Invalid, TokenRules.Unknown("X", UnknownTagPolicy.Reject).Status);
        Assert.Contains("'X' is not registered", TokenRules.Unknown("X", UnknownTagPolicy.Reject).Reason);
        Assert.Equal(AuthorizationStatus.Accepted, TokenRules.Unknown("X", UnknownTagPolicy.Accept).Status);
    }
}
