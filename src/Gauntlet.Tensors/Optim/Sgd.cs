namespace Gauntlet.Tensors.Optim;

/// <summary>
/// Stochastic gradient descent with optional momentum, Nesterov momentum and L2 weight decay,
/// with PyTorch's update rule.
/// </summary>
/// <remarks>
/// <c>g ← ∇ + λ·p</c>; with momentum μ: <c>b ← μ·b + (1 − dampening)·g</c> (b = g on the first
/// step), then <c>g ← g + μ·b</c> (Nesterov) or <c>g ← b</c>; finally <c>p ← p − lr·g</c>.
/// </remarks>
public sealed class Sgd : Optimizer
{
    private readonly float[]?[] _momentumBuffers;

    /// <summary>Creates the optimizer.</summary>
    public Sgd(IEnumerable<Tensor> parameters, float learningRate, float momentum = 0f, float weightDecay = 0f, bool nesterov = false, float dampening = 0f)
        : base(parameters, learningRate)
    {
        Require(momentum >= 0f, nameof(momentum), momentum, "≥ 0");
        Require(weightDecay >= 0f, nameof(weightDecay), weightDecay, "≥ 0");
        Require(!nesterov || (momentum > 0f && dampening == 0f), nameof(nesterov), momentum, "momentum > 0 and dampening 0 for Nesterov");
        Momentum = momentum;
        WeightDecay = weightDecay;
        Nesterov = nesterov;
        Dampening = dampening;
        _momentumBuffers = new float[Parameters.Count][];
    }

    /// <summary>Momentum factor μ.</summary>
    public float Momentum { get; }

    /// <summary>L2 penalty λ added to the gradient.</summary>
    public float WeightDecay { get; }

    /// <summary>Whether Nesterov momentum is used.</summary>
    public bool Nesterov { get; }

    /// <summary>Dampening of the momentum update.</summary>
    public float Dampening { get; }

    /// <inheritdoc />
    protected override void Update(int index, Span<float> parameter, ReadOnlySpan<float> gradient)
    {
        var lr = LearningRate;
        float[]? buffer = null;
        var first = false;
        if (Momentum != 0f)
        {
            buffer = _momentumBuffers[index];
            if (buffer is null)
            {
                buffer = _momentumBuffers[index] = new float[parameter.Length];
                first = true;
            }
        }

        for (var i = 0; i < parameter.Length; i++)
        {
            var g = gradient[i] + (WeightDecay * parameter[i]);
            if (buffer is not null)
            {
                buffer[i] = first ? g : (Momentum * buffer[i]) + ((1f - Dampening) * g);
                g = Nesterov ? g + (Momentum * buffer[i]) : buffer[i];
            }

            parameter[i] -= lr * g;
        }
    }
}
