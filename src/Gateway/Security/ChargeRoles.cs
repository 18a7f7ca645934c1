using System.Security.Claims;

namespace Charge.Gateway.Security;

/// <summary>The claims and roles the gateway understands, and the authorization policies built from them.</summary>
public static class ChargeRoles
{
    public const string RoleClaim = "role";
    public const string IdTagClaim = "id_tag";

    /// <summary>A driver token may name the customer account it belongs to: then the driver sees that customer's sessions and invoices.</summary>
    public const string CustomerClaim = "customer_id";
    public const string ChargerIdClaim = "charger_id";

    public const string Operator = "operator";
    public const string Driver = "driver";
    public const string Charger = "charger";

    /// <summary>Policy names, one per kind of caller an RPC admits.</summary>
    public static class Policies
    {
        /// <summary>A registered charger, authenticated with its own credential.</summary>
        public const string Charger = "charger";

        /// <summary>An operator: prices, chargers, reports, everything.</summary>
        public const string Operator = "operator";

        /// <summary>A driver (restricted by the service to their own id_tags) or an operator.</summary>
        public const string DriverOrOperator = "driver-or-operator";

        /// <summary>The Prometheus scrape: an operator, or a caller from one of the scrape networks.</summary>
        public const string Metrics = "metrics";

        /// <summary>The cluster view (Orleans Dashboard): an operator with a bearer token or the cookie it exchanged for one.</summary>
        public const string ClusterView = "cluster-view";

        /// <summary>Printable documents (invoices as pages): an operator with a bearer token or the cookie it exchanged for one.</summary>
        public const string Documents = "documents";
    }

    public static bool IsOperator(this ClaimsPrincipal user) => user.HasClaim(RoleClaim, Operator);

    public static bool IsDriver(this ClaimsPrincipal user) => user.HasClaim(RoleClaim, Driver);

    /// <summary>The charger this caller authenticated as, if it is one.</summary>
    public static string? ChargerId(this ClaimsPrincipal user) =>
        user.Identity?.AuthenticationType == ChargerAuthenticationHandler.SchemeName && user.HasClaim(RoleClaim, Charger)
            ? user.FindFirst(ChargerIdClaim)?.Value
            : null;

    /// <summary>The roles a bearer token may carry: a charger is never a bearer token (it has its Basic credential).</summary>
    public static readonly IReadOnlySet<string> BearerRoles = new HashSet<string>(StringComparer.Ordinal) { Operator, Driver };

    public static IReadOnlySet<string> IdTags(this ClaimsPrincipal user) =>
        user.FindAll(IdTagClaim).Select(c => c.Value).ToHashSet(StringComparer.Ordinal);

    /// <summary>The customer a driver token names, if any.</summary>
    public static string? CustomerId(this ClaimsPrincipal user) => user.FindFirst(CustomerClaim)?.Value is { Length: > 0 } c ? c : null;
}
