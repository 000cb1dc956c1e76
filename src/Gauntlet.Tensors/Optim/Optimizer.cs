namespace Gauntlet.Tensors.Optim;

/// <summary>
/// Updates parameters in place from their <see cref="Tensor.Grad"/>. Parameters without a
/// gradient (not reached by the last backward) are left untouched.
/// </summary>
public abstract class Optimizer
{
    /// <summary>Creates the optimizer over <paramref name="parameters"/>.</summary>
    /// <exception cref="ArgumentException">No parameters, or a parameter that does not require gradients.</exception>
    protected Optimizer(IEnumerable<Tensor> parameters, float learningRate)
    {
        Parameters = [.. parameters];
        if (Parameters.Count == 0)
        {
            throw new ArgumentException($"{GetType().Name}: no parameters to optimise.", nameof(parameters));
        }

        if (Parameters.Any(p => !p.RequiresGrad))
        {
            throw new ArgumentException($"{GetType().Name}: every parameter must require gradients (is the model frozen?).", nameof(parameters));
        }

        if (!(learningRate >= 0f) || float.IsInfinity(learningRate))
        {
            throw new ArgumentOutOfRangeException(nameof(learningRate), $"{GetType().Name}: learning rate {learningRate} must be finite and ≥ 0.");
        }

        LearningRate = learningRate;
        InitialLearningRate = learningRate;
    }

    /// <summary>The parameters being optimised.</summary>
    public IReadOnlyList<Tensor> Parameters { get; }

    /// <summary>The current learning rate (schedules change it).</summary>
    public float LearningRate { get; set; }

    /// <summary>The learning rate the optimizer was created with.</summary>
    public float InitialLearningRate { get; }

    /// <summary>Number of <see cref="Step"/> calls so far.</summary>
    public int StepCount { get; private set; }

    /// <summary>Applies one update to every parameter that has a gradient.</summary>
    public void Step()
    {
        StepCount++;
        for (var i = 0; i < Parameters.Count; i++)
        {
            var p = Parameters[i];
            if (p.Grad is { } g)
            {
                Update(i, p.Span, g.ReadOnlySpan);
            }
        }
    }

    /// <summary>Clears every parameter's gradient.</summary>
    public void ZeroGrad()
    {
        foreach (var p in Parameters)
        {
            p.Grad = null;
        }
    }

    /// <summary>Updates parameter <paramref name="index"/> in place.</summary>
    protected abstract void Update(int index, Span<float> parameter, ReadOnlySpan<float> gradient);

    /// <summary>Validates a hyper-parameter range, naming the optimizer and the parameter.</summary>
    protected void Require(bool condition, string name, float value, string expected)
    {
        if (!condition)
        {
            throw new ArgumentOutOfRangeException(name, $"{GetType().Name}: {name} = {value}; expected {expected}.");
        }
    }
}
