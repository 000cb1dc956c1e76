using System.Numerics.Tensors;
using Gauntlet.Tensors.Autograd;

namespace Gauntlet.Tensors;

/// <summary>
/// Differentiable tensor operations. Each op family lives in its own file
/// (Ops.Elementwise.cs, Ops.Reduction.cs, ...). Every op validates its inputs and names itself,
/// the shapes received and what it expected when it rejects them.
/// </summary>
public static partial class Ops
{
    private enum BinaryKind
    {
        Add,
        Subtract,
        Multiply,
        Divide,
        Pow,
        Maximum,
        Minimum,
    }

    /// <summary>Element-wise <c>a + b</c> with NumPy broadcasting.</summary>
    public static Tensor Add(Tensor a, Tensor b)
    {
        var result = Binary(a, b, BinaryKind.Add, "Add");
        return Autodiff.Record(result, "Add", [a, b], (g, needs) =>
            [needs[0] ? SumToShape(g, a.Shape) : null, needs[1] ? SumToShape(g, b.Shape) : null]);
    }

    /// <summary>Element-wise <c>a - b</c> with NumPy broadcasting.</summary>
    public static Tensor Subtract(Tensor a, Tensor b)
    {
        var result = Binary(a, b, BinaryKind.Subtract, "Subtract");
        return Autodiff.Record(result, "Subtract", [a, b], (g, needs) =>
            [needs[0] ? SumToShape(g, a.Shape) : null, needs[1] ? SumToShape(Negate(g), b.Shape) : null]);
    }

    /// <summary>Element-wise <c>a * b</c> with NumPy broadcasting.</summary>
    public static Tensor Multiply(Tensor a, Tensor b)
    {
        var result = Binary(a, b, BinaryKind.Multiply, "Multiply");
        return Autodiff.Record(result, "Multiply", [a, b], (g, needs) =>
            [needs[0] ? SumToShape(Multiply(g, b), a.Shape) : null, needs[1] ? SumToShape(Multiply(g, a), b.Shape) : null]);
    }

    /// <summary>Element-wise <c>a / b</c> with NumPy broadcasting (IEEE semantics for division by zero).</summary>
    public static Tensor Divide(Tensor a, Tensor b)
    {
        var result = Binary(a, b, BinaryKind.Divide, "Divide");
        return Autodiff.Record(result, "Divide", [a, b], (g, needs) =>
        [
            needs[0] ? SumToShape(Divide(g, b), a.Shape) : null,
            needs[1] ? SumToShape(Negate(Divide(Multiply(g, result), b)), b.Shape) : null,
        ]);
    }

    /// <summary>
    /// Element-wise <c>a ^ b</c> with broadcasting. The gradient with respect to the exponent is
    /// <c>a^b · ln a</c>, taken as 0 where <c>a ≤ 0</c>.
    /// </summary>
    public static Tensor Pow(Tensor a, Tensor b)
    {
        var result = Binary(a, b, BinaryKind.Pow, "Pow");
        return Autodiff.Record(result, "Pow", [a, b], (g, needs) =>
        {
            Tensor? ga = null;
            Tensor? gb = null;
            if (needs[0])
            {
                // d/da a^b = b a^(b-1)
                var bm1 = Subtract(b, Tensor.Scalar(1f));
                ga = SumToShape(Multiply(g, Multiply(b, Pow(a, bm1))), a.Shape);
            }

            if (needs[1])
            {
                var logA = Map(a, static v => v > 0 ? MathF.Log(v) : 0f);
                gb = SumToShape(Multiply(g, Multiply(result, logA)), b.Shape);
            }

            return [ga, gb];
        });
    }

    /// <summary>Element-wise <c>a ^ exponent</c> for a constant exponent.</summary>
    public static Tensor Pow(Tensor a, float exponent)
    {
        var result = new Tensor(Tensor.Buffer(a.Size), a.Shape);
        TensorPrimitives.Pow(a.Data, exponent, result.Data);
        return Autodiff.Record(result, "PowScalar", [a], (g, _) =>
        {
            var d = new Tensor(Tensor.Buffer(a.Size), a.Shape);
            TensorPrimitives.Pow(a.Data, exponent - 1f, d.Data);
            TensorPrimitives.Multiply(d.Data, exponent, d.Data);
            return [Multiply(g, d)];
        });
    }

