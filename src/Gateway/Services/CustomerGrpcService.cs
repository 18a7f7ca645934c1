using Charge.Api.V1;
using Charge.Gateway.Security;
using Charge.Grains.Interfaces;
using Grpc.Core;
using Microsoft.AspNetCore.Authorization;
using static Charge.Gateway.Services.RequestValidation;

namespace Charge.Gateway.Services;

/// <summary>Customer accounts, for operators.</summary>
[Authorize(Policy = ChargeRoles.Policies.Operator)]
public sealed class CustomerGrpcService(IGrainFactory grains) : CustomerService.CustomerServiceBase
{
    public override async Task<Customer> PutCustomer(PutCustomerRequest request, ServerCallContext context)
    {
        var customerId = Id(request.CustomerId, "customer_id");
        var info = new CustomerInfo(
            request.Kind.ToUpperInvariant() switch
            {
                "" or "PERSON" => CustomerKind.Person,
                "COMPANY" => CustomerKind.Company,
                _ => throw Invalid($"kind '{request.Kind}' must be PERSON or COMPANY"),
            },
            Text(request.Name, "name", 255, required: true),
            Email(request.Email),
            Text(request.Address, "address", 255),
            Text(request.City, "city", 100),
            Text(request.PostalCode, "postal_code", Limits.MaxPostalCodeLength),
            Country(request.Country),
            VatId(request.VatId),
            OptionalId(request.TariffGroup, "tariff_group"));
        return ToApi(await grains.GetGrain<ICustomerGrain>(customerId).Put(info));
    }

    public override async Task<Customer> GetCustomer(GetCustomerRequest request, ServerCallContext context) =>
        ToApi(await grains.GetGrain<ICustomerGrain>(Id(request.CustomerId, "customer_id")).Get());

    public override async Task<ListCustomersResponse> ListCustomers(ListCustomersRequest request, ServerCallContext context)
    {
        var (page, next) = await Paging.Keys(grains.GetGrain<ICustomerDirectoryGrain>(ICustomerDirectoryGrain.Key).List, request.PageSize, request.PageToken, Text(request.Prefix, "prefix", 100));
        var views = await Task.WhenAll(page.Select(id => grains.GetGrain<ICustomerGrain>(id).Get()));
        var response = new ListCustomersResponse { NextPageToken = next };
        response.Customers.AddRange(views.Select(ToApi));
        return response;
    }

    private static string Text(string value, string field, int max, bool required = false) =>
        RequestValidation.Text(value, field, max, required);

    /// <summary>Something@somewhere, at most 254 characters (RFC 5321), no spaces: a mailbox, not a full RFC 5322 check.</summary>
    private static string Email(string value)
    {
        var at = value.IndexOf('@');
        return value.Length == 0 ? ""
            : value.Length > 254 || at <= 0 || at == value.Length - 1 || value.Any(c => char.IsWhiteSpace(c) || char.IsControl(c))
                ? throw Invalid($"email '{value}' is not an e-mail address")
                : value;
    }

    /// <summary>An EU VAT number: two-letter country prefix and 2..13 letters or digits (VIES format).</summary>
    private static string VatId(string value) =>
        value.Length == 0 ? ""
        : value.Length is >= 4 and <= 15 && char.IsAsciiLetterUpper(value[0]) && char.IsAsciiLetterUpper(value[1]) && value.Skip(2).All(char.IsAsciiLetterOrDigit)
            ? value
            : throw Invalid($"vat_id '{value}' must be a country prefix and 2 to 13 letters or digits, e.g. NL123456789B01");

    private static Customer ToApi(CustomerView v) => new()
    {
        CustomerId = v.CustomerId,
        Kind = v.Info.Kind.ToString().ToUpperInvariant(),
        Name = v.Info.Name,
        Email = v.Info.Email,
        Address = v.Info.Address,
        City = v.Info.City,
        PostalCode = v.Info.PostalCode,
        Country = v.Info.Country,
        VatId = v.Info.VatId,
        UpdatedAt = Mapping.Ts(v.UpdatedAt),
        TariffGroup = v.Info.TariffGroup ?? "",
    };
}
