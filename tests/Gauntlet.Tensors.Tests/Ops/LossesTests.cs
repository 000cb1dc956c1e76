using Gauntlet.Tensors.Autograd;
using Gauntlet.Tensors.Tests.Infrastructure;
using static Gauntlet.Tensors.Tests.Ops.NnTestHelpers;

namespace Gauntlet.Tensors.Tests.Ops;

using Nn = Gauntlet.Tensors.Ops;

public class LossesTests
{
    private static readonly Reduction[] AllReductions = [Reduction.Mean, Reduction.Sum, Reduction.None];

    private static double[] ReferenceLogSoftmax(ReadOnlySpan<float> row)
    {
        var max = double.NegativeInfinity;
        foreach (var v in row)
        {
            max = Math.Max(max, v);
        }

        double sum = 0;
        foreach (var v in row)
        {
            sum += Math.Exp(v - max);
        }

        var lse = max + Math.Log(sum);
        var result = new double[row.Length];
        for (var j = 0; j < row.Length; j++)
        {
            result[j] = row[j] - lse;
        }

        return result;
    }

    [Fact]
    public void CrossEntropy_EqualsNegativeLogSoftmax_ForEveryReduction()
    {
        var rng = new Rng(51);
        var logits = Tensor.RandN(rng, 5, 7);
        var labels = Labels(rng, 5, 7);
        var expected = new double[5];
        for (var i = 0; i < 5; i++)
        {
            expected[i] = -ReferenceLogSoftmax(logits.ReadOnlySpan.Slice(i * 7, 7))[labels[i]];
        }

        TensorAssert.Close(expected.Select(v => (float)v).ToArray(), Losses.CrossEntropy(logits, labels, Reduction.None).ReadOnlySpan, 1e-5, 1e-6, "none");
        Assert.Equal(expected.Sum(), Losses.CrossEntropy(logits, labels, Reduction.Sum).Item(), 1e-5);
        Assert.Equal(expected.Average(), Losses.CrossEntropy(logits, labels).Item(), 1e-5);

        // Same as Nll over LogSoftmax.
        var nll = Losses.Nll(Nn.LogSoftmax(logits, 1), labels, Reduction.None);
        TensorAssert.Close(nll, Losses.CrossEntropy(logits, labels, Reduction.None), 1e-5, 1e-6, "nll");
    }

    [Fact]
    public void CrossEntropy_IsStable_ForLargeLogits()
    {
        var logits = Tensor.FromArray([1000f, 0f, -1000f, 50f, 60f, 70f], 2, 3);
        var loss = Losses.CrossEntropy(logits, [2, 2], Reduction.None);
        Assert.Equal(2000f, loss[0], 3);
        Assert.Equal(Math.Log(1 + Math.Exp(-10) + Math.Exp(-20)), loss[1], 5);
        Assert.All(loss.ToArray(), v => Assert.True(float.IsFinite(v)));
    }

    [Fact]
    public void CrossEntropy_WithLabelSmoothing_MatchesSmoothedTarget()
    {
        var rng = new Rng(52);
        var logits = Tensor.RandN(rng, 4, 5);
        var labels = Labels(rng, 4, 5);
        const double eps = 0.2;
        var expected = 0.0;
        for (var i = 0; i < 4; i++)
        {
            var logp = ReferenceLogSoftmax(logits.ReadOnlySpan.Slice(i * 5, 5));
            for (var j = 0; j < 5; j++)
            {
                var q = ((j == labels[i] ? 1 : 0) * (1 - eps)) + (eps / 5);
                expected -= q * logp[j];
            }
        }

        Assert.Equal(expected / 4, Losses.CrossEntropy(logits, labels, Reduction.Mean, 0.2f).Item(), 1e-5);
    }

    [Fact]
    public void CrossEntropy_GradMatchesFiniteDifferences()
    {
        var rng = new Rng(53);
        foreach (var (n, k) in new[] { (4, 5), (1, 1), (3, 1), (1, 6), (5, 3) })
        {
            var labels = Labels(rng, n, k);
            foreach (var reduction in AllReductions)
            {
                GradCheck.Check(t => Losses.CrossEntropy(t[0], labels, reduction), [GradCheck.Input(rng, [n, k], 2f)], 53);
                GradCheck.Check(t => Losses.CrossEntropy(t[0], labels, reduction, 0.1f), [GradCheck.Input(rng, [n, k], 2f)], 54);
            }
        }
    }

