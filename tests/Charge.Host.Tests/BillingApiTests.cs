using System.Net;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json.Nodes;
using Charge.Api.V1;
using Charge.Tests;
using Google.Protobuf.WellKnownTypes;
using Grpc.Core;

namespace Charge.Host.Tests;

/// <summary>Completed sessions become invoices, credit notes, CDRs, CSV and usage reports, through the public API.</summary>
public sealed class BillingApiTests(SingleHostFixture host) : IClassFixture<SingleHostFixture>
{
    // Yesterday 10:00 UTC: the session is complete and in the past.
    private static readonly DateTime T0 = DateTime.UtcNow.Date.AddDays(-1).AddHours(10);

    /// <summary>What Amsterdam's clock read at a UTC instant, with its offset.</summary>
    private static string Mapping(DateTime utc)
    {
        var zone = TimeZoneInfo.FindSystemTimeZoneById("Europe/Amsterdam");
        return new DateTimeOffset(TimeZoneInfo.ConvertTimeFromUtc(utc, zone), zone.GetUtcOffset(utc)).ToString("yyyy-MM-dd'T'HH:mm:sszzz", System.Globalization.CultureInfo.InvariantCulture);
    }

    private static string Date(DateTime t) => t.ToString("yyyy-MM-dd", System.Globalization.CultureInfo.InvariantCulture);

    private StationService.StationServiceClient Station => new(host.Channel);

    private SessionService.SessionServiceClient Sessions => new(host.Channel);

    /// <summary>A site in Amsterdam with one registered charger and an energy + time tariff.</summary>
    private async Task<(string SiteId, string ChargerId, string TariffId)> Site()
    {
        var siteId = TestIds.New("site");
        var chargerId = TestIds.New("cp");
        var tariffId = TestIds.New("t");
        await new SiteService.SiteServiceClient(host.Channel).PutSiteAsync(new PutSiteRequest
        {
            SiteId = siteId, Name = "Harbour Car Park", TimeZone = "Europe/Amsterdam", Address = "Kade 1", City = "Amsterdam", PostalCode = "1011AB", Country = "NLD",
        });
        await host.Security.ChargerAuthorization(host.RawChannel.CreateCallInvoker(), chargerId);
        await new ChargerService.ChargerServiceClient(host.Channel).SetChargerSiteAsync(new SetChargerSiteRequest { ChargerId = chargerId, SiteId = siteId });
        await PutTariff(tariffId, 0.30m);
        await new TariffService.TariffServiceClient(host.Channel).AssignTariffAsync(new AssignTariffRequest
        {
            SiteId = siteId, TariffId = tariffId, EffectiveFrom = Timestamp.FromDateTime(T0.AddDays(-30)),
        });
        return (siteId, chargerId, tariffId);
    }

    private Task PutTariff(string tariffId, decimal energyPrice) =>
        TestTariffs.Put(host.Http, tariffId, TestTariffs.Json(tariffId, TestTariffs.Energy(energyPrice, vat: 21), TestTariffs.Time(1.20m, vat: 21)));

    /// <summary>A 60-minute session of the given energy, and its completed record once invoiced.</summary>
    private async Task<Session> Charge(string chargerId, string idTag, double kwh, double startMinutes = 0)
    {
        var driver = new global::Charge.Tests.StationDriver(host.Channel);
        var start = T0.AddMinutes(startMinutes);
        var started = await driver.Start(chargerId, idTag, 1000, start);
        await driver.Report(chargerId, started.SessionId, start.AddMinutes(30), 1000 + kwh * 500, powerW: 11000);
        await driver.Stop(chargerId, started.SessionId, 1000 + kwh * 1000, start.AddMinutes(60));
        return await driver.Until(started.SessionId, s => s.Billed, TimeSpan.FromSeconds(20));
    }

