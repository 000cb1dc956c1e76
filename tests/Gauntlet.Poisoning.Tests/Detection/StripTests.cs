using Gauntlet.Models;
using Gauntlet.Poisoning.Detection;
using Gauntlet.Tensors;

namespace Gauntlet.Poisoning.Tests.Detection;

public sealed class StripTests
{
    [Fact]
    public void Boundary_KeepsAtMostTheTargetShareOfCleanInputsBelowIt()
    {
        var entropies = Enumerable.Range(0, 200).Select(i => i / 100.0).Reverse().ToArray();

        var boundary = Strip.Boundary(entropies, 0.01);

        // floor(0.01 · 200) = 2 values (0.00 and 0.01) lie below 0.02.
        Assert.Equal(0.02, boundary, 12);
        Assert.Equal(0.01, Strip.RejectedShare(entropies, boundary), 12);
        Assert.Equal(0, Strip.Boundary(entropies, 0), 12);
        Assert.Equal(0, Strip.RejectedShare(entropies, Strip.Boundary(entropies, 0)));
    }

    [Fact]
    public void Boundary_ThrowsForNoEntropiesOrAnFrrOfOne()
    {
        Assert.Throws<ArgumentException>(() => Strip.Boundary([], 0.01));
        Assert.Throws<ArgumentException>(() => Strip.Boundary([1.0], 1));
    }

    [Fact]
    public void Entropies_UniformPredictions_AreLog2OfTheClassCount()
    {
        var model = new ConstantClassifier(new float[5]);
        var images = Tensor.FromArray(new float[3 * 4], 3, 1, 2, 2);

        var entropies = Strip.Entropies(model, images, images, overlays: 4, seed: 1);

        Assert.All(entropies, e => Assert.Equal(Math.Log2(5), e, 5));
    }

    [Fact]
    public void Entropies_ConfidentPredictions_AreNearZero()
    {
        var model = new ConstantClassifier([30f, 0f, 0f]);
        var images = Tensor.FromArray(new float[2 * 4], 2, 1, 2, 2);

        var entropies = Strip.Entropies(model, images, images, overlays: 3, seed: 1);

        Assert.All(entropies, e => Assert.InRange(e, 0, 1e-9));
    }

    /// <summary>Returns the same logits for every input.</summary>
    private sealed class ConstantClassifier(float[] logits) : IClassifier
    {
        public Shape SampleShape => new(1, 2, 2);

        public int ClassCount => logits.Length;

        public InputRange InputRange => InputRange.Unit;

        public long QueryCount => 0;

        public Tensor Predict(Tensor batch)
        {
            var n = batch.Dim(0);
            var values = new float[n * logits.Length];
            for (var i = 0; i < n; i++)
            {
                logits.CopyTo(values, i * logits.Length);
            }

            return Tensor.FromArray(values, n, logits.Length);
        }

        public (Tensor Gradient, Tensor Logits) LossGradient(Tensor batch, int[] labels, Func<Tensor, int[], Tensor> loss) =>
            (Tensor.Zeros(batch.Shape), Predict(batch));
    }
}
