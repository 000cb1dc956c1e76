using Gauntlet.Tensors.Autograd;

namespace Gauntlet.Tensors;

public static partial class Ops
{
    /// <summary>
    /// A view of <paramref name="a"/> with a new shape sharing its storage. One dimension may be
    /// −1 and is inferred.
    /// </summary>
    /// <exception cref="TensorShapeException">The element counts differ, or more than one −1 is given.</exception>
    public static Tensor Reshape(Tensor a, params int[] shape)
    {
        var dims = (int[])shape.Clone();
        var infer = -1;
        var known = 1;
        for (var i = 0; i < dims.Length; i++)
        {
            if (dims[i] == -1)
            {
                if (infer >= 0)
                {
                    throw new TensorShapeException("Reshape", $"target {Shape.Format(shape)} has more than one -1; expected at most one inferred dimension.");
                }

                infer = i;
            }
            else if (dims[i] < 0)
            {
                throw new TensorShapeException("Reshape", $"target {Shape.Format(shape)} has a negative dimension; expected sizes ≥ 0 or one -1.");
            }
            else
            {
                known *= dims[i];
            }
        }

        if (infer >= 0)
        {
            if (known == 0 || a.Size % known != 0)
            {
                throw new TensorShapeException("Reshape", $"cannot infer the -1 in {Shape.Format(shape)} for an input of shape {a.Shape} ({a.Size} elements).");
            }

            dims[infer] = a.Size / known;
        }

        var target = new Shape(dims);
        if (target.Size != a.Size)
        {
            throw new TensorShapeException("Reshape", $"input of shape {a.Shape} has {a.Size} elements; target {target} has {target.Size}.");
        }

        if (target == a.Shape)
        {
            return a;
        }

        var view = new Tensor(a.Data, target);
        return Autodiff.Record(view, "Reshape", [a], (g, _) => [new Tensor(g.Data, a.Shape)]);
    }

    /// <summary>Flattens dimensions from <paramref name="startAxis"/> on into one (default keeps the batch axis).</summary>
    public static Tensor Flatten(Tensor a, int startAxis = 1)
    {
        var s = startAxis < 0 ? startAxis + a.Rank : startAxis;
        if (s < 0 || s > a.Rank)
        {
            throw new ArgumentOutOfRangeException(nameof(startAxis), $"Flatten: start axis {startAxis} is out of range for shape {a.Shape}.");
        }

        var dims = new List<int>(a.Shape.Dims[..s].ToArray()) { a.Shape.SizeOf(s, a.Rank) };
        return Reshape(a, [.. dims]);
    }

    /// <summary>Removes a size-1 dimension at <paramref name="axis"/>.</summary>
    /// <exception cref="TensorShapeException">The dimension is not 1.</exception>
    public static Tensor Squeeze(Tensor a, int axis)
    {
        var ax = Shape.NormalizeAxis(axis, a.Rank, "Squeeze");
        if (a.Shape.Dims[ax] != 1)
        {
            throw new TensorShapeException("Squeeze", $"dimension {axis} of shape {a.Shape} is {a.Shape.Dims[ax]}; expected 1.");
        }

        var dims = a.Shape.ToArray().ToList();
        dims.RemoveAt(ax);
        return Reshape(a, [.. dims]);
    }

    /// <summary>Inserts a size-1 dimension at <paramref name="axis"/> (−1 appends).</summary>
    public static Tensor Unsqueeze(Tensor a, int axis)
    {
        var ax = Shape.NormalizeAxis(axis, a.Rank + 1, "Unsqueeze");
        var dims = a.Shape.ToArray().ToList();
        dims.Insert(ax, 1);
        return Reshape(a, [.. dims]);
    }

    /// <summary>Swaps two dimensions (a copy).</summary>
    public static Tensor Transpose(Tensor a, int axis0, int axis1)
    {
        var perm = new int[a.Rank];
        for (var i = 0; i < perm.Length; i++)
        {
            perm[i] = i;
        }

        var x = Shape.NormalizeAxis(axis0, a.Rank, "Transpose");
        var y = Shape.NormalizeAxis(axis1, a.Rank, "Transpose");
        (perm[x], perm[y]) = (perm[y], perm[x]);
        return Permute(a, perm);
    }

    /// <summary>Reorders dimensions: output dimension i is input dimension <c>perm[i]</c> (a copy).</summary>
    /// <exception cref="ArgumentException"><paramref name="perm"/> is not a permutation of 0..rank-1.</exception>
    public static Tensor Permute(Tensor a, params int[] perm)
    {
        if (perm.Length != a.Rank)
        {
            throw new ArgumentException($"Permute: permutation {Shape.Format(perm)} has {perm.Length} entries for a tensor of shape {a.Shape}; expected {a.Rank}.", nameof(perm));
        }

        var norm = new int[perm.Length];
        var seen = new bool[perm.Length];
        for (var i = 0; i < perm.Length; i++)
        {
            norm[i] = Shape.NormalizeAxis(perm[i], a.Rank, "Permute");
            if (seen[norm[i]])
            {
                throw new ArgumentException($"Permute: {Shape.Format(perm)} lists axis {norm[i]} twice; expected a permutation of 0..{a.Rank - 1}.", nameof(perm));
            }

            seen[norm[i]] = true;
        }

        var outDims = new int[a.Rank];
        for (var i = 0; i < a.Rank; i++)
        {
            outDims[i] = a.Shape.Dims[norm[i]];
        }

        var outShape = new Shape(outDims);
        var result = new Tensor(Tensor.Buffer(a.Size), outShape);
        PermuteKernel(a.Data, a.Shape, norm, result.Data, outShape);
        return Autodiff.Record(result, "Permute", [a], (g, _) =>
        {
            var inverse = new int[norm.Length];
            for (var i = 0; i < norm.Length; i++)
            {
                inverse[norm[i]] = i;
            }

            return [Permute(g, inverse)];
        });
    }

