using Gauntlet.Defenses.Training;
using Gauntlet.Tensors;
using Gauntlet.Tensors.Nn;

namespace Gauntlet.Defenses.Tests.Training;

public sealed class GaussianNoiseAugmentationTests
{
    [Fact]
    public void Noise_has_the_stated_sigma_and_is_not_clipped()
    {
        var x = Tensor.Zeros(64, 1, 16, 16);
        var noisy = new GaussianNoiseAugmentation(0.5f).Perturb(new Sequential(new Flatten()), x, new int[64], new Rng(3));
        var values = noisy.ToArray();
        var mean = values.Average();
        var std = Math.Sqrt(values.Select(v => (v - mean) * (v - mean)).Average());
        Assert.Equal(0.0, mean, 0.02);
        Assert.Equal(0.5, std, 0.02);
        Assert.Contains(values, v => v < 0f);
    }

    [Fact]
    public void Same_stream_same_noise()
    {
        var x = Tensor.Zeros(4, 3);
        var a = new GaussianNoiseAugmentation(0.25f).Perturb(new Sequential(new Flatten()), x, new int[4], new Rng(7)).ToArray();
        var b = new GaussianNoiseAugmentation(0.25f).Perturb(new Sequential(new Flatten()), x, new int[4], new Rng(7)).ToArray();
        Assert.Equal(a, b);
    }

    [Theory]
    [InlineData(0f)]
    [InlineData(-0.1f)]
    [InlineData(float.NaN)]
    [InlineData(float.PositiveInfinity)]
    public void Sigma_must_be_positive_and_finite(float sigma)
    {
        Assert.Throws<ArgumentOutOfRangeException>(() => new GaussianNoiseAugmentation(sigma));
    }
}
