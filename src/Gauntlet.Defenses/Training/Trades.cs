using Gauntlet.Models;
using Gauntlet.Tensors;
using Gauntlet.Tensors.Autograd;
using Gauntlet.Tensors.Nn;

namespace Gauntlet.Defenses.Training;

/// <summary>
/// TRADES (Zhang et al. 2019): minimises <c>CE(f(x), y) + β · KL(p(x) ‖ p(x'))</c>, where
/// <c>p = softmax(f)</c> and the adversarial point <c>x'</c> maximises the KL term inside the L∞
/// ball of radius ε. The inner search starts at <c>x + 0.001·z</c> (<c>z ~ N(0, I)</c>) and takes
/// <c>steps</c> signed gradient steps of size α on <c>Σ_i KL(p(x_i) ‖ p(x'_i))</c> with <c>p(x)</c>
/// held fixed, each projected onto the ball and the input domain, with the model in evaluation
/// mode — the authors' reference implementation, whose KL is also averaged over the batch
/// (<c>batchmean</c>).
/// </summary>
/// <remarks>
/// The outer loss back-propagates through both <c>p(x)</c> and <c>p(x')</c>, as the reference does.
/// β trades clean accuracy for robustness: 1 is mild, 6 the paper's CIFAR-10 setting.
/// </remarks>
public sealed class Trades : ITrainingObjective
{
    /// <summary>Creates the objective.</summary>
    /// <param name="epsilon">L∞ radius ε of the inner maximisation; in (0, 1].</param>
    /// <param name="beta">Weight β of the KL term; positive and finite.</param>
    /// <param name="steps">Inner signed-gradient steps; at least 1.</param>
    /// <param name="stepSize">Inner step size α; default 2.5·ε/steps (Madry's rule, as for PGD-AT).</param>
    /// <param name="inputRange">The input domain the adversarial points are clipped to (default [0, 1]).</param>
    /// <exception cref="ArgumentOutOfRangeException">A parameter is out of range.</exception>
    public Trades(float epsilon, float beta, int steps = 7, float? stepSize = null, InputRange? inputRange = null)
    {
        if (!(epsilon > 0f && epsilon <= 1f) || !(beta > 0f) || !float.IsFinite(beta) || steps < 1 || stepSize is { } a && !(a > 0f && float.IsFinite(a)))
        {
            throw new ArgumentOutOfRangeException(nameof(epsilon), $"TRADES: ε {epsilon}, β {beta}, steps {steps}, step size {stepSize}; expected ε in (0, 1], positive finite β and step size, at least one step.");
        }

        Epsilon = epsilon;
        Beta = beta;
        Steps = steps;
        StepSize = stepSize ?? 2.5f * epsilon / steps;
        InputRange = inputRange ?? InputRange.Unit;
    }

    /// <summary>L∞ radius ε of the inner maximisation.</summary>
    public float Epsilon { get; }

    /// <summary>Weight β of the KL term.</summary>
    public float Beta { get; }

    /// <summary>Inner steps.</summary>
    public int Steps { get; }

    /// <summary>Inner step size α.</summary>
    public float StepSize { get; }

    /// <summary>The input domain.</summary>
    public InputRange InputRange { get; }

    /// <inheritdoc />
    public string Name => "trades";

    /// <inheritdoc />
    public (Tensor Loss, Tensor Logits) Loss(Module model, Tensor x, int[] labels, Rng rng)
    {
        ArgumentNullException.ThrowIfNull(model);
        ArgumentNullException.ThrowIfNull(x);
        var clean = x.Detach();
        var wasTraining = model.IsTraining;
        model.Eval();
        Tensor adversarial;
        try
        {
            adversarial = Maximise(model, clean, rng);
        }
        finally
        {
            model.Train(wasTraining);
        }

        var cleanLogits = model.Forward(clean);
        var adversarialLogits = model.Forward(adversarial);
        var natural = Losses.CrossEntropy(cleanLogits, labels);
        var kl = Ops.Multiply(Kl(cleanLogits, adversarialLogits), 1f / clean.Dim(0));
        return (Ops.Add(natural, Ops.Multiply(kl, Beta)), cleanLogits);
    }

    /// <summary>Σ over the batch of KL(softmax(p) ‖ softmax(q)) = Σ softmax(p)·(log softmax(p) − log softmax(q)).</summary>
    internal static Tensor Kl(Tensor pLogits, Tensor qLogits)
    {
        var logP = Ops.LogSoftmax(pLogits, 1);
        var logQ = Ops.LogSoftmax(qLogits, 1);
        return Ops.Sum(Ops.Multiply(Ops.Exp(logP), Ops.Subtract(logP, logQ)));
    }

    private Tensor Maximise(Module model, Tensor clean, Rng rng)
    {
        Tensor target;
        Tensor point;
        using (GradMode.NoGrad())
        {
            target = model.Forward(clean).Detach();
            point = Project(Ops.Add(clean, Ops.Multiply(Tensor.RandN(rng, clean.Shape.ToArray()), 0.001f)), clean);
        }

        for (var step = 0; step < Steps; step++)
        {
            var input = point.Detach().RequireGrad();
            var gradient = Autodiff.Grad(Kl(target, model.Forward(input)), input);
            using var noGrad = GradMode.NoGrad();
            point = Project(Ops.Add(point, Ops.Multiply(Ops.Sign(gradient), StepSize)), clean).Detach();
        }

        return point;
    }

    private Tensor Project(Tensor point, Tensor clean)
    {
        using var scope = GradMode.NoGrad();
        var low = Ops.Clamp(Ops.Add(clean, -Epsilon), InputRange.Min, InputRange.Max);
        var high = Ops.Clamp(Ops.Add(clean, Epsilon), InputRange.Min, InputRange.Max);
        return Ops.Minimum(Ops.Maximum(point, low), high);
    }
}
