namespace Charge.Tests;

/// <summary>The project's shared data folder: ../shared beside the repository (CI puts it there too).</summary>
public static class SharedData
{
    public static readonly string TariffCases = Path.Combine(Find(), "tariff-cases");

    private static string Find()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            if (File.Exists(Path.Combine(dir.FullName, "Orleans.Charge.sln")))
            {
                return Path.GetFullPath(Path.Combine(dir.FullName, "..", "shared"));
            }
        }

        throw new DirectoryNotFoundException("Orleans.Charge.sln not found above the test binaries");
    }
}
