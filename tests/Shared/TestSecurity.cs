using System.Collections.Concurrent;
using System.Net.Http.Headers;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using Charge.Api.V1;
using Google.Protobuf;
using Grpc.Core;
using Grpc.Core.Interceptors;

namespace Charge.Tests;

/// <summary>
/// A test installation's secrets: a random signing key handed to the hosts, tokens minted with it (by hand, an
/// implementation independent of the gateway's), and chargers registered on first use.
/// </summary>
public sealed partial class TestSecurity
{
    public const string Issuer = "orleans-charge";
    public const string Audience = "orleans-charge";

    private readonly ConcurrentDictionary<string, Lazy<Task<string>>> _chargers = new();

    public string SigningKey { get; } = Convert.ToBase64String(RandomNumberGenerator.GetBytes(32));

    /// <summary>
    /// Lets unregistered id_tags charge. Tests written about sessions, billing and faults use made-up tags; the
    /// registry's own tests run hosts without it (the default, Reject).
    /// </summary>
    public const string OpenNetwork = "--Charge:Authorization:UnknownTags=Accept";

    /// <summary>Host arguments that make the hosts validate tokens with <see cref="SigningKey"/> and accept unregistered tags.</summary>
    public string[] HostArgs => [$"--Charge:Security:Jwt:SigningKey={SigningKey}", OpenNetwork];

    public string OperatorToken => Token("operator", "test-operator", []);

