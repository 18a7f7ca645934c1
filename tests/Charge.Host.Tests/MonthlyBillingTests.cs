using Charge.Tests;
using System.Globalization;
using System.Text;
using System.Text.Json.Nodes;
using Charge.Api.V1;
using Google.Protobuf.WellKnownTypes;
using Grpc.Core;

namespace Charge.Host.Tests;

/// <summary>Invoicing per id_tag per month: sessions collect on the month's statement until the operator closes it.</summary>
public sealed class MonthlyBillingTests(MonthlyBillingHostFixture host) : IClassFixture<MonthlyBillingHostFixture>
{
    // Each test closes a month of its own: a closed month takes no new account, so tests must not share one.
    private static readonly DateTime LastMonth = MonthsBack(1);

    private static DateTime MonthsBack(int months) =>
        new DateTime(DateTime.UtcNow.Year, DateTime.UtcNow.Month, 1, 10, 0, 0, DateTimeKind.Utc).AddMonths(-months).AddDays(2);

    private StationService.StationServiceClient Station => new(host.Channel);

    private async Task<Session> Charge(string chargerId, string idTag, double kwh, DateTime start)
    {
        var driver = new global::Charge.Tests.StationDriver(host.Channel);
        var started = await driver.Start(chargerId, idTag, 0, start);
        return await driver.Stop(chargerId, started.SessionId, kwh * 1000, start.AddHours(1));
    }

    [Fact]
    public async Task Closing_a_month_issues_one_invoice_per_id_tag_with_a_line_per_session_once()
    {
        var chargerId = $"CP-{Guid.NewGuid():N}"[..12];
        var tariffId = $"T-{Guid.NewGuid():N}"[..12];
        var tagA = $"A-{Guid.NewGuid():N}"[..10];
        var tagB = $"B-{Guid.NewGuid():N}"[..10];
        await TestTariffs.Put(host.Http, tariffId, TestTariffs.Json(tariffId, TestTariffs.Energy(0.333m, vat: 21)));

        await host.Security.ChargerAuthorization(host.RawChannel.CreateCallInvoker(), chargerId);
        await new TariffService.TariffServiceClient(host.Channel).AssignTariffAsync(new AssignTariffRequest { ChargerId = chargerId, TariffId = tariffId, EffectiveFrom = Timestamp.FromDateTime(LastMonth.AddDays(-40)) });
        var a1 = await Charge(chargerId, tagA, 10, LastMonth);
        var a2 = await Charge(chargerId, tagA, 5, LastMonth.AddDays(1));
        var b1 = await Charge(chargerId, tagB, 7, LastMonth.AddDays(2));
        var billing = new BillingService.BillingServiceClient(host.Channel);
        var period = LastMonth.ToString("yyyy-MM", CultureInfo.InvariantCulture);
        var current = DateTime.UtcNow.ToString("yyyy-MM", CultureInfo.InvariantCulture);

        // The statements are fed as the sessions' follow-ups run: close once all three are billed.
        var sessions = new SessionService.SessionServiceClient(host.Channel);
        foreach (var id in new[] { a1.SessionId, a2.SessionId, b1.SessionId })
        {
            await global::Charge.Tests.Eventually.Get(() => sessions.GetSessionAsync(new GetSessionRequest { SessionId = id }).ResponseAsync, s => s.Billed, TimeSpan.FromSeconds(20));
        }

        var closed = await billing.CloseBillingPeriodAsync(new CloseBillingPeriodRequest { Period = period });
        var again = await billing.CloseBillingPeriodAsync(new CloseBillingPeriodRequest { Period = period });
        var notEnded = await Assert.ThrowsAsync<RpcException>(() => billing.CloseBillingPeriodAsync(new CloseBillingPeriodRequest { Period = current }).ResponseAsync);
        var invoices = new List<JsonNode>();
        foreach (var number in closed.InvoiceNumbers)
        {
            invoices.Add(JsonNode.Parse((await billing.GetInvoiceAsync(new GetInvoiceRequest { Number = number })).Data.ToStringUtf8())!);
        }

        var ofA = invoices.Single(i => i["idTag"]!.GetValue<string>() == tagA);
        var ofB = invoices.Single(i => i["idTag"]!.GetValue<string>() == tagB);
        Assert.Equal(closed.InvoiceNumbers, again.InvoiceNumbers);
        Assert.Equal(StatusCode.FailedPrecondition, notEnded.StatusCode);
        Assert.Equal(period, ofA["period"]!.GetValue<string>());
        Assert.Equal(new[] { a1.SessionId, a2.SessionId }.Order(), ofA["sessionIds"]!.AsArray().Select(s => s!.GetValue<string>()).Order());
        Assert.Equal(2, ofA["lines"]!.AsArray().Count);
        // 15 kWh x 0.333 = 4.995 excl. -> 5.00; incl. 6.04395 -> 6.04 (rounded once, over the month).
        Assert.Equal(5.00m, ofA["total"]!["exclVat"]!.ExactDecimal());
        Assert.Equal(6.04m, ofA["total"]!["inclVat"]!.ExactDecimal());
        Assert.Equal([b1.SessionId], ofB["sessionIds"]!.AsArray().Select(s => s!.GetValue<string>()));
        Assert.Equal("", a1.InvoiceNumber);
    }

