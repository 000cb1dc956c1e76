using Gauntlet.Federated.Privacy;
using Gauntlet.Tensors;

namespace Gauntlet.Federated.Tests.Privacy;

public sealed class ClientLevelDpTests
{
    [Fact]
    public void Clip_ScalesLongUpdatesToC_AndLeavesShortOnesAlone()
    {
        var dp = new ClientLevelDp(Clip: 1f, NoiseMultiplier: 1f);
        float[] longUpdate = [3f, 4f];
        Assert.Equal(5, dp.ClipInPlace(longUpdate), 6);
        Assert.Equal([0.6f, 0.8f], longUpdate);
        float[] shortUpdate = [0.3f, 0.4f];
        dp.ClipInPlace(shortUpdate);
        Assert.Equal([0.3f, 0.4f], shortUpdate);
    }

    [Fact]
    public void Noise_HasStandardDeviationSigmaTimesC()
    {
        var dp = new ClientLevelDp(Clip: 2f, NoiseMultiplier: 0.75f);
        var sum = new float[50_000];
        dp.AddNoise(sum, new Rng(4));
        var mean = sum.Average(v => (double)v);
        var std = Math.Sqrt(sum.Average(v => (v - mean) * (v - mean)));
        Assert.InRange(mean, -0.03, 0.03);
        Assert.InRange(std, 1.5 * 0.98, 1.5 * 1.02);
    }
}
