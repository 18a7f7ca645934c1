using System.Diagnostics;
using System.Runtime.InteropServices;
using Charge.Tests;

namespace Charge.Cluster.Tests;

/// <summary>A silo or gateway running as its own OS process, its output kept for diagnosis.</summary>
public sealed class ChargeProcess : IAsyncDisposable
{
    private readonly Process _process;
    private readonly List<string> _output = [];

    private ChargeProcess(string name, Process process)
    {
        Name = name;
        _process = process;
        process.OutputDataReceived += (_, e) => Keep(e.Data);
        process.ErrorDataReceived += (_, e) => Keep(e.Data);
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
    }

    public string Name { get; }

    public bool HasExited => _process.HasExited;

    /// <summary>The exit code, once the process has exited.</summary>
    public int? ExitCode => _process.HasExited ? _process.ExitCode : null;

    public string Output
    {
        get
        {
            lock (_output)
            {
                return string.Join('\n', _output.TakeLast(60));
            }
        }
    }

    /// <summary>Starts src/{project}/bin/{configuration}/net10.0/{assembly}.dll with the given settings.</summary>
    public static ChargeProcess Start(string name, string project, string assembly, IEnumerable<string> args)
    {
        var configuration = AppContext.BaseDirectory.Contains($"{Path.DirectorySeparatorChar}Release{Path.DirectorySeparatorChar}") ? "Release" : "Debug";
        var folder = Path.Combine(SharedData.RepositoryRoot, "src", project, "bin", configuration, "net10.0");
        var dll = Path.Combine(folder, assembly + ".dll");
        if (!File.Exists(dll))
        {
            throw new FileNotFoundException($"{dll} is not built");
        }

        var info = new ProcessStartInfo("dotnet") { WorkingDirectory = folder, RedirectStandardOutput = true, RedirectStandardError = true };
        info.ArgumentList.Add(dll);
        foreach (var a in args)
        {
            info.ArgumentList.Add(a);
        }

        return new ChargeProcess(name, Process.Start(info) ?? throw new InvalidOperationException($"could not start {name}"));
    }

    /// <summary>The failure the issue asks about: no shutdown, no flush, gone.</summary>
    public void KillHard()
    {
        _process.Kill(entireProcessTree: true);
        _process.WaitForExit(10_000);
    }

    /// <summary>A graceful stop (SIGTERM), as an orchestrator would: the silo drains its grains.</summary>
    public Task StopAsync(TimeSpan timeout) => SignalAsync(15, timeout);

    /// <summary>Sends a POSIX signal (SIGTERM 15, SIGHUP 1, …) and waits for the process to exit; killed after the timeout.</summary>
    public async Task SignalAsync(int signal, TimeSpan timeout)
    {
        if (_process.HasExited)
        {
            return;
        }

        if (kill(_process.Id, signal) != 0)
        {
            _process.Kill(entireProcessTree: true);
        }

        using var cancel = new CancellationTokenSource(timeout);
        try
        {
            await _process.WaitForExitAsync(cancel.Token);
        }
        catch (OperationCanceledException)
        {
            _process.Kill(entireProcessTree: true);
        }
    }

    public async ValueTask DisposeAsync()
    {
        if (!_process.HasExited)
        {
            _process.Kill(entireProcessTree: true);
            await _process.WaitForExitAsync();
        }

        _process.Dispose();
    }

    private void Keep(string? line)
    {
        if (line is null)
        {
            return;
        }

        lock (_output)
        {
            _output.Add(line);
        }
    }

    [DllImport("libc", SetLastError = true)]
    private static extern int kill(int pid, int signal);
}