    /// <summary>Element-wise maximum with broadcasting; the gradient goes to <paramref name="a"/> on ties.</summary>
    public static Tensor Maximum(Tensor a, Tensor b)
    {
        var result = Binary(a, b, BinaryKind.Maximum, "Maximum");
        return Autodiff.Record(result, "Maximum", [a, b], (g, needs) =>
        {
            var maskA = Binary(a, b, BinaryKind.Subtract, "Maximum");
            Apply(maskA.Data, static v => v >= 0 ? 1f : 0f);
            return
            [
                needs[0] ? SumToShape(Multiply(g, maskA), a.Shape) : null,
                needs[1] ? SumToShape(Multiply(g, Map(maskA, static m => 1f - m)), b.Shape) : null,
            ];
        });
    }

    /// <summary>Element-wise minimum with broadcasting; the gradient goes to <paramref name="a"/> on ties.</summary>
    public static Tensor Minimum(Tensor a, Tensor b)
    {
        var result = Binary(a, b, BinaryKind.Minimum, "Minimum");
        return Autodiff.Record(result, "Minimum", [a, b], (g, needs) =>
        {
            var maskA = Binary(a, b, BinaryKind.Subtract, "Minimum");
            Apply(maskA.Data, static v => v <= 0 ? 1f : 0f);
            return
            [
                needs[0] ? SumToShape(Multiply(g, maskA), a.Shape) : null,
                needs[1] ? SumToShape(Multiply(g, Map(maskA, static m => 1f - m)), b.Shape) : null,
            ];
        });
    }

    /// <summary><c>a + s</c> for a scalar <paramref name="s"/>.</summary>
    public static Tensor Add(Tensor a, float s)
    {
        var result = new Tensor(Tensor.Buffer(a.Size), a.Shape);
        TensorPrimitives.Add(a.Data, s, result.Data);
        return Autodiff.Record(result, "AddScalar", [a], (g, _) => [g]);
    }

    /// <summary><c>a * s</c> for a scalar <paramref name="s"/>.</summary>
    public static Tensor Multiply(Tensor a, float s)
    {
        var result = new Tensor(Tensor.Buffer(a.Size), a.Shape);
        TensorPrimitives.Multiply(a.Data, s, result.Data);
        return Autodiff.Record(result, "MultiplyScalar", [a], (g, _) => [Multiply(g, s)]);
    }

    /// <summary>Element-wise <c>-a</c>.</summary>
    public static Tensor Negate(Tensor a)
    {
        var result = new Tensor(Tensor.Buffer(a.Size), a.Shape);
        TensorPrimitives.Negate(a.Data, result.Data);
        return Autodiff.Record(result, "Negate", [a], (g, _) => [Negate(g)]);
    }

    /// <summary>Element-wise <c>e^a</c>.</summary>
    public static Tensor Exp(Tensor a)
    {
        var result = new Tensor(Tensor.Buffer(a.Size), a.Shape);
        TensorPrimitives.Exp(a.Data, result.Data);
        return Autodiff.Record(result, "Exp", [a], (g, _) => [Multiply(g, result)]);
    }

    /// <summary>Element-wise natural logarithm (−∞ at 0, NaN below).</summary>
    public static Tensor Log(Tensor a)
    {
        var result = new Tensor(Tensor.Buffer(a.Size), a.Shape);
        TensorPrimitives.Log(a.Data, result.Data);
        return Autodiff.Record(result, "Log", [a], (g, _) => [Divide(g, a)]);
    }

    /// <summary>Element-wise square root.</summary>
    public static Tensor Sqrt(Tensor a)
    {
        var result = new Tensor(Tensor.Buffer(a.Size), a.Shape);
        TensorPrimitives.Sqrt(a.Data, result.Data);
        return Autodiff.Record(result, "Sqrt", [a], (g, _) => [Divide(Multiply(g, 0.5f), result)]);
    }

