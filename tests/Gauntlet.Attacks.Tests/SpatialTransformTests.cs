using Gauntlet.Attacks.BlackBox;
using Gauntlet.Tensors;
using Xunit.Abstractions;

namespace Gauntlet.Attacks.Tests;

public class SpatialTransformTests(ITestOutputHelper output)
{
    [Fact]
    public void Warp_IdentityKeepsImage_AndIntegerShiftMovesPixelsWithZeroFill()
    {
        var image = Tensor.FromArray([.. Enumerable.Range(1, 12).Select(v => (float)v)], 1, 1, 3, 4);
        Assert.Equal(image.ToArray(), SpatialTransform.Warp(image, 0, 0, 0).ToArray());
        var shifted = SpatialTransform.Warp(image, 0, 1, 0).ToArray();
        Assert.Equal([0f, 1, 2, 3, 0, 5, 6, 7, 0, 9, 10, 11], shifted);
        var down = SpatialTransform.Warp(image, 0, 0, 1).ToArray();
        Assert.Equal([0f, 0, 0, 0, 1, 2, 3, 4, 5, 6, 7, 8], down);
    }

    [Fact]
    public void Warp_Rotation90_IsAPermutation_AndHalfPixelShiftAverages()
    {
        var image = Tensor.FromArray([1f, 2, 3, 4], 1, 1, 2, 2);
        var rotated = SpatialTransform.Warp(image, 90, 0, 0).ToArray();
        Assert.Equal([3f, 1, 4, 2], rotated.Select(v => MathF.Round(v, 4)).ToArray());
        var half = SpatialTransform.Warp(image, 0, 0.5f, 0).ToArray();
        Assert.Equal([0.5f, 1.5f, 1.5f, 3.5f], half.Select(v => MathF.Round(v, 4)).ToArray());
    }

    [Fact]
    public void Spatial_GridSearch_FoolsSomeImages_WithinOneQueryPerTransform()
    {
        var (clf, x, y) = BlackBoxSetup.More();
        var attack = new SpatialTransform([-30f, -20f, -10f, 0f, 10f, 20f, 30f], [-3f, 0f, 3f]);
        var result = attack.Run(clf, x, AttackGoal.Untargeted(y), seed: 0);
        var rate = BlackBoxSetup.RateOnInitiallyCorrect(result, y);
        output.WriteLine($"spatial ±30°, ±3 px ({attack.Grid.Count} transforms): {rate:P1} of initially correct, {result.Queries / (double)y.Length:F1} queries per sample");
        Assert.Equal((0f, 0f, 0f), attack.Grid[0]);
        Assert.True(result.Queries <= (attack.Grid.Count + 2L) * y.Length);
        Assert.True(rate >= 0.75, $"{rate:P1}");
        Assert.All(result.Adversarial.ToArray(), v => Assert.InRange(v, 0f, 1f));
    }

    [Fact]
    public void Spatial_RejectsEmptyGridsAndNonImageModels()
    {
        Assert.Throws<ArgumentException>(() => new SpatialTransform([], [0f]));
        Assert.Throws<ArgumentException>(() => new SpatialTransform([0f], [float.NaN]));
        Assert.Throws<ArgumentException>(() => SpatialTransform.Warp(Tensor.Zeros(2, 3), 10, 0, 0));
    }
}
