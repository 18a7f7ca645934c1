namespace Charge.Tests;

/// <summary>Where the repository is, and the project's shared data folder ../shared beside it (CI puts it there too).</summary>
public static class SharedData
{
    /// <summary>The repository checkout the tests run from.</summary>
    public static readonly string RepositoryRoot = FindRoot();

    public static readonly string TariffCases = Path.GetFullPath(Path.Combine(RepositoryRoot, "..", "shared", "tariff-cases"));

    public static readonly string EnergyCases = Path.GetFullPath(Path.Combine(RepositoryRoot, "..", "shared", "energy-cases"));

    private static string FindRoot()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            if (File.Exists(Path.Combine(dir.FullName, "Orleans.Charge.sln")))
            {
                return dir.FullName;
            }
        }

        throw new DirectoryNotFoundException("Orleans.Charge.sln not found above the test binaries");
    }
}