    [Fact]
    public async Task A_customers_tags_share_one_monthly_statement_addressed_to_the_customer()
    {
        var month = MonthsBack(2);
        var chargerId = $"CP-{Guid.NewGuid():N}"[..12];
        var tariffId = $"T-{Guid.NewGuid():N}"[..12];
        var customerId = $"C-{Guid.NewGuid():N}"[..12];
        var tags = new[] { $"CA-{Guid.NewGuid():N}"[..10], $"CB-{Guid.NewGuid():N}"[..10] };
        await TestTariffs.Put(host.Http, tariffId, TestTariffs.Json(tariffId, TestTariffs.Energy(0.333m, vat: 21)));

        await new CustomerService.CustomerServiceClient(host.Channel).PutCustomerAsync(new PutCustomerRequest { CustomerId = customerId, Name = "A. Driver", Country = "NLD" });
        foreach (var tag in tags)
        {
            await new TokenService.TokenServiceClient(host.Channel).PutTokenAsync(new PutTokenRequest { IdTag = tag, CustomerId = customerId });
        }

        await host.Security.ChargerAuthorization(host.RawChannel.CreateCallInvoker(), chargerId);
        await new TariffService.TariffServiceClient(host.Channel).AssignTariffAsync(new AssignTariffRequest { ChargerId = chargerId, TariffId = tariffId, EffectiveFrom = Timestamp.FromDateTime(month.AddDays(-40)) });
        var first = await Charge(chargerId, tags[0], 10, month.AddDays(3));
        var second = await Charge(chargerId, tags[1], 5, month.AddDays(4));
        var sessions = new SessionService.SessionServiceClient(host.Channel);
        foreach (var id in new[] { first.SessionId, second.SessionId })
        {
            await global::Charge.Tests.Eventually.Get(() => sessions.GetSessionAsync(new GetSessionRequest { SessionId = id }).ResponseAsync, s => s.Billed, TimeSpan.FromSeconds(20));
        }

        var billing = new BillingService.BillingServiceClient(host.Channel);
        var closed = await billing.CloseBillingPeriodAsync(new CloseBillingPeriodRequest { Period = month.ToString("yyyy-MM", CultureInfo.InvariantCulture) });
        var invoices = new List<JsonNode>();
        foreach (var number in closed.InvoiceNumbers)
        {
            invoices.Add(JsonNode.Parse((await billing.GetInvoiceAsync(new GetInvoiceRequest { Number = number })).Data.ToStringUtf8())!);
        }

        var statement = Assert.Single(invoices, i => i["billTo"]?["customerId"]?.GetValue<string>() == customerId);
        Assert.Equal("", statement["idTag"]!.GetValue<string>());
        Assert.Equal("A. Driver", statement["billTo"]!["name"]!.GetValue<string>());
        Assert.Equal(new[] { first.SessionId, second.SessionId }.Order(), statement["sessionIds"]!.AsArray().Select(s => s!.GetValue<string>()).Order());
        Assert.DoesNotContain(invoices, i => tags.Contains(i["idTag"]!.GetValue<string>()));
        // 15 kWh x 0.333 = 4.995 excl. -> 5.00; incl. 6.04395 -> 6.04; one VAT rate.
        Assert.Equal((5.00m, 6.04m), (statement["total"]!["exclVat"]!.ExactDecimal(), statement["total"]!["inclVat"]!.ExactDecimal()));
        var vat = Assert.Single(statement["vatBreakdown"]!.AsArray());
        Assert.Equal((21m, 5.00m, 6.04m), (vat!["ratePercent"]!.ExactDecimal(), vat["amount"]!["exclVat"]!.ExactDecimal(), vat["amount"]!["inclVat"]!.ExactDecimal()));
    }

