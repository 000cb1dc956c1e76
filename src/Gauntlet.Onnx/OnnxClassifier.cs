using Gauntlet.Tensors;
using Gauntlet.Tensors.Nn;

namespace Gauntlet.Onnx;

/// <summary>
/// An ONNX model as a Gauntlet <see cref="Module"/>: <see cref="Forward"/> runs the graph on its
/// single runtime input and returns its first output, differentiably with respect to the input.
/// The model's weights are fixed constants (not parameters), so attacks get ∂loss/∂x only.
/// </summary>
public sealed class OnnxClassifier : Module
{
    private readonly OnnxSession _session;

    /// <summary>Wraps a loaded model.</summary>
    /// <param name="model">The model; it must have one runtime input and a float first output.</param>
    /// <exception cref="NotSupportedException">The graph uses unsupported operators.</exception>
    /// <exception cref="InvalidDataException">The graph declares no runtime input or no output; the message names the model.</exception>
    public OnnxClassifier(OnnxModel model)
    {
        ArgumentNullException.ThrowIfNull(model);
        var name = model.Path ?? "the ONNX model";
        if (!model.Graph.RuntimeInputs.Any())
        {
            throw new InvalidDataException($"{name}: the graph declares no inputs (every input is an initializer); a classifier needs one image input.");
        }

        if (model.Graph.Outputs.Count == 0)
        {
            throw new InvalidDataException($"{name}: the graph declares no outputs; a classifier needs one output of class scores.");
        }

        _session = new OnnxSession(model);
        Eval();
    }

    /// <summary>Loads and wraps a model file, read through <see cref="Gauntlet.Core.IO.InputFile"/> (a regular file within <see cref="Gauntlet.Core.IO.InputLimits.InputBytes"/>).</summary>
    /// <param name="path">The .onnx file.</param>
    /// <exception cref="FileNotFoundException">The file does not exist.</exception>
    /// <exception cref="InvalidDataException">The path is a folder, not a regular file, too large, or not a valid ONNX model.</exception>
    /// <returns>The classifier.</returns>
    public static OnnxClassifier Load(string path) => new(OnnxModel.Load(path));

    /// <summary>
    /// False when the graph holds operators without input gradients (tree ensembles, SVMs):
    /// white-box attacks do not apply to such a model, only decision- and score-based ones.
    /// </summary>
    public bool HasGradients => !_session.HasNonDifferentiableOps;

    /// <summary>True when the scores are class probabilities from an ONNX-ML classifier (see <see cref="OnnxSession.ScoresAreProbabilities"/>).</summary>
    public bool ScoresAreProbabilities => _session.ScoresAreProbabilities;

    /// <summary>The underlying session.</summary>
    public OnnxSession Session => _session;

    /// <summary>The input's declared shape, e.g. <c>[batch, 1, 28, 28]</c>.</summary>
    public OnnxValueInfo Input => _session.Model.Graph.RuntimeInputs.First();

    /// <inheritdoc/>
    public override Tensor Forward(Tensor input) => _session.Forward(input);

    /// <summary>
    /// The number of classes K. ONNX graphs declare their input but not the class count, so this
    /// runs <paramref name="oneSample"/> (a batch of one) and reads the first output's shape.
    /// </summary>
    /// <exception cref="InvalidDataException">The output for one sample is not <c>[1, K]</c> with K ≥ 2; the message names the model.</exception>
    public int ProbeClassCount(Tensor oneSample)
    {
        Tensor probe;
        using (Gauntlet.Tensors.Autograd.GradMode.NoGrad())
        {
            probe = Forward(oneSample);
        }

        return probe.Rank == 2 && probe.Dim(0) == 1 && probe.Dim(1) >= 2
            ? probe.Dim(1)
            : throw new InvalidDataException($"{_session.Model.Path ?? "the model"}: the first output has shape {probe.Shape} for one sample; expected [1, K] class scores with K ≥ 2.");
    }
}
