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
    public OnnxClassifier(OnnxModel model)
    {
        _session = new OnnxSession(model);
        Eval();
    }

    /// <summary>Loads and wraps a model file.</summary>
    /// <param name="path">The .onnx file.</param>
    /// <returns>The classifier.</returns>
    public static OnnxClassifier Load(string path) => new(OnnxModel.Load(path));

    /// <summary>The underlying session.</summary>
    public OnnxSession Session => _session;

    /// <summary>The input's declared shape, e.g. <c>[batch, 1, 28, 28]</c>.</summary>
    public OnnxValueInfo Input => _session.Model.Graph.RuntimeInputs.First();

    /// <inheritdoc/>
    public override Tensor Forward(Tensor input) => _session.Forward(input);
}
