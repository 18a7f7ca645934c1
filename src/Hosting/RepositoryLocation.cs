namespace Charge.Hosting;

/// <summary>
/// The checkout this process runs from (the folder holding Orleans.Charge.sln), looked for above the binaries and
/// then above the working directory: where the embedded default keeps its development data.
/// </summary>
public static class RepositoryLocation
{
    public static string? Root()
    {
        foreach (var start in new[] { AppContext.BaseDirectory, Directory.GetCurrentDirectory() })
        {
            for (var dir = new DirectoryInfo(start); dir is not null; dir = dir.Parent)
            {
                if (File.Exists(Path.Combine(dir.FullName, "Orleans.Charge.sln")))
                {
                    return dir.FullName;
                }
            }
        }

        return null;
    }
}
