using System.ComponentModel.DataAnnotations;

namespace Charge.Grains.Sessions;

public enum AcknowledgeMode
{
    Durable = 0,
    WriteBehind = 1,
}

/// <summary>Session grain settings, bound from <c>Charge:Sessions</c>.</summary>
public sealed class SessionOptions
{
    public const string Section = "Charge:Sessions";

    /// <summary>
    /// How far behind now a session may start: a charger's start queued through a week offline is still taken; one
    /// stamped years back (a reset clock) is refused, rather than priced under no tariff with a view spanning years.
    /// </summary>
    [Range(typeof(TimeSpan), "01:00:00", "3650.00:00:00")]
    public TimeSpan MaxStartAge { get; set; } = TimeSpan.FromDays(7);

    /// <summary>
    /// The longest a session runs: one still running this long after its start is closed by the charger's sweep at
    /// its last accepted register (MaxLengthReached), like an abandoned one. With <see cref="MaxStartAge"/> it bounds
    /// every session's curve, so no record or view grows without end (7 days: at most ~700 slots of 15 minutes).
    /// </summary>
    [Range(typeof(TimeSpan), "01:00:00", "3650.00:00:00")]
    public TimeSpan MaxSessionLength { get; set; } = TimeSpan.FromDays(7);

    /// <summary>How long a stopped session waits for meter batches still in flight before fixing its record anyway.</summary>
    [Range(typeof(TimeSpan), "00:00:00", "00:10:00")]
    public TimeSpan StopGracePeriod { get; set; } = TimeSpan.FromSeconds(10);

    /// <summary>A watcher that does not renew within this time is dropped.</summary>
    [Range(typeof(TimeSpan), "00:00:05", "01:00:00")]
    public TimeSpan WatcherExpiry { get; set; } = TimeSpan.FromMinutes(2);

    /// <summary>At most this many anomalies are kept in detail; the count keeps growing.</summary>
    [Range(1, 10_000)]
    public int MaxAnomaliesKept { get; set; } = 100;

    /// <summary>The zone of the archive's local dates for sessions without a tariff (priced ones use the tariff's zone).</summary>
    [Required]
    public string DefaultTimeZone { get; set; } = "UTC";

    /// <summary>
    /// When a reading is acknowledged. <c>Durable</c> (default): once its batch is appended to the session's reading
    /// log in storage, so it survives SIGKILL of any process; one append per batch, whatever the session's length.
    /// <c>WriteBehind</c>: once it is on the session's in-memory stream; the session writes its state every
    /// <see cref="ReadingWriteInterval"/>, so a crash can lose up to that interval of curve detail (never the energy,
    /// which the next register or the stop carries) in exchange for more throughput.
    /// </summary>
    public AcknowledgeMode Acknowledge { get; set; } = AcknowledgeMode.Durable;

    /// <summary>
    /// Write-behind for readings (with <see cref="Acknowledge"/> = WriteBehind): a running session writes its state at most this often while batches arrive (0:
    /// after every batch). Starts, stops and final records are written at once. What a crash loses of the last
    /// interval is recoverable: the next register or the stop carries its energy, and the charger hands its recent
    /// batches over with the stop. One storage write per batch would cap ingest at the storage's write rate.
    /// </summary>
    [Range(typeof(TimeSpan), "00:00:00", "00:05:00")]
    public TimeSpan ReadingWriteInterval { get; set; } = TimeSpan.FromSeconds(5);

    /// <summary>
    /// A session with no reading, and whose charger sent no status, heartbeat or message, for this long is closed as
    /// Abandoned (energy to its last accepted register). 0 turns the sweep off.
    /// </summary>
    [Range(typeof(TimeSpan), "00:00:00", "30.00:00:00")]
    public TimeSpan AbandonedAfter { get; set; } = TimeSpan.FromHours(12);

    /// <summary>How often a charger with sessions in progress sweeps for abandoned ones (an Orleans reminder).</summary>
    [Range(typeof(TimeSpan), "00:00:01", "1.00:00:00")]
    public TimeSpan AbandonedSweepPeriod { get; set; } = TimeSpan.FromMinutes(15);

    /// <summary>How soon after a stop is answered its follow-ups (archive, usage, invoice) start.</summary>
    [Range(typeof(TimeSpan), "00:00:00", "01:00:00")]
    public TimeSpan FollowUpDelay { get; set; } = TimeSpan.Zero;

    /// <summary>The period of the durable reminder that completes a stopping session and retries follow-ups after a crash.</summary>
    [Range(typeof(TimeSpan), "00:00:01", "01:00:00")]
    public TimeSpan FollowUpReminderPeriod { get; set; } = TimeSpan.FromMinutes(1);

    /// <summary>
    /// How long a finished session (completed and followed up) stays in memory after it was brought back to be read:
    /// reads within it are answered from memory, and then the activation goes (left to idle collection, every finished
    /// session read once would stay for hours). Right after its follow-up it goes at once.
    /// </summary>
    [Range(typeof(TimeSpan), "00:00:01", "1.00:00:00")]
    public TimeSpan FinishedLinger { get; set; } = TimeSpan.FromMinutes(2);

    /// <summary>How soon a failed archive write is tried again.</summary>
    [Range(typeof(TimeSpan), "00:00:01", "01:00:00")]
    public TimeSpan ArchiveRetry { get; set; } = TimeSpan.FromSeconds(30);
}
