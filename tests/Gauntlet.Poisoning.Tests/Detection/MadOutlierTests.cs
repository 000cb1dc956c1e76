using Gauntlet.Poisoning.Detection;

namespace Gauntlet.Poisoning.Tests.Detection;

public sealed class MadOutlierTests
{
    /// <summary>
    /// Neural Cleanse's published worked example (bolunwang/backdoor README, the infected GTSRB
    /// model): "median: 64.466667, MAD: 13.238736, anomaly index: 3.652087, flagged label list:
    /// 33: 16.117647". The paper's repository publishes these figures but not the 43 per-label L1
    /// norms, so the norms below are constructed to have exactly that median (label 21 of the sorted
    /// 43), a raw median absolute deviation of 13.238736 / 1.4826 = 8.929405, and label 33 at
    /// 16.117647; every other label is at most 1.5 MAD from the median.
    /// </summary>
    private static double[] GtsrbNorms()
    {
        const double median = 64.466667;
        const double rawMad = 8.929405;
        var deviations = new List<double>();
        // 20 labels nearer the median than the raw MAD, one exactly at it, 21 farther (but < 2 MAD).
        for (var i = 1; i <= 20; i++)
        {
            deviations.Add(i * 0.4 * (i % 2 == 0 ? 1 : -1));
        }

        deviations.Add(rawMad);
        for (var i = 1; i <= 20; i++)
        {
            deviations.Add((rawMad + (i * 0.5)) * (i % 2 == 0 ? -1 : 1));
        }

        var norms = new List<double> { median };
        norms.AddRange(deviations.Select(d => median + d));
        norms.Insert(33, 16.117647);
        Assert.Equal(43, norms.Count);
        return [.. norms];
    }

    [Fact]
    public void Analyse_ReproducesNeuralCleansePublishedGtsrbExample()
    {
        var result = MadOutlier.Analyse(GtsrbNorms());

        Assert.Equal(64.466667, result.Median, 6);
        Assert.Equal(13.238736, result.Mad, 6);
        Assert.Equal(3.652087, result.AnomalyIndex, 6);
        Assert.Equal([33], result.Flagged);
        Assert.Equal(3.652087, result.Indices[33], 6);
    }

    [Fact]
    public void Analyse_FlagsOnlyTheSmallSide()
    {
        // 100 is as far above the median as 1 is below it: only the small one is a backdoor candidate.
        var result = MadOutlier.Analyse([1, 49, 50, 50, 51, 52, 100]);

        Assert.Equal(50, result.Median);
        Assert.Equal(1.4826, result.Mad, 10);
        Assert.Equal(49 / 1.4826, result.AnomalyIndex, 9);
        Assert.Equal([0], result.Flagged);
        Assert.Equal(50 / 1.4826, result.Indices[6], 9);
    }

    [Fact]
    public void Analyse_ConstantValues_HaveNoOutliers()
    {
        var result = MadOutlier.Analyse([3, 3, 3, 3]);

        Assert.Equal(0, result.Mad);
        Assert.Equal(0, result.AnomalyIndex);
        Assert.Empty(result.Flagged);
    }

    [Fact]
    public void Median_EvenCount_AveragesTheMiddlePair() => Assert.Equal(2.5, MadOutlier.Median([4, 1, 3, 2]));

    [Fact]
    public void Analyse_ThrowsForOneValueOrNaN()
    {
        Assert.Throws<ArgumentException>(() => MadOutlier.Analyse([1]));
        Assert.Throws<ArgumentException>(() => MadOutlier.Analyse([1, double.NaN]));
    }
}
