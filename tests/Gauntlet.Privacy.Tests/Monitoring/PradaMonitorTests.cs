using Gauntlet.Privacy.Monitoring;
using Gauntlet.Tensors;

namespace Gauntlet.Privacy.Tests.Monitoring;

public sealed class PradaMonitorTests
{
    [Fact]
    public void NaturalQueries_RaiseNoAlarm_WhileSyntheticWalks_Do()
    {
        var monitor = new PradaMonitor(new PradaOptions(Delta: 0.9, MinDistances: 50, Window: 500));
        var rng = new Rng(5);

        // Benign: independent Gaussian points in 16 dimensions; their nearest-neighbour distances are close to normal.
        for (var i = 0; i < 300; i++)
        {
            var q = Enumerable.Range(0, 16).Select(_ => (float)rng.NextGaussian()).ToArray();
            monitor.Observe("benign", q, 0);
        }

        // Attack in the style PRADA targets (Papernot's Jacobian augmentation): a few seeds, each
        // followed by many tiny perturbations of itself, so most distances are tiny and a few are large.
        var seed = new float[16];
        for (var i = 0; i < 300; i++)
        {
            if (i % 30 == 0)
            {
                seed = Enumerable.Range(0, 16).Select(_ => (float)rng.NextGaussian()).ToArray();
            }

            var step = (float)(0.01 * (1 + rng.NextDouble()));
            var q = seed.Select(v => v + (step * MathF.Sign((float)rng.NextGaussian()))).ToArray();
            monitor.Observe("attacker", q, 0);
        }

        Assert.False(monitor.IsFlagged("benign"));
        Assert.True(monitor.IsFlagged("attacker"));
        Assert.InRange(monitor.AlarmAt("attacker")!.Value, 50, 299);
        Assert.Null(monitor.AlarmAt("benign"));
    }

    [Fact]
    public void Distances_AreTakenWithinThePredictedClass()
    {
        var monitor = new PradaMonitor(new PradaOptions(MinDistances: 3));
        Assert.Null(monitor.Observe("c", [0f, 0f], 0).Distance);
        Assert.Null(monitor.Observe("c", [3f, 4f], 1).Distance);
        Assert.Equal(5.0, monitor.Observe("c", [3f, 4f], 0).Distance!.Value, 1e-9);
        Assert.Equal(1.0, monitor.Observe("c", [3f, 5f], 1).Distance!.Value, 1e-9);
    }

    [Fact]
    public void BadSettings_AreRefused() =>
        Assert.Throws<ArgumentException>(() => new PradaMonitor(new PradaOptions(Delta: 1.5)));
}
