using Gauntlet.Models;
using Gauntlet.Tensors;

namespace Gauntlet.Explain;

/// <summary>How <see cref="GradientExplainer.IntegratedGradients"/> integrates along the path.</summary>
public enum IntegrationRule
{
    /// <summary>Left Riemann sum: α = 0, 1/m, …, (m−1)/m.</summary>
    RiemannLeft,

    /// <summary>Right Riemann sum: α = 1/m, …, 1 (Sundararajan et al.'s formula).</summary>
    RiemannRight,

    /// <summary>Midpoint Riemann sum: α = (k + ½)/m.</summary>
    RiemannMiddle,

    /// <summary>Trapezoid rule over α = 0, 1/m, …, 1 (m + 1 gradient evaluations).</summary>
    Trapezoid,
}

/// <summary>The baseline Integrated Gradients starts from.</summary>
public enum BaselineKind
{
    /// <summary>All zeros (black for images in [0, 1]).</summary>
    Zero,

    /// <summary>The lower end of the model's input range.</summary>
    RangeMin,

    /// <summary>The middle of the input range (grey).</summary>
    RangeMid,
}

/// <summary>Integrated Gradients for one sample, with its completeness check.</summary>
/// <param name="Attributions">Per-input attributions, shaped like the sample.</param>
/// <param name="Target">The explained class.</param>
/// <param name="FOfInput">f(x).</param>
/// <param name="FOfBaseline">f(baseline).</param>
/// <param name="Steps">Integration steps m.</param>
/// <param name="Rule">The integration rule.</param>
public sealed record IntegratedGradientsResult(Tensor Attributions, int Target, double FOfInput, double FOfBaseline, int Steps, IntegrationRule Rule)
{
    /// <summary>Σ attributions.</summary>
    public double AttributionSum { get; } = Attributions.ReadOnlySpan.ToArray().Sum(v => (double)v);

    /// <summary>f(x) − f(baseline), which the attributions must sum to (completeness).</summary>
    public double Delta => FOfInput - FOfBaseline;

    /// <summary>|Σ attributions − Δ| / |Δ| (absolute error when |Δ| &lt; 1e-6).</summary>
    public double CompletenessError => Math.Abs(Delta) < 1e-6 ? Math.Abs(AttributionSum - Delta) : Math.Abs(AttributionSum - Delta) / Math.Abs(Delta);
}

/// <summary>
/// Gradient-based attributions for any differentiable <see cref="IClassifier"/>: vanilla gradients
/// (Simonyan et al. 2014), Integrated Gradients (Sundararajan, Taly &amp; Yan 2017) and SmoothGrad
/// (Smilkov et al. 2017). They need only <see cref="IClassifier.LossGradient"/>, so they work the
/// same for Gauntlet's own networks and for ONNX models.
/// </summary>
public static class GradientExplainer
{
    /// <summary>∂f/∂x for each sample.</summary>
    /// <param name="model">The classifier.</param>
    /// <param name="batch">Inputs <c>[N, ...SampleShape]</c>.</param>
    /// <param name="targets">One class per sample.</param>
    /// <param name="output">Logit or probability.</param>
    /// <returns>The gradient, shaped like <paramref name="batch"/>.</returns>
    public static Tensor Vanilla(IClassifier model, Tensor batch, int[] targets, ExplainedOutput output = ExplainedOutput.Logit) =>
        TargetFunction.Gradient(model, batch, targets, output).Gradient;

    /// <summary>The baseline of <paramref name="kind"/> for <paramref name="model"/>'s input range, shaped like one sample.</summary>
    /// <param name="model">The classifier.</param>
    /// <param name="kind">Which baseline.</param>
    /// <returns>A <c>[1, ...SampleShape]</c> tensor.</returns>
    public static Tensor Baseline(IClassifier model, BaselineKind kind)
    {
        ArgumentNullException.ThrowIfNull(model);
        var value = kind switch
        {
            BaselineKind.Zero => 0f,
            BaselineKind.RangeMin => model.InputRange.Min,
            _ => (model.InputRange.Min + model.InputRange.Max) / 2f,
        };
        return Tensor.Full(value, [1, .. model.SampleShape.ToArray()]);
    }

