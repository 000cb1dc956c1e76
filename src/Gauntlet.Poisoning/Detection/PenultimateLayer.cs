using Gauntlet.Data;
using Gauntlet.Tensors;
using Gauntlet.Tensors.Autograd;
using Gauntlet.Tensors.Nn;

namespace Gauntlet.Poisoning.Detection;

/// <summary>
/// The activations a network's last layer reads (the penultimate layer), which activation
/// clustering and spectral signatures work on. A <see cref="Sequential"/> network ending in a
/// <see cref="Linear"/> layer (every built-in architecture) runs all its layers but that one.
/// </summary>
public sealed class PenultimateLayer
{
    private readonly IReadOnlyList<Module> _body;
    private readonly Tensor? _mean;
    private readonly Tensor? _std;

    private PenultimateLayer(IReadOnlyList<Module> body, Tensor? mean, Tensor? std) => (_body, _mean, _std) = (body, mean, std);

    /// <summary>
    /// The penultimate layer of <paramref name="network"/>, with the same per-channel normalisation
    /// <c>(x − mean)/std</c> the classifier applies; null when the network is not a
    /// <see cref="Sequential"/> ending in <see cref="Linear"/> (an ONNX graph, for one).
    /// </summary>
    public static PenultimateLayer? Of(Module network, float[]? mean = null, float[]? std = null)
    {
        ArgumentNullException.ThrowIfNull(network);
        var layers = Flatten(network).ToList();
        if (layers.Count < 2 || layers[^1] is not Linear)
        {
            return null;
        }

        Tensor? Broadcast(float[]? values) => values is null ? null : Tensor.FromArray((float[])values.Clone(), values.Length, 1, 1);
        return new PenultimateLayer(layers[..^1], Broadcast(mean), Broadcast(std));
    }

    /// <summary>Activations <c>[N, D]</c> of a batch, without recording autodiff.</summary>
    public Tensor Forward(Tensor batch)
    {
        ArgumentNullException.ThrowIfNull(batch);
        using (TensorScope.Begin())
        using (GradMode.NoGrad())
        {
            var x = _mean is null ? batch : Ops.Divide(Ops.Subtract(batch, _mean), _std!);
            foreach (var layer in _body)
            {
                x = layer.Forward(x);
            }

            return Ops.Reshape(x, x.Dim(0), x.Size / x.Dim(0)).Clone();
        }
    }

    /// <summary>Activations of a whole set as rows of a <c>[N, D]</c> matrix, in batches.</summary>
    public float[][] Activations(LabeledImages data, int batchSize = 256)
    {
        ArgumentNullException.ThrowIfNull(data);
        var rows = new List<float[]>(data.Count);
        foreach (var (x, _) in data.Batches(batchSize))
        {
            var a = Forward(x);
            var d = a.Dim(1);
            var span = a.ReadOnlySpan;
            for (var i = 0; i < a.Dim(0); i++)
            {
                rows.Add(span.Slice(i * d, d).ToArray());
            }
        }

        return [.. rows];
    }

    // Nested Sequentials are opened so the last real layer is found.
    private static IEnumerable<Module> Flatten(Module module) =>
        module is Sequential s ? s.Layers.SelectMany(Flatten) : [module];
}
