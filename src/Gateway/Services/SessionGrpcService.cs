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
public sealed class SessionGrpcService(IGrainFactory grains, TimeProvider time, IOptions<GatewayOptions> options)
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

        var result = await grains.GetGrain<IChargerGrain>(view.ChargerId).RequestStop(sessionId, Access.Who(context.Caller()));
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
        var reference = grains.CreateObjectReference<ISessionWatcher>(watcher);
        using var renewal = new CancellationTokenSource();
        try
        {
            var current = await session.Watch(reference);
            var sent = current.Version;
            await responseStream.WriteAsync(current.ToApi(Now), context.CancellationToken);
            if (current.Status == SessionStatus.Completed)
            {
                return;
            }

            // Registrations expire and vanish if the session grain moves: renewing also repairs that, and the
            // view it returns covers any change missed meanwhile.
            var renewing = RenewAsync(session, reference, updates.Writer, renewal.Token);
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

            await renewal.CancelAsync();
            await renewing;
        }
        finally
        {
            await renewal.CancelAsync();
            try
            {
                await session.Unwatch(reference);
            }
            catch (Exception)
            {
                // Best effort: the registration expires by itself.
            }

            grains.DeleteObjectReference<ISessionWatcher>(reference);
            GC.KeepAlive(watcher);
        }
    }

    /// <summary>By charger: operators. By id_tag: operators, and drivers for their own id_tags.</summary>
    [Authorize(Policy = ChargeRoles.Policies.DriverOrOperator)]
    public override async Task<ListSessionsResponse> ListSessions(ListSessionsRequest request, ServerCallContext context)
    {
        var chargerId = OptionalId(request.ChargerId, "charger_id");
        var idTag = OptionalId(request.IdTag, "id_tag");
        var customerId = OptionalId(request.CustomerId, "customer_id");
        if (new[] { chargerId, idTag, customerId }.Count(x => x is not null) != 1)
        {
            throw Invalid("give exactly one of charger_id, id_tag and customer_id");
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
            throw Access.Denied("listing a charger's sessions is for operators");
        }

        var from = OptionalBound(request.From, "from") ?? DateTime.MinValue;
        var to = OptionalBound(request.To, "to") ?? DateTime.MaxValue;
        if (from >= to)
        {
            throw Invalid("from must be before to");
        }

        var pageSize = request.PageSize switch
        {
            0 => DefaultPageSize,
            < 0 or > MaxPageSize => throw Invalid($"page_size must be between 1 and {MaxPageSize}"),
            var n => n,
        };

        var refs = chargerId is not null ? await grains.GetGrain<IChargerGrain>(chargerId).ListSessions(from, to, pageSize)
            : idTag is not null ? await grains.GetGrain<IIdTagGrain>(idTag).ListSessions(from, to, pageSize)
            : await grains.GetGrain<ICustomerGrain>(customerId!).ListSessions(from, to, pageSize);
        var views = (await Task.WhenAll(refs.Select(r => grains.Reference<ISessionGrain>(r.SessionId).GetView())))
            .Where(v => v.Status != SessionStatus.None).ToArray();
        var response = new ListSessionsResponse { Totals = new SessionTotals { Sessions = views.Length, EnergyKwh = (double)(views.Sum(v => v.EnergyWh) / 1000m) } };
        // Final totals as invoiced (rounded); a running session's cost so far.
        response.Totals.Cost.AddRange(views.Where(v => v.Cost is not null).GroupBy(v => v.Cost!.Currency).OrderBy(g => g.Key, StringComparer.Ordinal)
            .Select(g => new CurrencyTotal { Currency = g.Key, Total = CostMapping.Exact(g.Aggregate(Charge.Grains.Interfaces.Tariffs.Money.Zero, (sum, v) => sum + v.Cost!.TotalRounded)) }));
        var now = Now;
        // A list is a summary: slots and anomalies are left to GetSession.
        response.Sessions.AddRange(views.Select(v => v.ToApi(now, withDetail: false)));
        return response;
    }

    private async Task RenewAsync(ISessionGrain session, ISessionWatcher reference, ChannelWriter<SessionView> writer, CancellationToken cancellation)
    {
        using var timer = new PeriodicTimer(options.Value.WatchRenewal, time);
        try
        {
            while (await timer.WaitForNextTickAsync(cancellation))
            {
                try
                {
                    writer.TryWrite(await session.Watch(reference));
                }
                catch (Exception) when (!cancellation.IsCancellationRequested)
                {
                    // A silo may be failing over; the next tick tries again.
                }
            }
        }
        catch (OperationCanceledException)
        {
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