    /// <summary>Joins tensors along <paramref name="axis"/>; all other dimensions must match.</summary>
    public static Tensor Concat(Tensor[] tensors, int axis)
    {
        if (tensors.Length == 0)
        {
            throw new ArgumentException("Concat: no tensors given; expected at least one.", nameof(tensors));
        }

        var first = tensors[0];
        var ax = Shape.NormalizeAxis(axis, first.Rank, "Concat");
        var total = 0;
        foreach (var t in tensors)
        {
            if (t.Rank != first.Rank)
            {
                throw new TensorShapeException("Concat", $"got shapes {string.Join(", ", tensors.Select(x => x.Shape))}; expected equal ranks.");
            }

            for (var d = 0; d < first.Rank; d++)
            {
                if (d != ax && t.Shape.Dims[d] != first.Shape.Dims[d])
                {
                    throw new TensorShapeException("Concat", $"got shapes {string.Join(", ", tensors.Select(x => x.Shape))}; expected all dimensions except axis {ax} to match.");
                }
            }

            total += t.Shape.Dims[ax];
        }

        var dims = first.Shape.ToArray();
        dims[ax] = total;
        var outShape = new Shape(dims);
        var outer = outShape.SizeOf(0, ax);
        var inner = outShape.SizeOf(ax + 1, outShape.Rank);
        var result = new Tensor(Tensor.Buffer(outShape.Size), outShape);
        var offset = 0;
        var offsets = new int[tensors.Length];
        for (var i = 0; i < tensors.Length; i++)
        {
            offsets[i] = offset;
            var t = tensors[i];
            var block = t.Shape.Dims[ax] * inner;
            for (var o = 0; o < outer; o++)
            {
                t.Data.AsSpan(o * block, block).CopyTo(result.Data.AsSpan((o * total * inner) + (offset * inner), block));
            }

            offset += t.Shape.Dims[ax];
        }

        return Autodiff.Record(result, "Concat", tensors, (g, needs) =>
        {
            var grads = new Tensor?[tensors.Length];
            for (var i = 0; i < tensors.Length; i++)
            {
                if (needs[i])
                {
                    grads[i] = Slice(g, ax, offsets[i], offsets[i] + tensors[i].Shape.Dims[ax]);
                }
            }

            return grads;
        });
    }

    /// <summary>
    /// Elements <c>start, start+step, ...</c> (below <paramref name="end"/>) along <paramref name="axis"/>.
    /// Negative start/end count from the end and are clamped to the dimension, as in Python slicing.
    /// </summary>
    /// <exception cref="ArgumentException"><paramref name="step"/> is not positive.</exception>
    public static Tensor Slice(Tensor a, int axis, int start, int end, int step = 1)
    {
        if (step <= 0)
        {
            throw new ArgumentException($"Slice: step {step} must be positive.", nameof(step));
        }

        var ax = Shape.NormalizeAxis(axis, a.Rank, "Slice");
        var dim = a.Shape.Dims[ax];
        var s = Math.Clamp(start < 0 ? start + dim : start, 0, dim);
        var e = Math.Clamp(end < 0 ? end + dim : end, 0, dim);
        var count = e > s ? ((e - s - 1) / step) + 1 : 0;
        var indices = new int[count];
        for (var i = 0; i < count; i++)
        {
            indices[i] = s + (i * step);
        }

        return IndexSelect(a, ax, indices, "Slice");
    }

    /// <summary>
    /// Selects entries <paramref name="indices"/> along <paramref name="axis"/> (indices may repeat;
    /// negative ones count from the end). The gradient scatter-adds back.
    /// </summary>
    public static Tensor IndexSelect(Tensor a, int axis, int[] indices) => IndexSelect(a, axis, indices, "IndexSelect");

    /// <summary>
    /// Embedding-style gather: for every entry of <paramref name="indices"/> (any shape), the row
    /// <c>a[index]</c> along axis 0. The result has shape <c>indices.Shape + a.Shape[1..]</c>.
    /// </summary>
    public static Tensor Gather(Tensor a, int[] indices, Shape indicesShape)
    {
        if (indices.Length != indicesShape.Size)
        {
            throw new TensorShapeException("Gather", $"{indices.Length} indices given for an index shape {indicesShape}.");
        }

        var selected = IndexSelect(a, 0, indices, "Gather");
        return Reshape(selected, [.. indicesShape.Dims, .. a.Shape.Dims[1..]]);
    }

