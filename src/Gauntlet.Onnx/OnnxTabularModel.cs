using Gauntlet.Tensors;
using Gauntlet.Tensors.Nn;

namespace Gauntlet.Onnx;

/// <summary>
/// A tabular ONNX classifier (for example a scikit-learn pipeline) as a Gauntlet module over
/// records of any sample shape holding F values (Gauntlet carries tables as <c>[N, 1, 1, F]</c>):
/// the batch is flattened to <c>[N, F]</c> for the graph, and probability scores become logits
/// (their logarithm), so that softmax of the output gives the model's probabilities back and
/// cross-entropy losses work as on a network's logits.
/// </summary>
public sealed class OnnxTabularModel : Module
{
    // Probabilities at or below this are treated as this, so the logarithm stays finite.
    private const float Floor = 1e-30f;

    /// <summary>Wraps a loaded classifier.</summary>
    /// <param name="classifier">The ONNX classifier.</param>
    public OnnxTabularModel(OnnxClassifier classifier)
    {
        ArgumentNullException.ThrowIfNull(classifier);
        Classifier = classifier;
        Eval();
    }

    /// <summary>The wrapped classifier.</summary>
    public OnnxClassifier Classifier { get; }

    /// <inheritdoc/>
    public override Tensor Forward(Tensor input)
    {
        ArgumentNullException.ThrowIfNull(input);
        var rows = input.Dim(0);
        var flat = input.Rank == 2 ? input : Ops.Reshape(input, rows, rows == 0 ? 0 : input.Size / rows);
        var scores = Classifier.Forward(flat);
        return Classifier.ScoresAreProbabilities ? Ops.Log(Ops.Clamp(scores, Floor, 1f)) : scores;
    }
}
