namespace Gauntlet.Fairness.Tests;

public sealed class MitigationTests
{
    [Fact]
    public void ReweighingWeightsEqualTheKamiranCaldersFormula()
    {
        // n = 10; A: four positives, one negative; B: one positive, four negatives.
        string[] groups = ["A", "A", "A", "A", "A", "B", "B", "B", "B", "B"];
        int[] labels = [1, 1, 1, 1, 0, 1, 0, 0, 0, 0];
        var (w, cells) = Reweighing.Compute(labels, groups);
        // w(g, y) = n(g) n(y) / (n n(g, y)).
        Assert.Equal(5.0 * 5 / (10 * 4), w[0], 6);
        Assert.Equal(5.0 * 5 / (10 * 1), w[4], 6);
        Assert.Equal(5.0 * 5 / (10 * 1), w[5], 6);
        Assert.Equal(5.0 * 5 / (10 * 4), w[9], 6);
        Assert.Equal(4, cells.Count);
        Assert.Equal(4, cells.Single(c => c.Group == "A" && c.Label == 1).Count);

        // After reweighing, each group's weighted positive rate is the overall positive rate.
        foreach (var g in new[] { "A", "B" })
        {
            var idx = Enumerable.Range(0, 10).Where(i => groups[i] == g).ToArray();
            Assert.Equal(0.5, idx.Where(i => labels[i] == 1).Sum(i => w[i]) / idx.Sum(i => w[i]), 6);
        }

        Assert.Equal(1.0, w.Average(), 6);
    }

    [Fact]
    public void PerGroupThresholdsEqualiseTheSelectionRateAndReportTheirCost()
    {
        var rng = new Random(7);
        var n = 400;
        var groups = new string[n];
        var labels = new int[n];
        var scores = new double[n];
        for (var i = 0; i < n; i++)
        {
            groups[i] = i % 2 == 0 ? "A" : "B";
            labels[i] = rng.NextDouble() < 0.5 ? 1 : 0;
            // Group B's scores are shifted down: the model under-selects it.
            var shift = groups[i] == "B" ? -0.2 : 0;
            scores[i] = Math.Clamp((labels[i] == 1 ? 0.65 : 0.35) + shift + ((rng.NextDouble() - 0.5) * 0.5), 0, 1);
        }

        var t = GroupThresholds.Fit(scores, labels, groups, ThresholdCriterion.SelectionRate);
        Assert.True(t.Before.DemographicParityDifference > 0.2, $"before: {t.Before.DemographicParityDifference}");
        Assert.True(t.After.DemographicParityDifference < 0.02, $"after: {t.After.DemographicParityDifference}");
        foreach (var g in t.After.Groups)
        {
            Assert.Equal(t.TargetRate, g.SelectionRate, 2);
        }

        Assert.Equal(t.Before.Accuracy - t.After.Accuracy, t.AccuracyCost, 12);
        Assert.True(t.Thresholds["B"] < t.Thresholds["A"]);

        var tpr = GroupThresholds.Fit(scores, labels, groups, ThresholdCriterion.TruePositiveRate);
        Assert.True(tpr.After.EqualOpportunityDifference < tpr.Before.EqualOpportunityDifference);
        Assert.True(tpr.After.EqualOpportunityDifference < 0.03, $"after: {tpr.After.EqualOpportunityDifference}");
    }
}
