using System.Diagnostics;
using System.Net.Sockets;

namespace Charge.Silo;

/// <summary>
/// The embedded default's durable storage: Azurite (npm package pinned in the repository's package.json) on
/// 127.0.0.1:10000-10002. An Azurite already listening there is used as is; otherwise the silo starts the
/// repository's own copy (running "npm ci" first if it is not installed yet) and stops it when the silo stops.
/// </summary>
public sealed class EmbeddedAzurite : IDisposable
{
    public const int BlobPort = 10000;
    public const string ConnectionString = "UseDevelopmentStorage=true";

    private readonly Process? _process;
    private readonly CountdownEvent _closed = new(2);
    private IDisposable? _hangUp;
    private int _disposed;

    private EmbeddedAzurite(Process? process, string how)
    {
        _process = process;
        How = how;
        if (process is not null)
        {
            // Azurite saves its metadata database as each service closes; these two are the ones we use.
            process.OutputDataReceived += (_, e) =>
            {
                if (e.Data is { } line && (line.Contains("Blob service successfully closed") || line.Contains("Table service successfully closed")))
                {
                    _closed.Signal();
                }
            };
        }
    }

    /// <summary>How Azurite was found, for the start-up log.</summary>
    public string How { get; }

    /// <summary>Whether it was already listening (another project's, or one started by hand): not this silo's to stop.</summary>
    public bool Foreign => _process is null;

    /// <summary>Finds or starts Azurite; null when neither works (the silo then falls back to memory).</summary>
    public static EmbeddedAzurite? TryStart(string location, TextWriter log)
    {
        if (Listening(BlobPort))
        {
            return new EmbeddedAzurite(null,
                $"an Azurite (or storage emulator) that was already listening on 127.0.0.1:{BlobPort}, not started by this silo: the data goes wherever it keeps its own, not to {location}; stop it to use the repository's");
        }

        var root = Charge.Hosting.RepositoryLocation.Root();
        var azurite = root is null ? null : Path.Combine(root, "node_modules", ".bin", "azurite");
        if (root is not null && !File.Exists(azurite) && File.Exists(Path.Combine(root, "package.json")))
        {
            log.WriteLine("Installing Azurite for durable local state (npm ci, once)...");
            Run("npm", "ci --no-audit --no-fund", root, TimeSpan.FromMinutes(5));
        }

        if (azurite is null || !File.Exists(azurite))
        {
            return null;
        }

        var data = Path.IsPathRooted(location) ? location : Path.Combine(root!, location);
        Directory.CreateDirectory(data);
        var process = Process.Start(new ProcessStartInfo(azurite,
            $"--location \"{data}\" --blobHost 127.0.0.1 --blobPort {BlobPort} --queueHost 127.0.0.1 --queuePort {BlobPort + 1} " +
            $"--tableHost 127.0.0.1 --tablePort {BlobPort + 2} --skipApiVersionCheck --loose --silent --disableTelemetry")
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        });
        if (process is null)
        {
            return null;
        }

        var started = new EmbeddedAzurite(process, $"Azurite started by this silo from {azurite}, data in {data}");
        process.ErrorDataReceived += (_, _) => { };
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        var deadline = DateTime.UtcNow.AddSeconds(30);
        while (!Listening(BlobPort) && DateTime.UtcNow < deadline && !process.HasExited)
        {
            Thread.Sleep(200);
        }

        if (!Listening(BlobPort))
        {
            started.Dispose();
            return null;
        }

        // Every way the silo ends that runs code saves Azurite's metadata first: a normal exit, a crash, and a hang-up
        // of the terminal (SIGINT and SIGTERM stop the host, whose shutdown disposes this).
        AppDomain.CurrentDomain.ProcessExit += (_, _) => started.Dispose();
        AppDomain.CurrentDomain.UnhandledException += (_, _) => started.Dispose();
        if (!OperatingSystem.IsWindows())
        {
            started._hangUp = System.Runtime.InteropServices.PosixSignalRegistration.Create(System.Runtime.InteropServices.PosixSignal.SIGHUP, _ => started.Dispose());
        }

        return started;
    }

    public void Dispose()
    {
        var process = _process;
        // Once, whichever shutdown path comes first (the host's stop, process exit, a crash, a hang-up).
        if (process is null || Interlocked.Exchange(ref _disposed, 1) == 1)
        {
            return;
        }

        _hangUp?.Dispose();

        try
        {
            if (process.HasExited)
            {
                return;
            }

            // Azurite writes its metadata database as its services close: a plain kill would lose what it has not
            // saved yet. Ask it to terminate, wait for the services it serves us to close, then end the process
            // (node lingers for a while after closing).
            if (!OperatingSystem.IsWindows() && Signal(process.Id, SigTerm) == 0)
            {
                _closed.Wait(TimeSpan.FromSeconds(15));
            }

            process.Kill(entireProcessTree: true);
            process.WaitForExit(5000);
        }
        catch (InvalidOperationException)
        {
            // Already gone.
        }
    }

    private const int SigTerm = 15;

    [System.Runtime.InteropServices.DllImport("libc", EntryPoint = "kill", SetLastError = true)]
    private static extern int Signal(int pid, int signal);

    private static bool Listening(int port)
    {
        try
        {
            using var client = new TcpClient();
            return client.ConnectAsync("127.0.0.1", port).Wait(TimeSpan.FromMilliseconds(300)) && client.Connected;
        }
        catch (Exception e) when (e is SocketException or AggregateException)
        {
            return false;
        }
    }

    private static void Run(string file, string arguments, string directory, TimeSpan timeout)
    {
        try
        {
            using var p = Process.Start(new ProcessStartInfo(file, arguments) { WorkingDirectory = directory });
            p?.WaitForExit(timeout);
        }
        catch (System.ComponentModel.Win32Exception)
        {
            // npm is not installed: the caller falls back to memory and says so.
        }
    }
}
