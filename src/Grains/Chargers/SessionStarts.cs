using Charge.Grains.Interfaces;
using Charge.Grains.Interfaces.Tariffs;

namespace Charge.Grains.Chargers;

/// <summary>
/// What a start asks beyond the charger itself: whether the token registry lets the id_tag start (holding a
/// concurrent-session slot), the terms the charger fixes for the session (tariff in force — the customer group's
/// first —, site and zone, connector maximum, customer), and the indexes a started session joins.
/// </summary>
internal sealed class SessionStarts(ChargerRecord record, ConnectorBoard board)
{
    private ChargerState State => record.State;

    private IGrainFactory Grains => record.Grains;

    /// <summary>The registry's answer; a refusal is kept on the charger (the caller writes it).</summary>
    public async Task<StartAuthorization> Authorize(StartSessionCommand command, int? transactionId, DateTime now)
    {
        var authorization = await Grains.GetGrain<ITokenGrain>(command.IdTag).AuthorizeStart(command.SessionId);
        if (!authorization.Authorization.Accepted)
        {
            board.Refused(new RefusedStart(now, command.ConnectorId, command.IdTag, authorization.Authorization.Status,
                authorization.Authorization.Reason, transactionId, command.Timestamp, command.MeterStartWh));
        }

        return authorization;
    }

    /// <summary>The session's terms, and the customer group (for the load balancer's priorities).</summary>
    public async Task<(SessionTerms Terms, string? TariffGroup)> Terms(StartSessionCommand command, StartAuthorization? authorization)
    {
        var siteZone = State.SiteId is { } site ? (await Grains.GetGrain<ISiteGrain>(site).Get()).Info?.TimeZone : null;
        var customerId = authorization?.CustomerId;
        var tariffGroup = customerId is null ? null : await Grains.GetGrain<ICustomerGrain>(customerId).GetTariffGroup();
        TariffRef? tariff = await Tariffs.TariffInForce.At(Grains, record.ChargerId, State.SiteId, command.Timestamp, tariffGroup);
        return (new SessionTerms(tariff, State.SiteId, siteZone, board.MaxPowerOf(command.ConnectorId), customerId), tariffGroup);
    }

    /// <summary>A started session joins its id_tag's list and its customer's.</summary>
    public Task Index(SessionRef reference, string? customerId) => Task.WhenAll(
        Grains.GetGrain<IIdTagGrain>(reference.IdTag).AddSession(reference),
        customerId is null ? Task.CompletedTask : Grains.GetGrain<ICustomerGrain>(customerId).AddSession(reference));
}