    /// <summary>Integrated Gradients of one sample: (x − x′) ⊙ ∫₀¹ ∂f/∂x(x′ + α(x − x′)) dα, by <paramref name="rule"/> with <paramref name="steps"/> steps.</summary>
    /// <param name="model">The classifier.</param>
    /// <param name="sample">One input <c>[1, ...SampleShape]</c>.</param>
    /// <param name="target">The explained class.</param>
    /// <param name="baseline">The baseline x′ <c>[1, ...SampleShape]</c>; zeros when null.</param>
    /// <param name="steps">Integration steps m ≥ 1.</param>
    /// <param name="rule">The integration rule.</param>
    /// <param name="output">Logit or probability.</param>
    /// <param name="batchSize">Path points per gradient call.</param>
    /// <returns>The attributions and the completeness figures.</returns>
    /// <exception cref="ArgumentException">Shapes disagree or <paramref name="steps"/> is below 1.</exception>
    public static IntegratedGradientsResult IntegratedGradients(IClassifier model, Tensor sample, int target, Tensor? baseline = null, int steps = 64, IntegrationRule rule = IntegrationRule.Trapezoid, ExplainedOutput output = ExplainedOutput.Logit, int batchSize = 32)
    {
        ArgumentNullException.ThrowIfNull(model);
        ArgumentNullException.ThrowIfNull(sample);
        ArgumentOutOfRangeException.ThrowIfLessThan(steps, 1);
        ArgumentOutOfRangeException.ThrowIfLessThan(batchSize, 1);
        if (sample.Rank == 0 || sample.Dim(0) != 1)
        {
            throw new ArgumentException($"integrated gradients explains one sample [1, ...]; got {sample.Shape}.", nameof(sample));
        }

        baseline ??= Tensor.Zeros(sample.Shape);
        if (baseline.Shape != sample.Shape)
        {
            throw new ArgumentException($"the baseline has shape {baseline.Shape}; expected the sample's {sample.Shape}.", nameof(baseline));
        }

        var (alphas, weights) = Nodes(steps, rule);
        var size = sample.Size;
        var x = sample.ReadOnlySpan.ToArray();
        var b = baseline.ReadOnlySpan.ToArray();
        var sampleDims = sample.Shape.ToArray()[1..];
        var integral = new double[size];
        for (var start = 0; start < alphas.Length; start += batchSize)
        {
            var count = Math.Min(batchSize, alphas.Length - start);
            var path = new float[count * size];
            for (var j = 0; j < count; j++)
            {
                var a = (float)alphas[start + j];
                for (var i = 0; i < size; i++)
                {
                    path[(j * size) + i] = b[i] + (a * (x[i] - b[i]));
                }
            }

            var (g, _) = TargetFunction.Gradient(model, Tensor.FromArray(path, [count, .. sampleDims]), [.. Enumerable.Repeat(target, count)], output);
            var gs = g.ReadOnlySpan;
            for (var j = 0; j < count; j++)
            {
                var w = weights[start + j];
                for (var i = 0; i < size; i++)
                {
                    integral[i] += w * gs[(j * size) + i];
                }
            }
        }

        var attributions = new float[size];
        for (var i = 0; i < size; i++)
        {
            attributions[i] = (float)((x[i] - b[i]) * integral[i]);
        }

        var ends = TargetFunction.Values(model, Ops.Concat([sample, baseline], 0), [target, target], output);
        return new IntegratedGradientsResult(Tensor.FromArray(attributions, sample.Shape), target, ends[0], ends[1], steps, rule);
    }

    /// <summary>SmoothGrad: the mean of ∂f/∂x over <paramref name="samples"/> noisy copies x + N(0, σ²), σ = <paramref name="noiseLevel"/> × the input range.</summary>
    /// <param name="model">The classifier.</param>
    /// <param name="sample">One input <c>[1, ...SampleShape]</c>.</param>
    /// <param name="target">The explained class.</param>
    /// <param name="samples">Noisy copies.</param>
    /// <param name="noiseLevel">σ as a share of (max − min) of the input range (Smilkov et al. suggest 0.1–0.2).</param>
    /// <param name="seed">Seed for the noise.</param>
    /// <param name="output">Logit or probability.</param>
    /// <returns>The averaged gradient, shaped like <paramref name="sample"/>.</returns>
    public static Tensor SmoothGrad(IClassifier model, Tensor sample, int target, int samples = 32, double noiseLevel = 0.15, int seed = 0, ExplainedOutput output = ExplainedOutput.Logit)
    {
        ArgumentNullException.ThrowIfNull(model);
        ArgumentNullException.ThrowIfNull(sample);
        ArgumentOutOfRangeException.ThrowIfLessThan(samples, 1);
        var sigma = (float)(noiseLevel * (model.InputRange.Max - model.InputRange.Min));
        var noise = Tensor.RandN(new Rng(seed), [samples, .. sample.Shape.ToArray()[1..]]);
        var noisy = Ops.Add(Ops.BroadcastTo(sample, noise.Shape), Ops.Multiply(noise, sigma));
        var g = TargetFunction.Gradient(model, noisy, [.. Enumerable.Repeat(target, samples)], output).Gradient;
        return Ops.Mean(g, 0, keepDims: true);
    }

    /// <summary>Path nodes and weights (summing to 1) of <paramref name="rule"/> with <paramref name="m"/> steps.</summary>
    internal static (double[] Alphas, double[] Weights) Nodes(int m, IntegrationRule rule)
    {
        switch (rule)
        {
            case IntegrationRule.Trapezoid:
            {
                var a = Enumerable.Range(0, m + 1).Select(k => k / (double)m).ToArray();
                var w = a.Select((_, k) => (k == 0 || k == m ? 0.5 : 1.0) / m).ToArray();
                return (a, w);
            }

            case IntegrationRule.RiemannLeft:
                return ([.. Enumerable.Range(0, m).Select(k => k / (double)m)], [.. Enumerable.Repeat(1.0 / m, m)]);
            case IntegrationRule.RiemannRight:
                return ([.. Enumerable.Range(1, m).Select(k => k / (double)m)], [.. Enumerable.Repeat(1.0 / m, m)]);
            default:
                return ([.. Enumerable.Range(0, m).Select(k => (k + 0.5) / m)], [.. Enumerable.Repeat(1.0 / m, m)]);
        }
    }
}
