namespace Gauntlet.Cli.Demos;

/// <summary>One feature of a synthetic demo set: its name, raw bounds (the CSV holds (raw − min) / (max − min)) and whether it can change.</summary>
internal sealed record DemoFeature(string Name, double Min, double Max, bool Immutable, string Distribution);

/// <summary>A synthetic, clearly labelled industry data set and the model the demo trains on it.</summary>
internal sealed record DemoScenario(
    string Name,
    string Title,
    string Sector,
    string Purpose,
    string PositiveMeaning,
    string ProtectedAttribute,
    string? ProtectedFeature,
    IReadOnlyList<DemoFeature> Features,
    string LabelRule,
    string InjectedBias,
    bool Mlp,
    Func<Random, (double[] Raw, string Group, int Label)> Draw)
{
    public const int Rows = 3000;

    public static IReadOnlyList<DemoScenario> All { get; } = [Credit(), Triage(), Benefits()];

    private static double Sigmoid(double z) => 1 / (1 + Math.Exp(-z));

    private static double Normal(Random r) => Math.Sqrt(-2 * Math.Log(1 - r.NextDouble())) * Math.Cos(2 * Math.PI * r.NextDouble());

    private static int Poisson(Random r, double lambda)
    {
        var (l, k, p) = (Math.Exp(-lambda), 0, 1.0);
        do
        {
            k++;
            p *= r.NextDouble();
        }
        while (p > l);
        return k - 1;
    }

    private static DemoScenario Credit() => new(
        "credit",
        "Credit scoring (financial services)",
        "financial services",
        "decide whether a consumer loan application is approved",
        "approved (1)",
        "sex",
        "sex_f",
        [
            new("age", 18, 75, true, "uniform(18, 75) years"),
            new("income_k", 10, 150, false, "lognormal: exp(N(ln 38, 0.45)) thousand per year for F, exp(N(ln 42, 0.45)) for M, clipped to [10, 150]"),
            new("debt_ratio", 0, 1, false, "uniform(0, 0.9)"),
            new("history_years", 0, 30, false, "uniform(0, 30)"),
            new("late_payments", 0, 6, false, "Poisson(1), clipped to 6"),
            new("sex_f", 0, 1, true, "1 for F, 0 for M; P(F) = 0.5"),
        ],
        "approved ~ Bernoulli(σ(z)), z = −0.2 + 4·income_s − 3·debt_ratio + 1.5·history_s + 0.8·age_s − 2·late_s − 1.2·sex_f (the _s values scaled to [0, 1])",
        "the historical decisions penalise women: −1.2 on the logit for sex_f = 1 (about 25 points of approval rate at the median), on top of a 10% income gap",
        false,
        r =>
        {
            var female = r.NextDouble() < 0.5;
            var age = 18 + (57 * r.NextDouble());
            var income = Math.Clamp(Math.Exp(Math.Log(female ? 38 : 42) + (0.45 * Normal(r))), 10, 150);
            var debt = 0.9 * r.NextDouble();
            var history = 30 * r.NextDouble();
            var late = Math.Min(6, Poisson(r, 1));
            var z = -0.2 + (4 * (income - 10) / 140) - (3 * debt) + (1.5 * history / 30) + (0.8 * (age - 18) / 57) - (2 * late / 6.0) - (female ? 1.2 : 0);
            return ([age, income, debt, history, late, female ? 1 : 0], female ? "F" : "M", r.NextDouble() < Sigmoid(z) ? 1 : 0);
        });

    private static DemoScenario Triage() => new(
        "triage",
        "Emergency triage (healthcare)",
        "healthcare",
        "flag emergency-department arrivals as urgent (seen within 15 minutes) or not",
        "urgent (1)",
        "ethnicity",
        null,
        [
            new("age", 18, 95, true, "uniform(18, 95) years"),
            new("heart_rate", 40, 160, false, "N(85, 15) beats/min; +N(20, 8) when truly urgent; clipped"),
            new("systolic_bp", 70, 200, false, "N(125, 18) mmHg; −N(20, 10) when truly urgent; clipped"),
            new("temperature", 35, 41, false, "N(37, 0.5) °C; +N(0.9, 0.5) when truly urgent; clipped"),
            new("spo2", 80, 100, false, "N(97, 1.5) %; −N(4, 2) when truly urgent; clipped"),
            new("pain", 0, 10, false, "uniform integer 0–10; +3 when truly urgent; clipped"),
            new("deprivation_index", 0, 1, false, "Beta-like: U² for group A, 1 − U² for group B (a neighbourhood proxy of the group)"),
        ],
        "truly urgent ~ Bernoulli(σ(−1.5 + 2·(age_s − 0.5))); vitals then drawn as listed",
        "the recorded label (the triage nurse's historical decision) misses 35% of truly urgent patients of group B (under-triage), so a model learns lower urgency for B through the deprivation proxy",
        true,
        r =>
        {
            var b = r.NextDouble() < 0.3;
            var age = 18 + (77 * r.NextDouble());
            var urgent = r.NextDouble() < Sigmoid(-1.5 + (2 * (((age - 18) / 77) - 0.5)));
            var hr = Math.Clamp(85 + (15 * Normal(r)) + (urgent ? 20 + (8 * Normal(r)) : 0), 40, 160);
            var bp = Math.Clamp(125 + (18 * Normal(r)) - (urgent ? 20 + (10 * Normal(r)) : 0), 70, 200);
            var temp = Math.Clamp(37 + (0.5 * Normal(r)) + (urgent ? 0.9 + (0.5 * Normal(r)) : 0), 35, 41);
            var spo2 = Math.Clamp(97 + (1.5 * Normal(r)) - (urgent ? 4 + (2 * Normal(r)) : 0), 80, 100);
            var pain = Math.Clamp(r.Next(0, 11) + (urgent ? 3 : 0), 0, 10);
            var u = r.NextDouble();
            var deprivation = b ? 1 - (u * u) : u * u;
            var recorded = urgent && !(b && r.NextDouble() < 0.35);
            return ([age, hr, bp, temp, spo2, pain, deprivation], b ? "B" : "A", recorded ? 1 : 0);
        });

    private static DemoScenario Benefits() => new(
        "benefits",
        "Benefits eligibility (public sector)",
        "government",
        "recommend whether a housing-benefit claim is granted; a caseworker takes the decision",
        "granted (1)",
        "citizenship",
        "non_citizen",
        [
            new("household_income_k", 0, 60, false, "gamma-like: 22 · (−ln U₁ − ln U₂)/2 thousand per year, clipped to 60"),
            new("household_size", 1, 8, false, "1 + Poisson(1.5), clipped to 8"),
            new("employment_months", 0, 120, false, "uniform(0, 120) months in the last ten years"),
            new("disability", 0, 1, true, "Bernoulli(0.15)"),
            new("rent_share", 0, 1, false, "uniform(0.1, 0.7) of income"),
            new("non_citizen", 0, 1, true, "Bernoulli(0.2); 1 = non-citizen"),
        ],
        "eligible when income per person < 9k, or disability and income < 25k, or rent share > 0.5 and income < 20k (the published rule)",
        "historical caseworker decisions grant only 70% of eligible non-citizens' claims (and 3% of ineligible citizens' claims by error)",
        false,
        r =>
        {
            var nonCitizen = r.NextDouble() < 0.2;
            var income = Math.Min(60, 22 * (-Math.Log(1 - r.NextDouble()) - Math.Log(1 - r.NextDouble())) / 2);
            var size = Math.Min(8, 1 + Poisson(r, 1.5));
            var employment = 120 * r.NextDouble();
            var disability = r.NextDouble() < 0.15;
            var rent = 0.1 + (0.6 * r.NextDouble());
            var eligible = income / size < 9 || (disability && income < 25) || (rent > 0.5 && income < 20);
            var granted = eligible ? !(nonCitizen && r.NextDouble() < 0.3) : !nonCitizen && r.NextDouble() < 0.03;
            return ([income, size, employment, disability ? 1 : 0, rent, nonCitizen ? 1 : 0], nonCitizen ? "non_citizen" : "citizen", granted ? 1 : 0);
        });
}
