using Gauntlet.Defenses.Certification;
using MathNet.Numerics.Distributions;

namespace Gauntlet.Defenses.Tests.Certification;

/// <summary>
/// CERTIFY's and PREDICT's decisions from given counts against Cohen et al.'s own calls computed
/// offline (statsmodels' proportion_confint(nA, n, alpha=2α, method="beta")[0], scipy's
/// norm.ppf and binom_test): the radius, p̲A and every abstention must match.
/// </summary>
public sealed class WorkedExampleTests
{
    [Fact]
    public void Certify_FromCounts_MatchesCohensCode_RadiusAndAbstentions()
    {
        var cases = StatisticsFixture.Cases("certify").ToList();
        Assert.Contains(cases, c => c.GetProperty("abstain").GetBoolean());
        Assert.Contains(cases, c => !c.GetProperty("abstain").GetBoolean());
        foreach (var c in cases)
        {
            long nA = c.GetProperty("n_a").GetInt64(), n = c.GetProperty("n").GetInt64();
            double alpha = c.GetProperty("alpha").GetDouble(), sigma = c.GetProperty("sigma").GetDouble();
            var certificate = Certificate.FromCounts(guess: 3, nA, n, alpha, sigma);
            var what = $"nA {nA} of n {n}, α {alpha}, σ {sigma}";
            StatisticsFixture.Near(c.GetProperty("p_a_lower").GetDouble(), certificate.PALower, 1e-9, 1e-300, what + " p̲A");
            Assert.True(c.GetProperty("abstain").GetBoolean() == certificate.Abstained, what + ": abstention differs");
            Assert.Equal(certificate.Abstained ? SmoothedClassifier.Abstain : 3, certificate.Prediction);
            StatisticsFixture.Near(c.GetProperty("radius").GetDouble(), certificate.Radius, 1e-9, 1e-12, what + " radius");
        }
    }

    [Fact]
    public void Certify_HandWorkedExample_AllDrawsInOneClass()
    {
        // n = 100 draws all in class 7 at α = 0.001: p̲A = 0.001^(1/100) = 0.93325430…, and the
        // radius is σ Φ⁻¹(p̲A) = 0.5 × 1.50047502… = 0.75023751….
        var certificate = Certificate.FromCounts(7, 100, 100, 0.001, 0.5);
        Assert.Equal(Math.Pow(0.001, 0.01), certificate.PALower, 1e-14);
        Assert.Equal(0.5 * Normal.InvCDF(0, 1, Math.Pow(0.001, 0.01)), certificate.Radius, 1e-14);
        Assert.Equal(0.7502375120603182, certificate.Radius, 1e-9);
        Assert.Equal(7, certificate.Prediction);
    }

    [Fact]
    public void Predict_FromCounts_MatchesCohensCode()
    {
        foreach (var c in StatisticsFixture.Cases("predict"))
        {
            var counts = c.GetProperty("counts").EnumerateArray().Select(e => e.GetInt64()).ToArray();
            var alpha = c.GetProperty("alpha").GetDouble();
            var prediction = SmoothedPrediction.FromCounts(counts, alpha);
            var what = $"counts [{string.Join(", ", counts)}], α {alpha}";
            StatisticsFixture.Near(c.GetProperty("p_value").GetDouble(), prediction.PValue, 1e-9, 1e-300, what + " p-value");
            Assert.True(c.GetProperty("prediction").GetInt32() == prediction.Prediction, $"{what}: expected {c.GetProperty("prediction").GetInt32()}, got {prediction.Prediction}");
        }
    }

    [Fact]
    public void Parameters_RefuseWhatTheAlgorithmCannotUse_NamingTheOption()
    {
        Assert.Contains("--sigma", Assert.Throws<ArgumentException>(() => new SmoothingParameters(0, 100, 1000, 0.001, 10).Validate()).Message);
        Assert.Contains("--n0", Assert.Throws<ArgumentException>(() => new SmoothingParameters(0.25, 0, 1000, 0.001, 10).Validate()).Message);
        Assert.Contains("--n (", Assert.Throws<ArgumentException>(() => new SmoothingParameters(0.25, 100, 99, 0.001, 10).Validate()).Message);
        Assert.Contains("--alpha", Assert.Throws<ArgumentException>(() => new SmoothingParameters(0.25, 100, 1000, 1, 10).Validate()).Message);
        Assert.Contains("--alpha", Assert.Throws<ArgumentException>(() => new SmoothingParameters(0.25, 100, 1000, 0, 10).Validate()).Message);
        Assert.Contains("--batch", Assert.Throws<ArgumentException>(() => new SmoothingParameters(0.25, 100, 1000, 0.5, 0).Validate()).Message);
        Assert.Equal(0.7996443786845846, new SmoothingParameters(0.25, 100, 10000, 0.001, 1000).MaxRadius, 1e-9);
    }

    [Fact]
    public void StandardRadii_RunInQuarterSteps_ToAtLeastOne_AndPastTheLargestCertifiableRadius()
    {
        Assert.Equal([0, 0.25, 0.5, 0.75, 1.0], CertifiedAccuracy.StandardRadii(0.7996));
        Assert.Equal([0, 0.25, 0.5, 0.75, 1.0, 1.25, 1.5, 1.75, 2.0, 2.25, 2.5, 2.75], CertifiedAccuracy.StandardRadii(2.6049));
    }
}