    /// <summary>
    /// Constant padding: <paramref name="pads"/> holds (before, after) per dimension, outermost
    /// first, <c>2 · rank</c> entries; negative pads crop.
    /// </summary>
    public static Tensor Pad(Tensor a, int[] pads, float value = 0f)
    {
        if (pads.Length != 2 * a.Rank)
        {
            throw new ArgumentException($"Pad: {pads.Length} pad values given for shape {a.Shape}; expected {2 * a.Rank} (before and after per dimension).", nameof(pads));
        }

        var outDims = new int[a.Rank];
        for (var d = 0; d < a.Rank; d++)
        {
            outDims[d] = a.Shape.Dims[d] + pads[2 * d] + pads[(2 * d) + 1];
            if (outDims[d] < 0)
            {
                throw new TensorShapeException("Pad", $"pads {Shape.Format(pads)} crop dimension {d} of shape {a.Shape} below zero.");
            }
        }

        var outShape = new Shape(outDims);
        var result = Tensor.Full(value, outDims);
        var map = PadIndexMap(a.Shape, outShape, pads);
        for (var i = 0; i < map.Length; i++)
        {
            if (map[i] >= 0)
            {
                result.Data[map[i]] = a.Data[i];
            }
        }

        return Autodiff.Record(result, "Pad", [a], (g, _) =>
        {
            var grad = Tensor.Buffer(a.Size);
            for (var i = 0; i < map.Length; i++)
            {
                if (map[i] >= 0)
                {
                    grad[i] = g.Data[map[i]];
                }
            }

            return [new Tensor(grad, a.Shape)];
        });
    }

    private static Tensor IndexSelect(Tensor a, int axis, int[] indices, string op)
    {
        var ax = Shape.NormalizeAxis(axis, a.Rank, op);
        var (outer, dim, inner) = Split(a.Shape, ax);
        var norm = new int[indices.Length];
        for (var i = 0; i < indices.Length; i++)
        {
            var k = indices[i] < 0 ? indices[i] + dim : indices[i];
            if (k < 0 || k >= dim)
            {
                throw new ArgumentOutOfRangeException(nameof(indices), $"{op}: index {indices[i]} is out of range for axis {ax} of size {dim} (shape {a.Shape}).");
            }

            norm[i] = k;
        }

        var dims = a.Shape.ToArray();
        dims[ax] = norm.Length;
        var result = new Tensor(Tensor.Buffer(outer * norm.Length * inner), new Shape(dims));
        for (var o = 0; o < outer; o++)
        {
            for (var i = 0; i < norm.Length; i++)
            {
                a.Data.AsSpan(((o * dim) + norm[i]) * inner, inner).CopyTo(result.Data.AsSpan(((o * norm.Length) + i) * inner, inner));
            }
        }

        return Autodiff.Record(result, op, [a], (g, _) =>
        {
            var grad = Tensor.Buffer(a.Size);
            for (var o = 0; o < outer; o++)
            {
                for (var i = 0; i < norm.Length; i++)
                {
                    var src = g.Data.AsSpan(((o * norm.Length) + i) * inner, inner);
                    var dst = grad.AsSpan(((o * dim) + norm[i]) * inner, inner);
                    System.Numerics.Tensors.TensorPrimitives.Add(dst, src, dst);
                }
            }

            return [new Tensor(grad, a.Shape)];
        });
    }

    // For each input element, its flat index in the padded output, or -1 when cropped away.
    private static int[] PadIndexMap(Shape input, Shape output, int[] pads)
    {
        var map = new int[input.Size];
        var index = new int[input.Rank];
        var outStrides = output.Strides();
        for (var i = 0; i < map.Length; i++)
        {
            var flat = 0;
            var inside = true;
            for (var d = 0; d < input.Rank; d++)
            {
                var o = index[d] + pads[2 * d];
                if (o < 0 || o >= output.Dims[d])
                {
                    inside = false;
                    break;
                }

                flat += o * outStrides[d];
            }

            map[i] = inside ? flat : -1;
            for (var d = input.Rank - 1; d >= 0; d--)
            {
                if (++index[d] < input.Dims[d])
                {
                    break;
                }

                index[d] = 0;
            }
        }

        return map;
    }

    private static void PermuteKernel(float[] src, Shape inShape, int[] perm, float[] dst, Shape outShape)
    {
        var rank = inShape.Rank;
        if (rank == 0)
        {
            dst[0] = src[0];
            return;
        }

        var inStrides = inShape.Strides();
        var strides = new int[rank];
        for (var i = 0; i < rank; i++)
        {
            strides[i] = inStrides[perm[i]];
        }

        var index = new int[rank];
        var offset = 0;
        for (var i = 0; i < dst.Length; i++)
        {
            dst[i] = src[offset];
            for (var d = rank - 1; d >= 0; d--)
            {
                index[d]++;
                offset += strides[d];
                if (index[d] < outShape.Dims[d])
                {
                    break;
                }

                offset -= strides[d] * index[d];
                index[d] = 0;
            }
        }
    }
}
