using Gauntlet.Data;
using Gauntlet.Models;
using Gauntlet.Tensors;

namespace Gauntlet.Privacy.Membership;

/// <summary>
/// Per-example statistics of a classifier's logits on labelled images, computed in double
/// precision from the logits (never from rounded probabilities).
/// </summary>
public static class ExampleStatistics
{
    /// <summary>Cross-entropy <c>ℓ = log Σⱼ exp(zⱼ) − z_y</c> of each image under its label.</summary>
    public static double[] Loss(IClassifier model, LabeledImages data, int batchSize = 256) =>
        Map(model, data, batchSize, (z, y) => LogSumExp(z, -1) - z[y]);

    /// <summary>The largest softmax probability <c>maxⱼ exp(zⱼ) / Σₖ exp(zₖ)</c> of each image (label not used).</summary>
    public static double[] MaxConfidence(IClassifier model, LabeledImages data, int batchSize = 256) =>
        Map(model, data, batchSize, (z, _) => Math.Exp(z.Max() - LogSumExp(z, -1)));

    /// <summary>
    /// The logit-scaled confidence of LiRA (Carlini et al. 2022), <c>φ = log(p_y / (1 − p_y))</c>,
    /// computed stably as <c>z_y − log Σ_{j≠y} exp(zⱼ)</c>; roughly Gaussian across models.
    /// </summary>
    public static double[] LogitScaledConfidence(IClassifier model, LabeledImages data, int batchSize = 256) =>
        Map(model, data, batchSize, (z, y) => z[y] - LogSumExp(z, y));

    private static double[] Map(IClassifier model, LabeledImages data, int batchSize, Func<double[], int, double> statistic)
    {
        ArgumentNullException.ThrowIfNull(model);
        ArgumentNullException.ThrowIfNull(data);
        var result = new double[data.Count];
        var k = model.ClassCount;
        var z = new double[k];
        var i = 0;
        foreach (var (x, y) in data.Batches(batchSize))
        {
            var logits = model.Predict(x).ReadOnlySpan;
            for (var row = 0; row < y.Length; row++, i++)
            {
                for (var j = 0; j < k; j++)
                {
                    z[j] = logits[(row * k) + j];
                }

                result[i] = statistic(z, y[row]);
            }
        }

        return result;
    }

    // log Σ_{j ≠ skip} exp(z_j), shifted by the maximum so no term overflows.
    private static double LogSumExp(double[] z, int skip)
    {
        var max = double.NegativeInfinity;
        for (var j = 0; j < z.Length; j++)
        {
            if (j != skip && z[j] > max)
            {
                max = z[j];
            }
        }

        double sum = 0;
        for (var j = 0; j < z.Length; j++)
        {
            if (j != skip)
            {
                sum += Math.Exp(z[j] - max);
            }
        }

        return max + Math.Log(sum);
    }
}
