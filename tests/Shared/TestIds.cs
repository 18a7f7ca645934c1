namespace Charge.Tests;

/// <summary>IDs no other test uses: a readable prefix and random hex, at most 20 characters by default: OCPP 1.6 caps an idTag at 20.</summary>
public static class TestIds
{
    public static string New(string prefix, int maxLength = 20)
    {
        var id = $"{prefix}-{Guid.NewGuid():N}";
        return id.Length <= maxLength ? id : id[..maxLength];
    }
}