    [Fact]
    public void CrossEntropy_ThrowsNamingSample_ForLabelOutOfRange()
    {
        var logits = Tensor.Zeros(3, 4);
        var e = Assert.Throws<ArgumentOutOfRangeException>(() => Losses.CrossEntropy(logits, [0, 4, 1]));
        Assert.Contains("CrossEntropy", e.Message);
        Assert.Contains("sample 1", e.Message);
        Assert.Contains("K = 4", e.Message);
        var e2 = Assert.Throws<ArgumentOutOfRangeException>(() => Losses.CrossEntropy(logits, [0, 1, -1]));
        Assert.Contains("sample 2", e2.Message);
    }

    [Fact]
    public void CrossEntropy_ThrowsNamingShapes_ForBadLogitsOrLabelCount()
    {
        var e = Assert.Throws<TensorShapeException>(() => Losses.CrossEntropy(Tensor.Zeros(3, 4), [0, 1]));
        Assert.Contains("CrossEntropy", e.Message);
        Assert.Contains("2 labels", e.Message);
        Assert.Contains("N = 3", e.Message);
        var e2 = Assert.Throws<TensorShapeException>(() => Losses.CrossEntropy(Tensor.Zeros(4), [0]));
        Assert.Contains("[4]", e2.Message);
        Assert.Throws<ArgumentOutOfRangeException>(() => Losses.CrossEntropy(Tensor.Zeros(1, 2), [0], Reduction.Mean, 1.5f));
        Assert.Throws<ArgumentOutOfRangeException>(() => Losses.CrossEntropy(Tensor.Zeros(1, 2), [0], (Reduction)7));
    }

    [Fact]
    public void Nll_PicksNegatedLogProbability_AndGradMatchesFiniteDifferences()
    {
        var lp = Tensor.FromArray([-0.1f, -2f, -3f, -0.5f], 2, 2);
        TensorAssert.Close([0.1f, 0.5f], Losses.Nll(lp, [0, 1], Reduction.None).ReadOnlySpan, what: "nll");
        Assert.Equal(0.3f, Losses.Nll(lp, [0, 1]).Item(), 6);
        var rng = new Rng(55);
        foreach (var reduction in AllReductions)
        {
            GradCheck.Check(t => Losses.Nll(t[0], [2, 0, 2], reduction), [GradCheck.Input(rng, [3, 3])], 55);
        }

        var e = Assert.Throws<ArgumentOutOfRangeException>(() => Losses.Nll(lp, [0, 2]));
        Assert.Contains("Nll", e.Message);
        Assert.Contains("sample 1", e.Message);
    }

    [Fact]
    public void Mse_MatchesDefinition_AndGradMatchesFiniteDifferences()
    {
        var p = Tensor.FromArray([1f, 2f, 3f, 4f], 2, 2);
        var t = Tensor.FromArray([0f, 2f, 5f, 3f], 2, 2);
        Assert.Equal(1.5f, Losses.Mse(p, t).Item(), 6);
        Assert.Equal(6f, Losses.Mse(p, t, Reduction.Sum).Item(), 6);
        TensorAssert.Close([1f, 0f, 4f, 1f], Losses.Mse(p, t, Reduction.None).ReadOnlySpan, what: "none");
        var rng = new Rng(56);
        foreach (var shape in new[] { new[] { 3, 4 }, [1], [2, 1, 3] })
        {
            foreach (var reduction in AllReductions)
            {
                GradCheck.Check(x => Losses.Mse(x[0], x[1], reduction), [GradCheck.Input(rng, shape), GradCheck.Input(rng, shape)], 56);
            }
        }

        var e = Assert.Throws<TensorShapeException>(() => Losses.Mse(p, Tensor.Zeros(4)));
        Assert.Contains("Mse", e.Message);
        Assert.Contains("[2, 2]", e.Message);
        Assert.Contains("[4]", e.Message);
    }

    [Fact]
    public void CarliniWagner_MatchesMarginDefinition_OnWorkedExample()
    {
        // Row 0: label 0, z = [3, 1, 2] → margin 3 − 2 = 1. Row 1: label 2, z = [5, 0, 1] → 1 − 5 = −4.
        var z = Tensor.FromArray([3f, 1f, 2f, 5f, 0f, 1f], 2, 3).RequireGrad();
        var loss = Losses.CarliniWagner(z, [0, 2], kappa: 0f, reduction: Reduction.None);
        TensorAssert.Close([1f, 0f], loss.ReadOnlySpan, what: "untargeted κ=0");
        TensorAssert.Close([1f, -2f], Losses.CarliniWagner(z, [0, 2], kappa: 2f, reduction: Reduction.None).ReadOnlySpan, what: "untargeted κ=2");

        // Targeted: row 0 target 1 → max_{j≠1} z − z_1 = 3 − 1 = 2; row 1 target 0 → 1 − 5 = −4 → −κ.
        TensorAssert.Close([2f, -1f], Losses.CarliniWagner(z, [1, 0], kappa: 1f, targeted: true, reduction: Reduction.None).ReadOnlySpan, what: "targeted");

        var g = Autodiff.Grad(Losses.CarliniWagner(z, [0, 2], kappa: 2f, reduction: Reduction.Sum), z);
        TensorAssert.Close([1f, 0f, -1f, 0f, 0f, 0f], g.ReadOnlySpan, what: "grad (row 1 clamped at −κ)");
        var gt = Autodiff.Grad(Losses.CarliniWagner(z, [1, 0], kappa: 1f, targeted: true, reduction: Reduction.Sum), z);
        TensorAssert.Close([1f, -1f, 0f, 0f, 0f, 0f], gt.ReadOnlySpan, what: "targeted grad");
    }

