using Charge.Grains.Sites;

namespace Charge.Grains.Tests.Sites;

/// <summary>The site power allocation: fixed examples and invariants over generated sites.</summary>
public sealed class LoadAllocatorTests
{
    private const double ThreePhaseMinW = 6 * 230 * 3;
    private const double Epsilon = 1e-6;

    private static List<PowerClaim> Claims(int[] demands, byte[] priorities, bool[] controllable) =>
    [
        .. demands.Select((d, i) => new PowerClaim(
            $"s{i}",
            DemandW: Math.Abs(d % 61) * 1_000.0 + Math.Abs(d % 7) * 137,
            MinW: i % 3 == 0 ? 6 * 230 : ThreePhaseMinW,
            Priority: priorities.Length > i ? priorities[i] % 3 : 0,
            Controllable: controllable.Length <= i || controllable[i] || i % 4 != 0)),
    ];

    /// <summary>FsCheck's integers are small (its size grows to about 100): scaled to watts, 0..300 kW.</summary>
    private static double Limit(int generated) => Math.Abs(generated % 301) * 1_000.0;

    [Fact]
    public void Ten_22_kw_sessions_on_a_100_kw_site_share_it_evenly()
    {
        var claims = Enumerable.Range(0, 10).Select(i => new PowerClaim($"s{i}", 22_000, ThreePhaseMinW)).ToList();

        var allowances = LoadAllocator.Allocate(100_000, claims);

        Assert.All(allowances.Values, w => Assert.Equal(10_000, w, 6));
    }

    [Fact]
    public void A_car_drawing_less_leaves_its_unused_share_to_the_others()
    {
        var claims = new List<PowerClaim> { new("slow", 3_000, ThreePhaseMinW), new("a", 22_000, ThreePhaseMinW), new("b", 22_000, ThreePhaseMinW) };

        var allowances = LoadAllocator.Allocate(30_000, claims);

        // The slow car is given its minimum (4.14 kW: below it a car cannot charge), the rest split 25.86 kW.
        Assert.Equal(ThreePhaseMinW, allowances["slow"], 6);
        Assert.Equal((30_000 - ThreePhaseMinW) / 2, allowances["a"], 6);
        Assert.Equal(allowances["a"], allowances["b"], 6);
    }

    [Fact]
    public void When_the_share_would_fall_below_the_minimum_the_last_session_pauses_instead()
    {
        var claims = Enumerable.Range(0, 4).Select(i => new PowerClaim($"s{i}", 22_000, ThreePhaseMinW)).ToList();

        var allowances = LoadAllocator.Allocate(15_000, claims);

        // 15 kW / 4 = 3.75 kW < 4.14 kW: s3 (the last to start) pauses, the others get 5 kW each.
        Assert.Equal([5_000, 5_000, 5_000, 0], allowances.OrderBy(a => a.Key).Select(a => Math.Round(a.Value, 6)));
    }

    [Fact]
    public void A_higher_priority_is_served_first_and_an_uncontrollable_session_is_counted_at_its_demand()
    {
        var claims = new List<PowerClaim>
        {
            new("public", 22_000, ThreePhaseMinW, Priority: 0),
            new("fleet", 22_000, ThreePhaseMinW, Priority: 1),
            new("old-charger", 11_000, ThreePhaseMinW, Controllable: false),
        };

        var allowances = LoadAllocator.Allocate(40_000, claims);

        Assert.Equal(11_000, allowances["old-charger"], 6);
        Assert.Equal(22_000, allowances["fleet"], 6);
        Assert.Equal(7_000, allowances["public"], 6);
    }

    [Fact]
    public void The_generated_sites_include_shared_held_and_paused_sessions()
    {
        // Guards the properties below against vacuity: the generator's scale gives every case they judge.
        var claims = Claims([22, 22, 22, 3, 60, 11], [], [true, true, true, true, true, true]);
        var allowances = LoadAllocator.Allocate(Limit(20), claims);
        Assert.Contains(allowances.Values, w => w == 0);
        Assert.Contains(claims, c => allowances[c.SessionId] > 0 && allowances[c.SessionId] < c.DemandW);
    }

    [FsCheck.Xunit.Property(MaxTest = 500)]
    public bool The_allowances_never_exceed_the_limit(int limit, int[] demands, byte[] priorities, bool[] controllable)
    {
        var claims = Claims(demands, priorities, controllable);
        var limitW = Limit(limit);
        var allowances = LoadAllocator.Allocate(limitW, claims);
        var fixedW = claims.Where(c => !c.Controllable).Sum(c => c.DemandW);
        var shared = claims.Where(c => c.Controllable).Sum(c => allowances[c.SessionId]);
        return shared <= Math.Max(0, limitW - fixedW) + Epsilon;
    }

