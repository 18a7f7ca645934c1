using Grpc.Core;
using Grpc.Core.Interceptors;

namespace Charge.Gateway.Hosting;

/// <summary>
/// A graceful stop (SIGTERM: Ctrl-C, docker stop, a Kubernetes rolling update) drains this gateway before the
/// silo leaves: station calls are refused with UNAVAILABLE / 503 and Retry-After, and OCPP sockets are closed
/// ("going away") so chargers reconnect to another gateway. Everything acknowledged before is durable already.
/// </summary>
public sealed class GatewayDrain
{
    private volatile bool _draining;

    public GatewayDrain(IHostApplicationLifetime lifetime, Ocpp.OcppConnections connections) =>
        lifetime.ApplicationStopping.Register(() =>
        {
            _draining = true;
            connections.CloseAll("this gateway is shutting down; reconnect");
        });

    public bool Draining => _draining;

    public const string Message = "this gateway is shutting down: retry, another gateway will take the call";
}

/// <summary>Refuses station calls (gRPC and, through transcoding, REST) while the gateway drains.</summary>
public sealed class DrainInterceptor(GatewayDrain drain) : Interceptor
{
    private const string Station = "/charge.v1.StationService/";

    public override Task<TResponse> UnaryServerHandler<TRequest, TResponse>(
        TRequest request, ServerCallContext context, UnaryServerMethod<TRequest, TResponse> continuation)
    {
        Refuse(context);
        return continuation(request, context);
    }

    public override Task ServerStreamingServerHandler<TRequest, TResponse>(
        TRequest request, IServerStreamWriter<TResponse> responseStream, ServerCallContext context, ServerStreamingServerMethod<TRequest, TResponse> continuation)
    {
        Refuse(context);
        return continuation(request, responseStream, context);
    }

    private void Refuse(ServerCallContext context)
    {
        if (drain.Draining && context.Method.StartsWith(Station, StringComparison.Ordinal))
        {
            throw new RpcException(new Status(StatusCode.Unavailable, GatewayDrain.Message));
        }
    }
}
