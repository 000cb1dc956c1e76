using Gauntlet.Tensors.Autograd;

namespace Gauntlet.Tensors.Nn;

/// <summary>
/// The third gradient mode, beside batch parameter gradients and input gradients: one gradient
/// per sample for every parameter of a <see cref="Sequential"/> model, as DP-SGD needs for
/// per-sample clipping. One forward and one backward run for the whole batch; the backward
/// yields ∂loss/∂(layer output) for each parameterised layer, and
/// <see cref="PerSampleGradients"/> turns those into per-sample weight and bias gradients with
/// batched GEMMs, never a loop of batch-size-1 backward passes.
/// </summary>
public static class PerSampleGradientMode
{
    /// <summary>
    /// Computes per-sample gradients of <paramref name="perSampleLoss"/>'s samples with respect
    /// to every parameter of <paramref name="model"/>.
    /// </summary>
    /// <param name="model">A chain whose parameterised layers are <see cref="Linear"/>, <see cref="Conv2d"/> or <see cref="LayerNorm"/> (nested <see cref="Sequential"/> allowed).</param>
    /// <param name="input">The batch, first dimension N.</param>
    /// <param name="perSampleLoss">Maps the model's output to per-sample losses <c>[N]</c>
    /// (for example <c>logits => Losses.CrossEntropy(logits, y, Reduction.None)</c>).</param>
    /// <returns>Parameter name (as in <see cref="Module.NamedParameters"/>) → gradients <c>[N, ...parameter shape]</c>.</returns>
    /// <exception cref="NotSupportedException">A layer with parameters is not Linear, Conv2d or LayerNorm (batch norm mixes samples, so it has no per-sample gradient).</exception>
    /// <exception cref="TensorShapeException">The loss is not one value per sample.</exception>
    public static Dictionary<string, Tensor> Compute(Sequential model, Tensor input, Func<Tensor, Tensor> perSampleLoss)
    {
        var recorded = new List<(string Prefix, Module Layer, Tensor Input, Tensor Output)>();
        var x = input;
        foreach (var (prefix, layer) in Flatten(model, string.Empty))
        {
            var y = layer.Forward(x);
            if (layer is Linear or Conv2d or LayerNorm)
            {
                recorded.Add((prefix, layer, x, y));
            }
            else if (layer.NamedParameters().Any())
            {
                throw new NotSupportedException($"PerSampleGradientMode: layer '{prefix.TrimEnd('.')}' ({layer.GetType().Name}) has parameters but no per-sample gradient rule; supported: Linear, Conv2d, LayerNorm (batch norm mixes the samples of a batch, so it has none: use LayerNorm).");
            }

            x = y;
        }

        var losses = perSampleLoss(x);
        var n = input.Dim(0);
        if (losses.Rank != 1 || losses.Dim(0) != n)
        {
            throw new TensorShapeException("PerSampleGradientMode", $"the loss has shape {losses.Shape}; expected one value per sample, [{n}] (use Reduction.None).");
        }

        var result = new Dictionary<string, Tensor>(StringComparer.Ordinal);
        if (recorded.Count == 0)
        {
            return result;
        }

        // Summing per-sample losses leaves each sample's gradient in its own row of every layer output.
        var outputGrads = Autodiff.Grad(Ops.Sum(losses), [.. recorded.Select(r => r.Output)]);
        using (GradMode.NoGrad())
        {
            for (var i = 0; i < recorded.Count; i++)
            {
                var (prefix, layer, layerInput, _) = recorded[i];
                var g = outputGrads[i];
                switch (layer)
                {
                    case Linear linear:
                        result[prefix + "weight"] = PerSampleGradients.Linear(layerInput.Detach(), g);
                        if (linear.Bias is not null)
                        {
                            result[prefix + "bias"] = PerSampleGradients.LinearBias(g);
                        }

                        break;
                    case Conv2d conv:
                        result[prefix + "weight"] = PerSampleGradients.Conv2d(layerInput.Detach(), g, conv.Weight.Shape, conv.Geometry);
                        if (conv.Bias is not null)
                        {
                            result[prefix + "bias"] = PerSampleGradients.Conv2dBias(g);
                        }

                        break;
                    case LayerNorm norm:
                        AddLayerNorm(result, prefix, norm, layerInput.Detach(), g);
                        break;
                }
            }
        }

        return result;
    }

    // y = x̂·γ + β with x̂ normalised over the trailing dimensions, each sample on its own:
    // ∂L/∂γ for sample n is Σ_t g[n, t, ·]·x̂[n, t, ·] and ∂L/∂β is Σ_t g[n, t, ·] (t: the middle dimensions).
    private static void AddLayerNorm(Dictionary<string, Tensor> result, string prefix, LayerNorm norm, Tensor input, Tensor gradOutput)
    {
        if (norm.Gamma is null && norm.Beta is null)
        {
            return;
        }

        var n = input.Dim(0);
        var inner = norm.Gamma?.Size ?? norm.Beta!.Size;
        var t = input.Size / n / inner;
        var normalised = Ops.LayerNorm(input, norm.NormalizedShape.Length, null, null, norm.Epsilon);
        var gamma = new float[n * inner];
        var beta = new float[n * inner];
        ReadOnlySpan<float> xHat = normalised.ReadOnlySpan, g = gradOutput.ReadOnlySpan;
        for (var s = 0; s < n; s++)
        {
            for (var i = 0; i < t; i++)
            {
                var offset = ((s * t) + i) * inner;
                for (var k = 0; k < inner; k++)
                {
                    gamma[(s * inner) + k] += g[offset + k] * xHat[offset + k];
                    beta[(s * inner) + k] += g[offset + k];
                }
            }
        }

        var shape = new Shape([n, .. norm.NormalizedShape]);
        if (norm.Gamma is not null)
        {
            result[prefix + "weight"] = new Tensor(gamma, shape);
        }

        if (norm.Beta is not null)
        {
            result[prefix + "bias"] = new Tensor(beta, shape);
        }
    }

    private static IEnumerable<(string Prefix, Module Layer)> Flatten(Sequential model, string prefix)
    {
        foreach (var (name, child) in model.Children())
        {
            if (child is Sequential nested)
            {
                foreach (var inner in Flatten(nested, $"{prefix}{name}."))
                {
                    yield return inner;
                }
            }
            else
            {
                yield return ($"{prefix}{name}.", child);
            }
        }
    }
}
