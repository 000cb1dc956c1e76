using Gauntlet.Models;
using Gauntlet.Tensors;

namespace Gauntlet.Explain;

/// <summary>Which scalar of the model an explanation attributes.</summary>
public enum ExplainedOutput
{
    /// <summary>The target class's logit (the default; Integrated Gradients' completeness is exact for it up to the integration error).</summary>
    Logit,

    /// <summary>The target class's softmax probability.</summary>
    Probability,
}

/// <summary>
/// The explained function f(x) = the target class's logit or probability, and its input gradient,
/// taken from any <see cref="IClassifier"/> through <see cref="IClassifier.LossGradient"/> with a
/// loss that is the sum of the per-sample targets (so one backward pass gives every sample's ∂f/∂x).
/// </summary>
public static class TargetFunction
{
    /// <summary>f for each sample of <paramref name="batch"/>.</summary>
    /// <param name="model">The classifier.</param>
    /// <param name="batch">Inputs <c>[N, ...SampleShape]</c>.</param>
    /// <param name="targets">One class per sample.</param>
    /// <param name="output">Logit or probability.</param>
    /// <returns>N values.</returns>
    public static double[] Values(IClassifier model, Tensor batch, int[] targets, ExplainedOutput output = ExplainedOutput.Logit)
    {
        ArgumentNullException.ThrowIfNull(model);
        var logits = model.Predict(batch);
        return Pick(output == ExplainedOutput.Probability ? Ops.Softmax(logits, 1) : logits, targets);
    }

    /// <summary>∂f/∂x for every sample of <paramref name="batch"/>, and f itself.</summary>
    /// <param name="model">The classifier (must have gradients).</param>
    /// <param name="batch">Inputs <c>[N, ...SampleShape]</c>.</param>
    /// <param name="targets">One class per sample.</param>
    /// <param name="output">Logit or probability.</param>
    /// <returns>The gradient shaped like <paramref name="batch"/> and the N values.</returns>
    /// <exception cref="NotSupportedException">The model exposes no gradients.</exception>
    public static (Tensor Gradient, double[] Values) Gradient(IClassifier model, Tensor batch, int[] targets, ExplainedOutput output = ExplainedOutput.Logit)
    {
        ArgumentNullException.ThrowIfNull(model);
        if (!model.HasGradients)
        {
            throw new NotSupportedException("this model exposes no gradients; use KernelSHAP or permutation importance, which only query it.");
        }

        var (gradient, logits) = model.LossGradient(batch, targets, (z, y) => Ops.Sum(Ops.Multiply(output == ExplainedOutput.Probability ? Ops.Softmax(z, 1) : z, OneHot(y, z.Dim(1)))));
        return (gradient, Pick(output == ExplainedOutput.Probability ? Ops.Softmax(logits, 1) : logits, targets));
    }

    /// <summary>A <c>[N, K]</c> one-hot mask of <paramref name="labels"/>.</summary>
    internal static Tensor OneHot(int[] labels, int k)
    {
        var mask = new float[labels.Length * k];
        for (var i = 0; i < labels.Length; i++)
        {
            if (labels[i] < 0 || labels[i] >= k)
            {
                throw new ArgumentOutOfRangeException(nameof(labels), $"target class {labels[i]} is outside the model's {k} classes.");
            }

            mask[(i * k) + labels[i]] = 1f;
        }

        return Tensor.FromArray(mask, labels.Length, k);
    }

    private static double[] Pick(Tensor scores, int[] targets)
    {
        var k = scores.Dim(1);
        var s = scores.ReadOnlySpan;
        var v = new double[targets.Length];
        for (var i = 0; i < v.Length; i++)
        {
            v[i] = s[(i * k) + targets[i]];
        }

        return v;
    }
}
