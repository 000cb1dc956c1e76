using Gauntlet.Models;
using Gauntlet.Tensors;

namespace Gauntlet.Privacy.Extraction;

/// <summary>
/// The black-box interface an extraction attacker has: it answers batches of queries with the
/// model's outputs (logits, or whatever a defended API answers), counts every sample, and refuses
/// any batch that would take the count past the budget. No gradients.
/// </summary>
public sealed class QueryOracle
{
    private readonly IClassifier _model;

    /// <summary>Opens the interface on <paramref name="model"/> with <paramref name="budget"/> queries.</summary>
    /// <exception cref="ArgumentOutOfRangeException">The budget is below 1.</exception>
    public QueryOracle(IClassifier model, int budget)
    {
        ArgumentNullException.ThrowIfNull(model);
        ArgumentOutOfRangeException.ThrowIfLessThan(budget, 1);
        _model = model;
        Budget = budget;
    }

    /// <summary>The most samples the attacker may send.</summary>
    public int Budget { get; }

    /// <summary>Samples answered so far.</summary>
    public int Used { get; private set; }

    /// <summary>Classes the model answers.</summary>
    public int ClassCount => _model.ClassCount;

    /// <summary>Answers a batch: logits <c>[N, K]</c>.</summary>
    /// <exception cref="InvalidOperationException">The batch would exceed the budget.</exception>
    public Tensor Query(Tensor batch)
    {
        ArgumentNullException.ThrowIfNull(batch);
        var n = batch.Dim(0);
        if (Used + n > Budget)
        {
            throw new InvalidOperationException($"query budget exhausted: {Used} of {Budget} used, {n} more asked.");
        }

        Used += n;
        return _model.Predict(batch);
    }
}
