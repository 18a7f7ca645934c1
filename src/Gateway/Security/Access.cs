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
    public static bool MayRead(ClaimsPrincipal caller, SessionView session) =>
        caller.IsOperator()
        || (caller.IsDriver() && caller.IdTags().Contains(session.IdTag))
        || (caller.IsDriver() && caller.CustomerId() is { } customer && customer == session.CustomerId)
        || (caller.ChargerId() is { } self && self == session.ChargerId);

    /// <summary>The one answer for a session that does not exist and for one the caller may not see.</summary>
    public static RpcException NoSuchSession(string sessionId) =>
        new(new Status(StatusCode.NotFound, $"session '{sessionId}' does not exist or is not visible to this caller"));

    /// <summary>Who a caller is, for the record of who did what: the token's subject, or the charger.</summary>
    public static string Who(ClaimsPrincipal caller) =>
        caller.ChargerId() is { } charger ? $"charger:{charger}"
        : $"{(caller.IsOperator() ? ChargeRoles.Operator : ChargeRoles.Driver)}:{caller.FindFirst("sub")?.Value ?? "unknown"}";

    /// <summary>Operators see every invoice; a driver those of their id_tags and of their customer account.</summary>
    public static bool MayRead(ClaimsPrincipal caller, Invoice invoice) =>
        caller.IsOperator()
        || (caller.IsDriver() && caller.IdTags().Contains(invoice.IdTag))
        || (caller.IsDriver() && caller.CustomerId() is { } customer && customer == invoice.BillTo?.CustomerId);

    public static void EnsureOwnIdTag(ClaimsPrincipal caller, string idTag)
    {
        if (!caller.IsOperator() && !caller.IdTags().Contains(idTag))
        {
            throw Denied($"id_tag '{idTag}' is not one of this caller's");
        }
    }
}
