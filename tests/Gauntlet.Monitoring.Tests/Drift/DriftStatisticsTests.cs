using Gauntlet.Monitoring.Drift;

namespace Gauntlet.Monitoring.Tests.Drift;

public sealed class DriftStatisticsTests
{
    private static double[] Normal(int n, double mean, int seed)
    {
        var rng = new Random(seed);
        return [.. Enumerable.Range(0, n).Select(_ => mean + (Math.Sqrt(-2 * Math.Log(1 - rng.NextDouble())) * Math.Cos(2 * Math.PI * rng.NextDouble())))];
    }

    [Fact]
    public void Psi_IsSmallForTheSameDistribution_AndLargeForAShift()
    {
        var reference = Normal(2000, 0, 1);
        Assert.InRange(DriftStatistics.Psi(reference, Normal(2000, 0, 2)), 0, 0.05);
        Assert.True(DriftStatistics.Psi(reference, Normal(2000, 1, 3)) > 0.5);
    }

    [Fact]
    public void KolmogorovSmirnov_HandComputedD_AndPValues()
    {
        // F_a jumps at 1,2,3,4; F_b at 3,4,5,6: the largest gap is 0.5 (after 2, and after 4).
        var result = DriftStatistics.KolmogorovSmirnov([1, 2, 3, 4], [3, 4, 5, 6]);
        Assert.Equal(0.5, result.Statistic, 12);
        Assert.InRange(DriftStatistics.KolmogorovSmirnov(Normal(500, 0, 4), Normal(500, 0, 5)).PValue!.Value, 0.01, 1);
        Assert.True(DriftStatistics.KolmogorovSmirnov(Normal(500, 0, 4), Normal(500, 0.5, 6)).PValue < 1e-6);
    }

    [Fact]
    public void ChiSquare_MatchesTheTextbookValue()
    {
        // Expected 50/50 of 100; observed 60/40: χ² = (10² + 10²) / 50 = 4, p = 0.0455 with 1 df.
        var result = DriftStatistics.ChiSquare([500, 500], [60, 40]);
        Assert.Equal(4.0, result.Statistic, 9);
        Assert.Equal(0.0455, result.PValue!.Value, 4);
    }

    [Fact]
    public void Mmd_SeparatesShiftedVectors_AndNotSameOnes()
    {
        var rng = new Random(7);
        float[] Vector(double shift) => [.. Enumerable.Range(0, 8).Select(_ => (float)(rng.NextDouble() + shift))];
        var reference = Enumerable.Range(0, 60).Select(_ => Vector(0)).ToList();
        var same = Enumerable.Range(0, 60).Select(_ => Vector(0)).ToList();
        var shifted = Enumerable.Range(0, 60).Select(_ => Vector(0.3)).ToList();
        var gamma = DriftStatistics.MedianHeuristicGamma(reference);
        var quiet = DriftStatistics.Mmd(reference, same, gamma, 200);
        var loud = DriftStatistics.Mmd(reference, shifted, gamma, 200);
        Assert.True(quiet.PValue > 0.01, $"p = {quiet.PValue}");
        Assert.True(loud.PValue < 0.01, $"p = {loud.PValue}");
        Assert.True(loud.Statistic > quiet.Statistic * 5);
    }

    [Fact]
    public void DriftMonitor_TripsOnABrightnessShift_NotOnTheSameStream()
    {
        var rng = new Random(3);
        (float[] Encoding, double Mean, double Confidence, int Class) Sample(double brightness)
        {
            var e = Enumerable.Range(0, 16).Select(_ => (float)Math.Clamp((rng.NextDouble() * 0.5) + brightness, 0, 1)).ToArray();
            return (e, e.Average(), 0.7 + (rng.NextDouble() * 0.3), rng.Next(4));
        }

        DriftMonitor Fed(double brightness)
        {
            var monitor = new DriftMonitor(4, new DriftOptions(ReferenceSize: 100, WindowSize: 100));
            for (var i = 0; i < 100; i++)
            {
                var s = Sample(0.2);
                monitor.Observe(s.Encoding, s.Mean, s.Confidence, s.Class);
            }

            for (var i = 0; i < 100; i++)
            {
                var s = Sample(brightness);
                monitor.Observe(s.Encoding, s.Mean, s.Confidence, s.Class);
            }

            return monitor;
        }

        var calm = Fed(0.2).Evaluate(DateTimeOffset.UnixEpoch);
        Assert.True(calm.Ready);
        Assert.False(calm.Drifted, string.Join("; ", calm.Statistics));
        var shifted = Fed(0.45).Evaluate(DateTimeOffset.UnixEpoch);
        Assert.True(shifted.Drifted);
        Assert.Contains(shifted.Alerts, a => a.Kind == "drift.input.mmd" && a.Key == "*");
        Assert.Contains(shifted.Statistics, s => s.Name == "input.psi" && s.Drifted);
        Assert.DoesNotContain(shifted.Statistics, s => s.Name == "classmix.chi2" && s.Drifted);
    }

    [Fact]
    public void AccuracyTracker_AlertsWhenDelayedLabelsShowADrop()
    {
        var tracker = new AccuracyTracker(baseline: 0.9, tolerance: 0.1, window: 10);
        for (var i = 0; i < 10; i++)
        {
            tracker.Record($"d{i}", 1);
        }

        Assert.False(tracker.Label("unknown", 1));
        for (var i = 0; i < 10; i++)
        {
            Assert.True(tracker.Label($"d{i}", i < 6 ? 1 : 0));
        }

        Assert.Equal(0.6, tracker.Accuracy!.Value, 12);
        var alert = tracker.Check(DateTimeOffset.UnixEpoch);
        Assert.NotNull(alert);
        Assert.Equal(0.8, alert.Threshold, 12);
    }
}
