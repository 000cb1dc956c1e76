using System.Numerics.Tensors;
using Gauntlet.Tensors.Kernels;

namespace Gauntlet.Tensors;

/// <summary>
/// Per-sample parameter gradients (for DP-SGD clipping and per-example attribution) from a layer's
/// input and the gradient of the loss with respect to its output, computed with one batched pass
/// (a GEMM per sample and group, parallel over samples), not by running a backward per sample.
/// Summing a result over its first axis gives the ordinary batch gradient. Results are plain
/// tensors, not recorded for autodiff.
/// </summary>
public static class PerSampleGradients
{
    /// <summary>
    /// Per-sample weight gradients of a linear layer <c>y = x·Wᵀ + b</c> with <c>W</c> of shape <c>[out, in]</c>.
    /// </summary>
    /// <param name="input">The layer input <c>[N, in]</c> or <c>[N, ..., in]</c>.</param>
    /// <param name="gradOutput">∂L/∂y, <c>[N, out]</c> or <c>[N, ..., out]</c> with the same leading dimensions as <paramref name="input"/>.</param>
    /// <returns><c>[N, out, in]</c>.</returns>
    /// <remarks><c>G[n, o, i] = Σ_t gradOutput[n, t, o] · input[n, t, i]</c>, where <c>t</c> runs over the middle dimensions (none for rank 2).</remarks>
    /// <exception cref="TensorShapeException">A tensor has rank below 2, or the leading dimensions differ.</exception>
    public static Tensor Linear(Tensor input, Tensor gradOutput)
    {
        const string op = "PerSampleGradients.Linear";
        if (input.Rank < 2 || gradOutput.Rank != input.Rank)
        {
            throw new TensorShapeException(op, $"got input {input.Shape} and gradOutput {gradOutput.Shape}; expected both of rank ≥ 2 and equal rank ([N, in] and [N, out], or [N, ..., in] and [N, ..., out]).");
        }

        for (var axis = 0; axis < input.Rank - 1; axis++)
        {
            if (input.Shape[axis] != gradOutput.Shape[axis])
            {
                throw new TensorShapeException(op, $"input {input.Shape} and gradOutput {gradOutput.Shape} differ in dimension {axis}; expected equal dimensions except the last.");
            }
        }

        int n = input.Shape[0], inF = input.Shape[-1], outF = gradOutput.Shape[-1];
        var t = input.Shape.SizeOf(1, input.Rank - 1);
        var result = Tensor.Zeros(new Shape(n, outF, inF));
        float[] x = input.Data, g = gradOutput.Data, r = result.Data;
        Parallelism.For(n, 2L * outF * inF * t, (start, end) =>
        {
            for (var s = start; s < end; s++)
            {
                // G_s = g_sᵀ · x_s with g_s [t, out] and x_s [t, in].
                Gemm.Multiply(true, false, outF, inF, t, 1f, g.AsSpan(s * t * outF, t * outF), outF, x.AsSpan(s * t * inF, t * inF), inF, 0f, r.AsSpan(s * outF * inF, outF * inF), inF);
            }
        });

        return result;
    }

    /// <summary>Per-sample bias gradients of a linear layer: <c>gradOutput</c> summed over its middle dimensions.</summary>
    /// <param name="gradOutput">∂L/∂y, <c>[N, out]</c> or <c>[N, ..., out]</c>.</param>
    /// <returns><c>[N, out]</c>.</returns>
    /// <exception cref="TensorShapeException"><paramref name="gradOutput"/> has rank below 2.</exception>
    public static Tensor LinearBias(Tensor gradOutput)
    {
        if (gradOutput.Rank < 2)
        {
            throw new TensorShapeException("PerSampleGradients.LinearBias", $"gradOutput has shape {gradOutput.Shape}; expected rank ≥ 2 ([N, out] or [N, ..., out]).");
        }

        int n = gradOutput.Shape[0], outF = gradOutput.Shape[-1];
        var t = gradOutput.Shape.SizeOf(1, gradOutput.Rank - 1);
        var result = Tensor.Zeros(n, outF);
        for (var s = 0; s < n; s++)
        {
            var row = result.Data.AsSpan(s * outF, outF);
            for (var i = 0; i < t; i++)
            {
                TensorPrimitives.Add(row, gradOutput.Data.AsSpan(((s * t) + i) * outF, outF), row);
            }
        }

        return result;
    }