    [FsCheck.Xunit.Property(MaxTest = 500)]
    public bool Each_allowance_is_zero_or_between_the_minimum_and_what_the_session_can_use(int limit, int[] demands, byte[] priorities, bool[] controllable)
    {
        var claims = Claims(demands, priorities, controllable);
        var allowances = LoadAllocator.Allocate(Limit(limit), claims);
        return claims.Where(c => c.Controllable).All(c =>
        {
            var w = allowances[c.SessionId];
            var wanted = c.DemandW <= 0 ? 0 : Math.Max(c.DemandW, c.MinW);
            return w == 0 || (w >= c.MinW - Epsilon && w <= wanted + Epsilon);
        });
    }

    [FsCheck.Xunit.Property(MaxTest = 500)]
    public bool No_power_is_left_over_while_a_session_could_take_it(int limit, int[] demands, byte[] priorities, bool[] controllable)
    {
        var claims = Claims(demands, priorities, controllable);
        var limitW = Limit(limit);
        var allowances = LoadAllocator.Allocate(limitW, claims);
        var available = Math.Max(0, limitW - claims.Where(c => !c.Controllable).Sum(c => c.DemandW));
        var left = available - claims.Where(c => c.Controllable).Sum(c => allowances[c.SessionId]);
        return claims.Where(c => c.Controllable).All(c =>
        {
            var w = allowances[c.SessionId];
            var wanted = c.DemandW <= 0 ? 0 : Math.Max(c.DemandW, c.MinW);
            // Charging below its wish: nothing may be left; paused: what is left must be less than its minimum.
            return w >= wanted - Epsilon || (w > 0 ? left <= Epsilon : left < c.MinW + Epsilon);
        });
    }

    [FsCheck.Xunit.Property(MaxTest = 300)]
    public bool Sessions_of_one_priority_held_below_their_wish_get_the_same_share(int limit, int[] demands)
    {
        var claims = Claims(demands, [], []).Select(c => c with { Controllable = true, Priority = 0 }).ToList();
        var allowances = LoadAllocator.Allocate(Limit(limit), claims);
        var held = claims.Where(c => allowances[c.SessionId] > 0 && allowances[c.SessionId] < Math.Max(c.DemandW, c.MinW) - Epsilon)
            .Select(c => allowances[c.SessionId]).ToList();
        return held.Count < 2 || held.Max() - held.Min() <= Epsilon;
    }

    [Fact]
    public void Ten_22_kw_chargers_on_a_100_kw_site_never_draw_more_than_100_kw_as_cars_come_go_and_slow_down()
    {
        // A seeded simulation: cars arrive, leave and taper off; each change is shared again and delivered lowered
        // allowances first, raised ones after; a car starts at 0 (TxDefaultProfile) until it gets its allowance and
        // draws min(allowance, what its battery takes). The site's load is checked after every single delivery.
        const double limit = 100_000;
        var random = new Random(16);
        var wants = new Dictionary<string, double>();
        var allowance = new Dictionary<string, double>();
        var draw = new Dictionary<string, double>();
        var order = new List<string>();
        var peak = 0.0;
        for (var step = 0; step < 2_000; step++)
        {
            var charger = $"cp{random.Next(10)}";
            if (!wants.ContainsKey(charger))
            {
                wants[charger] = 22_000;
                draw[charger] = 0;
                allowance[charger] = 0;
                order.Add(charger);
            }
            else if (random.NextDouble() < 0.3)
            {
                wants.Remove(charger);
                draw.Remove(charger);
                allowance.Remove(charger);
                order.Remove(charger);
            }
            else
            {
                // The battery fills: the car takes less.
                wants[charger] = Math.Max(1_500, wants[charger] * random.NextDouble());
            }

            foreach (var id in order)
            {
                draw[id] = Math.Min(allowance[id], wants[id]);
            }

            // The balancer sees what each car draws against what it was given.
            var claims = order.Select(id => new PowerClaim(id,
                allowance[id] > 0 && draw[id] < 0.8 * allowance[id] ? Math.Min(22_000, Math.Max(draw[id] * 1.2, ThreePhaseMinW)) : 22_000,
                ThreePhaseMinW)).ToList();
            var next = LoadAllocator.Allocate(limit, claims);
            foreach (var id in order.OrderBy(id => next[id] - allowance[id]))
            {
                allowance[id] = next[id];
                draw[id] = Math.Min(allowance[id], wants[id]);
                var load = draw.Values.Sum();
                peak = Math.Max(peak, load);
                Assert.True(load <= limit + Epsilon, $"step {step}: {load} W drawn on a {limit} W site");
            }
        }

        // The site was used, not starved: at some point the cars drew close to the limit.
        Assert.True(peak > 0.9 * limit, $"peak {peak} W");
    }
}
