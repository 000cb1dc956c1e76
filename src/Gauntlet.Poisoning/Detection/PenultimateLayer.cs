using Gauntlet.Data;
using Gauntlet.Tensors;
using Gauntlet.Tensors.Autograd;
using Gauntlet.Tensors.Nn;

namespace Gauntlet.Poisoning.Detection;

/// <summary>
/// The activations a network's last layer reads (the penultimate layer), which activation
/// clustering and spectral signatures work on. A <see cref="Sequential"/> network ending in a
/// <see cref="Linear"/> layer (every built-in architecture) runs all its layers but that one; any
/// other network (an ONNX graph, whose last Gemm or MatMul input the caller finds) is given as a
/// function from the normalised input to those activations.
/// </summary>
public sealed class PenultimateLayer
{
    private readonly Func<Tensor, Tensor> _body;
    private readonly Tensor? _mean;
    private readonly Tensor? _std;

    private PenultimateLayer(Func<Tensor, Tensor> body, Tensor? mean, Tensor? std) => (_body, _mean, _std) = (body, mean, std);

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

        var body = layers[..^1];
        return new PenultimateLayer(
            x =>
            {
                foreach (var layer in body)
                {
                    x = layer.Forward(x);
                }

                return x;
            },
            Broadcast(mean),
            Broadcast(std));
    }

    /// <summary>
    /// A penultimate layer given as a function of the normalised input (for example an ONNX
    /// graph run up to its last dense layer's input), with the classifier's per-channel normalisation.
    /// </summary>
    /// <param name="body">Maps a normalised batch <c>[N, ...]</c> to activations <c>[N, ...]</c> (flattened to <c>[N, D]</c>).</param>
    /// <param name="mean">Per-channel means, or null.</param>
    /// <param name="std">Per-channel standard deviations, or null.</param>
    public static PenultimateLayer Of(Func<Tensor, Tensor> body, float[]? mean = null, float[]? std = null)
    {
        ArgumentNullException.ThrowIfNull(body);
        return new PenultimateLayer(body, Broadcast(mean), Broadcast(std));
    }

    private static Tensor? Broadcast(float[]? values) => values is null ? null : Tensor.FromArray((float[])values.Clone(), values.Length, 1, 1);

    /// <summary>Activations <c>[N, D]</c> of a batch, without recording autodiff.</summary>
    public Tensor Forward(Tensor batch)
    {
        ArgumentNullException.ThrowIfNull(batch);
        using (TensorScope.Begin())
        using (GradMode.NoGrad())
        {
            var x = _body(_mean is null ? batch : Ops.Divide(Ops.Subtract(batch, _mean), _std!));
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
