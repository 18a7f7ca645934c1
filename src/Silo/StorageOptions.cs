using System.ComponentModel.DataAnnotations;

namespace Charge.Silo;

/// <summary>Where grain state and the session archive live, bound from <c>Charge:Storage</c>.</summary>
public sealed class ChargeStorageOptions
{
    public const string Section = "Charge:Storage";

    /// <summary>
    /// "Auto" (the default): Azure Storage at <see cref="ConnectionString"/> if set, else an Azurite this silo finds
    /// or starts on 127.0.0.1:10000, else memory with a loud warning. "AzureBlob": the connection string, required.
    /// "Memory": state dies with the silo.
    /// </summary>
    [Required]
    public string Provider { get; set; } = "Auto";

    /// <summary>An Azure Storage connection string; "UseDevelopmentStorage=true" means Azurite on its default ports.</summary>
    public string? ConnectionString { get; set; }

    /// <summary>The blob container for grain state.</summary>
    [Required]
    [RegularExpression("^[a-z0-9](?!.*--)[a-z0-9-]{1,61}[a-z0-9]$", ErrorMessage = "Container must be a valid Azure blob container name")]
    public string Container { get; set; } = "charge-grains";

    /// <summary>The Azure Table of completed sessions.</summary>
    [Required]
    [RegularExpression("^[A-Za-z][A-Za-z0-9]{2,62}$", ErrorMessage = "ArchiveTable must be a valid Azure table name")]
    public string ArchiveTable { get; set; } = "sessions";

    /// <summary>The Azure Table listing every issued invoice and credit note by month of issue.</summary>
    [Required]
    [RegularExpression("^[A-Za-z][A-Za-z0-9]{2,62}$", ErrorMessage = "InvoiceTable must be a valid Azure table name")]
    public string InvoiceTable { get; set; } = "invoices";

    /// <summary>The blob container of the sessions' reading logs (append blobs, one per session).</summary>
    [Required]
    [RegularExpression("^[a-z0-9](?!.*--)[a-z0-9-]{1,61}[a-z0-9]$")]
    public string ReadingLogContainer { get; set; } = "charge-readings";

    /// <summary>
    /// How grain state is written: "Json" (the default; readable in a blob browser, enums by name) or "Orleans"
    /// (Orleans' binary serializer: smaller and faster, not human-readable). Changing it needs empty storage.
    /// </summary>
    [Required]
    [RegularExpression("^(Json|Orleans)$", ErrorMessage = "Serializer must be Json or Orleans")]
    public string Serializer { get; set; } = "Json";

    /// <summary>
    /// Most storage requests this silo has in flight at once (0: no limit); the rest wait in the silo, before their
    /// try's network timeout starts. The store then sees a short queue and answers within the timeout even in a
    /// burst, instead of tries timing out and their retries adding load (see <c>StorageRequestLimit</c>).
    /// </summary>
    [Range(0, 100_000)]
    public int MaxRequestsInFlight { get; set; } = 64;

    /// <summary>Where an Azurite started by the silo keeps its data; relative to the repository root when there is one.</summary>
    public string AzuriteLocation { get; set; } = ".data/azurite";
}
