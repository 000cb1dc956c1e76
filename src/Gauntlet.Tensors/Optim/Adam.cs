namespace Gauntlet.Tensors.Optim;

/// <summary>
/// Adam (Kingma &amp; Ba 2015) with bias correction. <see cref="Decoupled"/> selects AdamW
/// (Loshchilov &amp; Hutter 2019): weight decay shrinks the parameter directly instead of being
/// added to the gradient.
/// </summary>
/// <remarks>
/// <c>m ← β₁m + (1−β₁)g</c>, <c>v ← β₂v + (1−β₂)g²</c>,
/// <c>p ← p − lr · (m / (1−β₁ᵗ)) / (√(v / (1−β₂ᵗ)) + ε)</c>. Adam adds <c>λp</c> to g;
/// AdamW first applies <c>p ← p − lr·λ·p</c>.
/// </remarks>
public class Adam : Optimizer
{
    private readonly float[][] _m;
    private readonly float[][] _v;

    /// <summary>Creates Adam (L2 weight decay coupled to the gradient).</summary>
    public Adam(IEnumerable<Tensor> parameters, float learningRate = 1e-3f, float beta1 = 0.9f, float beta2 = 0.999f, float epsilon = 1e-8f, float weightDecay = 0f)
        : this(parameters, learningRate, beta1, beta2, epsilon, weightDecay, decoupled: false)
    {
    }

    /// <summary>Creates the optimizer, choosing coupled (Adam) or decoupled (AdamW) weight decay.</summary>
    protected Adam(IEnumerable<Tensor> parameters, float learningRate, float beta1, float beta2, float epsilon, float weightDecay, bool decoupled)
        : base(parameters, learningRate)
    {
        Require(beta1 is >= 0f and < 1f, nameof(beta1), beta1, "in [0, 1)");
        Require(beta2 is >= 0f and < 1f, nameof(beta2), beta2, "in [0, 1)");
        Require(epsilon > 0f, nameof(epsilon), epsilon, "> 0");
        Require(weightDecay >= 0f, nameof(weightDecay), weightDecay, "≥ 0");
        Beta1 = beta1;
        Beta2 = beta2;
        Epsilon = epsilon;
        WeightDecay = weightDecay;
        Decoupled = decoupled;
        _m = [.. Parameters.Select(p => new float[p.Size])];
        _v = [.. Parameters.Select(p => new float[p.Size])];
    }

    /// <summary>Decay of the first-moment estimate.</summary>
    public float Beta1 { get; }

    /// <summary>Decay of the second-moment estimate.</summary>
    public float Beta2 { get; }

    /// <summary>Added to the denominator for stability.</summary>
    public float Epsilon { get; }

    /// <summary>Weight decay λ.</summary>
    public float WeightDecay { get; }

    /// <summary>True for AdamW's decoupled weight decay.</summary>
    public bool Decoupled { get; }

    /// <inheritdoc />
    protected override void Update(int index, Span<float> parameter, ReadOnlySpan<float> gradient)
    {
        var m = _m[index];
        var v = _v[index];
        var lr = LearningRate;
        var t = StepCount;
        var c1 = 1.0 - Math.Pow(Beta1, t);
        var c2 = 1.0 - Math.Pow(Beta2, t);
        var stepSize = (float)(lr / c1);
        var sqrtC2 = (float)Math.Sqrt(c2);
        for (var i = 0; i < parameter.Length; i++)
        {
            var g = gradient[i];
            if (Decoupled)
            {
                parameter[i] -= lr * WeightDecay * parameter[i];
            }
            else
            {
                g += WeightDecay * parameter[i];
            }

            m[i] = (Beta1 * m[i]) + ((1f - Beta1) * g);
            v[i] = (Beta2 * v[i]) + ((1f - Beta2) * g * g);
            parameter[i] -= stepSize * m[i] / ((MathF.Sqrt(v[i]) / sqrtC2) + Epsilon);
        }
    }
}

/// <summary>AdamW: Adam with decoupled weight decay (default λ = 0.01, as in PyTorch).</summary>
public sealed class AdamW : Adam
{
    /// <summary>Creates AdamW.</summary>
    public AdamW(IEnumerable<Tensor> parameters, float learningRate = 1e-3f, float beta1 = 0.9f, float beta2 = 0.999f, float epsilon = 1e-8f, float weightDecay = 0.01f)
        : base(parameters, learningRate, beta1, beta2, epsilon, weightDecay, decoupled: true)
    {
    }
}