    /// <summary>Element-wise absolute value; its gradient is <c>sign(a)</c>, 0 at 0.</summary>
    public static Tensor Abs(Tensor a)
    {
        var result = new Tensor(Tensor.Buffer(a.Size), a.Shape);
        TensorPrimitives.Abs(a.Data, result.Data);
        return Autodiff.Record(result, "Abs", [a], (g, _) => [Multiply(g, Sign(a))]);
    }

    /// <summary>
    /// Element-wise sign: −1, 0 or +1, with <c>sign(0) = 0</c> as in PyTorch (FGSM relies on it).
    /// NaN maps to 0. Its gradient is zero everywhere.
    /// </summary>
    public static Tensor Sign(Tensor a)
    {
        var result = Map(a, static v => v > 0 ? 1f : v < 0 ? -1f : 0f);
        return Autodiff.Record(result, "Sign", [a], (g, _) => [Tensor.Alloc(a.Shape)]);
    }

    /// <summary>
    /// Element-wise clamp to [<paramref name="min"/>, <paramref name="max"/>]; the gradient passes
    /// where <c>min ≤ a ≤ max</c>, as in PyTorch.
    /// </summary>
    /// <exception cref="ArgumentException"><paramref name="min"/> exceeds <paramref name="max"/>.</exception>
    public static Tensor Clamp(Tensor a, float min, float max)
    {
        if (min > max)
        {
            throw new ArgumentException($"Clamp: min {min} is greater than max {max}.", nameof(min));
        }

        var result = new Tensor(Tensor.Buffer(a.Size), a.Shape);
        TensorPrimitives.Clamp(a.Data, min, max, result.Data);
        return Autodiff.Record(result, "Clamp", [a], (g, _) =>
        {
            var mask = Map(a, v => v >= min && v <= max ? 1f : 0f);
            return [Multiply(g, mask)];
        });
    }

    /// <summary>
    /// Element-wise clamp to tensor bounds (broadcast against <paramref name="a"/>), used to project
    /// onto an epsilon ball intersected with the input domain.
    /// </summary>
    public static Tensor Clamp(Tensor a, Tensor min, Tensor max) => Minimum(Maximum(a, min), max);

    /// <summary>
    /// <c>condition ? a : b</c> element-wise with broadcasting; <paramref name="condition"/> is true where non-zero.
    /// </summary>
    public static Tensor Where(Tensor condition, Tensor a, Tensor b)
    {
        var shape = Shape.Broadcast(Shape.Broadcast(condition.Shape, a.Shape, "Where"), b.Shape, "Where");
        var c = BroadcastTo(condition.Detach(), shape);
        var ab = BroadcastTo(a.Detach(), shape);
        var bb = BroadcastTo(b.Detach(), shape);
        var result = new Tensor(Tensor.Buffer(shape.Size), shape);
        for (var i = 0; i < result.Size; i++)
        {
            result.Data[i] = c.Data[i] != 0f ? ab.Data[i] : bb.Data[i];
        }

        return Autodiff.Record(result, "Where", [condition, a, b], (g, needs) =>
        {
            Tensor? ga = null;
            Tensor? gb = null;
            if (needs[1])
            {
                var m = Map(c, static v => v != 0f ? 1f : 0f);
                ga = SumToShape(Multiply(g, m), a.Shape);
            }

            if (needs[2])
            {
                var m = Map(c, static v => v != 0f ? 0f : 1f);
                gb = SumToShape(Multiply(g, m), b.Shape);
            }

            return [needs[0] ? Tensor.Alloc(condition.Shape) : null, ga, gb];
        });
    }

