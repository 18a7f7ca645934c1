using System.Net;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json.Nodes;
using Charge.Api.V1;
using Charge.Tests;
using Google.Protobuf.WellKnownTypes;
using Grpc.Core;

namespace Charge.Host.Tests;

/// <summary>Who pays: invoices addressed to the tag's customer with the seller's details and a VAT breakdown; customer groups' tariffs.</summary>
public sealed class CustomerBillingTests(SellerHostFixture host) : IClassFixture<SellerHostFixture>
{
    private static readonly DateTime T0 = DateTime.UtcNow.Date.AddDays(-1).AddHours(10);

    private async Task<string> Customer(string? tariffGroup = null)
    {
        var customerId = TestIds.New("cust");
        await new CustomerService.CustomerServiceClient(host.Channel).PutCustomerAsync(new PutCustomerRequest
        {
            CustomerId = customerId, Kind = "COMPANY", Name = "Fleet & Co B.V.", Email = "ap@fleet.example", Address = "Kade 7",
            City = "Rotterdam", PostalCode = "3011 AA", Country = "NLD", VatId = "NL999999999B01", TariffGroup = tariffGroup ?? "",
        });
        return customerId;
    }

    private async Task<string> Tag(string? customerId = null)
    {
        var idTag = TestIds.New("TAG");
        await new TokenService.TokenServiceClient(host.Channel).PutTokenAsync(new PutTokenRequest { IdTag = idTag, CustomerId = customerId ?? "" });
        return idTag;
    }

    private Task PutTariff(string tariffId, string components) => TestTariffs.Put(host.Http, tariffId, TestTariffs.Json(tariffId, components));

    /// <summary>Assigns a tariff; a charger it names is registered first (a tariff is assigned only to one that exists).</summary>
    private async Task Assign(AssignTariffRequest request)
    {
        if (request.ChargerId.Length > 0 && request.TariffGroup.Length == 0)
        {
            await host.Security.ChargerAuthorization(host.RawChannel.CreateCallInvoker(), request.ChargerId);
        }

        request.EffectiveFrom = Timestamp.FromDateTime(T0.AddDays(-30));
        await new TariffService.TariffServiceClient(host.Channel).AssignTariffAsync(request).ResponseAsync;
    }

    private async Task<Session> Charge(string chargerId, string idTag, double kwh)
    {
        var driver = new StationDriver(host.Channel);
        var started = await driver.Start(chargerId, idTag, 0, T0);
        await driver.Stop(chargerId, started.SessionId, kwh * 1000, T0.AddMinutes(45));
        return await driver.Until(started.SessionId, s => s.Billed, TimeSpan.FromSeconds(20));
    }

