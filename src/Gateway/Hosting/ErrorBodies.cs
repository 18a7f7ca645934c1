using System.Text.Json;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Diagnostics;

namespace Charge.Gateway.Hosting;

/// <summary>
/// Every refusal over HTTP says what was wrong: responses the framework ends without a body (authentication,
/// authorization, unknown routes and methods, media types) get the same <c>{"code","message"}</c> body as the API's
/// own errors. gRPC callers keep their status codes (their clients read trailers, not bodies).
/// </summary>
public static class ErrorBodies
{
    public static WebApplication UseChargeErrorBodies(this WebApplication app)
    {
        // 503 says when to come back (storage or cluster unavailable, or this gateway draining).
        app.Use((context, next) =>
        {
            context.Response.OnStarting(() =>
            {
                if (context.Response.StatusCode == StatusCodes.Status503ServiceUnavailable && !context.Response.Headers.ContainsKey("Retry-After"))
                {
                    context.Response.Headers.RetryAfter = "5";
                }

                return Task.CompletedTask;
            });
            return next(context);
        });

        app.UseStatusCodePages(async context =>
        {
            var http = context.HttpContext;
            if (http.WebSockets.IsWebSocketRequest)
            {
                return;
            }

            var code = http.Response.StatusCode;
            var what = $"{http.Request.Method} {http.Request.Path}";
            var unauthenticated = "authentication required: apps and operators send 'Authorization: Bearer <token>', chargers HTTP Basic chargerId:secret"
                + ((http.Items[Security.SecurityHostingExtensions.AuthenticationFailure] as string
                    ?? http.Features.Get<IAuthenticateResultFeature>()?.AuthenticateResult?.Failure?.Message) is { } why ? $": {why}" : "");
            var forbidden = $"this credential may not call {what}: its role is not one this operation admits";
            if (http.Request.ContentType?.StartsWith("application/grpc", StringComparison.OrdinalIgnoreCase) == true)
            {
                // A gRPC caller reads the status, not the HTTP code: a trailers-only answer with the reason.
                if (code is StatusCodes.Status401Unauthorized or StatusCodes.Status403Forbidden)
                {
                    var grpcMessage = code == StatusCodes.Status401Unauthorized ? unauthenticated : forbidden;
                    http.Response.StatusCode = StatusCodes.Status200OK;
                    http.Response.ContentType = "application/grpc";
                    http.Response.Headers["grpc-status"] = code == StatusCodes.Status401Unauthorized ? "16" : "7";
                    http.Response.Headers["grpc-message"] = GrpcMessage(grpcMessage);
                }

                return;
            }

            var message = code switch
            {
                StatusCodes.Status401Unauthorized => unauthenticated,
                StatusCodes.Status403Forbidden => forbidden,
                StatusCodes.Status404NotFound => $"no such resource or route: {what}",
                StatusCodes.Status405MethodNotAllowed => $"method {http.Request.Method} is not allowed on {http.Request.Path}",
                StatusCodes.Status415UnsupportedMediaType => $"{what} takes a JSON body: send 'Content-Type: application/json'",
                _ when code is >= 400 and < 500 => $"{what} was refused ({code})",
                _ => null,
            };
            if (message is null)
            {
                return;
            }

            http.Response.ContentType = "application/json";
            await http.Response.WriteAsync(JsonSerializer.Serialize(new { code, message }));
        });
        return app;
    }

    /// <summary>
    /// The gRPC spec's percent-encoding of grpc-message: only bytes outside printable ASCII and '%' itself are encoded
    /// (Uri.EscapeDataString also encodes ': , /', which clients then show as %3A).
    /// </summary>
    public static string GrpcMessage(string message)
    {
        var text = new System.Text.StringBuilder(message.Length);
        foreach (var b in System.Text.Encoding.UTF8.GetBytes(message))
        {
            _ = b is >= 0x20 and <= 0x7E and not (byte)'%' ? text.Append((char)b) : text.Append('%').Append(b.ToString("X2", System.Globalization.CultureInfo.InvariantCulture));
        }

        return text.ToString();
    }
}
