using Gauntlet.Defenses.InputTransforms;
using Gauntlet.Models;
using Gauntlet.Tensors;

namespace Gauntlet.Defenses.Detection;

/// <summary>
/// The feature-squeezing detector (Xu et al. 2018): a sample's score is the largest L1 distance
/// between the model's softmax on the raw input and on each squeezed version,
/// <c>score(x) = max_i ‖softmax(f(x)) − softmax(f(s_i(x)))‖₁</c>; a sample is flagged as
/// adversarial when its score exceeds a threshold chosen on clean data for a stated false-positive rate.
/// </summary>
public sealed class FeatureSqueezingDetector
{
    private readonly IClassifier _model;

    /// <summary>Creates the detector.</summary>
    /// <param name="model">The classifier the detector guards.</param>
    /// <param name="squeezers">Deterministic squeezers (default: 4-bit depth and a 2×2 median filter).</param>
    public FeatureSqueezingDetector(IClassifier model, params IInputTransform[] squeezers)
    {
        ArgumentNullException.ThrowIfNull(model);
        _model = model;
        Squeezers = squeezers.Length > 0 ? squeezers : [new BitDepthReduction(4), new MedianFilter(2)];
    }

    /// <summary>The squeezers compared with the raw input.</summary>
    public IReadOnlyList<IInputTransform> Squeezers { get; }

    /// <summary>One score per sample of <paramref name="x"/>, in batches of <paramref name="batchSize"/>.</summary>
    public double[] Scores(Tensor x, int batchSize = 100)
    {
        ArgumentNullException.ThrowIfNull(x);
        var n = x.Dim(0);
        var scores = new double[n];
        var rng = new Rng(0);
        for (var start = 0; start < n; start += batchSize)
        {
            var count = Math.Min(batchSize, n - start);
            var batch = Ops.Slice(x, 0, start, start + count);
            var raw = Ops.Softmax(_model.Predict(batch), 1);
            var k = raw.Dim(1);
            foreach (var squeezer in Squeezers)
            {
                var squeezed = Ops.Softmax(_model.Predict(squeezer.Apply(batch, rng).Output), 1);
                var p = raw.ReadOnlySpan;
                var q = squeezed.ReadOnlySpan;
                for (var i = 0; i < count; i++)
                {
                    double distance = 0;
                    for (var j = 0; j < k; j++)
                    {
                        distance += Math.Abs(p[(i * k) + j] - q[(i * k) + j]);
                    }

                    scores[start + i] = Math.Max(scores[start + i], distance);
                }
            }
        }

        return scores;
    }
}
