using System.Globalization;
using Gauntlet.Models;

namespace Gauntlet.Privacy.ApiDefenses;

/// <summary>
/// Answers only the k largest probabilities, unchanged; every other class is answered as 0
/// (the top-k of commercial prediction APIs). Ties at the k-th place go to the lower class index.
/// </summary>
public sealed class TopKDefense : OutputDefense
{
    /// <summary>Wraps <paramref name="model"/>, answering its top <paramref name="k"/> classes.</summary>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="k"/> is below 1 or above the class count.</exception>
    public TopKDefense(IClassifier model, int k)
        : base(model)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(k, 1);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(k, model.ClassCount);
        K = k;
    }

    /// <summary>Classes answered.</summary>
    public int K { get; }

    /// <inheritdoc />
    public override string Name => string.Create(CultureInfo.InvariantCulture, $"topk:{K}");

    /// <inheritdoc />
    protected override void Transform(Span<double> probabilities)
    {
        var order = new int[probabilities.Length];
        for (var j = 0; j < order.Length; j++)
        {
            order[j] = j;
        }

        var keys = probabilities.ToArray();
        // Descending by probability, ascending by index on ties (a stable sort of the indices).
        var sorted = order.OrderByDescending(j => keys[j]).ThenBy(j => j).ToArray();
        for (var r = K; r < sorted.Length; r++)
        {
            probabilities[sorted[r]] = 0;
        }
    }
}
