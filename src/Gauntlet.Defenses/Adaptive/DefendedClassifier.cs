using Gauntlet.Defenses.InputTransforms;
using Gauntlet.Models;
using Gauntlet.Tensors;

namespace Gauntlet.Defenses.Adaptive;

/// <summary>
/// A classifier with an input defense in front: <c>Predict(x) = f(T(x))</c>. Its gradients are
/// plain (the exact derivative through <c>T</c>) or BPDA (identity through <c>T</c>), and for a
/// randomised <c>T</c> averaged over <see cref="EotSamples"/> draws (EOT, Athalye et al. 2018):
/// <c>∇ ≈ (1/k) Σ_i J_{T_i}ᵀ ∇f(T_i(x))</c>. Every draw comes from one stream seeded at
/// construction, so a run is reproducible.
/// </summary>
public sealed class DefendedClassifier : IClassifier
{
    private readonly IClassifier _inner;
    private readonly Rng _rng;

    /// <summary>Wraps <paramref name="inner"/>.</summary>
    /// <param name="inner">The undefended classifier (images <c>[C, H, W]</c>).</param>
    /// <param name="transform">The input defense.</param>
    /// <param name="gradient">Plain or BPDA gradients.</param>
    /// <param name="eotSamples">Draws averaged per gradient when the transform is randomised (1 otherwise).</param>
    /// <param name="seed">Seed of the transform's random stream.</param>
    /// <exception cref="ArgumentException">The classifier's samples are not images, or <paramref name="eotSamples"/> is below 1.</exception>
    public DefendedClassifier(IClassifier inner, IInputTransform transform, DefenseGradient gradient = DefenseGradient.Plain, int eotSamples = 1, int seed = 0)
    {
        ArgumentNullException.ThrowIfNull(inner);
        ArgumentNullException.ThrowIfNull(transform);
        ArgumentOutOfRangeException.ThrowIfLessThan(eotSamples, 1);
        if (inner.SampleShape.Rank != 3)
        {
            throw new ArgumentException($"{transform.Name}: the model takes samples of shape {inner.SampleShape}; input defenses need images [C, H, W].", nameof(inner));
        }

        _inner = inner;
        Transform = transform;
        Gradient = gradient;
        EotSamples = transform.IsRandomized ? eotSamples : 1;
        _rng = new Rng(seed);
    }

    /// <summary>The input defense.</summary>
    public IInputTransform Transform { get; }

    /// <summary>Plain or BPDA.</summary>
    public DefenseGradient Gradient { get; }

    /// <summary>Draws averaged per gradient (1 for a deterministic transform).</summary>
    public int EotSamples { get; }

    /// <inheritdoc />
    public Shape SampleShape => _inner.SampleShape;

    /// <inheritdoc />
    public int ClassCount => _inner.ClassCount;

    /// <inheritdoc />
    public InputRange InputRange => _inner.InputRange;

    /// <inheritdoc />
    public long QueryCount => _inner.QueryCount;

    /// <inheritdoc />
    public bool HasGradients => _inner.HasGradients;

    /// <inheritdoc />
    public Tensor Predict(Tensor batch) => _inner.Predict(Transform.Apply(batch, _rng).Output);

    /// <inheritdoc />
    public (Tensor Gradient, Tensor Logits) LossGradient(Tensor batch, int[] labels, Func<Tensor, int[], Tensor> loss)
    {
        Tensor? gradientSum = null;
        Tensor? logitSum = null;
        for (var draw = 0; draw < EotSamples; draw++)
        {
            var transformed = Transform.Apply(batch, _rng);
            var (gradient, logits) = _inner.LossGradient(transformed.Output, labels, loss);
            gradient = Gradient == DefenseGradient.Plain ? transformed.Backward(gradient) : gradient;
            gradientSum = gradientSum is null ? gradient : Ops.Add(gradientSum, gradient);
            logitSum = logitSum is null ? logits : Ops.Add(logitSum, logits);
        }

        var scale = 1f / EotSamples;
        return EotSamples == 1 ? (gradientSum!, logitSum!) : (Ops.Multiply(gradientSum!, scale), Ops.Multiply(logitSum!, scale));
    }
}
