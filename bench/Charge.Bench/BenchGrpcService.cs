using Charge.Bench.Api;
using Charge.Gateway.Security;
using Google.Protobuf.WellKnownTypes;
using Grpc.Core;
using Microsoft.AspNetCore.Authorization;

namespace Charge.Bench;

/// <summary>The benchmark's ceiling: a unary call that does nothing, behind the same authentication as the station API.</summary>
public sealed class BenchGrpcService : BenchService.BenchServiceBase
{
    private static readonly Task<Empty> Done = Task.FromResult(new Empty());

    [Authorize(Policy = ChargeRoles.Policies.Charger)]
    public override Task<Empty> Noop(Empty request, ServerCallContext context) => Done;
}
