using Gauntlet.Tensors;
using Gauntlet.Tensors.Autograd;

namespace Gauntlet.Defenses.InputTransforms;

/// <summary>
/// Total-variance minimisation (Guo et al. 2018), randomised: a Bernoulli mask <c>m</c> keeps each
/// value with probability <c>keep</c>, and <c>steps</c> gradient steps from <c>z = x</c> on
/// <c>E(z) = ½‖m ⊙ (z − x)‖² + λ·TV_δ(z)</c> reconstruct the image, with the smoothed anisotropic
/// total variation <c>TV_δ(z) = Σ √((z_{i,j+1} − z_{i,j})² + δ²) + Σ √((z_{i+1,j} − z_{i,j})² + δ²)</c>
/// per channel; the result is clipped to [0, 1]. Dropped values have no data term, so the TV term
/// alone decides them.
/// </summary>
/// <remarks>
/// The iteration is written with the engine's differentiable operations, so the plain backward
/// pass is the exact derivative through every step for the drawn mask; the randomness is what
/// EOT averages over. Guo et al. solve the problem to convergence; a few steps of gradient descent
/// keep the defense cheap and are the same map in spirit (stated in docs/defenses.md).
/// </remarks>
public sealed class TotalVariationMinimisation : IInputTransform
{
    private const float Delta = 0.01f;

    /// <summary>Creates the defense.</summary>
    /// <param name="keep">Probability each value keeps its data term, in (0, 1].</param>
    /// <param name="lambda">TV weight λ, positive.</param>
    /// <param name="steps">Gradient steps, 1..100.</param>
    /// <param name="stepSize">Gradient step size η, positive.</param>
    /// <exception cref="ArgumentOutOfRangeException">A parameter is out of range.</exception>
    public TotalVariationMinimisation(float keep = 0.5f, float lambda = 0.05f, int steps = 10, float stepSize = 0.2f)
    {
        if (!(keep > 0f && keep <= 1f) || !(lambda > 0f) || !float.IsFinite(lambda) || steps is < 1 or > 100 || !(stepSize > 0f) || !float.IsFinite(stepSize))
        {
            throw new ArgumentOutOfRangeException(nameof(keep), $"TV minimisation: keep {keep}, λ {lambda}, steps {steps}, step size {stepSize}; expected keep in (0, 1], positive λ and step size, 1..100 steps.");
        }

        Keep = keep;
        Lambda = lambda;
        Steps = steps;
        StepSize = stepSize;
    }

    /// <summary>Probability each value keeps its data term.</summary>
    public float Keep { get; }

    /// <summary>TV weight λ.</summary>
    public float Lambda { get; }

    /// <summary>Gradient steps.</summary>
    public int Steps { get; }

    /// <summary>Gradient step size η.</summary>
    public float StepSize { get; }

    /// <inheritdoc />
    public string Name => "tvm";

    /// <inheritdoc />
    public string Settings => FormattableString.Invariant($"keep {Keep}, λ {Lambda}, {Steps} steps of {StepSize}");

    /// <inheritdoc />
    public bool IsRandomized => Keep < 1f;

    /// <inheritdoc />
    public bool IsDifferentiable => true;

    /// <inheritdoc />
    public TransformedInput Apply(Tensor x, Rng rng)
    {
        ImageBatch.Dims(x, Name);
        ArgumentNullException.ThrowIfNull(rng);
        var maskValues = new float[x.Size];
        for (var i = 0; i < maskValues.Length; i++)
        {
            maskValues[i] = rng.NextDouble() < Keep ? 1f : 0f;
        }

        var mask = Tensor.FromArray(maskValues, x.Shape);
        Tensor output;
        using (GradMode.NoGrad())
        {
            output = Reconstruct(x.Detach(), mask).Detach();
        }

        return new TransformedInput(output, upstream =>
        {
            var input = x.Detach().RequireGrad();
            return Autodiff.Grad(Reconstruct(input, mask), input, upstream);
        });
    }

    private Tensor Reconstruct(Tensor x, Tensor mask)
    {
        var z = x;
        for (var step = 0; step < Steps; step++)
        {
            var data = Ops.Multiply(mask, Ops.Subtract(z, x));
            var gradient = Ops.Add(data, Ops.Multiply(TvGradient(z), Lambda));
            z = Ops.Subtract(z, Ops.Multiply(gradient, StepSize));
        }

        return Ops.Clamp(z, 0f, 1f);
    }

    // ∂TV_δ/∂z: for a difference d_j = z_{j+1} − z_j along an axis, with g_j = d_j / √(d_j² + δ²),
    // z_j receives g_{j−1} − g_j (terms past the edges are zero).
    private static Tensor TvGradient(Tensor z)
    {
        var total = AxisGradient(z, 3);
        return Ops.Add(total, AxisGradient(z, 2));
    }

    private static Tensor AxisGradient(Tensor z, int axis)
    {
        var length = z.Dim(axis);
        var d = Ops.Subtract(Ops.Slice(z, axis, 1, length), Ops.Slice(z, axis, 0, length - 1));
        var g = Ops.Divide(d, Ops.Sqrt(Ops.Add(Ops.Multiply(d, d), Delta * Delta)));
        var before = new int[8];
        var after = new int[8];
        before[2 * axis] = 1;
        after[(2 * axis) + 1] = 1;
        return Ops.Subtract(Ops.Pad(g, before), Ops.Pad(g, after));
    }
}
