using System.Threading.Channels;
using Charge.Api.V1;
using Charge.Gateway.Hosting;
using Charge.Gateway.Security;
using Charge.Grains.Interfaces;
using Microsoft.AspNetCore.Authorization;
using Grpc.Core;
using Microsoft.Extensions.Options;
using static Charge.Gateway.Services.RequestValidation;

namespace Charge.Gateway.Services;

/// <summary>Reading sessions: one, a live feed of one, or a list by charger or id_tag.</summary>
public sealed class SessionGrpcService(IGrainFactory grains, TimeProvider time, IOptions<GatewayOptions> options, Hosting.CommandRateLimiter commandLimiter)
    : SessionService.SessionServiceBase
{
    public const int DefaultPageSize = 50;
    public const int MaxPageSize = 500;

    [Authorize(Policy = ChargeRoles.Policies.DriverOrOperator)]
    public override async Task<Session> GetSession(GetSessionRequest request, ServerCallContext context)
    {
        var sessionId = SessionId(request.SessionId, "session_id");
        var view = await Readable(grains.Reference<ISessionGrain>(sessionId), sessionId, context);
        return view.ToApi(Now);
    }

    /// <summary>
    /// The session's view, when it exists and the caller may see it. Both refusals are the same NotFound, so a caller
    /// cannot learn whether someone else's session exists.
    /// </summary>
    private static async Task<SessionView> Readable(ISessionGrain session, string sessionId, ServerCallContext context)
    {
        var view = await session.GetView();
        if (view.Status == SessionStatus.None || !Access.MayRead(context.Caller(), view))
        {
            throw Access.NoSuchSession(sessionId);
        }

        return view;
    }

    [Authorize(Policy = ChargeRoles.Policies.DriverOrOperator)]
    public override async Task<RequestStopResponse> RequestStop(RequestStopRequest request, ServerCallContext context)
    {
        var sessionId = SessionId(request.SessionId, "session_id");
        var view = await Readable(grains.Reference<ISessionGrain>(sessionId), sessionId, context);
        if (view.Status != SessionStatus.Active)
        {
            throw new RpcException(new Status(StatusCode.FailedPrecondition, $"session '{sessionId}' is {view.Status.ToString().ToLowerInvariant()}: there is nothing to stop"));
        }

        var who = Access.Who(context.Caller());
        if (!commandLimiter.TryAcquire(who))
        {
            throw new RpcException(new Status(StatusCode.ResourceExhausted,
                $"more than {commandLimiter.PerMinute} stop requests a minute from this caller; a stop already asked for is answered to every repeat of it"));
        }

        var result = await grains.GetGrain<IChargerGrain>(view.ChargerId).RequestStop(sessionId, who);
        return new RequestStopResponse { Channel = result.Channel, Status = result.Status, Session = result.Session.ToApi(Now) };
    }

    [Authorize(Policy = ChargeRoles.Policies.Operator)]
    public override async Task<Session> ForceCloseSession(ForceCloseSessionRequest request, ServerCallContext context)
    {
        var sessionId = SessionId(request.SessionId, "session_id");
        var view = await Readable(grains.Reference<ISessionGrain>(sessionId), sessionId, context);
        var closed = await grains.GetGrain<IChargerGrain>(view.ChargerId).CloseSession(
            sessionId, new CloseSessionCommand(CloseReasons.ForceClosed, Access.Who(context.Caller()), Now));
        return closed.ToApi(Now);
    }

    [Authorize(Policy = ChargeRoles.Policies.DriverOrOperator)]
    public override async Task WatchSession(WatchSessionRequest request, IServerStreamWriter<Session> responseStream, ServerCallContext context)
    {
        var sessionId = SessionId(request.SessionId, "session_id");
        var session = grains.Reference<ISessionGrain>(sessionId);
        await Readable(session, sessionId, context);

        // Only the newest view matters to a watcher: a slow reader skips intermediate ones.
        var updates = Channel.CreateBounded<SessionView>(new BoundedChannelOptions(16)
        {
            FullMode = BoundedChannelFullMode.DropOldest,
            SingleReader = true,
        });
        var watcher = new ChannelSessionWatcher(updates.Writer);
        // Registrations expire and vanish if the session grain moves: renewing also repairs that, and the view it
        // returns covers any change missed meanwhile.
        await using var subscription = Hosting.ObserverSubscription<ISessionWatcher>.Create(grains, watcher,
            async reference => updates.Writer.TryWrite(await session.Watch(reference)), session.Unwatch);
        var current = await session.Watch(subscription.Reference);
        var sent = current.Version;
        await responseStream.WriteAsync(current.ToApi(Now), context.CancellationToken);
        if (current.Status == SessionStatus.Completed)
        {
            return;
        }

        subscription.StartRenewing(options.Value.WatchRenewal, time);
        await foreach (var view in updates.Reader.ReadAllAsync(context.CancellationToken))
        {
            if (view.Version <= sent)
            {
                continue;
            }

            sent = view.Version;
            await responseStream.WriteAsync(view.ToApi(Now), context.CancellationToken);
            if (view.Status == SessionStatus.Completed)
            {
                break;
            }
        }
    }

    /// <summary>The most sessions one ListSessions adds up for its totals (and pages through).</summary>
    public const int MaxTotalsSessions = 5_000;

    /// <summary>The longest range a site's or the network's completed sessions are listed over.</summary>
    public static readonly TimeSpan MaxArchiveRange = TimeSpan.FromDays(31);

    /// <summary>
    /// By charger, site or the network: operators. By id_tag or customer: operators, and drivers for their own. Pages
    /// newest start first; totals over everything the filter selects.
    /// </summary>
    [Authorize(Policy = ChargeRoles.Policies.DriverOrOperator)]
    public override async Task<ListSessionsResponse> ListSessions(ListSessionsRequest request, ServerCallContext context)
    {
        var chargerId = OptionalId(request.ChargerId, "charger_id");
        var idTag = OptionalId(request.IdTag, "id_tag");
        var customerId = OptionalId(request.CustomerId, "customer_id");
        var siteId = OptionalId(request.SiteId, "site_id");
        if (new[] { chargerId, idTag, customerId, siteId }.Count(x => x is not null) > 1)
        {
            throw Invalid("give at most one of charger_id, id_tag, customer_id and site_id");
        }

        var caller = context.Caller();
        if (idTag is not null)
        {
            Access.EnsureOwnIdTag(caller, idTag);
        }
        else if (customerId is not null)
        {
            if (!caller.IsOperator() && caller.CustomerId() != customerId)
            {
                throw Access.Denied($"customer '{customerId}' is not this caller's");
            }
        }
        else if (!caller.IsOperator())
        {
            throw chargerId is null && siteId is null
                ? Invalid("give id_tag or customer_id: a driver lists their own sessions")
                : Access.Denied("listing a charger's or a site's sessions is for operators");
        }

        var archived = chargerId is null && idTag is null && customerId is null;
        var now = Now;
        var from = OptionalBound(request.From, "from") ?? (archived ? now.AddDays(-1) : DateTime.MinValue);
        var to = OptionalBound(request.To, "to") ?? (archived ? now.AddTicks(1) : DateTime.MaxValue);
        if (from >= to)
        {
            throw Invalid("from must be before to");
        }

        if (archived && to - from > MaxArchiveRange)
        {
            throw Invalid($"a site's or the network's sessions are listed over at most {MaxArchiveRange.TotalDays:0} days: narrow from/to");
        }

        var pageSize = request.PageSize switch
        {
            0 => DefaultPageSize,
            < 0 or > MaxPageSize => throw Invalid($"page_size must be between 1 and {MaxPageSize}"),
            var n => n,
        };
        var after = SessionCursor.Read(request.PageToken);
        SessionStatus? state = request.State.Length == 0 ? null : request.State.ToUpperInvariant().Replace("SESSION_STATE_", "") switch
        {
            "ACTIVE" => SessionStatus.Active,
            "STOPPING" => SessionStatus.Stopping,
            "COMPLETED" => SessionStatus.Completed,
            _ => throw Invalid("state must be SESSION_STATE_ACTIVE, SESSION_STATE_STOPPING or SESSION_STATE_COMPLETED"),
        };

        // Everything the filter selects (newest start first, at most MaxTotalsSessions + 1 to know whether it is all).
        SessionView[] selected;
        if (archived)
        {
            // The archive is partitioned by local start date: a day either side covers every zone; then the exact bounds.
            var query = new ExportQuery(DateOnly.FromDateTime(from.AddDays(-1)), DateOnly.FromDateTime(to.AddDays(1)), SiteId: siteId);
            selected = [.. (await grains.GetGrain<IBillingGrain>("billing").CompletedSessions(query))
                .Where(v => v.StartedAt >= from && v.StartedAt < to)];
        }
        else
        {
            var refs = chargerId is not null ? await grains.GetGrain<IChargerGrain>(chargerId).ListSessions(from, to, MaxTotalsSessions + 1)
                : idTag is not null ? await grains.GetGrain<IIdTagGrain>(idTag).ListSessions(from, to, MaxTotalsSessions + 1)
                : await grains.GetGrain<ICustomerGrain>(customerId!).ListSessions(from, to, MaxTotalsSessions + 1);
            var views = new List<SessionView>(refs.Length);
            foreach (var chunk in refs.Chunk(100))
            {
                views.AddRange(await Task.WhenAll(chunk.Select(r => grains.Reference<ISessionGrain>(r.SessionId).GetView())));
            }

            selected = [.. views.Where(v => v.Status != SessionStatus.None)];
        }

        if (state is { } wanted)
        {
            selected = [.. selected.Where(v => v.Status == wanted)];
        }

        selected = [.. selected.OrderByDescending(v => v.StartedAt).ThenByDescending(v => v.SessionId, StringComparer.Ordinal)];
        var complete = selected.Length <= MaxTotalsSessions;
        selected = selected[..Math.Min(selected.Length, MaxTotalsSessions)];
        var rest = after is { } cursor ? selected.SkipWhile(v => !cursor.Precedes(v)).ToArray() : selected;
        var page = rest.Take(pageSize).ToArray();

        var response = new ListSessionsResponse
        {
            Totals = new SessionTotals { Sessions = selected.Length, EnergyKwh = (double)(selected.Sum(v => v.EnergyWh) / 1000m), Complete = complete },
            NextPageToken = rest.Length > page.Length ? SessionCursor.After(page[^1]) : "",
        };
        // Final totals as invoiced (rounded); a running session's cost so far.
        response.Totals.Cost.AddRange(selected.Where(v => v.Cost is not null).GroupBy(v => v.Cost!.Currency).OrderBy(g => g.Key, StringComparer.Ordinal)
            .Select(g => new CurrencyTotal { Currency = g.Key, Total = CostMapping.Exact(g.Aggregate(Charge.Grains.Interfaces.Tariffs.Money.Zero, (sum, v) => sum + v.Cost!.TotalRounded)) }));
        // A list is a summary: slots and anomalies are left to GetSession.
        response.Sessions.AddRange(page.Select(v => v.ToApi(now, withDetail: false)));
        return response;
    }

    /// <summary>Where a page of sessions (newest start first) ends: the last one's start and ID, as an opaque token.</summary>
    private sealed record SessionCursor(DateTime StartedAt, string SessionId)
    {
        /// <summary>Whether <paramref name="view"/> comes after the cursor in the list's order.</summary>
        public bool Precedes(SessionView view) =>
            view.StartedAt < StartedAt || view.StartedAt == StartedAt && string.CompareOrdinal(view.SessionId, SessionId) < 0;

        public static string After(SessionView last) =>
            Convert.ToBase64String(System.Text.Encoding.UTF8.GetBytes($"{last.StartedAt.Ticks}|{last.SessionId}"));

        public static SessionCursor? Read(string token)
        {
            if (token.Length == 0)
            {
                return null;
            }

            try
            {
                var text = System.Text.Encoding.UTF8.GetString(Convert.FromBase64String(token));
                var bar = text.IndexOf('|');
                return bar > 0 && long.TryParse(text.AsSpan(0, bar), System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out var ticks)
                       && ticks is >= 0 and <= 3155378975999999999
                    ? new SessionCursor(new DateTime(ticks, DateTimeKind.Utc), text[(bar + 1)..])
                    : throw Invalid("page_token is not a token this API gave out");
            }
            catch (FormatException)
            {
                throw Invalid("page_token is not a token this API gave out");
            }
        }
    }

    private DateTime Now => time.GetUtcNow().UtcDateTime;

    private sealed class ChannelSessionWatcher(ChannelWriter<SessionView> writer) : ISessionWatcher
    {
        public Task OnSessionChanged(SessionView view)
        {
            writer.TryWrite(view);
            return Task.CompletedTask;
        }
    }
}
