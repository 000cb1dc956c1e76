using Gauntlet.Tensors;
using Gauntlet.Tensors.Autograd;
using Gauntlet.Tensors.Nn;

namespace Gauntlet.Explain;

/// <summary>A Grad-CAM map for one image.</summary>
/// <param name="Map">The class activation map <c>[H, W]</c> at the input's resolution (bilinear), ReLU'd, not normalised.</param>
/// <param name="Coarse">The map at the feature layer's resolution <c>[h, w]</c>.</param>
/// <param name="LayerIndex">The index in the <see cref="Sequential"/> of the layer whose output was used.</param>
/// <param name="LayerName">That layer's type name.</param>
/// <param name="ChannelWeights">αₖ: the spatial mean of ∂score/∂Aₖ per channel.</param>
public sealed record GradCamResult(Tensor Map, Tensor Coarse, int LayerIndex, string LayerName, float[] ChannelWeights);

/// <summary>
/// Grad-CAM (Selvaraju et al. 2017) for Gauntlet <see cref="Sequential"/> image models (the zoo's
/// <c>cnn-small</c> and <c>resnet-mini</c>, or any chain whose feature maps are a layer's
/// <c>[N, C, h, w]</c> output): αₖ = mean over (i, j) of ∂y_c/∂A_k[i, j], map = ReLU(Σₖ αₖ A_k),
/// upsampled to the input size. By default the layer is the last one whose output is still a
/// 4-D feature map larger than 1×1 (for cnn-small the second max-pool, 5×5 on 28×28 inputs).
/// </summary>
/// <remarks>
/// An ONNX model (<c>OnnxClassifier</c>) exposes only its input gradient, not intermediate
/// activations: Grad-CAM on it needs the executor to return a named node's output and the
/// gradient with respect to it (a hook in <c>OnnxSession</c>), which does not exist yet. Vanilla
/// gradients, Integrated Gradients and SmoothGrad work on ONNX models unchanged.
/// </remarks>
public static class GradCam
{
    /// <summary>Computes the map for <paramref name="target"/> on one image.</summary>
    /// <param name="model">The network (inference mode is used and restored).</param>
    /// <param name="image">One image <c>[1, C, H, W]</c>, already in the network's input space.</param>
    /// <param name="target">The explained class (its logit is the score).</param>
    /// <param name="layerIndex">The layer whose output is the feature map, or null for the last 4-D one.</param>
    /// <returns>The map and the weights.</returns>
    /// <exception cref="ArgumentException">The image is not <c>[1, C, H, W]</c>, or no layer gives a 4-D feature map before the head.</exception>
    public static GradCamResult Compute(Sequential model, Tensor image, int target, int? layerIndex = null)
    {
        ArgumentNullException.ThrowIfNull(model);
        ArgumentNullException.ThrowIfNull(image);
        if (image.Rank != 4 || image.Dim(0) != 1)
        {
            throw new ArgumentException($"grad-cam explains one image [1, C, H, W]; got {image.Shape}.", nameof(image));
        }

        var wasTraining = model.IsTraining;
        model.Eval();
        try
        {
            var layers = model.Layers;
            var outputs = new List<Tensor>();
            using (GradMode.NoGrad())
            {
                var x = image.Detach();
                foreach (var layer in layers)
                {
                    x = layer.Forward(x);
                    outputs.Add(x);
                }
            }

            var k = layerIndex ?? Enumerable.Range(0, layers.Count - 1).LastOrDefault(i => outputs[i].Rank == 4 && outputs[i].Dim(2) * outputs[i].Dim(3) > 1, -1);
            if (k < 0 || k >= layers.Count - 1 || outputs[k].Rank != 4)
            {
                throw new ArgumentException($"grad-cam needs a layer before the head with a [1, C, h, w] output; {(layerIndex is null ? "none was found" : $"layer {layerIndex} does not give one")}.", nameof(layerIndex));
            }

            var a = outputs[k].Detach().RequireGrad();
            var z = a;
            for (var i = k + 1; i < layers.Count; i++)
            {
                z = layers[i].Forward(z);
            }

            var score = Ops.Sum(Ops.Multiply(z, TargetFunction.OneHot([target], z.Dim(1))));
            var grad = Autodiff.Grad(score, a);
            var (c, h, w) = (a.Dim(1), a.Dim(2), a.Dim(3));
            var gs = grad.ReadOnlySpan;
            var av = a.ReadOnlySpan;
            var alpha = new float[c];
            for (var ch = 0; ch < c; ch++)
            {
                double s = 0;
                for (var p = 0; p < h * w; p++)
                {
                    s += gs[(ch * h * w) + p];
                }

                alpha[ch] = (float)(s / (h * w));
            }

            var coarse = new float[h * w];
            for (var p = 0; p < h * w; p++)
            {
                double s = 0;
                for (var ch = 0; ch < c; ch++)
                {
                    s += alpha[ch] * av[(ch * h * w) + p];
                }

                coarse[p] = (float)Math.Max(0, s);
            }

            var map = Bilinear(coarse, h, w, image.Dim(2), image.Dim(3));
            return new GradCamResult(Tensor.FromArray(map, image.Dim(2), image.Dim(3)), Tensor.FromArray(coarse, h, w), k, layers[k].GetType().Name, alpha);
        }
        finally
        {
            model.Train(wasTraining);
        }
    }

    /// <summary>Bilinear resize with aligned pixel centres (as OpenCV's <c>resize</c>).</summary>
    internal static float[] Bilinear(float[] src, int h, int w, int outH, int outW)
    {
        var dst = new float[outH * outW];
        for (var y = 0; y < outH; y++)
        {
            var sy = Math.Clamp(((y + 0.5) * h / outH) - 0.5, 0, h - 1);
            var y0 = (int)Math.Floor(sy);
            var y1 = Math.Min(h - 1, y0 + 1);
            var fy = sy - y0;
            for (var x = 0; x < outW; x++)
            {
                var sx = Math.Clamp(((x + 0.5) * w / outW) - 0.5, 0, w - 1);
                var x0 = (int)Math.Floor(sx);
                var x1 = Math.Min(w - 1, x0 + 1);
                var fx = sx - x0;
                var top = (src[(y0 * w) + x0] * (1 - fx)) + (src[(y0 * w) + x1] * fx);
                var bottom = (src[(y1 * w) + x0] * (1 - fx)) + (src[(y1 * w) + x1] * fx);
                dst[(y * outW) + x] = (float)((top * (1 - fy)) + (bottom * fy));
            }
        }

        return dst;
    }
}