    [Fact]
    public async Task A_session_that_completes_after_its_month_was_closed_is_invoiced_alone_even_for_a_new_account()
    {
        var month = MonthsBack(3);
        var chargerId = $"CP-{Guid.NewGuid():N}"[..12];
        var tariffId = $"T-{Guid.NewGuid():N}"[..12];
        var known = $"K-{Guid.NewGuid():N}"[..10];
        var newcomer = $"N-{Guid.NewGuid():N}"[..10];
        await TestTariffs.Put(host.Http, tariffId, TestTariffs.Json(tariffId, TestTariffs.Energy(0.25m, vat: 21)));

        await host.Security.ChargerAuthorization(host.RawChannel.CreateCallInvoker(), chargerId);
        await new TariffService.TariffServiceClient(host.Channel).AssignTariffAsync(new AssignTariffRequest { ChargerId = chargerId, TariffId = tariffId, EffectiveFrom = Timestamp.FromDateTime(month.AddDays(-40)) });
        var sessions = new SessionService.SessionServiceClient(host.Channel);
        async Task<Session> Billed(Session s) =>
            await global::Charge.Tests.Eventually.Get(() => sessions.GetSessionAsync(new GetSessionRequest { SessionId = s.SessionId }).ResponseAsync, x => x.Billed, TimeSpan.FromSeconds(20));
        var first = await Billed(await Charge(chargerId, known, 10, month));
        var billing = new BillingService.BillingServiceClient(host.Channel);
        var closed = await billing.CloseBillingPeriodAsync(new CloseBillingPeriodRequest { Period = month.ToString("yyyy-MM", CultureInfo.InvariantCulture) });

        // Both start in the closed month and complete after the close: one of a known account, one of an account the
        // month never saw (before, it went onto a statement nobody would close again and was never invoiced).
        var lateKnown = await Billed(await Charge(chargerId, known, 4, month.AddDays(5)));
        var lateNew = await Billed(await Charge(chargerId, newcomer, 6, month.AddDays(6)));
        var again = await billing.CloseBillingPeriodAsync(new CloseBillingPeriodRequest { Period = month.ToString("yyyy-MM", CultureInfo.InvariantCulture) });
        var ofNew = JsonNode.Parse((await billing.GetInvoiceAsync(new GetInvoiceRequest { Number = lateNew.InvoiceNumber })).Data.ToStringUtf8())!;

        Assert.Equal("", first.InvoiceNumber);
        Assert.Single(closed.InvoiceNumbers);
        Assert.NotEqual("", lateKnown.InvoiceNumber);
        Assert.NotEqual("", lateNew.InvoiceNumber);
        Assert.Equal(lateNew.SessionId, ofNew["sessionId"]!.GetValue<string>());
        // 6 kWh x 0.25 = 1.50 excl., 1.815 -> 1.82 incl.
        Assert.Equal((1.50m, 1.82m), (ofNew["total"]!["exclVat"]!.ExactDecimal(), ofNew["total"]!["inclVat"]!.ExactDecimal()));
        Assert.Equal(closed.InvoiceNumbers, again.InvoiceNumbers);
    }

    [Fact]
    public async Task Crediting_a_monthly_invoice_marks_each_of_its_sessions_credited()
    {
        var month = MonthsBack(4);
        var chargerId = $"CP-{Guid.NewGuid():N}"[..12];
        var tariffId = $"T-{Guid.NewGuid():N}"[..12];
        var tag = $"M-{Guid.NewGuid():N}"[..10];
        await TestTariffs.Put(host.Http, tariffId, TestTariffs.Json(tariffId, TestTariffs.Energy(0.25m, vat: 21)));

        await host.Security.ChargerAuthorization(host.RawChannel.CreateCallInvoker(), chargerId);
        await new TariffService.TariffServiceClient(host.Channel).AssignTariffAsync(new AssignTariffRequest { ChargerId = chargerId, TariffId = tariffId, EffectiveFrom = Timestamp.FromDateTime(month.AddDays(-40)) });
        var sessions = new SessionService.SessionServiceClient(host.Channel);
        var ids = new List<string>();
        foreach (var day in new[] { 0, 1 })
        {
            var s = await Charge(chargerId, tag, 5, month.AddDays(day));
            await global::Charge.Tests.Eventually.Get(() => sessions.GetSessionAsync(new GetSessionRequest { SessionId = s.SessionId }).ResponseAsync, x => x.Billed, TimeSpan.FromSeconds(20));
            ids.Add(s.SessionId);
        }

        var billing = new BillingService.BillingServiceClient(host.Channel);
        var number = Assert.Single((await billing.CloseBillingPeriodAsync(new CloseBillingPeriodRequest { Period = month.ToString("yyyy-MM", CultureInfo.InvariantCulture) })).InvoiceNumbers);
        var note = JsonNode.Parse((await billing.CreditInvoiceAsync(new CreditInvoiceRequest { Number = number, Reason = "Goodwill" })).Data.ToStringUtf8())!;
        var credited = await Task.WhenAll(ids.Select(id => sessions.GetSessionAsync(new GetSessionRequest { SessionId = id }).ResponseAsync));

        Assert.All(credited, s => Assert.Equal(note["number"]!.GetValue<string>(), s.CreditNoteNumber));
    }
}
