using Gauntlet.Tensors.Autograd;
using Gauntlet.Tensors.Nn;
using O = Gauntlet.Tensors.Ops;

namespace Gauntlet.Tensors.Tests.Autograd;

public class TensorScopeTests
{
    // The reference CNN of the benchmarks (ModelZoo "cnn-small" for 1×28×28, 10 classes).
    private static Sequential ReferenceCnn(int seed)
    {
        var rng = new Rng(seed);
        return new Sequential(
            new Conv2d(1, 32, 3, rng), new Tensors.Nn.Relu(), new MaxPool2d(2),
            new Conv2d(32, 64, 3, rng), new Tensors.Nn.Relu(), new MaxPool2d(2),
            new Flatten(), new Tensors.Nn.Linear(64 * 5 * 5, 128, rng), new Tensors.Nn.Relu(), new Tensors.Nn.Linear(128, 10, rng));
    }

    private static float[] InputGradient(Sequential model, Tensor x, int[] labels)
    {
        var xv = x.Detach().RequireGrad();
        return Autodiff.Grad(Losses.CrossEntropy(model.Forward(xv), labels), xv).ToArray();
    }

    [Fact]
    public void ScopedSteps_GiveTheSameGradients_AsUnscoped_WhilePooledBuffersAreReused()
    {
        var model = ReferenceCnn(3);
        model.SetRequiresGrad(false);
        var x = Tensor.RandU(new Rng(5), 0f, 1f, 6, 1, 28, 28);
        int[] labels = [0, 1, 2, 3, 4, 5];
        var expected = InputGradient(model, x, labels);

        for (var step = 0; step < 3; step++)
        {
            // Pooled storage is not zeroed by reuse: stale values from the previous step must not leak in.
            using (TensorScope.Begin())
            {
                Assert.Equal(expected, InputGradient(model, x, labels));
            }
        }
    }

    [Fact]
    public void ResultsAndTheirViews_ThrowAfterTheScopeEnds()
    {
        var a = Tensor.RandN(1, 4, 6);
        Tensor sum, view, detached, kept;
        using (TensorScope.Begin())
        {
            sum = O.Add(a, a);
            view = O.Reshape(sum, 6, 4);
            detached = sum.Detach();
            kept = sum.Clone();
            Assert.False(sum.IsReleased);
        }

        Assert.True(sum.IsReleased);
        Assert.True(view.IsReleased);
        Assert.True(detached.IsReleased);
        Assert.Throws<ObjectDisposedException>(() => sum.ToArray());
        Assert.Throws<ObjectDisposedException>(() => view.Span[0]);
        Assert.Throws<ObjectDisposedException>(() => O.Add(detached, detached));
        Assert.Throws<ObjectDisposedException>(() => O.Reshape(sum, 24));
        Assert.Contains("released", sum.ToString(), StringComparison.Ordinal);

        // Inputs from before the scope and copies made inside it stay valid.
        Assert.False(a.IsReleased);
        Assert.False(kept.IsReleased);
        Assert.Equal(O.Add(a, a).ToArray(), kept.ToArray());
    }

    [Fact]
    public void FactoriesAndViewsOfOutsideTensors_AreNotOwned()
    {
        var outside = Tensor.RandN(2, 3, 4);
        Tensor zeros, reshaped;
        using (TensorScope.Begin())
        {
            zeros = Tensor.Zeros(3, 4);
            reshaped = O.Reshape(outside, 12);
        }

        Assert.False(zeros.IsReleased);
        Assert.False(reshaped.IsReleased);
        Assert.Equal(outside.ToArray(), reshaped.ToArray());
    }

    [Fact]
    public void BackwardInsideAScope_LeavesParameterGradientsValid()
    {
        var model = new Tensors.Nn.Linear(4, 3, new Rng(1));
        var x = Tensor.RandN(2, 5, 4);
        for (var i = 0; i < 2; i++)
        {
            using (TensorScope.Begin())
            {
                O.Sum(model.Forward(x)).Backward();
            }
        }

        var weight = model.Parameters().First();
        Assert.NotNull(weight.Grad);
        Assert.False(weight.Grad!.IsReleased);

        // d Σ(x Wᵀ + b) / dW[o, i] = Σ_rows x[r, i]; accumulated twice.
        var columnSums = O.Sum(x, 0).ToArray();
        for (var o = 0; o < 3; o++)
        {
            for (var i = 0; i < 4; i++)
            {
                Assert.Equal(2 * columnSums[i], weight.Grad[o, i], 4);
            }
        }
    }

    [Fact]
    public void NestedScopes_ReleaseOnlyTheirOwnResults_AndMustEndInOrder()
    {
        var a = Tensor.RandN(3, 8);
        using var outer = TensorScope.Begin();
        var kept = O.Exp(a);
        Tensor inner;
        using (TensorScope.Begin())
        {
            inner = O.Add(kept, kept);
            Assert.Throws<InvalidOperationException>(() => outer.Dispose());
        }

        Assert.True(inner.IsReleased);
        Assert.False(kept.IsReleased);
        outer.Dispose();
        Assert.True(kept.IsReleased);
        outer.Dispose(); // a second dispose does nothing
    }

    [Fact]
    public void WarmScopedPgdStep_OnTheReferenceCnn_AllocatesUnderOneMegabyte()
    {
        // A correctness property of the pooled storage (not a timing): once warm, forward + loss +
        // backward to the input on a batch of 250 allocates almost nothing on this thread.
        const int batch = 250;
        var model = ReferenceCnn(0);
        model.Eval();
        model.SetRequiresGrad(false);
        var x = Tensor.RandU(new Rng(7), 0f, 1f, batch, 1, 28, 28);
        var labels = Enumerable.Range(0, batch).Select(i => i % 10).ToArray();
        var sign = new float[x.Size];

        void Step()
        {
            using (TensorScope.Begin())
            {
                var xv = x.Detach().RequireGrad();
                var g = Autodiff.Grad(Losses.CrossEntropy(model.Forward(xv), labels), xv).ReadOnlySpan;
                for (var i = 0; i < g.Length; i++)
                {
                    sign[i] = MathF.Sign(g[i]);
                }
            }
        }

        for (var i = 0; i < 3; i++)
        {
            Step();
        }

        const int measured = 3;
        var before = GC.GetAllocatedBytesForCurrentThread();
        for (var i = 0; i < measured; i++)
        {
            Step();
        }

        var perStep = (GC.GetAllocatedBytesForCurrentThread() - before) / measured;
        Assert.True(perStep < 1 << 20, $"a warm PGD step allocated {perStep:N0} bytes; expected under 1 MB.");
    }
}
