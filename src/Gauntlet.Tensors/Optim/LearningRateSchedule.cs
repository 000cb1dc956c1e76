namespace Gauntlet.Tensors.Optim;

/// <summary>
/// Sets an optimizer's learning rate as a function of the epoch. Call <see cref="Step"/> once per
/// epoch, after that epoch's optimizer steps.
/// </summary>
public abstract class LearningRateSchedule
{
    /// <summary>Attaches to <paramref name="optimizer"/>.</summary>
    protected LearningRateSchedule(Optimizer optimizer)
    {
        Optimizer = optimizer;
    }

    /// <summary>The optimizer whose rate is set.</summary>
    public Optimizer Optimizer { get; }

    /// <summary>Epochs completed.</summary>
    public int Epoch { get; private set; }

    /// <summary>Advances one epoch and updates the rate.</summary>
    public void Step()
    {
        Epoch++;
        Optimizer.LearningRate = RateAt(Epoch);
    }

    /// <summary>The learning rate for <paramref name="epoch"/> (0 is the start).</summary>
    public abstract float RateAt(int epoch);
}

/// <summary>Multiplies the rate by γ every <c>stepSize</c> epochs: <c>lr₀ · γ^⌊epoch / stepSize⌋</c>.</summary>
public sealed class StepSchedule : LearningRateSchedule
{
    private readonly int _stepSize;
    private readonly float _gamma;

    /// <summary>Creates the schedule.</summary>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="stepSize"/> is not positive.</exception>
    public StepSchedule(Optimizer optimizer, int stepSize, float gamma = 0.1f)
        : base(optimizer)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(stepSize);
        _stepSize = stepSize;
        _gamma = gamma;
    }

    /// <inheritdoc />
    public override float RateAt(int epoch) => Optimizer.InitialLearningRate * MathF.Pow(_gamma, epoch / _stepSize);
}

/// <summary>
/// Cosine annealing: <c>η_min + (lr₀ − η_min)·(1 + cos(π·epoch / T_max)) / 2</c>, held at η_min after T_max.
/// </summary>
public sealed class CosineSchedule : LearningRateSchedule
{
    private readonly int _tMax;
    private readonly float _etaMin;

    /// <summary>Creates the schedule.</summary>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="tMax"/> is not positive.</exception>
    public CosineSchedule(Optimizer optimizer, int tMax, float etaMin = 0f)
        : base(optimizer)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(tMax);
        _tMax = tMax;
        _etaMin = etaMin;
    }

    /// <inheritdoc />
    public override float RateAt(int epoch)
    {
        var e = Math.Min(epoch, _tMax);
        return _etaMin + ((Optimizer.InitialLearningRate - _etaMin) * (1f + MathF.Cos(MathF.PI * e / _tMax)) / 2f);
    }
}
