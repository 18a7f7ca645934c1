using Charge.Tests;
using System.Collections.Immutable;
using Charge.Grains.Interfaces;
using Charge.Grains.Interfaces.Tariffs;

namespace Charge.Grains.Tests;

/// <summary>
/// Every grain kind that stores a change: when its write fails, the caller hears Unavailable and nothing of the change
/// is served afterwards (not from memory, not by a retry answered without a write); the retry stores it.
/// </summary>
[Collection(ClusterCollection.Name)]
public sealed class FailedWriteTests(ClusterFixture fixture)
{
    private static readonly DateTime T0 = DateTime.UtcNow.AddHours(-1);

    private static string Tariff(string id) =>
        $$"""{"id":"{{id}}","currency":"EUR","elements":[{"price_components":[{"type":"ENERGY","price":0.30,"vat":20,"step_size":1}]}]}""";

    /// <summary>A grain, the change asked of it, and whether a read shows the change.</summary>
    public sealed record Case(GrainId Grain, Func<Task> Change, Func<Task<bool>> Shows);

    private static readonly Dictionary<string, Func<IGrainFactory, Case>> Cases = new()
    {
        ["tariff version"] = grains =>
        {
            var id = TestIds.New("t");
            var tariff = grains.GetGrain<ITariffGrain>(id);
            return new(tariff.GetGrainId(), () => tariff.Put(Tariff(id), "UTC"), async () =>
            {
                try
                {
                    return (await tariff.GetVersion(null)).Version == 1;
                }
                catch (ChargeException e) when (e.Kind == ChargeErrorKind.NotFound)
                {
                    return false;
                }
            });
        },
        ["tariff assignment"] = grains =>
        {
            var assignment = grains.GetGrain<ITariffAssignmentGrain>(ITariffAssignmentGrain.ChargerKey(TestIds.New("cp")));
            var tariffId = TestIds.New("t");
            return new(assignment.GetGrainId(), async () =>
            {
                await grains.GetGrain<ITariffGrain>(tariffId).Put(Tariff(tariffId), "UTC");
                await assignment.Assign(new TariffAssignment(tariffId, T0));
            }, async () => (await assignment.List()).Length == 1);
        },
        ["site"] = grains =>
        {
            var site = grains.GetGrain<ISiteGrain>(TestIds.New("site"));
            return new(site.GetGrainId(), () => site.Put(new SiteInfo("Depot", "UTC")), async () => (await site.Get()).Info is not null);
        },
        ["site's chargers"] = grains =>
        {
            var site = grains.GetGrain<ISiteGrain>(TestIds.New("site"));
            var charger = TestIds.New("cp");
            return new(site.GetGrainId(), async () =>
            {
                if ((await site.Get()).Info is null)
                {
                    FaultInjectedStorage.FailNextWrites(site.GetGrainId(), 0);
                    await site.Put(new SiteInfo("Depot", "UTC"));
                    FaultInjectedStorage.FailNextWrites(site.GetGrainId(), 1);
                }

                await site.AddCharger(charger, 2);
            }, async () => (await site.Get()).Chargers.ContainsKey(charger));
        },
        ["charger directory"] = grains =>
        {
            var directory = grains.GetGrain<IChargerDirectoryGrain>(TestIds.New("dir"));
            return new(directory.GetGrainId(), () => directory.Add("cp-1"), async () => (await directory.List(null, 10)).Contains("cp-1"));
        },
        ["customer"] = grains =>
        {
            var customer = grains.GetGrain<ICustomerGrain>(TestIds.New("cus"));
            return new(customer.GetGrainId(), () => customer.Put(new CustomerInfo(CustomerKind.Person, "Ada")), () => customer.Exists());
        },
        ["invoice number series"] = grains =>
        {
            var series = grains.GetGrain<IInvoiceNumberGrain>(TestIds.New("INV"));
            return new(series.GetGrainId(), () => series.Reserve("doc-1"), async () => await series.Last() == 1);
        },
        ["billing period"] = grains =>
        {
            var period = grains.GetGrain<IBillingPeriodGrain>(TestIds.New("period"));
            return new(period.GetGrainId(), () => period.Join("TAG-1"), async () => (await period.IdTags()).Contains("TAG-1"));
        },
        ["id_tag's sessions"] = grains =>
        {
            var index = grains.GetGrain<IIdTagGrain>(TestIds.New("TAG"));
            return new(index.GetGrainId(), () => index.AddSession(new SessionRef("cp~1", "cp", "TAG", T0)),
                async () => (await index.ListSessions(T0.AddHours(-1), T0.AddHours(1), 10)).Length == 1);
        },
        ["charger's history"] = grains =>
        {
            var history = grains.GetGrain<IChargerHistoryGrain>($"{TestIds.New("cp")}|{T0:yyyy-MM}");
            return new(history.GetGrainId(), () => history.Add([new SessionRef("cp~1", "cp", "TAG", T0)]),
                async () => (await history.Query(T0.AddHours(-1), T0.AddHours(1), 10)).Length == 1);
        },
    };

    public static TheoryData<string> Kinds => [.. Cases.Keys];

    [Theory]
    [MemberData(nameof(Kinds))]
    public async Task A_failed_write_leaves_nothing_served_and_the_retry_stores_the_change(string kind)
    {
        var c = Cases[kind](fixture.Grains);
        FaultInjectedStorage.FailNextWrites(c.Grain, 1);

        var failed = await Assert.ThrowsAsync<ChargeException>(c.Change);
        var shownAfterFailure = await c.Shows();
        await c.Change();
        var shownAfterRetry = await c.Shows();

        Assert.Equal(ChargeErrorKind.Unavailable, failed.Kind);
        Assert.False(shownAfterFailure, $"{kind}: the change whose write failed is served");
        Assert.True(shownAfterRetry, $"{kind}: the retried change is not there");
    }
}