    public string Token(string role, string subject, IEnumerable<string> idTags, TimeSpan? lifetime = null, string? key = null,
        string issuer = Issuer, string audience = Audience, DateTime? issuedAt = null, string? customerId = null)
    {
        var now = issuedAt ?? DateTime.UtcNow;
        var iat = new DateTimeOffset(now).ToUnixTimeSeconds();
        var payload = new JsonObject
        {
            ["sub"] = subject,
            ["role"] = role,
            ["iss"] = issuer,
            ["aud"] = audience,
            ["iat"] = iat,
            ["nbf"] = iat,
            ["exp"] = iat + (long)(lifetime ?? TimeSpan.FromHours(1)).TotalSeconds,
        };
        var tags = idTags.ToArray();
        if (tags.Length > 0)
        {
            payload["id_tag"] = new JsonArray([.. tags.Select(t => JsonValue.Create(t))]);
        }

        if (customerId is not null)
        {
            payload["customer_id"] = customerId;
        }

        var unsigned = $"{B64("{\"alg\":\"HS256\",\"typ\":\"JWT\"}"u8.ToArray())}.{B64(Encoding.UTF8.GetBytes(payload.ToJsonString()))}";
        var signature = HMACSHA256.HashData(Convert.FromBase64String(key ?? SigningKey), Encoding.ASCII.GetBytes(unsigned));
        return $"{unsigned}.{B64(signature)}";
    }

    public static string B64(byte[] bytes) => Convert.ToBase64String(bytes).TrimEnd('=').Replace('+', '-').Replace('/', '_');

    public static string Bearer(string token) => $"Bearer {token}";

    public static string Basic(string chargerId, string secret) =>
        $"Basic {Convert.ToBase64String(Encoding.UTF8.GetBytes($"{chargerId}:{secret}"))}";

    public static Metadata Header(string authorization) => new() { { "authorization", authorization } };

    /// <summary>The Basic authorization of a charger, registered (10 connectors) through the operator API the first time it is named.</summary>
    public async Task<string> ChargerAuthorization(CallInvoker gateway, string chargerId)
    {
        var registration = _chargers.GetOrAdd(chargerId, id => new Lazy<Task<string>>(async () =>
        {
            var registered = await new ChargerService.ChargerServiceClient(gateway).RegisterChargerAsync(
                new RegisterChargerRequest { ChargerId = id, ConnectorCount = 10 }, Header(Bearer(OperatorToken)));
            return Basic(id, registered.Secret);
        }));
        try
        {
            return await registration.Value;
        }
        catch (RpcException)
        {
            // A gateway that is not serving yet: the next call registers again.
            _chargers.TryRemove(KeyValuePair.Create(chargerId, registration));
            throw;
        }
    }

    /// <summary>
    /// Gives a call without an authorization header the credential its caller would have: a station call the
    /// credential of the charger it names, anything else an operator token. Calls that carry their own header keep it.
    /// </summary>
    public sealed class Interceptor(TestSecurity security, Func<CallInvoker> gateway) : Grpc.Core.Interceptors.Interceptor
    {
        public override AsyncUnaryCall<TResponse> AsyncUnaryCall<TRequest, TResponse>(
            TRequest request, ClientInterceptorContext<TRequest, TResponse> context, AsyncUnaryCallContinuation<TRequest, TResponse> continuation)
        {
            if (HasAuthorization(context.Options.Headers))
            {
                return continuation(request, context);
            }

            async Task<TResponse> Run()
            {
                var authorization = await security.AuthorizationFor(gateway(), context.Method.ServiceName, request as IMessage);
                using var call = continuation(request, With(context, authorization));
                return await call.ResponseAsync;
            }

            return new AsyncUnaryCall<TResponse>(Run(), Task.FromResult(new Metadata()), () => Status.DefaultSuccess, () => [], () => { });
        }

        public override AsyncServerStreamingCall<TResponse> AsyncServerStreamingCall<TRequest, TResponse>(
            TRequest request, ClientInterceptorContext<TRequest, TResponse> context, AsyncServerStreamingCallContinuation<TRequest, TResponse> continuation) =>
            HasAuthorization(context.Options.Headers)
                ? continuation(request, context)
                : continuation(request, With(context, Bearer(security.OperatorToken)));

        public override AsyncDuplexStreamingCall<TRequest, TResponse> AsyncDuplexStreamingCall<TRequest, TResponse>(
            ClientInterceptorContext<TRequest, TResponse> context, AsyncDuplexStreamingCallContinuation<TRequest, TResponse> continuation) =>
            HasAuthorization(context.Options.Headers)
                ? continuation(context)
                : continuation(With(context, Bearer(security.OperatorToken)));

        private static bool HasAuthorization(Metadata? headers) => headers?.Any(h => h.Key == "authorization") == true;

        private static ClientInterceptorContext<TRequest, TResponse> With<TRequest, TResponse>(
            ClientInterceptorContext<TRequest, TResponse> context, string authorization)
            where TRequest : class where TResponse : class
        {
            var headers = new Metadata();
            foreach (var entry in context.Options.Headers ?? [])
            {
                headers.Add(entry);
            }

            headers.Add("authorization", authorization);
            return new ClientInterceptorContext<TRequest, TResponse>(context.Method, context.Host, context.Options.WithHeaders(headers));
        }
    }

    private Task<string> AuthorizationFor(CallInvoker gateway, string service, IMessage? request)
    {
        if (service == "charge.v1.StationService" && request?.Descriptor.FindFieldByName("charger_id")?.Accessor.GetValue(request) is string { Length: > 0 } chargerId)
        {
            return ChargerAuthorization(gateway, chargerId);
        }

        // A stop names its session, whose ID begins with its charger's.
        if (service == "charge.v1.StationService" && request?.Descriptor.FindFieldByName("session_id")?.Accessor.GetValue(request) is string { Length: > 0 } sessionId
            && sessionId.IndexOf('~') is > 0 and var at)
        {
            return ChargerAuthorization(gateway, sessionId[..at]);
        }

        return Task.FromResult(Bearer(OperatorToken));
    }

    /// <summary>The same for REST: station paths get their charger's Basic credential, everything else an operator token.</summary>
    public sealed partial class Handler(TestSecurity security, Func<CallInvoker> gateway) : DelegatingHandler(new HttpClientHandler())
    {
        protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
        {
            if (request.Headers.Authorization is null)
            {
                var path = request.RequestUri!.AbsolutePath;
                var station = request.Method == HttpMethod.Post ? StationPath().Match(path)
                    : request.Method == HttpMethod.Get ? CommandsPath().Match(path) : Match.Empty;
                if (!station.Success && request.Method == HttpMethod.Post)
                {
                    station = StopPath().Match(path);
                }

                var authorization = station.Success
                    ? await security.ChargerAuthorization(gateway(), Uri.UnescapeDataString(station.Groups[1].Value))
                    : Bearer(security.OperatorToken);
                request.Headers.Authorization = AuthenticationHeaderValue.Parse(authorization);
            }

            return await base.SendAsync(request, cancellationToken);
        }

        [GeneratedRegex("^/v1/chargers/([^/:]+)/(sessions|meter-values|status|heartbeat)$")]
        private static partial Regex StationPath();

        [GeneratedRegex("^/v1/chargers/([^/:]+)/commands$")]
        private static partial Regex CommandsPath();

        [GeneratedRegex("^/v1/sessions/([^/:~]+)(?:~|%7E)[^/:]+:stop$", RegexOptions.IgnoreCase)]
        private static partial Regex StopPath();
    }
}
