using System.Text.Json;
using Charge.Api.V1;
using Charge.Gateway.Billing;
using Charge.Gateway.Security;
using Charge.Grains.Interfaces;
using Google.Api;
using Google.Protobuf;
using Grpc.Core;
using Microsoft.AspNetCore.Authorization;
using static Charge.Gateway.Services.RequestValidation;

namespace Charge.Gateway.Services;

/// <summary>Invoices (JSON or printable HTML), credit notes and CDR exports.</summary>
public sealed class BillingGrpcService(IGrainFactory grains) : BillingService.BillingServiceBase
{
    private IBillingGrain Billing => grains.GetGrain<IBillingGrain>("billing");

    [Authorize(Policy = ChargeRoles.Policies.DriverOrOperator)]
    public override async Task<HttpBody> GetInvoice(GetInvoiceRequest request, ServerCallContext context)
    {
        var number = Number(request.Number);
        var invoice = await grains.GetGrain<IInvoiceGrain>(number).Get();
        var caller = context.Caller();
        // Someone else's invoice gets the answer an unknown number gets: a driver cannot probe which numbers exist.
        if (invoice is null || !Access.MayRead(caller, invoice))
        {
            throw new RpcException(new Status(StatusCode.NotFound, $"invoice '{number}' does not exist or is not visible to this caller"));
        }
        var html = request.Format switch
        {
            "html" => true,
            "json" => false,
            "" => context.GetHttpContext().Request.Headers.Accept.ToString().Contains("text/html", StringComparison.OrdinalIgnoreCase),
            _ => throw Invalid("format must be json or html"),
        };
        return html ? Body(InvoiceHtml.Render(invoice), "text/html; charset=utf-8") : Json(invoice);
    }

    [Authorize(Policy = ChargeRoles.Policies.DriverOrOperator)]
    public override async Task<ListInvoicesResponse> ListInvoices(ListInvoicesRequest request, ServerCallContext context)
    {
        var customerId = OptionalId(request.CustomerId, "customer_id");
        var idTag = OptionalId(request.IdTag, "id_tag");
        if (customerId is not null && idTag is not null)
        {
            throw Invalid("give at most one of customer_id and id_tag");
        }

        if (!IsMonth(request.Month))
        {
            throw Invalid($"month '{request.Month}' must be yyyy-MM");
        }

        var caller = context.Caller();
        if (idTag is not null)
        {
            Access.EnsureOwnIdTag(caller, idTag);
        }
        else if (customerId is null ? !caller.IsOperator() : !caller.IsOperator() && caller.CustomerId() != customerId)
        {
            throw customerId is null
                ? Access.Denied("only operators list every document of a month; give customer_id or id_tag")
                : Access.Denied($"customer '{customerId}' is not this caller's");
        }

        var size = Paging.Size(request.PageSize);
        var after = Paging.After(request.PageToken);
        IReadOnlyList<Grains.Interfaces.InvoiceSummary> page;
        if (customerId is null && idTag is null)
        {
            page = await grains.GetGrain<IBillingGrain>("billing").Invoices(request.Month, after, size + 1);
        }
        else
        {
            var key = idTag is not null ? IInvoiceIndexGrain.IdTagKey(idTag, request.Month) : IInvoiceIndexGrain.CustomerKey(customerId!, request.Month);
            page = [.. (await grains.GetGrain<IInvoiceIndexGrain>(key).List())
                .Where(i => after is null || string.CompareOrdinal(i.Number, after) > 0)
                .OrderBy(i => i.Number, StringComparer.Ordinal)
                .Take(size + 1)];
        }

        var response = new ListInvoicesResponse { NextPageToken = Paging.Next(page.Take(size).LastOrDefault()?.Number, page.Count > size) };
        response.Invoices.AddRange(page.Take(size).Select(i => new Api.V1.InvoiceSummary
        {
            Number = i.Number,
            Kind = i.Kind == InvoiceKind.CreditNote ? "CREDIT_NOTE" : "INVOICE",
            IssuedAt = Mapping.Ts(i.IssuedAt),
            SessionId = i.SessionId,
            IdTag = i.IdTag,
            CustomerId = i.CustomerId ?? "",
            Currency = i.Currency,
            Total = CostMapping.Exact(i.Total),
            Period = i.Period ?? "",
            Reverses = i.Reverses ?? "",
            CreditedBy = i.CreditedBy ?? "",
        }));
        return response;
    }