    [Fact]
    public void CarliniWagner_SendsGradientToFirstMaximalLogit_OnTies()
    {
        var z = Tensor.FromArray([0f, 2f, 2f, 2f], 1, 4).RequireGrad();
        var g = Autodiff.Grad(Losses.CarliniWagner(z, [0], kappa: 5f), z);
        TensorAssert.Close([1f, -1f, 0f, 0f], g.ReadOnlySpan, what: "tie");
    }

    [Fact]
    public void CarliniWagner_GradMatchesFiniteDifferences()
    {
        var rng = new Rng(57);
        foreach (var (n, k) in new[] { (4, 5), (1, 2), (3, 3), (1, 10) })
        {
            var labels = Labels(rng, n, k);
            foreach (var reduction in AllReductions)
            {
                foreach (var targeted in new[] { false, true })
                {
                    GradCheck.Check(t => Losses.CarliniWagner(t[0], labels, 0f, targeted, reduction), [DistinctLogits(rng, n, k)], 57);
                    GradCheck.Check(t => Losses.CarliniWagner(t[0], labels, 0.25f, targeted, reduction), [DistinctLogits(rng, n, k)], 58);
                }
            }
        }
    }

    [Fact]
    public void Dlr_MatchesFormula_OnWorkedExample()
    {
        // z = [1, 4, 2, 3]: sorted 4, 3, 2, 1 so z_π1 − z_π3 = 2.
        // y = 0: −(1 − 4)/2 = 1.5; y = 1: −(4 − 3)/2 = −0.5.
        var z = Tensor.FromArray([1f, 4f, 2f, 3f, 1f, 4f, 2f, 3f], 2, 4);
        TensorAssert.Close([1.5f, -0.5f], Losses.Dlr(z, [0, 1], Reduction.None).ReadOnlySpan, what: "dlr");
        Assert.Equal(0.5f, Losses.Dlr(z, [0, 1]).Item(), 6);

        // Invariant to shift and positive scale.
        var z2 = Nn.Add(Nn.Multiply(z, 3f), 7f);
        TensorAssert.Close([1.5f, -0.5f], Losses.Dlr(z2, [0, 1], Reduction.None).ReadOnlySpan, 1e-5, 1e-6, "invariance");
    }

    [Fact]
    public void DlrTargeted_MatchesFormula_OnWorkedExample()
    {
        // z = [1, 4, 2, 3, 0], y = 1, t = 2: sorted 4, 3, 2, 1, 0 → −(4 − 2)/(4 − (2 + 1)/2) = −0.8.
        var z = Tensor.FromArray([1f, 4f, 2f, 3f, 0f], 1, 5);
        Assert.Equal(-0.8f, Losses.DlrTargeted(z, [1], [2]).Item(), 6);
        Assert.Equal(-0.8f, Losses.DlrTargeted(z, [1], [2], Reduction.Sum).Item(), 6);
    }

    [Fact]
    public void Dlr_And_DlrTargeted_GradMatchFiniteDifferences()
    {
        var rng = new Rng(59);
        foreach (var (n, k) in new[] { (3, 5), (1, 4), (2, 10), (1, 3) })
        {
            var labels = Labels(rng, n, k);
            var targets = Labels(rng, n, k);
            foreach (var reduction in AllReductions)
            {
                GradCheck.Check(t => Losses.Dlr(t[0], labels, reduction), [DistinctLogits(rng, n, k)], 59);
                if (k >= 4)
                {
                    GradCheck.Check(t => Losses.DlrTargeted(t[0], labels, targets, reduction), [DistinctLogits(rng, n, k)], 60);
                }
            }
        }
    }

