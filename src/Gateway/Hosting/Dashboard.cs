using System.Collections.Concurrent;

namespace Charge.Gateway.Hosting;

/// <summary>The operator dashboard's files, embedded in the gateway (the chart libraries are vendored from npm by the build).</summary>
public static class Dashboard
{
    private static readonly ConcurrentDictionary<string, byte[]> Files = new();

    public static IResult File(string name)
    {
        // Only names that are resources get cached, so probing random names costs nothing lasting.
        if (!Files.TryGetValue(name, out var content))
        {
            using var stream = typeof(Dashboard).Assembly.GetManifestResourceStream($"dashboard.{name}");
            if (stream is null)
            {
                return Results.NotFound();
            }

            using var copy = new MemoryStream();
            stream.CopyTo(copy);
            content = Files[name] = copy.ToArray();
        }

        var type = Path.GetExtension(name) switch
        {
            ".html" => "text/html; charset=utf-8",
            ".js" => "text/javascript; charset=utf-8",
            ".css" => "text/css; charset=utf-8",
            _ => "application/octet-stream",
        };
        return Results.Bytes(content, type);
    }
}
