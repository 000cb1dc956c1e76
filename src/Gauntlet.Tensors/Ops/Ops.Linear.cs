using System.Numerics.Tensors;
using Gauntlet.Tensors.Autograd;
using Gauntlet.Tensors.Kernels;

namespace Gauntlet.Tensors;

public static partial class Ops
{
    /// <summary>
    /// Fully connected layer, <c>y = x · Wᵀ + b</c>, applied to the last dimension of
    /// <paramref name="x"/> with one GEMM.
    /// </summary>
    /// <remarks>
    /// With <c>X</c> the input viewed as <c>[R, in]</c> (R = product of the leading dimensions):
    /// <c>Y = X Wᵀ + 1 bᵀ</c> (the bias is written into the output first and the GEMM accumulates
    /// onto it). Backward: <c>∂X = G W</c>, <c>∂W = Gᵀ X</c>, <c>∂b = Σ_rows G</c>; each is computed
    /// only when that input needs a gradient, so frozen weights cost no GEMM.
    /// </remarks>
    /// <param name="x">Input <c>[..., in]</c> of rank ≥ 1.</param>
    /// <param name="weight">Weights <c>[out, in]</c>.</param>
    /// <param name="bias">Optional bias <c>[out]</c>.</param>
    /// <returns>The output <c>[..., out]</c>.</returns>
    /// <exception cref="TensorShapeException">
    /// <paramref name="x"/> is rank 0, <paramref name="weight"/> is not rank 2, the last dimension of
    /// <paramref name="x"/> differs from <c>in</c>, or <paramref name="bias"/> is not <c>[out]</c>.
    /// </exception>
    public static Tensor Linear(Tensor x, Tensor weight, Tensor? bias)
    {
        if (weight.Rank != 2)
        {
            throw new TensorShapeException("Linear", $"weight has shape {weight.Shape}; expected rank 2 [out, in].");
        }

        var outF = weight.Shape.Dims[0];
        var inF = weight.Shape.Dims[1];
        if (x.Rank == 0 || x.Shape.Dims[^1] != inF)
        {
            throw new TensorShapeException("Linear", $"input has shape {x.Shape} and weight {weight.Shape}; expected the input's last dimension to be in = {inF}.");
        }

        if (bias is not null && (bias.Rank != 1 || bias.Size != outF))
        {
            throw new TensorShapeException("Linear", $"bias has shape {bias.Shape} (weight {weight.Shape}); expected [{outF}].");
        }

        var rows = x.Shape.SizeOf(0, x.Rank - 1);

        var outDims = x.Shape.ToArray();
        outDims[^1] = outF;
        var result = new Tensor(rows > 0 && outF > 0 && inF > 0 ? Tensor.BufferUninit(rows * outF) : Tensor.Buffer(rows * outF), new Shape(outDims));
        var y = result.Data;
        var beta = 0f;
        if (bias is not null)
        {
            for (var r = 0; r < rows; r++)
            {
                bias.Data.CopyTo(y, r * outF);
            }

            beta = 1f;
        }

        if (rows > 0 && outF > 0)
        {
            Gemm.Multiply(false, true, rows, outF, inF, 1f, x.Data, inF, weight.Data, inF, beta, y, outF);
        }

        Tensor[] inputs = bias is null ? [x, weight] : [x, weight, bias];
        var xData = x.Data;
        var wData = weight.Data;
        return Autodiff.Record(result, "Linear", inputs, (g, needs) =>
        {
            var gd = g.Data;
            var grads = new Tensor?[inputs.Length];
            if (needs[0])
            {
                // ∂X [rows, in] = G [rows, out] · W [out, in]
                var dx = rows > 0 && inF > 0 && outF > 0 ? Tensor.BufferUninit(xData.Length) : Tensor.Buffer(xData.Length);
                if (rows > 0 && inF > 0)
                {
                    Gemm.Multiply(false, false, rows, inF, outF, 1f, gd, outF, wData, inF, 0f, dx, inF);
                }

                grads[0] = new Tensor(dx, x.Shape);
            }

            if (needs[1])
            {
                // ∂W [out, in] = Gᵀ [out, rows] · X [rows, in]
                var dw = Tensor.Buffer(wData.Length);
                if (outF > 0 && inF > 0)
                {
                    Gemm.Multiply(true, false, outF, inF, rows, 1f, gd, outF, xData, inF, 0f, dw, inF);
                }

                grads[1] = new Tensor(dw, weight.Shape);
            }

            if (inputs.Length == 3 && needs[2])
            {
                var db = Tensor.Buffer(outF);
                for (var r = 0; r < rows; r++)
                {
                    TensorPrimitives.Add(db, gd.AsSpan(r * outF, outF), db);
                }

                grads[2] = new Tensor(db, inputs[2].Shape);
            }

            return grads;
        });
    }
}
