using System.Diagnostics;
using System.Net;
using System.Net.Sockets;

namespace Charge.Tests;

/// <summary>A development service (Azurite, Redis) started by a test on free loopback ports in a temp folder.</summary>
public abstract class DevService : IAsyncDisposable
{
    private readonly Process _process;
    private bool _keepFolder;

    protected DevService(string file, string arguments, int port, string folder)
    {
        Folder = folder;
        Port = port;
        _process = Process.Start(new ProcessStartInfo(file, arguments)
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            WorkingDirectory = folder,
        }) ?? throw new InvalidOperationException($"could not start {file}");
        _process.OutputDataReceived += (_, _) => { };
        _process.ErrorDataReceived += (_, _) => { };
        _process.BeginOutputReadLine();
        _process.BeginErrorReadLine();
    }

    public int Port { get; }

    protected string Folder { get; }

    private static readonly HashSet<int> HandedOut = [];

    /// <summary>
    /// Ports free now and never handed out before in this test run: a port given to a process that has not bound it
    /// yet must not be given to the next one.
    /// </summary>
    public static int[] FreePorts(int count)
    {
        lock (HandedOut)
        {
            var ports = new List<int>(count);
            while (ports.Count < count)
            {
                var listener = new TcpListener(IPAddress.Loopback, 0);
                listener.Start();
                var port = ((IPEndPoint)listener.LocalEndpoint).Port;
                listener.Stop();
                if (HandedOut.Add(port))
                {
                    ports.Add(port);
                }
            }

            return [.. ports];
        }
    }

    protected static string TempFolder(string name)
    {
        var folder = Path.Combine(Path.GetTempPath(), $"charge-{name}-{Guid.NewGuid():N}");
        Directory.CreateDirectory(folder);
        return folder;
    }

    protected async Task WaitUntilListening(TimeSpan timeout)
    {
        var deadline = DateTime.UtcNow + timeout;
        while (DateTime.UtcNow < deadline)
        {
            if (_process.HasExited)
            {
                throw new InvalidOperationException($"{GetType().Name} exited with code {_process.ExitCode}");
            }

            try
            {
                using var client = new TcpClient();
                await client.ConnectAsync(IPAddress.Loopback, Port);
                return;
            }
            catch (SocketException)
            {
                await Task.Delay(100);
            }
        }

        throw new TimeoutException($"{GetType().Name} did not listen on {Port} within {timeout}");
    }

    /// <summary>Stops the service process, gracefully (SIGTERM: it saves what it holds) or not (SIGKILL), keeping its data folder.</summary>
    public async Task StopProcessAsync(bool graceful)
    {
        _keepFolder = true;
        if (_process.HasExited)
        {
            return;
        }

        if (!graceful || kill(_process.Id, 15) != 0)
        {
            _process.Kill(entireProcessTree: true);
        }

        using var cancel = new CancellationTokenSource(TimeSpan.FromSeconds(20));
        try
        {
            await _process.WaitForExitAsync(cancel.Token);
        }
        catch (OperationCanceledException)
        {
            _process.Kill(entireProcessTree: true);
        }
    }

    [System.Runtime.InteropServices.DllImport("libc", SetLastError = true)]
    private static extern int kill(int pid, int signal);

    public async ValueTask DisposeAsync()
    {
        try
        {
            if (!_process.HasExited)
            {
                _process.Kill(entireProcessTree: true);
                await _process.WaitForExitAsync();
            }
        }
        catch (InvalidOperationException)
        {
        }

        _process.Dispose();
        try
        {
            if (!_keepFolder)
            {
                Directory.Delete(Folder, recursive: true);
            }
        }
        catch (IOException)
        {
        }

        GC.SuppressFinalize(this);
    }
}

/// <summary>Azurite from the repository's node_modules (installed by test.sh from package.json).</summary>
public sealed class Azurite : DevService
{
    private readonly string _azurite;

    private Azurite(string azurite, int blob, int queue, int table, string folder)
        : base(azurite, $"--silent --location \"{folder}\" --blobHost 127.0.0.1 --blobPort {blob} --queueHost 127.0.0.1 --queuePort {queue} " +
                        $"--tableHost 127.0.0.1 --tablePort {table} --skipApiVersionCheck --loose --silent --disableTelemetry", blob, folder)
    {
        _azurite = azurite;
        TablePort = table;
        QueuePort = queue;
    }

    public int TablePort { get; }

    public int QueuePort { get; }

    /// <summary>A new Azurite process on the same ports and data folder (after <see cref="DevService.StopProcessAsync"/>).</summary>
    public async Task<Azurite> RestartAsync()
    {
        await StopProcessAsync(graceful: true);
        var next = new Azurite(_azurite, Port, QueuePort, TablePort, Folder);
        await next.WaitUntilListening(TimeSpan.FromSeconds(30));
        return next;
    }

    /// <summary>The well-known Azurite development account, on this instance's ports.</summary>
    public string ConnectionString =>
        "DefaultEndpointsProtocol=http;AccountName=devstoreaccount1;" +
        "AccountKey=Eby8vdM02xNOcqFlqUwJPLlmEtlCDXJ1OUzFT50uSRZ6IFsuFq2UVErCz4I6tq/K1SZFPTOtr/KBHBeksoGMGw==;" +
        $"BlobEndpoint=http://127.0.0.1:{Port}/devstoreaccount1;TableEndpoint=http://127.0.0.1:{TablePort}/devstoreaccount1;";

    public static async Task<Azurite> StartAsync(string? folder = null)
    {
        var root = SharedData.RepositoryRoot;
        var azurite = Path.Combine(root, "node_modules", ".bin", "azurite");
        if (!File.Exists(azurite))
        {
            throw new FileNotFoundException($"{azurite} is missing: run ./test.sh (it runs npm ci) or npm ci in {root}");
        }

        var ports = FreePorts(3);
        var service = new Azurite(azurite, ports[0], ports[1], ports[2], folder ?? TempFolder("azurite"));
        await service.WaitUntilListening(TimeSpan.FromSeconds(30));
        return service;
    }
}

/// <summary>redis-server (Debian's package, installed by test.sh) without persistence.</summary>
public sealed class Redis : DevService
{
    private Redis(int port, string folder)
        : base("redis-server", $"--port {port} --bind 127.0.0.1 --save \"\" --appendonly no --dir \"{folder}\"", port, folder)
    {
    }

    public string ConnectionString => $"127.0.0.1:{Port}";

    public static async Task<Redis> StartAsync()
    {
        var service = new Redis(FreePorts(1)[0], TempFolder("redis"));
        await service.WaitUntilListening(TimeSpan.FromSeconds(20));
        return service;
    }
}