    /// <summary>
    /// Sums <paramref name="g"/> over broadcast dimensions so it has <paramref name="shape"/>: the
    /// backward of broadcasting.
    /// </summary>
    public static Tensor SumToShape(Tensor g, Shape shape)
    {
        if (g.Shape == shape)
        {
            return g;
        }

        var lead = g.Rank - shape.Rank;
        if (lead < 0)
        {
            throw new TensorShapeException("SumToShape", $"cannot reduce shape {g.Shape} to the larger rank shape {shape}.");
        }

        var axes = new List<int>();
        for (var i = 0; i < g.Rank; i++)
        {
            if (i < lead || (shape.Dims[i - lead] == 1 && g.Shape.Dims[i] != 1))
            {
                axes.Add(i);
            }
        }

        var summed = axes.Count == 0 ? g : Sum(g, [.. axes], keepDims: true);
        return Reshape(summed, shape.ToArray());
    }

    /// <summary>
    /// Materialises <paramref name="a"/> broadcast to <paramref name="shape"/> (a copy); the
    /// gradient sums back over the broadcast dimensions.
    /// </summary>
    public static Tensor BroadcastTo(Tensor a, Shape shape)
    {
        if (a.Shape == shape)
        {
            return a;
        }

        var target = Shape.Broadcast(a.Shape, shape, "BroadcastTo");
        if (target != shape)
        {
            throw new TensorShapeException("BroadcastTo", $"shape {a.Shape} cannot be broadcast to {shape}.");
        }

        var result = new Tensor(Tensor.Buffer(shape.Size), shape);
        BroadcastKernel(a.Data, a.Shape, Tensor.Zeros(1).Data, new Shape(1), result.Data, shape, BinaryKind.Add);
        return Autodiff.Record(result, "BroadcastTo", [a], (g, _) => [SumToShape(g, a.Shape)]);
    }

    /// <summary>Applies <paramref name="f"/> to every element (not differentiable; for masks and tests).</summary>
    public static Tensor Map(Tensor a, Func<float, float> f)
    {
        var result = new Tensor(Tensor.Buffer(a.Size), a.Shape);
        var src = a.Data;
        var dst = result.Data;
        for (var i = 0; i < src.Length; i++)
        {
            dst[i] = f(src[i]);
        }

        return result;
    }

    private static void Apply(float[] data, Func<float, float> f)
    {
        for (var i = 0; i < data.Length; i++)
        {
            data[i] = f(data[i]);
        }
    }

    private static Tensor Binary(Tensor a, Tensor b, BinaryKind kind, string op)
    {
        var shape = Shape.Broadcast(a.Shape, b.Shape, op);
        var result = new Tensor(Tensor.Buffer(shape.Size), shape);
        BroadcastKernel(a.Data, a.Shape, b.Data, b.Shape, result.Data, shape, kind);
        return result;
    }

    // Walks the output row by row (last dimension innermost); within a row each operand is either
    // contiguous or a broadcast scalar, so every row is one vectorised TensorPrimitives call.
    private static void BroadcastKernel(float[] a, Shape sa, float[] b, Shape sb, float[] dst, Shape so, BinaryKind kind)
    {
        if (sa == sb && sa == so)
        {
            RowOp(kind, a, false, b, false, dst);
            return;
        }

        if ((a.Length == 1 && sb == so) || (b.Length == 1 && sa == so))
        {
            RowOp(kind, a, a.Length == 1, b, b.Length == 1, dst);
            return;
        }

        var rank = so.Rank;
        var stridesA = BroadcastStrides(sa, so);
        var stridesB = BroadcastStrides(sb, so);
        var inner = rank == 0 ? 1 : so.Dims[rank - 1];
        var rows = inner == 0 ? 0 : dst.Length / inner;
        var innerA = rank == 0 ? 0 : stridesA[rank - 1];
        var innerB = rank == 0 ? 0 : stridesB[rank - 1];
        var index = new int[Math.Max(rank - 1, 0)];
        var offA = 0;
        var offB = 0;
        for (var r = 0; r < rows; r++)
        {
            var aRow = innerA == 0 ? a.AsSpan(offA, 1) : a.AsSpan(offA, inner);
            var bRow = innerB == 0 ? b.AsSpan(offB, 1) : b.AsSpan(offB, inner);
            RowOp(kind, aRow, innerA == 0, bRow, innerB == 0, dst.AsSpan(r * inner, inner));

            // Advance the multi-index over the outer dimensions.
            for (var d = rank - 2; d >= 0; d--)
            {
                index[d]++;
                offA += stridesA[d];
                offB += stridesB[d];
                if (index[d] < so.Dims[d])
                {
                    break;
                }

                offA -= stridesA[d] * index[d];
                offB -= stridesB[d] * index[d];
                index[d] = 0;
            }
        }
    }

