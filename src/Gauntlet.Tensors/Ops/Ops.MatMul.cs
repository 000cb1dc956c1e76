using Gauntlet.Tensors.Autograd;
using Gauntlet.Tensors.Kernels;

namespace Gauntlet.Tensors;

public static partial class Ops
{
    /// <summary>
    /// Matrix product with NumPy semantics: 2-D × 2-D is a matrix product; higher ranks are
    /// batches of matrices whose batch dimensions broadcast; a 1-D operand is promoted to a
    /// matrix and the added dimension removed from the result.
    /// </summary>
    /// <exception cref="TensorShapeException">Inner dimensions differ, batch dimensions do not broadcast, or an operand is rank 0.</exception>
    public static Tensor MatMul(Tensor a, Tensor b)
    {
        if (a.Rank == 0 || b.Rank == 0)
        {
            throw new TensorShapeException("MatMul", $"got shapes {a.Shape} and {b.Shape}; expected both operands to have rank ≥ 1.");
        }

        if (a.Rank == 1)
        {
            var r = MatMul(Reshape(a, 1, a.Size), b);
            return Squeeze(r, -2);
        }

        if (b.Rank == 1)
        {
            var r = MatMul(a, Reshape(b, b.Size, 1));
            return Squeeze(r, -1);
        }

        var m = a.Shape[-2];
        var k = a.Shape[-1];
        var k2 = b.Shape[-2];
        var n = b.Shape[-1];
        if (k != k2)
        {
            throw new TensorShapeException("MatMul", $"got shapes {a.Shape} and {b.Shape}; expected the last dimension of the first ({k}) to equal the second-to-last of the second ({k2}).");
        }

        var batchA = new Shape(a.Shape.Dims[..^2]);
        var batchB = new Shape(b.Shape.Dims[..^2]);
        var batch = Shape.Broadcast(batchA, batchB, "MatMul");
        var aFull = BroadcastTo(a.Detach(), new Shape([.. batch.Dims, m, k]));
        var bFull = BroadcastTo(b.Detach(), new Shape([.. batch.Dims, k, n]));
        var count = batch.Size;
        var result = new Tensor(Tensor.Buffer(count * m * n), new Shape([.. batch.Dims, m, n]));
        for (var i = 0; i < count; i++)
        {
            Gemm.Multiply(false, false, m, n, k, 1f, aFull.Data.AsSpan(i * m * k, m * k), k, bFull.Data.AsSpan(i * k * n, k * n), n, 0f, result.Data.AsSpan(i * m * n, m * n), n);
        }

        return Autodiff.Record(result, "MatMul", [a, b], (g, needs) =>
        {
            Tensor? ga = null;
            Tensor? gb = null;
            if (needs[0])
            {
                // dA = g · Bᵀ
                var full = new Tensor(Tensor.Buffer(count * m * k), new Shape([.. batch.Dims, m, k]));
                for (var i = 0; i < count; i++)
                {
                    Gemm.Multiply(false, true, m, k, n, 1f, g.Data.AsSpan(i * m * n, m * n), n, bFull.Data.AsSpan(i * k * n, k * n), n, 0f, full.Data.AsSpan(i * m * k, m * k), k);
                }

                ga = SumToShape(full, a.Shape);
            }

            if (needs[1])
            {
                // dB = Aᵀ · g
                var full = new Tensor(Tensor.Buffer(count * k * n), new Shape([.. batch.Dims, k, n]));
                for (var i = 0; i < count; i++)
                {
                    Gemm.Multiply(true, false, k, n, m, 1f, aFull.Data.AsSpan(i * m * k, m * k), k, g.Data.AsSpan(i * m * n, m * n), n, 0f, full.Data.AsSpan(i * k * n, k * n), n);
                }

                gb = SumToShape(full, b.Shape);
            }

            return [ga, gb];
        });
    }
}
