using Gauntlet.Monitoring.Stateful;

namespace Gauntlet.Monitoring.Tests.Stateful;

public sealed class StatefulDetectorTests
{
    private static float[] Random(Random rng, int n = 49) => [.. Enumerable.Range(0, n).Select(_ => (float)rng.NextDouble())];

    [Fact]
    public void Pool_Averages28x28Into7x7()
    {
        var image = new float[28 * 28];
        for (var y = 0; y < 28; y++)
        {
            for (var x = 0; x < 28; x++)
            {
                image[(y * 28) + x] = y < 4 ? 1 : 0;
            }
        }

        var pooled = SampleEncoding.Pool(image, [1, 28, 28]);
        Assert.Equal(49, pooled.Length);
        Assert.All(pooled[..7], v => Assert.Equal(1f, v));
        Assert.All(pooled[7..], v => Assert.Equal(0f, v));
    }

    [Fact]
    public void AttackLikeQueries_AlarmWithinAFewQueries_BenignOnesRarely()
    {
        var rng = new Random(11);
        var detector = new StatefulDetector(new StatefulOptions(K: 5, BufferSize: 200));
        var threshold = detector.Calibrate([.. Enumerable.Range(0, 400).Select(_ => Random(rng))], 0.01);
        Assert.True(threshold > 0);

        // Benign: fresh random vectors from the same distribution.
        var falseAlarms = Enumerable.Range(0, 300).Count(_ => detector.Observe("benign", Random(rng)).Alarm);
        Assert.True(falseAlarms <= 9, $"{falseAlarms} false alarms in 300 benign queries");

        // Attack: small perturbations of one vector, as a Square or HopSkipJump attack sends.
        var origin = Random(rng);
        var first = Enumerable.Range(0, 100).First(i =>
            detector.Observe("attacker", [.. origin.Select(v => v + (float)((rng.NextDouble() - 0.5) * 0.05))]).Alarm);
        Assert.Equal(5, first);
        Assert.Equal(1, detector.Detections("attacker"));
        Assert.Equal(0, detector.Detections("nobody"));
    }

    [Fact]
    public void QueryMonitor_RaisesAlertsWithTheOffendingKey()
    {
        var rng = new Random(5);
        var detector = new StatefulDetector(new StatefulOptions(K: 3, BufferSize: 50));
        detector.Calibrate([.. Enumerable.Range(0, 100).Select(_ => Random(rng))], 0.01);
        var monitor = new QueryMonitor(detector);
        var origin = Random(rng);
        var alerts = Enumerable.Range(0, 10).SelectMany(_ => monitor.Observe("mallory", origin, 0, DateTimeOffset.UnixEpoch)).ToList();
        Assert.Contains(alerts, a => a.Kind == "stateful" && a.Key == "mallory" && a.Statistic < a.Threshold);
    }
}
