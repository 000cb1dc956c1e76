using Gauntlet.Defenses.Certification;

namespace Gauntlet.Defenses.Tests.Certification;

/// <summary>
/// The special functions behind the certificates against SciPy 1.10 (tools/certification/
/// make_smoothing_statistics.py): the Beta quantile and CDF, Φ⁻¹, and the binomial test.
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
            StatisticsFixture.Near(c.GetProperty("x").GetDouble(), IncompleteBeta.Inverse(p, a, b), 1e-9, 1e-300, $"beta.ppf({p}, {a}, {b})");
        }
    }

    [Fact]
    public void RegularizedIncompleteBeta_MatchesScipyBetainc()
    {
        foreach (var c in StatisticsFixture.Cases("beta_cdf"))
        {
            double x = c.GetProperty("x").GetDouble(), a = c.GetProperty("a").GetDouble(), b = c.GetProperty("b").GetDouble();
            StatisticsFixture.Near(c.GetProperty("p").GetDouble(), IncompleteBeta.Regularized(x, a, b), 1e-9, 1e-300, $"betainc({a}, {b}, {x})");
        }
    }

    [Fact]
    public void BetaQuantile_InvertsTheCdf_AndHasClosedFormsAtTheEnds()
    {
        // Beta(a, 1) has CDF x^a, so its p-quantile is p^(1/a); Beta(1, 1) is uniform.
        Assert.Equal(Math.Pow(0.001, 1.0 / 10000), IncompleteBeta.Inverse(0.001, 10000, 1), 1e-14);
        Assert.Equal(0.37, IncompleteBeta.Inverse(0.37, 1, 1), 1e-13);
        Assert.Equal(0, IncompleteBeta.Inverse(0, 3, 4));
        Assert.Equal(1, IncompleteBeta.Inverse(1, 3, 4));
        var x = IncompleteBeta.Inverse(0.123, 17, 4.5);
        Assert.Equal(0.123, IncompleteBeta.Regularized(x, 17, 4.5), 1e-13);
        Assert.Throws<ArgumentOutOfRangeException>(() => IncompleteBeta.Inverse(0.5, 0, 1));
        Assert.Throws<ArgumentOutOfRangeException>(() => IncompleteBeta.Regularized(1.5, 1, 1));
    }

    [Fact]
    public void NormalQuantile_MatchesScipyNormPpf_FromTheFarLeftToTheFarRightTail()
    {
        var cases = StatisticsFixture.Cases("norm_ppf").ToList();
        Assert.True(cases.Count >= 20);
        foreach (var c in cases)
        {
            var p = c.GetProperty("p").GetDouble();
            StatisticsFixture.Near(c.GetProperty("x").GetDouble(), NormalQuantile.Of(p), 1e-13, 1e-15, $"norm.ppf({p:R})");
        }

        Assert.Equal(0, NormalQuantile.Of(0.5));
        Assert.Equal(double.NegativeInfinity, NormalQuantile.Of(0));
        Assert.Equal(double.PositiveInfinity, NormalQuantile.Of(1));
        Assert.Throws<ArgumentOutOfRangeException>(() => NormalQuantile.Of(double.NaN));
        Assert.Throws<ArgumentOutOfRangeException>(() => NormalQuantile.Of(1.5));
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
    public void LogGamma_MatchesFactorials_AndTheHalfIntegerValue()
    {
        Assert.Equal(Math.Log(120), LogGamma.Of(6), 1e-13);
        Assert.Equal(0.5 * Math.Log(Math.PI), LogGamma.Of(0.5), 1e-14);
        // ln(99!) summed directly.
        var sum = 0.0;
        for (var k = 2; k < 100; k++)
        {
            sum += Math.Log(k);
        }

        Assert.Equal(sum, LogGamma.Of(100), 1e-10);
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
