using Charge.Grains.Interfaces;
using Grpc.Core;
using Grpc.Core.Interceptors;
using Microsoft.Extensions.Logging;

namespace Charge.Gateway.Services;

/// <summary>
/// One place where domain errors become gRPC statuses (and so, through transcoding, HTTP codes). Anything
/// unexpected is logged here and answered without internal detail.
/// </summary>
public sealed partial class ErrorMappingInterceptor(ILogger<ErrorMappingInterceptor> logger) : Interceptor
{
    public override async Task<TResponse> UnaryServerHandler<TRequest, TResponse>(
        TRequest request, ServerCallContext context, UnaryServerMethod<TRequest, TResponse> continuation)
    {
        try
        {
            return await continuation(request, context);
        }
        catch (Exception e) when (e is not RpcException)
        {
            throw Map(e, context.Method);
        }
    }

    public override async Task ServerStreamingServerHandler<TRequest, TResponse>(
        TRequest request, IServerStreamWriter<TResponse> responseStream, ServerCallContext context,
        ServerStreamingServerMethod<TRequest, TResponse> continuation)
    {
        try
        {
            await continuation(request, responseStream, context);
        }
        catch (Exception e) when (e is not RpcException)
        {
            if (context.CancellationToken.IsCancellationRequested && e is OperationCanceledException)
            {
                return;
            }

            throw Map(e, context.Method);
        }
    }

    private RpcException Map(Exception e, string method)
    {
        switch (e)
        {
            case ChargeException ce:
                return new RpcException(new Status(ce.Kind switch
                {
                    ChargeErrorKind.InvalidArgument => StatusCode.InvalidArgument,
                    ChargeErrorKind.NotFound => StatusCode.NotFound,
                    ChargeErrorKind.AlreadyExists => StatusCode.AlreadyExists,
                    ChargeErrorKind.FailedPrecondition => StatusCode.FailedPrecondition,
                    ChargeErrorKind.Unavailable => StatusCode.Unavailable,
                    ChargeErrorKind.PermissionDenied => StatusCode.PermissionDenied,
                    _ => StatusCode.Internal,
                }, ce.Message));
            case TimeoutException:
                LogUnavailable(e, method);
                return new RpcException(new Status(StatusCode.Unavailable, "the cluster did not answer in time; retry"));
            case SiloUnavailableException or OrleansMessageRejectionException:
                LogUnavailable(e, method);
                return new RpcException(new Status(StatusCode.Unavailable, "the cluster is unavailable; retry"));
            case var _ when IsFromStorageClient(e):
                // A grain that could not load or store its state (storage down): nothing was applied; retry.
                LogUnavailable(e, method);
                return new RpcException(new Status(StatusCode.Unavailable, "storage is unavailable: the request was not applied; retry"));
            default:
                LogUnexpected(e, method);
                return new RpcException(new Status(StatusCode.Internal, "internal error"));
        }
    }

    /// <summary>A storage client's failure, as thrown or as the cluster forwards it (by type name across the wire).</summary>
    public static bool IsFromStorageClient(Exception e)
    {
        for (Exception? x = e; x is not null; x = x.InnerException)
        {
            var type = x is Orleans.Serialization.UnavailableExceptionFallbackException fallback ? fallback.ExceptionType : x.GetType().FullName;
            if (type is not null && (type.StartsWith("Azure.", StringComparison.Ordinal) || type.StartsWith("Orleans.Storage.", StringComparison.Ordinal)
                                     || type.Contains("StorageException", StringComparison.Ordinal)))
            {
                return true;
            }
        }

        return false;
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Call {Method} failed: cluster unavailable")]
    private partial void LogUnavailable(Exception e, string method);

    [LoggerMessage(Level = LogLevel.Error, Message = "Call {Method} failed unexpectedly")]
    private partial void LogUnexpected(Exception e, string method);
}
