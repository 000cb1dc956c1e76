using System.Globalization;
using Gauntlet.Defenses.Certification;

namespace Gauntlet.Defenses.Tests.Certification;

/// <summary>
/// Gauntlet's certification arithmetic against Cohen et al.'s released CIFAR-10 ResNet-110
/// certification at σ = 0.25 (Fixtures/cohen2019, 500 images, N = 100,000): the aggregation must
/// give their table exactly, and every radius they published must be one the counts → radius
/// relation (Clopper–Pearson at one-sided α = 0.01, then σ Φ⁻¹) can produce from an integer nA,
/// with their largest radii landing exactly on nA = N, N − 1, N − 2, ….
/// </summary>
public sealed class CohenReleasedDataTests
{
    private const double Sigma = 0.25;
    private const long Draws = 100_000;
    private const double Alpha = 0.01;

    private static readonly string FilePath = Path.Combine(AppContext.BaseDirectory, "Certification", "Fixtures", "cohen2019", "cifar10_resnet110_noise_0.25_sigma_0.25.tsv");

    private sealed record Row(int Index, int Label, int Predict, double Radius, bool Correct, string RadiusText);

    private static List<Row> Rows()
    {
        Skip.IfNot(File.Exists(FilePath), $"Cohen et al.'s released file is not at {FilePath} (see Fixtures/cohen2019/SOURCE.md)");
        var lines = File.ReadAllLines(FilePath);
        Assert.Equal("idx\tlabel\tpredict\tradius\tcorrect\ttime", lines[0]);
        return [.. lines.Skip(1).Where(l => l.Length > 0).Select(l =>
        {
            var f = l.Split('\t');
            return new Row(int.Parse(f[0], CultureInfo.InvariantCulture), int.Parse(f[1], CultureInfo.InvariantCulture), int.Parse(f[2], CultureInfo.InvariantCulture),
                double.Parse(f[3], CultureInfo.InvariantCulture), f[4] == "1", f[3]);
        })];
    }

    // Their certify.py prints the radius with Python's '{:.3}': three significant digits.
    private static double Printed(double radius) => double.Parse(radius.ToString("G3", CultureInfo.InvariantCulture), CultureInfo.InvariantCulture);

    private static double RadiusOf(long countA) => Certificate.FromCounts(0, countA, Draws, Alpha, Sigma).Radius;

    [SkippableFact]
    public void Aggregation_ReproducesTheirTable_0748_0600_0428_0266_0_AndTheAbstainRate()
    {
        var rows = Rows();
        Assert.Equal(500, rows.Count);
        Assert.All(rows, r => Assert.Equal(r.Predict == r.Label, r.Correct));
        var samples = rows.Select(r => (r.Correct, r.Radius)).ToList();
        double[] radii = [0, 0.25, 0.5, 0.75, 1.0];
        double[] published = [0.748, 0.600, 0.428, 0.266, 0];
        for (var i = 0; i < radii.Length; i++)
        {
            Assert.Equal(published[i], CertifiedAccuracy.At(samples, radii[i]), 1e-12);
        }

        Assert.Equal(43, rows.Count(r => r.Predict == SmoothedClassifier.Abstain));
        Assert.All(rows.Where(r => r.Predict == SmoothedClassifier.Abstain), r => Assert.Equal(0, r.Radius));
    }

    [SkippableFact]
    public void LargestRadii_AreExactlyTheCountsNearN_AtOneSidedAlpha001()
    {
        var rows = Rows();
        // Their distinct radii above 0.88, from the top, and the nA our relation puts at each.
        var top = rows.Select(r => r.Radius).Where(r => r > 0.875).Distinct().OrderDescending().ToList();
        long[] countsBelowN = [0, 1, 2, 3, 4, 6, 8, 9, 11];
        Assert.Equal(countsBelowN.Length, top.Count);
        for (var i = 0; i < top.Count; i++)
        {
            Assert.Equal(top[i], Printed(RadiusOf(Draws - countsBelowN[i])));
        }

        // The radii nA = N − 5, N − 7 and N − 10 would give (0.913, 0.9, 0.885) are absent: no image landed there.
        Assert.DoesNotContain(Printed(RadiusOf(Draws - 5)), top);
        Assert.Equal(0.978, Printed(new SmoothingParameters(Sigma, 100, (int)Draws, Alpha, 400).MaxRadius));
    }

    [SkippableFact]
    public void EveryPublishedRadius_IsProducedBySomeWholeCount_AndAbstentionsLieBelowTheThreshold()
    {
        var rows = Rows();
        // The smallest nA that certifies (p̲A ≥ ½); below it CERTIFY abstains.
        var threshold = FirstCount(c => Certificate.FromCounts(0, c, Draws, Alpha, Sigma).PALower >= 0.5, Draws / 2, Draws);
        Assert.True(Certificate.FromCounts(0, threshold - 1, Draws, Alpha, Sigma).Abstained);
        var reference = StatisticsFixture.Root.GetProperty("certify_threshold");
        Assert.Equal(Draws, reference.GetProperty("n").GetInt64());
        Assert.Equal(reference.GetProperty("first_certifying_count").GetInt64(), threshold);

        var certified = rows.Where(r => r.Predict != SmoothedClassifier.Abstain).ToList();
        Assert.Equal(457, certified.Count);
        foreach (var row in certified)
        {
            // The radius grows with nA: find the first count that prints at or above the row's radius; it must print as exactly that.
            var count = FirstCount(c => Printed(RadiusOf(c)) >= row.Radius, threshold, Draws);
            Assert.True(Printed(RadiusOf(count)) == row.Radius, $"image {row.Index}: radius {row.RadiusText} is not σ Φ⁻¹(p̲A) for any nA (nearest nA {count} prints {Printed(RadiusOf(count))})");
        }
    }

    // The smallest c in [lo, hi] with predicate(c), for a predicate false then true as c grows.
    private static long FirstCount(Func<long, bool> predicate, long lo, long hi)
    {
        while (lo < hi)
        {
            var mid = lo + ((hi - lo) / 2);
            if (predicate(mid))
            {
                hi = mid;
            }
            else
            {
                lo = mid + 1;
            }
        }

        return lo;
    }
}
