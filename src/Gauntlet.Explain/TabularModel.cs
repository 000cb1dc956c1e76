using Gauntlet.Models;
using Gauntlet.Tensors;

namespace Gauntlet.Explain;

/// <summary>Adapters from a classifier to the row functions the model-agnostic explainers query.</summary>
public static class TabularModel
{
    /// <summary>f(rows) = the probability of <paramref name="target"/> for each row (a row is one sample, flattened).</summary>
    /// <param name="model">The classifier; only <see cref="IClassifier.Predict"/> is used.</param>
    /// <param name="target">The explained class.</param>
    /// <returns>The function.</returns>
    public static Func<float[][], double[]> Probability(IClassifier model, int target)
    {
        ArgumentNullException.ThrowIfNull(model);
        return rows => TargetFunction.Values(model, Batch(model, rows), [.. Enumerable.Repeat(target, rows.Length)], ExplainedOutput.Probability);
    }

    /// <summary>The predicted class of each row.</summary>
    /// <param name="model">The classifier.</param>
    /// <returns>The function.</returns>
    public static Func<float[][], int[]> Predict(IClassifier model)
    {
        ArgumentNullException.ThrowIfNull(model);
        return rows => Ops.ArgMax(model.Predict(Batch(model, rows)), 1);
    }

    /// <summary>Rows as a <c>[N, ...SampleShape]</c> batch.</summary>
    /// <exception cref="ArgumentException">A row's length is not the sample size.</exception>
    public static Tensor Batch(IClassifier model, float[][] rows)
    {
        ArgumentNullException.ThrowIfNull(model);
        ArgumentNullException.ThrowIfNull(rows);
        var size = model.SampleShape.Size;
        var data = new float[rows.Length * size];
        for (var i = 0; i < rows.Length; i++)
        {
            if (rows[i].Length != size)
            {
                throw new ArgumentException($"row {i} has {rows[i].Length} values; the model takes {size}.", nameof(rows));
            }

            rows[i].CopyTo(data, i * size);
        }

        return Tensor.FromArray(data, [rows.Length, .. model.SampleShape.ToArray()]);
    }
}