    private async Task<JsonNode> Json(string path, string? token = null)
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, path);
        if (token is not null)
        {
            request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", token);
        }

        using var response = await host.Http.SendAsync(request);
        var text = await response.Content.ReadAsStringAsync();
        Assert.True(response.IsSuccessStatusCode, $"{path}: {(int)response.StatusCode} {text}");
        return JsonNode.Parse(text)!;
    }

    [Fact]
    public async Task A_completed_session_gets_an_invoice_with_lines_a_driver_understands_as_json_and_html()
    {
        var (_, chargerId, tariffId) = await Site();
        var session = await Charge(chargerId, "RFID-INV", 10);

        var invoice = await Json($"/v1/invoices/{session.InvoiceNumber}");
        using var htmlRequest = new HttpRequestMessage(HttpMethod.Get, $"/v1/invoices/{session.InvoiceNumber}") { Headers = { Accept = { new MediaTypeWithQualityHeaderValue("text/html") } } };
        using var htmlResponse = await host.Http.SendAsync(htmlRequest);
        var html = await htmlResponse.Content.ReadAsStringAsync();

        Assert.Matches($"^INV-{T0.AddDays(1).Year}-\\d{{6}}$", session.InvoiceNumber);
        Assert.Equal("INVOICE", invoice["kind"]!.GetValue<string>());
        Assert.Equal(session.SessionId, invoice["sessionId"]!.GetValue<string>());
        Assert.Equal("Harbour Car Park", invoice["siteName"]!.GetValue<string>());
        Assert.Equal("Europe/Amsterdam", session.TimeZone);
        Assert.Equal(Mapping(T0), session.LocalStart);
        Assert.Equal(session.LocalStart, invoice["localStart"]!.GetValue<string>());
        Assert.Equal(tariffId, invoice["tariffId"]!.GetValue<string>());
        // 10 kWh x 0.30 + 1 h x 1.20 = 4.20 excl.; 21 % VAT: 5.082 -> 5.08.
        Assert.Equal(4.20m, invoice["total"]!["exclVat"]!.ExactDecimal());
        Assert.Equal(5.08m, invoice["total"]!["inclVat"]!.ExactDecimal());
        Assert.Equal(session.Cost.Total.InclVat, invoice["total"]!["inclVat"]!.ExactDecimal().ToString("0.00", System.Globalization.CultureInfo.InvariantCulture));
        var lines = invoice["lines"]!.AsArray();
        Assert.Equal(["Energy", "Charging time"], lines.Select(l => l!["description"]!.GetValue<string>()));
        Assert.Equal(10m, lines[0]!["quantity"]!.ExactDecimal());
        Assert.Equal(3.0m, lines[0]!["amount"]!["exclVat"]!.ExactDecimal());
        Assert.Contains("EUR 0.30 per kWh excl. 21.00% VAT.", invoice["tariffExplained"]!.AsArray().Select(t => t!.GetValue<string>()));
        Assert.Equal(HttpStatusCode.OK, htmlResponse.StatusCode);
        Assert.StartsWith("text/html", htmlResponse.Content.Headers.ContentType!.ToString());
        Assert.Contains($"<span id=\"number\">{session.InvoiceNumber}</span>", html);
        Assert.Contains("<td class=\"n\" id=\"total\">5.08</td>", html);
        Assert.Contains("per kWh", html);
        // For people: dates in words in the site's zone, the site's address, amounts to the cent, prices to <= 4 decimals.
        var zone = TimeZoneInfo.FindSystemTimeZoneById("Europe/Amsterdam");
        var local = TimeZoneInfo.ConvertTimeFromUtc(T0, zone);
        var when = $"{local.ToString("d MMMM yyyy", System.Globalization.CultureInfo.InvariantCulture)}, {local:HH:mm} to {local.AddHours(1):HH:mm}";
        Assert.Contains($"<td id=\"when\">{when} <span class=\"muted\">(Europe/Amsterdam)</span></td>", html);
        Assert.Contains("<span id=\"site-address\">Kade 1, 1011AB Amsterdam, NLD</span>", html);
        Assert.Matches("<span id=\"issued\">\\d{1,2} [A-Z][a-z]+ \\d{4}, \\d{2}:\\d{2} \\(Europe/Amsterdam\\)</span>", html);
        Assert.DoesNotMatch(">-?[0-9,]+\\.[0-9]{3,}<", html.Replace("kWh", ""));
    }

    [Fact]
    public async Task An_operator_opens_an_invoice_page_with_a_cookie_that_reaches_no_api()
    {
        var (_, chargerId, _) = await Site();
        var session = await Charge(chargerId, "RFID-PAGE", 4);
        var page = $"/documents/invoices/{session.InvoiceNumber}";
        // No cookie jar: every request carries exactly the credential the test gives it.
        using var http = new HttpClient(new HttpClientHandler { UseCookies = false }) { BaseAddress = host.RawHttp.BaseAddress };
        async Task<(HttpStatusCode Status, string Body, HttpResponseMessage Response)> Send(HttpMethod method, string path, string? bearer = null, string? cookie = null)
        {
            using var request = new HttpRequestMessage(method, path);
            if (bearer is not null)
            {
                request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", bearer);
            }

            if (cookie is not null)
            {
                request.Headers.Add("Cookie", cookie);
            }

            var response = await http.SendAsync(request);
            return (response.StatusCode, await response.Content.ReadAsStringAsync(), response);
        }

        var anonymous = await Send(HttpMethod.Get, page);
        var driver = await Send(HttpMethod.Get, page, host.Security.Token("driver", "d", ["RFID-PAGE"]));
        var driverExchange = await Send(HttpMethod.Post, "/dashboard/documents-session", host.Security.Token("driver", "d", ["RFID-PAGE"]));
        var exchange = await Send(HttpMethod.Post, "/dashboard/documents-session", host.Security.OperatorToken);
        var setCookie = exchange.Response.Headers.GetValues("Set-Cookie").Single(c => c.StartsWith("charge_documents=", StringComparison.Ordinal));
        var cookie = setCookie.Split(';')[0];
        var location = JsonNode.Parse(exchange.Body)!["location"]!.GetValue<string>();
        var withCookie = await Send(HttpMethod.Get, page, cookie: cookie);
        var unknown = await Send(HttpMethod.Get, "/documents/invoices/INV-1999-999999", cookie: cookie);
        var apiWithCookie = await Send(HttpMethod.Get, $"/v1/invoices/{session.InvoiceNumber}", cookie: cookie);
        var creditWithCookie = await Send(HttpMethod.Post, $"/v1/invoices/{session.InvoiceNumber}:credit", cookie: cookie);
        var renewWithCookie = await Send(HttpMethod.Post, "/dashboard/documents-session", cookie: cookie);
        var forged = await Send(HttpMethod.Get, page, cookie: "charge_documents=" + new string('A', 200));

        Assert.Equal(
            (HttpStatusCode.Unauthorized, HttpStatusCode.Forbidden, HttpStatusCode.Forbidden, HttpStatusCode.OK, HttpStatusCode.NotFound, HttpStatusCode.Unauthorized,
                HttpStatusCode.Unauthorized, HttpStatusCode.Unauthorized, HttpStatusCode.Unauthorized),
            (anonymous.Status, driver.Status, driverExchange.Status, withCookie.Status, unknown.Status, apiWithCookie.Status, creditWithCookie.Status, renewWithCookie.Status, forged.Status));
        Assert.Equal(HttpStatusCode.Unauthorized, anonymous.Status);
        Assert.Equal(HttpStatusCode.Forbidden, driver.Status);
        Assert.Equal(HttpStatusCode.Forbidden, driverExchange.Status);
        Assert.Equal("/documents/invoices/", location);
        Assert.Contains("path=/documents", setCookie, StringComparison.OrdinalIgnoreCase);
        Assert.Contains("httponly", setCookie, StringComparison.OrdinalIgnoreCase);
        Assert.Contains("samesite=strict", setCookie, StringComparison.OrdinalIgnoreCase);
        Assert.Equal(HttpStatusCode.OK, withCookie.Status);
        Assert.Contains($"<span id=\"number\">{session.InvoiceNumber}</span>", withCookie.Body);
        Assert.Equal(HttpStatusCode.NotFound, unknown.Status);
        // The cookie opens pages only: the API and the exchange itself still want the bearer token.
        Assert.Equal(HttpStatusCode.Unauthorized, apiWithCookie.Status);
        Assert.Equal(HttpStatusCode.Unauthorized, creditWithCookie.Status);
        Assert.Equal(HttpStatusCode.Unauthorized, renewWithCookie.Status);
        Assert.Equal(HttpStatusCode.Unauthorized, forged.Status);
    }

    [Fact]
    public async Task Invoice_numbers_are_gapless_and_a_corrected_tariff_never_changes_an_issued_invoice()
    {
        var (_, chargerId, tariffId) = await Site();
        var chargers = new List<string> { chargerId };
        for (var i = 0; i < 5; i++)
        {
            var other = TestIds.New("cp");
            await host.Security.ChargerAuthorization(host.RawChannel.CreateCallInvoker(), other);
            chargers.Add(other);
        }

        await new TariffService.TariffServiceClient(host.Channel).AssignTariffAsync(new AssignTariffRequest
        {
            ChargerId = chargers[1], TariffId = tariffId, EffectiveFrom = Timestamp.FromDateTime(T0.AddDays(-30)),
        });
        foreach (var c in chargers.Skip(1))
        {
            await new TariffService.TariffServiceClient(host.Channel).AssignTariffAsync(new AssignTariffRequest { ChargerId = c, TariffId = tariffId, EffectiveFrom = Timestamp.FromDateTime(T0.AddDays(-30)) });
        }

        // Sessions on six chargers at once.
        var sessions = await Task.WhenAll(chargers.Select((c, i) => Charge(c, $"RFID-G{i}", 5 + i)));
        var before = await Json($"/v1/invoices/{sessions[0].InvoiceNumber}");
        await PutTariff(tariffId, 9.99m);
        var after = await Json($"/v1/invoices/{sessions[0].InvoiceNumber}");

        var numbers = sessions.Select(s => long.Parse(s.InvoiceNumber.Split('-')[^1], System.Globalization.CultureInfo.InvariantCulture)).Order().ToArray();
        Assert.Equal(sessions.Length, numbers.Distinct().Count());
        // Every number up to the highest is an issued document: no gap, whatever else this host issued before.
        var year = sessions[0].InvoiceNumber.Split('-')[1];
        for (var n = 1; n <= numbers[^1]; n++)
        {
            await Json($"/v1/invoices/INV-{year}-{n:000000}");
        }

        Assert.Equal(before.ToJsonString(), after.ToJsonString());
    }

    [Fact]
    public async Task A_credit_note_reverses_an_invoice_once_with_the_next_number()
    {
        var (siteId, chargerId, _) = await Site();
        var session = await Charge(chargerId, "RFID-CN", 8);
        var billing = new BillingService.BillingServiceClient(host.Channel);

        var note = JsonNode.Parse((await billing.CreditInvoiceAsync(new CreditInvoiceRequest { Number = session.InvoiceNumber, Reason = "Charger fault" })).Data.ToStringUtf8())!;
        var again = JsonNode.Parse((await billing.CreditInvoiceAsync(new CreditInvoiceRequest { Number = session.InvoiceNumber, Reason = "Charger fault" })).Data.ToStringUtf8())!;
        var original = await Json($"/v1/invoices/{session.InvoiceNumber}");
        var ofNote = await Assert.ThrowsAsync<RpcException>(() => billing.CreditInvoiceAsync(new CreditInvoiceRequest { Number = note["number"]!.GetValue<string>(), Reason = "x" }).ResponseAsync);

        Assert.Equal("CREDIT_NOTE", note["kind"]!.GetValue<string>());
        Assert.Equal(session.InvoiceNumber, note["reverses"]!.GetValue<string>());
        Assert.Equal(-original["total"]!["inclVat"]!.ExactDecimal(), note["total"]!["inclVat"]!.ExactDecimal());
        // Every part of the credit note is signed: its VAT rows cancel the invoice's instead of doubling them.
        static decimal[] Vat(JsonNode doc) => [.. doc["vatBreakdown"]!.AsArray().SelectMany(v => new[] { v!["amount"]!["exclVat"]!.ExactDecimal(), v["amount"]!["inclVat"]!.ExactDecimal() })];
        Assert.NotEmpty(Vat(original));
        Assert.Equal(Vat(original).Select(a => -a), Vat(note));
        Assert.Equal(note["number"]!.GetValue<string>(), again["number"]!.GetValue<string>());
        Assert.Equal(note["number"]!.GetValue<string>(), original["creditedBy"]!.GetValue<string>());
        Assert.True(string.CompareOrdinal(note["number"]!.GetValue<string>(), session.InvoiceNumber) > 0);
        Assert.Equal(StatusCode.FailedPrecondition, ofNote.StatusCode);

        // The session, its CSV row and its CDRs say it was credited: OCPI's credit CDR follows the session's own.
        var day = Date(T0);
        var credited = await Sessions.GetSessionAsync(new GetSessionRequest { SessionId = session.SessionId });
        var cdrs = (await Json($"/v1/cdrs?from={day}&to={day}&siteId={siteId}")).AsArray().Select(c => c!).ToList();
        using var csv = await host.Http.GetAsync($"/v1/cdrs?from={day}&to={day}&siteId={siteId}&format=csv");
        var rows = (await csv.Content.ReadAsStringAsync()).Split("\r\n");
        var id = global::Charge.Gateway.Billing.CdrExport.OcpiId(session.SessionId);
        var cdr = cdrs.Single(c => c["id"]!.GetValue<string>() == id);
        var credit = cdrs.Single(c => c["id"]!.GetValue<string>() == id + "-C");
        Assert.Equal(note["number"]!.GetValue<string>(), credited.CreditNoteNumber);
        Assert.Equal(session.InvoiceNumber, cdr["invoice_reference_id"]!.GetValue<string>());
        Assert.Null(cdr["credit"]);
        Assert.True(credit["credit"]!.GetValue<bool>());
        Assert.Equal(id, credit["credit_reference_id"]!.GetValue<string>());
        Assert.Equal(note["number"]!.GetValue<string>(), credit["invoice_reference_id"]!.GetValue<string>());
        Assert.Equal(-cdr["total_cost"]!["incl_vat"]!.GetValue<decimal>(), credit["total_cost"]!["incl_vat"]!.GetValue<decimal>());
        Assert.Equal(-cdr["total_energy_cost"]!["excl_vat"]!.GetValue<decimal>(), credit["total_energy_cost"]!["excl_vat"]!.GetValue<decimal>());
        Assert.Equal(cdr["total_energy"]!.GetValue<decimal>(), credit["total_energy"]!.GetValue<decimal>());
        Assert.True(credit["id"]!.GetValue<string>().Length <= 39);
        Assert.Equal("credit_note_number", rows[0].Split(',')[^1]);
        Assert.Equal(note["number"]!.GetValue<string>(), rows.Single(r => r.StartsWith(session.SessionId, StringComparison.Ordinal)).Split(',')[^1]);
    }

    [Fact]
    public async Task A_driver_reads_only_invoices_of_their_own_id_tags()
    {
        var (_, chargerId, _) = await Site();
        var session = await Charge(chargerId, "RFID-OWN", 3);
        var billing = new BillingService.BillingServiceClient(host.RawChannel);

        var own = await billing.GetInvoiceAsync(new GetInvoiceRequest { Number = session.InvoiceNumber },
            TestSecurity.Header(TestSecurity.Bearer(host.Security.Token("driver", "d", ["RFID-OWN"]))));
        var elseDriver = TestSecurity.Header(TestSecurity.Bearer(host.Security.Token("driver", "d", ["RFID-ELSE"])));
        var other = await Assert.ThrowsAsync<RpcException>(() => billing.GetInvoiceAsync(new GetInvoiceRequest { Number = session.InvoiceNumber }, elseDriver).ResponseAsync);
        var missing = await Assert.ThrowsAsync<RpcException>(() => billing.GetInvoiceAsync(new GetInvoiceRequest { Number = "INV-1999-999999" }, elseDriver).ResponseAsync);

        Assert.Equal("application/json", own.ContentType);
        // Someone else's invoice and no invoice answer alike.
        Assert.Equal((StatusCode.NotFound, StatusCode.NotFound), (other.StatusCode, missing.StatusCode));
        Assert.Equal(other.Status.Detail.Replace(session.InvoiceNumber, "N"), missing.Status.Detail.Replace("INV-1999-999999", "N"));
    }

    private static IEnumerable<decimal> Numbers(JsonNode? node, string skip) => node switch
    {
        JsonObject o => o.Where(p => p.Key != skip).SelectMany(p => Numbers(p.Value, skip)),
        JsonArray a => a.SelectMany(n => Numbers(n, skip)),
        JsonValue v when v.GetValueKind() == System.Text.Json.JsonValueKind.Number => [decimal.Parse(v.ToJsonString(), System.Globalization.NumberStyles.Float, System.Globalization.CultureInfo.InvariantCulture)],
        _ => [],
    };

    [Fact]
    public void A_session_id_longer_than_ocpi_allows_is_exported_under_a_stable_digest_of_36_characters()
    {
        var longId = $"{new string('C', 40)}~S261207-7K3M9QX2";
        var other = $"{new string('C', 40)}~S261207-7K3M9QX3";

        Assert.Equal("CP-1~S261207-7K3M9QX2", global::Charge.Gateway.Billing.CdrExport.OcpiId("CP-1~S261207-7K3M9QX2"));
        Assert.Equal(36, global::Charge.Gateway.Billing.CdrExport.OcpiId(longId).Length);
        Assert.Equal(global::Charge.Gateway.Billing.CdrExport.OcpiId(longId), global::Charge.Gateway.Billing.CdrExport.OcpiId(longId));
        Assert.NotEqual(global::Charge.Gateway.Billing.CdrExport.OcpiId(longId), global::Charge.Gateway.Billing.CdrExport.OcpiId(other));
        Assert.Matches("^H[0-9A-HJKMNP-TV-Z]{35}$", global::Charge.Gateway.Billing.CdrExport.OcpiId(longId));
    }

    [Fact]
    public async Task A_stop_stamped_before_its_start_gives_no_negative_duration_on_the_invoice_the_csv_or_the_cdr()
    {
        var (siteId, chargerId, _) = await Site();
        var driver = new global::Charge.Tests.StationDriver(host.Channel);
        var start = T0.AddMinutes(200);
        var started = await driver.Start(chargerId, "RFID-BACK", 1000, start);
        await driver.Report(chargerId, started.SessionId, start.AddMinutes(20), 3000, powerW: 11000);
        // The charger's clock jumped back: its stop is an hour before the start.
        await driver.Stop(chargerId, started.SessionId, 3000, start.AddMinutes(-60));
        var again = await driver.Stop(chargerId, started.SessionId, 3000, start.AddMinutes(-60));
        var session = await driver.Until(started.SessionId, s => s.Billed, TimeSpan.FromSeconds(20));
        var day = Date(start);

        var invoice = await Json($"/v1/invoices/{session.InvoiceNumber}");
        var cdr = (await Json($"/v1/cdrs?from={day}&to={day}&siteId={siteId}")).AsArray().Single(c => c!["session_id"]!.GetValue<string>() == global::Charge.Gateway.Billing.CdrExport.OcpiId(session.SessionId))!;
        using var csv = await host.Http.GetAsync($"/v1/cdrs?from={day}&to={day}&siteId={siteId}&format=csv");
        var row = (await csv.Content.ReadAsStringAsync()).Split("\r\n").Single(l => l.StartsWith(session.SessionId, StringComparison.Ordinal)).Split(',');

        // It ends at its last accepted reading, 20 minutes in.
        Assert.Equal(start.AddMinutes(20), session.StoppedAt.ToDateTime());
        Assert.Equal(1200, invoice["durationSeconds"]!.GetValue<long>());
        Assert.Equal("20", row[Array.IndexOf(global::Charge.Gateway.Billing.CdrExport.CsvColumns, "duration_minutes")]);
        Assert.True(DateTime.Parse(cdr["end_date_time"]!.GetValue<string>(), System.Globalization.CultureInfo.InvariantCulture) >= DateTime.Parse(cdr["start_date_time"]!.GetValue<string>(), System.Globalization.CultureInfo.InvariantCulture));
        // The charger's repeated stop is still recognised as the same stop.
        Assert.Equal(session.SessionId, again.SessionId);
    }

    [Fact]
    public async Task Cdrs_export_as_ocpi_json_and_csv_filtered_by_site()
    {
        var (siteId, chargerId, tariffId) = await Site();
        var session = await Charge(chargerId, "RFID-CDR", 12);
        var day = Date(T0);

        var cdrs = (await Json($"/v1/cdrs?from={day}&to={day}&siteId={siteId}")).AsArray();
        using var csvResponse = await host.Http.GetAsync($"/v1/cdrs?from={day}&to={day}&siteId={siteId}&format=csv");
        var csv = (await csvResponse.Content.ReadAsStringAsync()).Split("\r\n", StringSplitOptions.RemoveEmptyEntries);
        var otherSite = (await Json($"/v1/cdrs?from={day}&to={day}&siteId=NO-SUCH-SITE")).AsArray();

        var cdr = Assert.Single(cdrs)!;
        Assert.Equal(global::Charge.Gateway.Billing.CdrExport.OcpiId(session.SessionId), cdr["id"]!.GetValue<string>());
        // OCPI's bounds: ids within CiString(36), numbers with at most 4 decimals (the tariff as put is the operator's own).
        Assert.All(new[] { cdr["id"]!, cdr["session_id"]! }, id => Assert.InRange(id.GetValue<string>().Length, 1, 36));
        Assert.All(Numbers(cdr, skip: "tariffs"), n => Assert.True(n.Scale <= 4, $"{n} has more than 4 decimals"));
        Assert.Equal("EUR", cdr["currency"]!.GetValue<string>());
        Assert.Equal(12m, cdr["total_energy"]!.GetValue<decimal>());
        Assert.Equal(decimal.Parse(session.Cost.Total.InclVat, System.Globalization.CultureInfo.InvariantCulture), cdr["total_cost"]!["incl_vat"]!.GetValue<decimal>());
        Assert.Equal($"{chargerId}-1", cdr["cdr_location"]!["evse_uid"]!.GetValue<string>());
        Assert.Equal("Kade 1", cdr["cdr_location"]!["address"]!.GetValue<string>());
        Assert.Equal("IEC_62196_T2", cdr["cdr_location"]!["connector_standard"]!.GetValue<string>());
        Assert.Equal(tariffId, cdr["tariffs"]![0]!["id"]!.GetValue<string>());
        Assert.Contains(cdr["charging_periods"]!.AsArray(), p => p!["dimensions"]!.AsArray().Any(d => d!["type"]!.GetValue<string>() == "ENERGY"));
        Assert.StartsWith("text/csv", csvResponse.Content.Headers.ContentType!.ToString());
        Assert.StartsWith("session_id,charger_id,site_id", csv[0]);
        Assert.Equal(2, csv.Length);
        Assert.Contains(session.InvoiceNumber, csv[1]);
        Assert.Contains(",12,", csv[1]);
        Assert.Empty(otherSite);
    }

    [Fact]
    public async Task The_usage_report_and_live_load_of_a_site_show_its_sessions()
    {
        var (siteId, chargerId, _) = await Site();
        await Charge(chargerId, "RFID-U1", 10);
        await Charge(chargerId, "RFID-U2", 20, startMinutes: 120);
        var second = TestIds.New("cp");
        await host.Security.ChargerAuthorization(host.RawChannel.CreateCallInvoker(), second);
        await new ChargerService.ChargerServiceClient(host.Channel).SetChargerSiteAsync(new SetChargerSiteRequest { ChargerId = second, SiteId = siteId });
        var live = await Station.StartSessionAsync(new StartSessionRequest { ChargerId = second, ConnectorId = 1, IdTag = "RFID-LIVE", MeterStartWh = 0, Timestamp = Timestamp.FromDateTime(DateTime.UtcNow.AddMinutes(-5)) });
        await Station.ReportMeterValuesAsync(new ReportMeterValuesRequest
        {
            ChargerId = second, SessionId = live.SessionId, Readings = { new MeterReading { Timestamp = Timestamp.FromDateTime(DateTime.UtcNow.AddMinutes(-1)), EnergyWh = 700, PowerW = 7400 } },
        });
        var day = Date(TimeZoneInfo.ConvertTimeFromUtc(T0, TimeZoneInfo.FindSystemTimeZoneById("Europe/Amsterdam")));

        var report = await new ReportService.ReportServiceClient(host.Channel).GetUsageReportAsync(new UsageReportRequest { Scope = "site", Id = siteId, From = day, To = day });
        var load = await new ReportService.ReportServiceClient(host.Channel).GetLiveLoadAsync(new LiveLoadRequest { SiteId = siteId });

        Assert.Equal(2, report.Sessions);
        Assert.Equal(30, report.EnergyKwh);
        Assert.Equal(15, report.AverageEnergyPerSessionKwh);
        Assert.Equal(60, report.AverageDurationMinutes);
        // Two hours in a session over two connectors (each charger registered with 10) for one day.
        Assert.Equal(2.0 * 3600 / (20 * 86400), report.Utilisation, 9);
        Assert.Equal(1, report.EnergyPerSession.Single(b => b.Label == "10–20 kWh").Sessions);
        Assert.Equal(1, report.EnergyPerSession.Single(b => b.Label == "20–30 kWh").Sessions);
        var site = Assert.Single(load.Sites);
        Assert.Equal(1, site.ActiveSessions);
        Assert.Equal(7.4, site.PowerKw, 6);
    }
}
