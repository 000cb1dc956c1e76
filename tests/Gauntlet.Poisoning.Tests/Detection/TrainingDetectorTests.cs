using Gauntlet.Poisoning.Detection;
using Gauntlet.Tensors;

namespace Gauntlet.Poisoning.Tests.Detection;

/// <summary>Spectral signatures and activation clustering on synthetic activations with planted poisoned samples.</summary>
public sealed class TrainingDetectorTests
{
    private const int Dimensions = 16;

    // Class 0: 300 clean points around the origin plus 40 planted points shifted by 10 along one
    // direction (the poisoned samples, indices 0..39); class 1: 300 clean points only.
    private static (float[][] Rows, int[] Labels, int[] Planted) Synthetic()
    {
        var rng = new Rng(5);
        var rows = new List<float[]>();
        var labels = new List<int>();
        float[] Point(double shift) => [.. Enumerable.Range(0, Dimensions).Select(d => (float)(rng.NextGaussian() + (d == 3 ? shift : 0)))];
        for (var i = 0; i < 40; i++)
        {
            rows.Add(Point(10));
            labels.Add(0);
        }

        for (var i = 0; i < 300; i++)
        {
            rows.Add(Point(0));
            labels.Add(0);
        }

        for (var i = 0; i < 300; i++)
        {
            rows.Add(Point(0));
            labels.Add(1);
        }

        return ([.. rows], [.. labels], [.. Enumerable.Range(0, 40)]);
    }

    [Fact]
    public void SpectralSignatures_RanksThePlantedSamplesFirst()
    {
        var (rows, labels, planted) = Synthetic();

        var result = SpectralSignatures.Run(rows, labels, epsilon: 40.0 / 340);

        var class0 = result.Classes.Single(c => c.Label == 0);
        Assert.Equal(340, class0.Count);
        Assert.Equal(60, class0.Removed);  // round(1.5 · 40/340 · 340)
        var score = DetectionScore.Of(result.Suspects.Where(s => s.Label == 0), planted);
        Assert.Equal(1.0, score.Recall);
        Assert.Equal(40.0 / 60, score.Precision, 9);
        // The 40 highest scores of class 0 are exactly the planted samples.
        Assert.Equal(planted, result.Suspects.Where(s => s.Label == 0).Take(40).Select(s => s.Index).Order());
    }

    [Fact]
    public void Scores_AreSquaredProjectionsOnTheTopAxis()
    {
        // Points on a line along (3, 4)/5 at positions −2, −1, 0, 1, 2: centred projections squared are 4, 1, 0, 1, 4.
        float[][] rows = [.. new[] { -2f, -1f, 0f, 1f, 2f }.Select(t => new[] { 3 * t / 5, 4 * t / 5 })];

        var scores = SpectralSignatures.Scores(rows);

        Assert.Equal([4, 1, 0, 1, 4], scores.Select(s => Math.Round(s, 5)));
    }

    [Fact]
    public void ActivationClustering_FlagsThePoisonedClassOnly_AndListsThePlantedSamples()
    {
        var (rows, labels, planted) = Synthetic();

        var result = ActivationClustering.Run(rows, labels, seed: 1);

        var class0 = result.Classes.Single(c => c.Label == 0);
        var class1 = result.Classes.Single(c => c.Label == 1);
        Assert.True(class0.Flagged, class0.ToString());
        Assert.Equal(40, class0.SmallClusterSize);
        Assert.Equal(40.0 / 340, class0.RelativeSize, 9);
        Assert.False(class1.Flagged, class1.ToString());
        var score = DetectionScore.Of(result.Suspects, planted);
        Assert.Equal(1.0, score.Recall);
        Assert.Equal(1.0, score.Precision);
    }

    [Fact]
    public void DetectionScore_CountsHitsAgainstTheTruth()
    {
        var score = DetectionScore.Of([new SuspectSample(1, 0, 1), new SuspectSample(2, 0, 1), new SuspectSample(9, 0, 1)], [1, 2, 3, 4]);

        Assert.Equal(0.5, score.Recall);
        Assert.Equal(2.0 / 3, score.Precision, 12);
    }

    // Classes of 300 Gaussian points in 3 dimensions; a class given in shifted gets 60 more
    // points shifted by that much along dimension 1 (its first 60 rows: a second cluster). Few
    // dimensions, because whitening bounds a 1-in-6 cluster's separation at 1/√(p(1 − p)) ≈ 2.7
    // standard deviations along its axis, which noise dimensions would drown.
    private static (float[][] Rows, int[] Labels) Classes(params double[] shifted)
    {
        var rng = new Rng(11);
        var rows = new List<float[]>();
        var labels = new List<int>();
        for (var c = 0; c < shifted.Length; c++)
        {
            for (var i = 0; i < 360; i++)
            {
                var shift = i < 60 ? shifted[c] : 0;
                if (i < 60 && shifted[c] == 0)
                {
                    continue;
                }

                rows.Add([.. Enumerable.Range(0, 3).Select(d => (float)(rng.NextGaussian() + (d == 1 ? shift : 0)))]);
                labels.Add(c);
            }
        }

        return ([.. rows], [.. labels]);
    }

    [Fact]
    public void ActivationClustering_WithSeveralClasses_FlagsOnlyASplitThatIsAnOutlierAmongThem()
    {
        // Five classes: class 2 carries a well-separated small cluster, the others are one blob
        // each. Its silhouette is far above theirs, so it is flagged and they are not.
        var (rows, labels) = Classes(0, 0, 12, 0, 0);

        var result = ActivationClustering.Run(rows, labels, seed: 2);

        var flagged = result.Classes.Where(c => c.Flagged).Select(c => c.Label).ToArray();
        Assert.True(flagged.SequenceEqual([2]), string.Join("; ", result.Classes));
        var class2 = result.Classes.Single(c => c.Label == 2);
        Assert.Equal(60, class2.SmallClusterSize);
        Assert.True(class2.SilhouetteAnomalyIndex > 2, class2.ToString());
        Assert.Equal(2.0, result.AnomalyThreshold);
        Assert.Equal(60, result.Suspects.Count);
        Assert.All(result.Suspects, s => Assert.Equal(2, s.Label));
    }
}