    private async Task<(HttpStatusCode Status, string Body)> Get(string path, string? bearer = null, string? accept = null)
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, path);
        if (bearer is not null)
        {
            request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", bearer);
        }

        if (accept is not null)
        {
            request.Headers.Accept.Add(new MediaTypeWithQualityHeaderValue(accept));
        }

        using var response = await host.Http.SendAsync(request);
        return (response.StatusCode, await response.Content.ReadAsStringAsync());
    }

    [Fact]
    public async Task A_customers_invoice_is_addressed_to_it_with_the_sellers_details_and_a_vat_breakdown_per_rate()
    {
        var customerId = await Customer();
        var idTag = await Tag(customerId);
        var chargerId = TestIds.New("CP");
        var tariffId = TestIds.New("t");
        await PutTariff(tariffId, """{"type":"ENERGY","price":0.2857,"vat":21,"step_size":1},{"type":"FLAT","price":0.35,"vat":9,"step_size":1}""");
        await Assign(new AssignTariffRequest { ChargerId = chargerId, TariffId = tariffId });

        var session = await Charge(chargerId, idTag, 7.5);
        var (status, json) = await Get($"/v1/invoices/{session.InvoiceNumber}");
        var (_, html) = await Get($"/v1/invoices/{session.InvoiceNumber}", accept: "text/html");
        var own = await Get($"/v1/invoices/{session.InvoiceNumber}", host.Security.Token("driver", "fleet-driver", [], customerId: customerId));
        var ownSession = await Get($"/v1/sessions/{session.SessionId}", host.Security.Token("driver", "fleet-driver", [], customerId: customerId));
        var other = await Get($"/v1/invoices/{session.InvoiceNumber}", host.Security.Token("driver", "someone", [], customerId: "other-customer"));

        Assert.Equal(HttpStatusCode.OK, status);
        var invoice = JsonNode.Parse(json)!;
        Assert.Equal(customerId, session.CustomerId);
        var billTo = invoice["billTo"]!;
        Assert.Equal((customerId, "Fleet & Co B.V.", "NL999999999B01", "Kade 7", "Rotterdam", "3011 AA", "NLD"),
            (billTo["customerId"]!.GetValue<string>(), billTo["name"]!.GetValue<string>(), billTo["vatId"]!.GetValue<string>(),
             billTo["address"]!.GetValue<string>(), billTo["city"]!.GetValue<string>(), billTo["postalCode"]!.GetValue<string>(), billTo["country"]!.GetValue<string>()));
        Assert.Equal((SellerHostFixture.Seller, SellerHostFixture.SellerAddress, SellerHostFixture.SellerVatId),
            (invoice["seller"]!.GetValue<string>(), invoice["sellerAddress"]!.GetValue<string>(), invoice["sellerVatId"]!.GetValue<string>()));
        // By hand: energy 7.5 kWh x 0.2857 = 2.14275 excl., x 1.21 = 2.5927275 incl.; flat 0.35 excl., x 1.09 = 0.3815 incl.
        // Total 2.49275 -> 2.49 excl., 2.9742275 -> 2.97 incl. Per rate, rounded: 21 % 2.14 + 0.45 VAT = 2.59; 9 % 0.35 + 0.03 = 0.38.
        Assert.Equal((2.49m, 2.97m), (invoice["total"]!["exclVat"]!.ExactDecimal(), invoice["total"]!["inclVat"]!.ExactDecimal()));
        var vat = invoice["vatBreakdown"]!.AsArray();
        Assert.Equal([21m, 9m], vat.Select(r => r!["ratePercent"]!.ExactDecimal()));
        Assert.Equal([2.14m, 0.35m], vat.Select(r => r!["amount"]!["exclVat"]!.ExactDecimal()));
        Assert.Equal([2.59m, 0.38m], vat.Select(r => r!["amount"]!["inclVat"]!.ExactDecimal()));
        Assert.Equal([0.45m, 0.03m], vat.Select(r => r!["vat"]!.ExactDecimal()));
        Assert.Contains("Bill to:<br><strong>Fleet &amp; Co B.V.</strong><br>Kade 7<br>3011 AA Rotterdam<br>NLD<br>VAT ID NL999999999B01", html);
        Assert.Contains($"VAT ID {SellerHostFixture.SellerVatId}", html);
        Assert.Contains("<tr><td>21.00%</td><td class=\"n\">2.14</td><td class=\"n\">0.45</td><td class=\"n\">2.59</td></tr>", html);
        Assert.Contains("<tr><td>9.00%</td><td class=\"n\">0.35</td><td class=\"n\">0.03</td><td class=\"n\">0.38</td></tr>", html);
        Assert.Equal(HttpStatusCode.OK, own.Status);
        Assert.Equal(HttpStatusCode.OK, ownSession.Status);
        Assert.Equal(HttpStatusCode.NotFound, other.Status);
    }

    [Fact]
    public async Task A_tag_without_a_customer_gets_an_invoice_without_bill_to()
    {
        var idTag = await Tag();
        var chargerId = TestIds.New("CP");
        var tariffId = TestIds.New("t");
        await PutTariff(tariffId, """{"type":"ENERGY","price":0.40,"vat":21,"step_size":1}""");
        await Assign(new AssignTariffRequest { ChargerId = chargerId, TariffId = tariffId });

        var session = await Charge(chargerId, idTag, 10);
        var invoice = JsonNode.Parse((await Get($"/v1/invoices/{session.InvoiceNumber}")).Body)!;

        Assert.Null(invoice["billTo"]);
        var row = Assert.Single(invoice["vatBreakdown"]!.AsArray());
        Assert.Equal((4.00m, 4.84m), (row!["amount"]!["exclVat"]!.ExactDecimal(), row["amount"]!["inclVat"]!.ExactDecimal()));
    }

    [Fact]
    public async Task A_customer_groups_tariff_wins_over_the_public_one_for_its_tags_only_and_estimates_follow_it()
    {
        var group = TestIds.New("fleet");
        var member = await Tag(await Customer(group));
        var stranger = await Tag();
        var chargerId = TestIds.New("CP");
        var publicTariff = TestIds.New("pub");
        var groupTariff = TestIds.New("grp");
        await PutTariff(publicTariff, """{"type":"ENERGY","price":0.40,"vat":20,"step_size":1}""");
        await PutTariff(groupTariff, """{"type":"ENERGY","price":0.20,"vat":20,"step_size":1}""");
        await Assign(new AssignTariffRequest { ChargerId = chargerId, TariffId = publicTariff });
        await Assign(new AssignTariffRequest { TariffGroup = group, TariffId = groupTariff });

        var memberSession = await Charge(chargerId, member, 10);
        var strangerSession = await Charge(chargerId, stranger, 10);
        var tariffs = new TariffService.TariffServiceClient(host.Channel);
        var estimate = await tariffs.EstimateCostAsync(new EstimateCostRequest { ChargerId = chargerId, EnergyKwh = 10, ChargingSeconds = 3600, IdTag = member });
        var publicEstimate = await tariffs.EstimateCostAsync(new EstimateCostRequest { ChargerId = chargerId, EnergyKwh = 10, ChargingSeconds = 3600 });
        var notTheirs = await Assert.ThrowsAsync<RpcException>(() => tariffs.EstimateCostAsync(
            new EstimateCostRequest { ChargerId = chargerId, EnergyKwh = 10, ChargingSeconds = 3600, IdTag = member },
            TestSecurity.Header(TestSecurity.Bearer(host.Security.Token("driver", "d", [stranger])))).ResponseAsync);
        var unknownGroupTarget = await Assert.ThrowsAsync<RpcException>(() => tariffs.AssignTariffAsync(
            new AssignTariffRequest { TariffGroup = group, ChargerId = chargerId, TariffId = groupTariff }).ResponseAsync);

        Assert.Equal(groupTariff, memberSession.Cost.TariffId);
        Assert.Equal("2.40", memberSession.Cost.Total.InclVat);
        Assert.Equal(publicTariff, strangerSession.Cost.TariffId);
        Assert.Equal("4.80", strangerSession.Cost.Total.InclVat);
        Assert.Equal(groupTariff, estimate.TariffId);
        Assert.Equal("2.40", estimate.Total.InclVat);
        Assert.Equal(publicTariff, publicEstimate.TariffId);
        Assert.Equal(StatusCode.PermissionDenied, notTheirs.StatusCode);
        Assert.Equal(StatusCode.InvalidArgument, unknownGroupTarget.StatusCode);
        Assert.Contains("exactly one of charger_id, site_id and tariff_group", unknownGroupTarget.Status.Detail);
    }

    [Fact]
    public async Task Reports_carry_revenue_per_currency_and_per_kwh_and_invoices_are_listed_per_customer_and_tag()
    {
        var customerId = await Customer();
        var member = await Tag(customerId);
        var stranger = await Tag();
        // An ID a spreadsheet would run as a formula: the revenue CSV neutralises it as the CDR CSV does.
        var chargerId = $"-A1*2R1-{Guid.NewGuid():N}"[..20];
        var tariffId = TestIds.New("t");
        await PutTariff(tariffId, """{"type":"ENERGY","price":0.30,"vat":20,"step_size":1}""");
        await Assign(new AssignTariffRequest { ChargerId = chargerId, TariffId = tariffId });

        var first = await Charge(chargerId, member, 10);
        var second = await Charge(chargerId, stranger, 5);
        var day = DateOnly.FromDateTime(T0).ToString("yyyy-MM-dd", System.Globalization.CultureInfo.InvariantCulture);
        var reports = new ReportService.ReportServiceClient(host.Channel);
        var report = await Eventually.Get(() => reports.GetUsageReportAsync(new UsageReportRequest { Scope = "charger", Id = chargerId, From = day, To = day }).ResponseAsync,
            r => r.Sessions == 2);
        var (csvStatus, csv) = await Get($"/v1/reports/revenue?scope=charger&id={chargerId}&from={day}&to={day}");
        var month = DateTime.UtcNow.ToString("yyyy-MM", System.Globalization.CultureInfo.InvariantCulture);
        var billing = new BillingService.BillingServiceClient(host.Channel);
        var ofCustomer = await billing.ListInvoicesAsync(new ListInvoicesRequest { CustomerId = customerId, Month = month });
        var ofStranger = await billing.ListInvoicesAsync(new ListInvoicesRequest { IdTag = stranger, Month = month });
        var driversOwn = await billing.ListInvoicesAsync(new ListInvoicesRequest { CustomerId = customerId, Month = month },
            TestSecurity.Header(TestSecurity.Bearer(host.Security.Token("driver", "d", [], customerId: customerId))));
        var someoneElses = await Assert.ThrowsAsync<RpcException>(() => billing.ListInvoicesAsync(new ListInvoicesRequest { IdTag = stranger, Month = month },
            TestSecurity.Header(TestSecurity.Bearer(host.Security.Token("driver", "d", [member])))).ResponseAsync);
        var badMonth = await Assert.ThrowsAsync<RpcException>(() => billing.ListInvoicesAsync(new ListInvoicesRequest { IdTag = stranger, Month = "2026-13" }).ResponseAsync);

        // 10 kWh x 0.30 = 3.00 excl., 3.60 incl.; 5 kWh: 1.50 and 1.80. Together 4.50 / 5.40 over 15 kWh: 0.30 / 0.36 per kWh.
        var revenue = Assert.Single(report.Revenue);
        Assert.Equal(("EUR", "4.5", "5.4", 2, 15.0), (revenue.Currency, revenue.Amount.ExclVat, revenue.Amount.InclVat, revenue.Sessions, revenue.EnergyKwh));
        Assert.Equal(("0.3", "0.36"), (revenue.PerKwh.ExclVat, revenue.PerKwh.InclVat));
        var point = Assert.Single(report.DailyRevenue);
        Assert.Equal((day, "5.4"), (point.Start, point.Amount.InclVat));
        Assert.Equal(HttpStatusCode.OK, csvStatus);
        Assert.Equal("date,scope,id,currency,sessions,energy_kwh,revenue_excl_vat,revenue_incl_vat,credited_excl_vat,credited_incl_vat,credited_sessions\r\n"
            + $"{day},charger,'{chargerId},EUR,2,15,4.5,5.4,0,0,0\r\n", csv);
        Assert.Equal([first.InvoiceNumber], ofCustomer.Invoices.Select(i => i.Number));
        Assert.Equal(("INVOICE", customerId, "3.6"), (ofCustomer.Invoices[0].Kind, ofCustomer.Invoices[0].CustomerId, ofCustomer.Invoices[0].Total.InclVat));
        Assert.Equal([second.InvoiceNumber], ofStranger.Invoices.Select(i => i.Number));
        Assert.Equal(ofCustomer.Invoices, driversOwn.Invoices);
        Assert.Equal(StatusCode.PermissionDenied, someoneElses.StatusCode);
        Assert.Equal(StatusCode.InvalidArgument, badMonth.StatusCode);

        // A credit note takes the credited session's revenue back, on the day it counted, and says so.
        var note = JsonNode.Parse((await billing.CreditInvoiceAsync(new CreditInvoiceRequest { Number = second.InvoiceNumber, Reason = "Charger fault" })).Data.ToStringUtf8())!;
        await billing.CreditInvoiceAsync(new CreditInvoiceRequest { Number = second.InvoiceNumber, Reason = "Charger fault" });
        var afterCredit = await reports.GetUsageReportAsync(new UsageReportRequest { Scope = "charger", Id = chargerId, From = day, To = day });
        var (_, csvAfter) = await Get($"/v1/reports/revenue?scope=charger&id={chargerId}&from={day}&to={day}");
        var net = Assert.Single(afterCredit.Revenue);
        Assert.Equal(("3", "3.6", 2, "1.5", "1.8", 1), (net.Amount.ExclVat, net.Amount.InclVat, net.Sessions, net.Credited.ExclVat, net.Credited.InclVat, net.CreditedSessions));
        Assert.Equal((day, "3.6"), (afterCredit.DailyRevenue.Single().Start, afterCredit.DailyRevenue.Single().Amount.InclVat));
        Assert.EndsWith($"{day},charger,'{chargerId},EUR,2,15,3,3.6,1.5,1.8,1\r\n", csvAfter);

        // An operator lists the whole month a page at a time; a driver cannot.
        var listed = new List<Charge.Api.V1.InvoiceSummary>();
        var token = "";
        do
        {
            var page = await billing.ListInvoicesAsync(new ListInvoicesRequest { Month = month, PageSize = 2, PageToken = token });
            Assert.True(page.Invoices.Count <= 2);
            listed.AddRange(page.Invoices);
            token = page.NextPageToken;
        }
        while (token.Length > 0);
        var notOperator = await Assert.ThrowsAsync<RpcException>(() => billing.ListInvoicesAsync(new ListInvoicesRequest { Month = month },
            TestSecurity.Header(TestSecurity.Bearer(host.Security.Token("driver", "d", [member])))).ResponseAsync);
        var numbers = listed.Select(i => i.Number).ToList();
        Assert.Equal(numbers.Order(StringComparer.Ordinal), numbers);
        Assert.Equal(numbers.Count, numbers.Distinct().Count());
        Assert.Contains(first.InvoiceNumber, numbers);
        var credited = listed.Single(i => i.Number == second.InvoiceNumber);
        Assert.Equal(note["number"]!.GetValue<string>(), credited.CreditedBy);
        Assert.Equal(("CREDIT_NOTE", second.InvoiceNumber, "-1.8"), listed.Where(i => i.Number == credited.CreditedBy).Select(i => (i.Kind, i.Reverses, i.Total.InclVat)).Single());
        Assert.Equal(StatusCode.PermissionDenied, notOperator.StatusCode);
    }

    [Fact]
    public async Task A_drivers_app_lists_the_customers_sessions_with_the_months_energy_and_cost()
    {
        var customerId = await Customer();
        var card = await Tag(customerId);
        var fob = await Tag(customerId);
        var chargerId = TestIds.New("CP");
        var tariffId = TestIds.New("t");
        await PutTariff(tariffId, """{"type":"ENERGY","price":0.30,"vat":20,"step_size":1}""");
        await Assign(new AssignTariffRequest { ChargerId = chargerId, TariffId = tariffId });
        var first = await Charge(chargerId, card, 10);
        var second = await Charge(chargerId, fob, 5);
        var driver = TestSecurity.Header(TestSecurity.Bearer(host.Security.Token("driver", "fleet-driver", [], customerId: customerId)));
        var sessions = new SessionService.SessionServiceClient(host.Channel);
        var month = new ListSessionsRequest
        {
            CustomerId = customerId,
            From = Timestamp.FromDateTime(new DateTime(T0.Year, T0.Month, 1, 0, 0, 0, DateTimeKind.Utc)),
            To = Timestamp.FromDateTime(new DateTime(T0.Year, T0.Month, 1, 0, 0, 0, DateTimeKind.Utc).AddMonths(1)),
        };

        var listed = await sessions.ListSessionsAsync(month, driver);
        var stranger = await Assert.ThrowsAsync<RpcException>(() => sessions.ListSessionsAsync(month,
            TestSecurity.Header(TestSecurity.Bearer(host.Security.Token("driver", "x", [], customerId: "someone-else")))).ResponseAsync);

        Assert.Equal(new[] { first.SessionId, second.SessionId }.Order(), listed.Sessions.Select(s => s.SessionId).Order());
        Assert.Equal((2, 15.0), (listed.Totals.Sessions, listed.Totals.EnergyKwh));
        // 10 kWh + 5 kWh at 0.30 + 20 % VAT: 3.60 + 1.80.
        var cost = Assert.Single(listed.Totals.Cost);
        Assert.Equal(("EUR", "4.5", "5.4"), (cost.Currency, cost.Total.ExclVat, cost.Total.InclVat));
        Assert.Equal(StatusCode.PermissionDenied, stranger.StatusCode);
    }
}