    private static int[] BroadcastStrides(Shape s, Shape target)
    {
        var strides = new int[target.Rank];
        var own = s.Strides();
        var lead = target.Rank - s.Rank;
        for (var i = 0; i < target.Rank; i++)
        {
            strides[i] = i < lead || s.Dims[i - lead] == 1 ? 0 : own[i - lead];
        }

        return strides;
    }

    private static void RowOp(BinaryKind kind, ReadOnlySpan<float> a, bool aScalar, ReadOnlySpan<float> b, bool bScalar, Span<float> dst)
    {
        if (aScalar && bScalar)
        {
            dst.Fill(Scalar(kind, a[0], b[0]));
            return;
        }

        if (aScalar)
        {
            var s = a[0];
            switch (kind)
            {
                case BinaryKind.Add: TensorPrimitives.Add(b, s, dst); break;
                case BinaryKind.Subtract: TensorPrimitives.Subtract(s, b, dst); break;
                case BinaryKind.Multiply: TensorPrimitives.Multiply(b, s, dst); break;
                case BinaryKind.Divide: TensorPrimitives.Divide(s, b, dst); break;
                case BinaryKind.Pow: TensorPrimitives.Pow(s, b, dst); break;
                default:
                    for (var i = 0; i < dst.Length; i++)
                    {
                        dst[i] = Scalar(kind, s, b[i]);
                    }

                    break;
            }

            return;
        }

        if (bScalar)
        {
            var s = b[0];
            switch (kind)
            {
                case BinaryKind.Add: TensorPrimitives.Add(a, s, dst); break;
                case BinaryKind.Subtract: TensorPrimitives.Subtract(a, s, dst); break;
                case BinaryKind.Multiply: TensorPrimitives.Multiply(a, s, dst); break;
                case BinaryKind.Divide: TensorPrimitives.Divide(a, s, dst); break;
                case BinaryKind.Pow: TensorPrimitives.Pow(a, s, dst); break;
                default:
                    for (var i = 0; i < dst.Length; i++)
                    {
                        dst[i] = Scalar(kind, a[i], s);
                    }

                    break;
            }

            return;
        }

        switch (kind)
        {
            case BinaryKind.Add: TensorPrimitives.Add(a, b, dst); break;
            case BinaryKind.Subtract: TensorPrimitives.Subtract(a, b, dst); break;
            case BinaryKind.Multiply: TensorPrimitives.Multiply(a, b, dst); break;
            case BinaryKind.Divide: TensorPrimitives.Divide(a, b, dst); break;
            case BinaryKind.Pow: TensorPrimitives.Pow(a, b, dst); break;
            default:
                for (var i = 0; i < dst.Length; i++)
                {
                    dst[i] = Scalar(kind, a[i], b[i]);
                }

                break;
        }
    }

    // Maximum/Minimum propagate NaN like PyTorch's torch.maximum.
    private static float Scalar(BinaryKind kind, float x, float y) => kind switch
    {
        BinaryKind.Add => x + y,
        BinaryKind.Subtract => x - y,
        BinaryKind.Multiply => x * y,
        BinaryKind.Divide => x / y,
        BinaryKind.Pow => MathF.Pow(x, y),
        BinaryKind.Maximum => float.IsNaN(x) || float.IsNaN(y) ? float.NaN : Math.Max(x, y),
        BinaryKind.Minimum => float.IsNaN(x) || float.IsNaN(y) ? float.NaN : Math.Min(x, y),
        _ => throw new ArgumentOutOfRangeException(nameof(kind)),
    };
}