    /// <summary>
    /// Per-sample weight gradients of <see cref="Ops.Conv2d"/>: <c>dy_n · im2col(x_n)ᵀ</c> per sample and group.
    /// </summary>
    /// <param name="input">The convolution input <c>[N, Cin, H, W]</c>.</param>
    /// <param name="gradOutput">∂L/∂y, <c>[N, Cout, Ho, Wo]</c>.</param>
    /// <param name="weightShape">The weight shape <c>[Cout, Cin/groups, kH, kW]</c>.</param>
    /// <param name="geometry">The convolution's geometry.</param>
    /// <returns><c>[N, Cout, Cin/groups, kH, kW]</c>.</returns>
    /// <remarks>
    /// <c>G[n, co, c, p, q] = Σ_{i, j} gradOutput[n, co, i, j] · x[n, g·Cg + c, i·sH − padTop + p·dH, j·sW − padLeft + q·dW]</c>
    /// (zero outside the input), with <c>g</c> the group of <c>co</c>.
    /// </remarks>
    /// <exception cref="TensorShapeException">The shapes are invalid as for <see cref="Ops.Conv2d"/>, or <paramref name="gradOutput"/> is not the convolution's output shape.</exception>
    /// <exception cref="ArgumentException">The geometry is invalid as for <see cref="Ops.Conv2d"/>.</exception>
    public static Tensor Conv2d(Tensor input, Tensor gradOutput, Shape weightShape, Conv2dGeometry geometry)
    {
        const string op = "PerSampleGradients.Conv2d";
        var d = Ops.Conv2dDims(op, input.Shape, weightShape, null, geometry);
        var expected = new Shape(d.N, d.Cout, d.OH, d.OW);
        if (gradOutput.Shape != expected)
        {
            throw new TensorShapeException(op, $"gradOutput has shape {gradOutput.Shape}; expected {expected} for input {input.Shape}, weight {weightShape} and {geometry}.");
        }

        var shape = new Shape(d.N, d.Cout, d.CinG, d.KH, d.KW);
        if (d.N == 0)
        {
            return Tensor.Zeros(shape);
        }

        var partials = Conv2dKernels.Backward(input.Data, null, gradOutput.Data, d, null, weightBlocks: d.N)!;
        return new Tensor(partials, shape);
    }

    /// <summary>Per-sample bias gradients of <see cref="Ops.Conv2d"/>: <c>gradOutput</c> summed over its spatial dimensions.</summary>
    /// <param name="gradOutput">∂L/∂y, <c>[N, Cout, Ho, Wo]</c>.</param>
    /// <returns><c>[N, Cout]</c>.</returns>
    /// <exception cref="TensorShapeException"><paramref name="gradOutput"/> is not rank 4.</exception>
    public static Tensor Conv2dBias(Tensor gradOutput)
    {
        if (gradOutput.Rank != 4)
        {
            throw new TensorShapeException("PerSampleGradients.Conv2dBias", $"gradOutput has shape {gradOutput.Shape}; expected rank 4 [N, Cout, Ho, Wo].");
        }

        int n = gradOutput.Shape[0], c = gradOutput.Shape[1];
        var data = Conv2dKernels.BiasGrad(gradOutput.Data, n, c, gradOutput.Shape[2] * gradOutput.Shape[3], perSample: true);
        return new Tensor(data, new Shape(n, c));
    }
}
