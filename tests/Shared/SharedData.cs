namespace Charge.Tests;

/// <summary>Where the repository is, and the reference cases copied into it (tests/data, kept in step with the team's shared cases).</summary>
public static class SharedData
{
    /// <summary>The repository checkout the tests run from.</summary>
    public static readonly string RepositoryRoot = FindRoot();

    public static readonly string TariffCases = Path.Combine(RepositoryRoot, "tests", "data", "tariff-cases");

    public static readonly string EnergyCases = Path.Combine(RepositoryRoot, "tests", "data", "energy-cases");

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