    [Authorize(Policy = ChargeRoles.Policies.Operator)]
    public override async Task<HttpBody> CreditInvoice(CreditInvoiceRequest request, ServerCallContext context)
    {
        var number = Number(request.Number);
        var note = await Billing.CreditInvoice(number, Text(request.Reason, "reason", 200, required: true));
        return Json(note);
    }

    [Authorize(Policy = ChargeRoles.Policies.Operator)]
    public override async Task<CloseBillingPeriodResponse> CloseBillingPeriod(CloseBillingPeriodRequest request, ServerCallContext context)
    {
        if (!IsMonth(request.Period))
        {
            throw Invalid("period must be a month, yyyy-MM");
        }

        var year = int.Parse(request.Period[..4], System.Globalization.CultureInfo.InvariantCulture);
        if (year < Limits.Earliest.Year || year >= Limits.Latest.Year)
        {
            throw Invalid($"period {request.Period} is outside the supported years {Limits.Earliest.Year} to {Limits.Latest.Year - 1}");
        }

        var response = new CloseBillingPeriodResponse();
        response.InvoiceNumbers.AddRange(await Billing.CloseMonth(request.Period));
        return response;
    }

    [Authorize(Policy = ChargeRoles.Policies.Operator)]
    public override async Task<HttpBody> ExportCdrs(ExportCdrsRequest request, ServerCallContext context)
    {
        var (from, to) = ReportGrpcService.DateRange(request.From, request.To);
        var query = new ExportQuery(from, to, OptionalId(request.ChargerId, "charger_id"), OptionalId(request.SiteId, "site_id"));
        return request.Format switch
        {
            "" or "ocpi" => Body(CdrExport.Cdrs(await Billing.CdrSessions(query)), "application/json"),
            "csv" => Body(CdrExport.Csv(await Billing.CompletedSessions(query)), "text/csv; charset=utf-8"),
            _ => throw Invalid("format must be ocpi or csv"),
        };
    }

    /// <summary>A month as yyyy-MM, nothing before or after it (not even a line break).</summary>
    private static bool IsMonth(string value) => System.Text.RegularExpressions.Regex.IsMatch(value, "^[0-9]{4}-(0[1-9]|1[0-2])\\z");

    private static string Number(string value) =>
        IsDocumentNumber(value)
            ? value
            : throw Invalid($"number '{(value.Length > 40 ? value[..40] + "…" : value)}' is not an invoice number: it must look like INV-2026-000001");

    /// <summary>As the rest of the API writes them: amounts and quantities as exact decimal strings, enums in upper case.</summary>
    private static readonly JsonSerializerOptions InvoiceJson = new(JsonSerializerDefaults.Web)
    {
        WriteIndented = true,
        Converters = { new System.Text.Json.Serialization.JsonStringEnumConverter(JsonNamingPolicy.SnakeCaseUpper), new DecimalText() },
    };

    private sealed class DecimalText : System.Text.Json.Serialization.JsonConverter<decimal>
    {
        public override decimal Read(ref Utf8JsonReader reader, Type typeToConvert, JsonSerializerOptions options) =>
            decimal.Parse(reader.GetString()!, System.Globalization.CultureInfo.InvariantCulture);

        public override void Write(Utf8JsonWriter writer, decimal value, JsonSerializerOptions options) => writer.WriteStringValue(CostMapping.Text(value));
    }

    private static HttpBody Json(Invoice invoice) => Body(JsonSerializer.Serialize(invoice, InvoiceJson), "application/json");

    private static HttpBody Body(string text, string contentType) =>
        new() { ContentType = contentType, Data = ByteString.CopyFromUtf8(text) };
}
