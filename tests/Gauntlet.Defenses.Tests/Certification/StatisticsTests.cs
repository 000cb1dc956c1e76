using Gauntlet.Defenses.Certification;
using MathNet.Numerics;
using MathNet.Numerics.Distributions;

namespace Gauntlet.Defenses.Tests.Certification;

/// <summary>
/// The special functions behind the certificates (MathNet.Numerics' Beta quantile and regularized
/// incomplete beta, Φ⁻¹, and the binomial test built on them) against SciPy 1.10
/// (tools/certification/make_smoothing_statistics.py), at the accuracy the certificates need.
/// </summary>
public sealed class StatisticsTests
{
    [Fact]
    public void BetaQuantile_MatchesScipyBetaPpf_ToOnePartIn1e9()
    {
        var cases = StatisticsFixture.Cases("beta_ppf").ToList();
        Assert.True(cases.Count >= 20);
        foreach (var c in cases)
        {
            double p = c.GetProperty("p").GetDouble(), a = c.GetProperty("a").GetDouble(), b = c.GetProperty("b").GetDouble();
            StatisticsFixture.Near(c.GetProperty("x").GetDouble(), ClopperPearson.BetaQuantile(a, b, p), 1e-9, 1e-300, $"beta.ppf({p}, {a}, {b})");
        }
    }

    [Fact]
    public void RegularizedIncompleteBeta_MatchesScipyBetainc()
    {
        foreach (var c in StatisticsFixture.Cases("beta_cdf"))
        {
            double x = c.GetProperty("x").GetDouble(), a = c.GetProperty("a").GetDouble(), b = c.GetProperty("b").GetDouble();
            StatisticsFixture.Near(c.GetProperty("p").GetDouble(), SpecialFunctions.BetaRegularized(a, b, x), 1e-9, 1e-300, $"betainc({a}, {b}, {x})");
        }
    }

    [Fact]
    public void BetaQuantile_InvertsTheCdf_AndHasClosedFormsAtTheEnds()
    {
        // Beta(a, 1) has CDF x^a, so its p-quantile is p^(1/a); Beta(1, 1) is uniform.
        Assert.Equal(Math.Pow(0.001, 1.0 / 10000), ClopperPearson.BetaQuantile(10000, 1, 0.001), 1e-14);
        Assert.Equal(0.37, ClopperPearson.BetaQuantile(1, 1, 0.37), 1e-13);
        var x = ClopperPearson.BetaQuantile(17, 4.5, 0.123);
        Assert.Equal(0.123, SpecialFunctions.BetaRegularized(17, 4.5, x), 1e-13);
    }

    [Fact]
    public void NormalQuantile_MatchesScipyNormPpf_FromTheFarLeftToTheFarRightTail()
    {
        var cases = StatisticsFixture.Cases("norm_ppf").ToList();
        Assert.True(cases.Count >= 20);
        foreach (var c in cases)
        {
            var p = c.GetProperty("p").GetDouble();
            StatisticsFixture.Near(c.GetProperty("x").GetDouble(), Normal.InvCDF(0, 1, p), 1e-13, 1e-15, $"norm.ppf({p:R})");
        }

        Assert.Equal(0, Normal.InvCDF(0, 1, 0.5));
        Assert.Equal(double.NegativeInfinity, Normal.InvCDF(0, 1, 0));
        Assert.Equal(double.PositiveInfinity, Normal.InvCDF(0, 1, 1));
    }

    [Fact]
    public void BinomialTest_MatchesScipyBinomTest_TwoSidedAtOneHalf()
    {
        foreach (var c in StatisticsFixture.Cases("binom_test"))
        {
            long k = c.GetProperty("k").GetInt64(), n = c.GetProperty("n").GetInt64();
            StatisticsFixture.Near(c.GetProperty("p_value").GetDouble(), BinomialTest.TwoSidedHalf(k, n), 1e-9, 1e-300, $"binom_test({k}, {n})");
        }
    }

    [Fact]
    public void ClopperPearson_LowerAndUpperBounds_BracketTheEstimate_AndHitTheEnds()
    {
        Assert.Equal(0, ClopperPearson.LowerBound(0, 50, 0.05));
        Assert.Equal(1, ClopperPearson.UpperBound(50, 50, 0.05));
        Assert.Equal(Math.Pow(0.05, 1.0 / 50), ClopperPearson.LowerBound(50, 50, 0.05), 1e-14);
        Assert.Equal(1 - Math.Pow(0.05, 1.0 / 50), ClopperPearson.UpperBound(0, 50, 0.05), 1e-14);
        var lower = ClopperPearson.LowerBound(30, 50, 0.05);
        var upper = ClopperPearson.UpperBound(30, 50, 0.05);
        Assert.InRange(lower, 0.45, 0.6);
        Assert.InRange(upper, 0.6, 0.75);
        Assert.Throws<ArgumentOutOfRangeException>(() => ClopperPearson.LowerBound(51, 50, 0.05));
        Assert.Throws<ArgumentOutOfRangeException>(() => ClopperPearson.LowerBound(5, 50, 1));
    }
}
