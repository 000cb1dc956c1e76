using Gauntlet.Models;
using Gauntlet.Tensors;

namespace Gauntlet.Privacy.ApiDefenses;

/// <summary>
/// A prediction API that perturbs what a model answers: it computes the softmax probabilities
/// <c>p</c> of the wrapped model, transforms them (<see cref="Transform"/>), and answers
/// <c>log max(p′, 10⁻³⁰)</c> as logits, so <c>softmax</c> of the answer gives back <c>p′</c>
/// (renormalised where <c>p′</c> does not sum to 1) and every attack that reads logits sees only
/// the perturbed output. It has no gradients: a defended API answers queries only.
/// </summary>
public abstract class OutputDefense : IClassifier
{
    /// <summary>The smallest probability whose log is answered; an exact 0 would give −∞ logits.</summary>
    public const double ProbabilityFloor = 1e-30;

    /// <summary>Wraps <paramref name="model"/>.</summary>
    protected OutputDefense(IClassifier model)
    {
        ArgumentNullException.ThrowIfNull(model);
        Model = model;
    }

    /// <summary>The model behind the API.</summary>
    public IClassifier Model { get; }

    /// <summary>The defence as given on the command line, e.g. <c>round:2</c>.</summary>
    public abstract string Name { get; }

    /// <inheritdoc />
    public Shape SampleShape => Model.SampleShape;

    /// <inheritdoc />
    public int ClassCount => Model.ClassCount;

    /// <inheritdoc />
    public InputRange InputRange => Model.InputRange;

    /// <inheritdoc />
    public long QueryCount => Model.QueryCount;

    /// <inheritdoc />
    public bool HasGradients => false;

    /// <inheritdoc />
    public Tensor Predict(Tensor batch)
    {
        var logits = Model.Predict(batch);
        var n = logits.Dim(0);
        var k = logits.Dim(1);
        var z = logits.ReadOnlySpan;
        var p = new double[k];
        var answer = new float[n * k];
        for (var row = 0; row < n; row++)
        {
            var max = double.NegativeInfinity;
            for (var j = 0; j < k; j++)
            {
                max = Math.Max(max, z[(row * k) + j]);
            }

            double sum = 0;
            for (var j = 0; j < k; j++)
            {
                p[j] = Math.Exp(z[(row * k) + j] - max);
                sum += p[j];
            }

            for (var j = 0; j < k; j++)
            {
                p[j] /= sum;
            }

            Transform(p);
            for (var j = 0; j < k; j++)
            {
                answer[(row * k) + j] = (float)Math.Log(Math.Max(p[j], ProbabilityFloor));
            }
        }

        return Tensor.FromArray(answer, n, k);
    }

    /// <inheritdoc />
    /// <exception cref="NotSupportedException">Always: the API answers queries only.</exception>
    public (Tensor Gradient, Tensor Logits) LossGradient(Tensor batch, int[] labels, Func<Tensor, int[], Tensor> loss) =>
        throw new NotSupportedException($"the API defended by {Name} answers queries only; it exposes no gradients.");

    /// <summary>Replaces one sample's probabilities (they sum to 1 on entry) by what the API answers.</summary>
    protected abstract void Transform(Span<double> probabilities);

    /// <summary>The index of the largest probability; the first on ties.</summary>
    protected static int ArgMax(ReadOnlySpan<double> p)
    {
        var best = 0;
        for (var j = 1; j < p.Length; j++)
        {
            if (p[j] > p[best])
            {
                best = j;
            }
        }

        return best;
    }
}
