using System.Globalization;

namespace Charge.Grains.Interfaces;

/// <summary>
/// How an instant is told in a zone, the same everywhere local times appear (sessions, invoices, CSV, reports):
/// the wall-clock time, and ISO 8601 with the offset in force at that instant.
/// </summary>
public static class LocalTime
{
    public static DateTime Of(DateTime utc, TimeZoneInfo zone) =>
        TimeZoneInfo.ConvertTimeFromUtc(DateTime.SpecifyKind(utc, DateTimeKind.Utc), zone);

    public static string Iso(DateTime utc, TimeZoneInfo zone) =>
        new DateTimeOffset(Of(utc, zone), zone.GetUtcOffset(DateTime.SpecifyKind(utc, DateTimeKind.Utc)))
            .ToString("yyyy-MM-dd'T'HH:mm:sszzz", CultureInfo.InvariantCulture);
}
