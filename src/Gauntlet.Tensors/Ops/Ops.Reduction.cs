using System.Numerics.Tensors;
using Gauntlet.Tensors.Autograd;

namespace Gauntlet.Tensors;

public static partial class Ops
{
    /// <summary>Sum of all elements, as a rank-0 tensor.</summary>
    public static Tensor Sum(Tensor a)
    {
        var result = Tensor.Scalar(SumFixedOrder(a.Data));
        return Autodiff.Record(result, "Sum", [a], (g, _) => [Tensor.Full(g.Data[0], a.Shape.ToArray())]);
    }

    /// <summary>Sum over <paramref name="axes"/> (negative axes count from the end).</summary>
    /// <param name="a">Input.</param>
    /// <param name="axes">Axes to reduce; each at most once.</param>
    /// <param name="keepDims">Keep reduced axes as size 1.</param>
    public static Tensor Sum(Tensor a, int[] axes, bool keepDims = false)
    {
        var norm = NormalizeAxes(axes, a.Rank, "Sum");
        var result = a;
        using (GradMode.NoGrad())
        {
            // Reduce from the last axis so earlier axis numbers stay valid.
            for (var i = norm.Length - 1; i >= 0; i--)
            {
                result = SumAxisKernel(result, norm[i]);
            }
        }

        var keptShape = KeptShape(a.Shape, norm);
        var output = keepDims ? new Tensor(result.Data, keptShape) : new Tensor(result.Data, DroppedShape(a.Shape, norm));
        return Autodiff.Record(output, "Sum", [a], (g, _) => [BroadcastTo(Reshape(g, keptShape.ToArray()), a.Shape)]);
    }

    /// <summary>Sum over one axis.</summary>
    public static Tensor Sum(Tensor a, int axis, bool keepDims = false) => Sum(a, [axis], keepDims);

    /// <summary>Mean of all elements, as a rank-0 tensor.</summary>
    public static Tensor Mean(Tensor a)
    {
        if (a.Size == 0)
        {
            throw new TensorShapeException("Mean", $"input of shape {a.Shape} is empty; expected at least one element.");
        }

        return Multiply(Sum(a), 1f / a.Size);
    }

    /// <summary>Mean over <paramref name="axes"/>.</summary>
    public static Tensor Mean(Tensor a, int[] axes, bool keepDims = false)
    {
        var norm = NormalizeAxes(axes, a.Rank, "Mean");
        var count = 1;
        foreach (var ax in norm)
        {
            count *= a.Shape.Dims[ax];
        }

        if (count == 0)
        {
            throw new TensorShapeException("Mean", $"reducing axes [{string.Join(", ", axes)}] of shape {a.Shape} averages zero elements.");
        }

        return Multiply(Sum(a, axes, keepDims), 1f / count);
    }

    /// <summary>Mean over one axis.</summary>
    public static Tensor Mean(Tensor a, int axis, bool keepDims = false) => Mean(a, [axis], keepDims);

    /// <summary>
    /// Maximum over <paramref name="axis"/>. The gradient goes to the first maximal element along
    /// the axis, as in PyTorch.
    /// </summary>
    public static Tensor Max(Tensor a, int axis, bool keepDims = false)
    {
        var ax = Shape.NormalizeAxis(axis, a.Rank, "Max");
        var (outer, dim, inner) = Split(a.Shape, ax);
        RequireNonEmpty(dim, "Max", a.Shape, ax);
        var values = Tensor.Buffer(outer * inner);
        var indices = ArgMaxKernel(a.Data, outer, dim, inner, values);
        var keptShape = KeptShape(a.Shape, [ax]);
        var result = new Tensor(values, keepDims ? keptShape : DroppedShape(a.Shape, [ax]));
        return Autodiff.Record(result, "Max", [a], (g, _) =>
        {
            var grad = Tensor.Buffer(a.Size);
            for (var o = 0; o < outer; o++)
            {
                for (var i = 0; i < inner; i++)
                {
                    var k = (o * inner) + i;
                    grad[(((o * dim) + indices[k]) * inner) + i] = g.Data[k];
                }
            }

            return [new Tensor(grad, a.Shape)];
        });
    }

    /// <summary>Maximum of all elements, as a rank-0 tensor.</summary>
    public static Tensor Max(Tensor a) => Max(Reshape(a, a.Size), 0);

    /// <summary>Indices of the first maximal element along <paramref name="axis"/> (not differentiable).</summary>
    public static int[] ArgMax(Tensor a, int axis)
    {
        var ax = Shape.NormalizeAxis(axis, a.Rank, "ArgMax");
        var (outer, dim, inner) = Split(a.Shape, ax);
        RequireNonEmpty(dim, "ArgMax", a.Shape, ax);
        return ArgMaxKernel(a.Data, outer, dim, inner, Tensor.Buffer(outer * inner));
    }

