using Gauntlet.Tensors;

namespace Gauntlet.Audit.Tests;

public class ScoringTests
{
    [Fact]
    public void WorkedExampleFromTheDocsScoresAsDocumented()
    {
        double[] white = [0.78, 0.40, 0.12, 0.02];
        double[] black = [0.84, 0.62, 0.41, 0.13];
        double[] noise = [0.90, 0.88, 0.87, 0.85];
        var w = Scoring.CategoryScore([white]);
        var b = Scoring.CategoryScore([black]);
        var n = Scoring.CategoryScore([noise]);
        Assert.Equal(33.0, w);
        Assert.Equal(50.0, b);
        Assert.Equal(87.5, n);
        var overall = Math.Round((Scoring.WhiteBoxWeight * w) + (Scoring.BlackBoxWeight * b) + (Scoring.NoiseWeight * n), 1);
        Assert.Equal(49.0, overall);
        Assert.Equal("D", Scoring.Grade(overall));
    }

    [Fact]
    public void AModelAtLeastAsRobustEverywhereNeverScoresLower()
    {
        var rng = new Rng(7);
        for (var trial = 0; trial < 500; trial++)
        {
            var threats = 1 + rng.NextInt(3);
            var a = new List<double[]>();
            var b = new List<double[]>();
            for (var t = 0; t < threats; t++)
            {
                var points = 1 + rng.NextInt(5);
                var curveA = new double[points];
                var curveB = new double[points];
                for (var i = 0; i < points; i++)
                {
                    curveA[i] = rng.NextDouble();
                    curveB[i] = Math.Min(1, curveA[i] + (rng.NextDouble() < 0.5 ? 0 : rng.NextDouble() * 0.2));
                }

                a.Add(curveA);
                b.Add(curveB);
            }

            Assert.True(Scoring.CategoryScore(b) >= Scoring.CategoryScore(a), $"trial {trial}: more robust curves scored lower");
        }
    }

    [Theory]
    [InlineData(0.0, Severity.Critical)]
    [InlineData(0.24, Severity.Critical)]
    [InlineData(0.25, Severity.High)]
    [InlineData(0.6, Severity.Medium)]
    [InlineData(0.8, Severity.Low)]
    [InlineData(0.95, Severity.Info)]
    public void SeverityFollowsTheRetentionTable(double retention, Severity severity) =>
        Assert.Equal(severity, FindingRules.SeverityOfRetention(retention));
}