    [Fact]
    public void Dlr_ThrowsNamingLossAndSample_ForBadInputs()
    {
        var e = Assert.Throws<TensorShapeException>(() => Losses.Dlr(Tensor.Zeros(2, 2), [0, 1]));
        Assert.Contains("Dlr", e.Message);
        Assert.Contains("K ≥ 3", e.Message);
        var e2 = Assert.Throws<TensorShapeException>(() => Losses.DlrTargeted(Tensor.Zeros(2, 3), [0, 1], [1, 2]));
        Assert.Contains("K ≥ 4", e2.Message);
        var e3 = Assert.Throws<ArgumentOutOfRangeException>(() => Losses.DlrTargeted(Tensor.Zeros(2, 4), [0, 1], [1, 9]));
        Assert.Contains("DlrTargeted", e3.Message);
        Assert.Contains("target 9 of sample 1", e3.Message);
        var e4 = Assert.Throws<TensorShapeException>(() => Losses.DlrTargeted(Tensor.Zeros(2, 4), [0, 1], [1]));
        Assert.Contains("1 targets", e4.Message);
        var e5 = Assert.Throws<ArgumentOutOfRangeException>(() => Losses.CarliniWagner(Tensor.Zeros(2, 4), [0, 5]));
        Assert.Contains("CarliniWagner", e5.Message);
        Assert.Contains("sample 1", e5.Message);
        Assert.Throws<ArgumentOutOfRangeException>(() => Losses.CarliniWagner(Tensor.Zeros(2, 4), [0, 1], kappa: -1f));
    }

    [Fact]
    public void KlDivergence_MatchesWorkedExample_ForEveryReduction()
    {
        // Input log [0.5, 0.5], target [0.25, 0.75]: 0.25 ln 0.5 + 0.75 ln 1.5. Second row's zero target adds 0.
        var input = Nn.Log(Tensor.FromArray([0.5f, 0.5f, 0.9f, 0.1f], 2, 2));
        var target = Tensor.FromArray([0.25f, 0.75f, 1f, 0f], 2, 2);
        var row0 = (0.25 * Math.Log(0.5)) + (0.75 * Math.Log(1.5));
        var row1 = -Math.Log(0.9);
        TensorAssert.Close([(float)(0.25 * Math.Log(0.5)), (float)(0.75 * Math.Log(1.5)), (float)row1, 0f], Losses.KlDivergence(input, target, Reduction.None).ReadOnlySpan, 1e-5, 1e-6, "none");
        Assert.Equal(row0 + row1, Losses.KlDivergence(input, target, Reduction.Sum).Item(), 1e-6);
        Assert.Equal((row0 + row1) / 4, Losses.KlDivergence(input, target).Item(), 1e-6);
        Assert.Equal((row0 + row1) / 2, Losses.KlDivergence(input, target, batchMean: true).Item(), 1e-6);

        // The same with the target given as log-probabilities (log 0 = −∞ contributes 0).
        var logTarget = Nn.Log(target);
        Assert.Equal(row0 + row1, Losses.KlDivergence(input, logTarget, Reduction.Sum, logTarget: true).Item(), 1e-6);
    }

    [Fact]
    public void KlDivergence_GradMatchesFiniteDifferences()
    {
        var rng = new Rng(61);
        foreach (var shape in new[] { new[] { 3, 4 }, [1, 5], [2, 1, 3] })
        {
            foreach (var reduction in AllReductions)
            {
                var input = GradCheck.Input(rng, shape, 0.5f, -1f);
                var target = Tensor.RandU(rng, 0.2f, 1f, shape).RequireGrad();
                GradCheck.Check(t => Losses.KlDivergence(t[0], t[1], reduction), [input, target], 61);
                GradCheck.Check(t => Losses.KlDivergence(t[0], t[1], reduction, logTarget: true), [input, GradCheck.Input(rng, shape, 0.5f, -1f)], 62);
            }

            GradCheck.Check(t => Losses.KlDivergence(t[0], t[1], Reduction.Mean, batchMean: true), [GradCheck.Input(rng, shape), Tensor.RandU(rng, 0.2f, 1f, shape).RequireGrad()], 63);
        }
    }

    [Fact]
    public void KlDivergence_Throws_ForShapeMismatchOrBatchMeanWithoutMean()
    {
        var e = Assert.Throws<TensorShapeException>(() => Losses.KlDivergence(Tensor.Zeros(2, 3), Tensor.Zeros(3, 2)));
        Assert.Contains("KlDivergence", e.Message);
        Assert.Contains("[2, 3]", e.Message);
        Assert.Contains("[3, 2]", e.Message);
        var e2 = Assert.Throws<ArgumentException>(() => Losses.KlDivergence(Tensor.Zeros(2, 3), Tensor.Zeros(2, 3), Reduction.Sum, batchMean: true));
        Assert.Contains("batchMean", e2.Message);
    }
}
