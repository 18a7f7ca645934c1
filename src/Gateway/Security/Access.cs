using System.Security.Claims;
using Charge.Grains.Interfaces;
using Grpc.Core;

namespace Charge.Gateway.Security;

/// <summary>What a caller admitted by a method's policy may touch: a charger its own data, a driver their own id_tags' sessions.</summary>
public static class Access
{
    public static ClaimsPrincipal Caller(this ServerCallContext context) => context.GetHttpContext().User;

    public static RpcException Denied(string message) => new(new Status(StatusCode.PermissionDenied, message));

    /// <summary>A charger reports for itself only.</summary>
    public static void EnsureSelf(ClaimsPrincipal caller, string chargerId)
    {
        if (caller.ChargerId() is { } self && self != chargerId)
        {
            throw Denied($"authenticated as charger '{self}'; it cannot act for charger '{chargerId}'");
        }
    }

    /// <summary>Operators see every session; a driver those of their own id_tags; a charger those running on it.</summary>
    public static void EnsureMayRead(ClaimsPrincipal caller, SessionView session)
    {
        if (caller.IsOperator()
            || (caller.IsDriver() && caller.IdTags().Contains(session.IdTag))
            || (caller.ChargerId() is { } self && self == session.ChargerId))
        {
            return;
        }

        throw Denied($"session '{session.SessionId}' does not belong to this caller");
    }

    public static void EnsureOwnIdTag(ClaimsPrincipal caller, string idTag)
    {
        if (!caller.IsOperator() && !caller.IdTags().Contains(idTag))
        {
            throw Denied($"id_tag '{idTag}' is not one of this caller's");
        }
    }
}