    /// <summary>
    /// <c>log Σ exp(a)</c> over <paramref name="axis"/>, computed stably by shifting by the maximum.
    /// Its gradient is the softmax along the axis.
    /// </summary>
    public static Tensor LogSumExp(Tensor a, int axis, bool keepDims = false)
    {
        var ax = Shape.NormalizeAxis(axis, a.Rank, "LogSumExp");
        var (outer, dim, inner) = Split(a.Shape, ax);
        RequireNonEmpty(dim, "LogSumExp", a.Shape, ax);
        var values = Tensor.Buffer(outer * inner);
        var src = a.Data;
        for (var o = 0; o < outer; o++)
        {
            for (var i = 0; i < inner; i++)
            {
                var baseIndex = (o * dim * inner) + i;
                var max = float.NegativeInfinity;
                for (var d = 0; d < dim; d++)
                {
                    max = Math.Max(max, src[baseIndex + (d * inner)]);
                }

                double sum = 0;
                if (!float.IsInfinity(max))
                {
                    for (var d = 0; d < dim; d++)
                    {
                        sum += Math.Exp(src[baseIndex + (d * inner)] - max);
                    }
                }

                values[(o * inner) + i] = float.IsInfinity(max) ? max : max + (float)Math.Log(sum);
            }
        }

        var keptShape = KeptShape(a.Shape, [ax]);
        var result = new Tensor(values, keepDims ? keptShape : DroppedShape(a.Shape, [ax]));
        return Autodiff.Record(result, "LogSumExp", [a], (g, _) =>
        {
            var lse = new Tensor(values, keptShape);
            var softmax = Exp(Subtract(a, lse));
            return [Multiply(softmax, Reshape(g, keptShape.ToArray()))];
        });
    }

    private static float SumFixedOrder(ReadOnlySpan<float> data)
    {
        // Pairwise blocks of 4096 summed in double keep large sums accurate and order-fixed.
        double total = 0;
        for (var start = 0; start < data.Length; start += 4096)
        {
            total += TensorPrimitives.Sum(data.Slice(start, Math.Min(4096, data.Length - start)));
        }

        return (float)total;
    }

    private static Tensor SumAxisKernel(Tensor a, int axis)
    {
        var (outer, dim, inner) = Split(a.Shape, axis);
        var result = Tensor.Buffer(outer * inner);
        var src = a.Data;
        for (var o = 0; o < outer; o++)
        {
            var dst = result.AsSpan(o * inner, inner);
            for (var d = 0; d < dim; d++)
            {
                TensorPrimitives.Add(dst, src.AsSpan(((o * dim) + d) * inner, inner), dst);
            }
        }

        return new Tensor(result, KeptShape(a.Shape, [axis]));
    }

    private static int[] ArgMaxKernel(float[] src, int outer, int dim, int inner, float[] values)
    {
        var indices = new int[outer * inner];
        for (var o = 0; o < outer; o++)
        {
            for (var i = 0; i < inner; i++)
            {
                var baseIndex = (o * dim * inner) + i;
                var best = 0;
                var bestValue = src[baseIndex];
                for (var d = 1; d < dim; d++)
                {
                    var v = src[baseIndex + (d * inner)];

                    // NaN wins, as in PyTorch, so a NaN logit is never hidden.
                    if (v > bestValue || (float.IsNaN(v) && !float.IsNaN(bestValue)))
                    {
                        best = d;
                        bestValue = v;
                    }
                }

                indices[(o * inner) + i] = best;
                values[(o * inner) + i] = bestValue;
            }
        }

        return indices;
    }

    internal static (int Outer, int Dim, int Inner) Split(Shape shape, int axis) =>
        (shape.SizeOf(0, axis), shape.Dims[axis], shape.SizeOf(axis + 1, shape.Rank));

    private static void RequireNonEmpty(int dim, string op, Shape shape, int axis)
    {
        if (dim == 0)
        {
            throw new TensorShapeException(op, $"axis {axis} of shape {shape} is empty; expected at least one element to reduce.");
        }
    }

    private static int[] NormalizeAxes(int[] axes, int rank, string op)
    {
        var norm = new int[axes.Length];
        for (var i = 0; i < axes.Length; i++)
        {
            norm[i] = Shape.NormalizeAxis(axes[i], rank, op);
        }

        Array.Sort(norm);
        for (var i = 1; i < norm.Length; i++)
        {
            if (norm[i] == norm[i - 1])
            {
                throw new ArgumentException($"{op}: axis {norm[i]} is listed twice in [{string.Join(", ", axes)}].", nameof(axes));
            }
        }

        return norm;
    }

    private static Shape KeptShape(Shape shape, int[] axes)
    {
        var dims = shape.ToArray();
        foreach (var ax in axes)
        {
            dims[ax] = 1;
        }

        return new Shape(dims);
    }

    private static Shape DroppedShape(Shape shape, int[] axes)
    {
        var dims = new List<int>();
        for (var i = 0; i < shape.Rank; i++)
        {
            if (Array.IndexOf(axes, i) < 0)
            {
                dims.Add(shape.Dims[i]);
            }
        }

        return new Shape([.. dims]);
    }
}
