using Gauntlet.Tensors;
using static Gauntlet.Onnx.Operators.KernelHelpers;

namespace Gauntlet.Onnx.Operators;

/// <summary>Slicing, gathering, joining and padding.</summary>
internal static class IndexingOps
{
    /// <summary>Adds this family's operators to <paramref name="registry"/>.</summary>
    public static void Register(OnnxOperatorRegistry registry)
    {
        registry.Add("Concat", (n, a, _) => [Concat(n, a)]);
        registry.Add("Split", (n, a, opset) => Split(n, a, opset));
        registry.Add("Slice", (n, a, opset) => [Slice(n, a, opset)]);
        registry.Add("Gather", (n, a, _) => [Gather(n, Arg(n, a, 0), Arg(n, a, 1))]);
        registry.Add("GatherElements", (n, a, _) => [GatherElements(n, Arg(n, a, 0), Arg(n, a, 1))]);
        registry.Add("Compress", (n, a, _) => [Compress(n, Arg(n, a, 0), Arg(n, a, 1))]);
        registry.Add("Tile", (n, a, _) => [Tile(Arg(n, a, 0), I(Arg(n, a, 1)))]);
        registry.Add("Pad", (n, a, opset) => [Pad(n, a, opset)]);
        registry.Add("Trilu", (n, a, _) => [Trilu(n, a)]);
    }

    private static OnnxValue Concat(OnnxNode n, OnnxValue?[] a)
    {
        var items = a.Where(v => v is not null).Select(v => v!).ToArray();
        var rank = items[0].Dims.Count;
        var axis = (int)n.GetInt("axis", 0);
        axis = axis < 0 ? axis + rank : axis;
        if (items.Any(v => v.IsFloat))
        {
            var parts = items.Where(v => v.Size > 0 || items.Length == 1).Select(F).ToArray();
            return V(parts.Length == 0 ? F(items[0]) : Ops.Concat(parts, axis), items.First(v => v.IsFloat).DataType);
        }

        var outer = items[0].ShapeArray[..axis].Aggregate(1, (p, d) => p * d);
        var shape = (int[])items[0].ShapeArray.Clone();
        shape[axis] = items.Sum(v => v.ShapeArray[axis]);
        var result = new List<long>();
        for (var o = 0; o < outer; o++)
        {
            foreach (var v in items)
            {
                var block = v.ShapeArray[axis..].Aggregate(1, (p, d) => p * d);
                result.AddRange(v.Ints!.AsSpan(o * block, block).ToArray());
            }
        }

        return OnnxValue.FromInts([.. result], shape, items[0].DataType);
    }

    private static OnnxValue?[] Split(OnnxNode n, OnnxValue?[] a, long opset)
    {
        var x = Arg(n, a, 0);
        var dims = x.ShapeArray;
        var axis = (int)n.GetInt("axis", 0);
        axis = axis < 0 ? axis + dims.Length : axis;
        var count = n.Outputs.Count;
        long[]? sizes = opset >= 13 ? (Opt(a, 1) is { } sv ? I(sv) : null) : n.GetInts("split");
        if (sizes is null || sizes.Length == 0)
        {
            var parts = (int)n.GetInt("num_outputs", count);
            var chunk = (dims[axis] + parts - 1) / parts;
            sizes = [.. Enumerable.Range(0, parts).Select(i => (long)Math.Max(0, Math.Min(chunk, dims[axis] - (i * chunk))))];
        }

        var result = new OnnxValue?[sizes.Length];
        var start = 0;
        for (var i = 0; i < sizes.Length; i++)
        {
            result[i] = Select(x, axis, [.. Enumerable.Range(start, (int)sizes[i])]);
            start += (int)sizes[i];
        }

        return result;
    }

    private static OnnxValue Slice(OnnxNode n, OnnxValue?[] a, long opset)
    {
        var x = Arg(n, a, 0);
        var dims = x.ShapeArray;
        long[] starts, ends, axes, steps;
        if (opset < 10)
        {
            starts = n.GetInts("starts")!;
            ends = n.GetInts("ends")!;
            axes = n.GetInts("axes") ?? [.. Enumerable.Range(0, starts.Length).Select(i => (long)i)];
            steps = [.. starts.Select(_ => 1L)];
        }
        else
        {
            starts = I(Arg(n, a, 1));
            ends = I(Arg(n, a, 2));
            axes = Opt(a, 3) is { } av ? I(av) : [.. Enumerable.Range(0, starts.Length).Select(i => (long)i)];
            steps = Opt(a, 4) is { } sv ? I(sv) : [.. starts.Select(_ => 1L)];
        }

        var value = x;
        for (var i = 0; i < starts.Length; i++)
        {
            var ax = (int)(axes[i] < 0 ? axes[i] + dims.Length : axes[i]);
            long dim = dims[ax];
            var step = steps[i];
            if (step == 0)
            {
                throw new ArgumentException("Slice: step 0 is invalid.");
            }

            long s = starts[i], e = ends[i];
            s = s < 0 ? s + dim : s;
            e = e < 0 ? e + dim : e;
            var indices = new List<int>();
            if (step > 0)
            {
                s = Math.Clamp(s, 0, dim);
                e = Math.Clamp(e, 0, dim);
                for (var k = s; k < e; k += step)
                {
                    indices.Add((int)k);
                }
            }
            else
            {
                s = Math.Clamp(s, 0, dim - 1);
                e = Math.Clamp(e, -1, dim - 1);
                for (var k = s; k > e; k += step)
                {
                    indices.Add((int)k);
                }
            }

            value = Select(value, ax, [.. indices]);
        }

        return value;
    }

    private static OnnxValue Gather(OnnxNode n, OnnxValue data, OnnxValue indices)
    {
        var dims = data.ShapeArray;
        var axis = (int)n.GetInt("axis", 0);
        axis = axis < 0 ? axis + dims.Length : axis;
        var idx = I(indices).Select(v => (int)(v < 0 ? v + dims[axis] : v)).ToArray();
        if (idx.Any(v => v < 0 || v >= dims[axis]))
        {
            throw new ArgumentException($"Gather: an index is out of range for axis {axis} of size {dims[axis]}.");
        }

        var selected = Select(data, axis, idx);
        if (selected == data && idx.Length == dims[axis])
        {
            selected = data;
        }

        int[] shape = [.. dims[..axis], .. indices.ShapeArray, .. dims[(axis + 1)..]];
        return ReshapeValue(selected, shape);
    }

    internal static OnnxValue GatherElements(OnnxNode n, OnnxValue data, OnnxValue indices)
    {
        var dims = data.ShapeArray;
        var idxShape = indices.ShapeArray;
        var axis = (int)n.GetInt("axis", 0);
        axis = axis < 0 ? axis + dims.Length : axis;
        var idx = I(indices);
        var dataStrides = new Shape(dims).Strides();
        var idxStrides = new Shape(idxShape).Strides();
        var flat = new int[idx.Length];
        for (var i = 0; i < idx.Length; i++)
        {
            var offset = 0;
            var rem = i;
            for (var d = 0; d < idxShape.Length; d++)
            {
                var coord = rem / idxStrides[d];
                rem %= idxStrides[d];
                if (d == axis)
                {
                    var v = idx[i] < 0 ? idx[i] + dims[axis] : idx[i];
                    if (v < 0 || v >= dims[axis])
                    {
                        throw new ArgumentException($"GatherElements: index {idx[i]} is out of range for axis {axis} of size {dims[axis]}.");
                    }

                    coord = (int)v;
                }

                offset += coord * dataStrides[d];
            }

            flat[i] = offset;
        }

        if (data.IsFloat)
        {
            var column = Ops.Reshape(data.Float!, data.Size, 1);
            var gathered = Ops.Gather(column, flat, new Shape(flat.Length));
            return V(Ops.Reshape(gathered, idxShape), data.DataType);
        }

        return OnnxValue.FromInts([.. flat.Select(f => data.Ints![f])], idxShape, data.DataType);
    }

    private static OnnxValue Compress(OnnxNode n, OnnxValue x, OnnxValue condition)
    {
        var cond = I(condition);
        var value = x;
        int axis;
        if (n.Attributes.ContainsKey("axis"))
        {
            axis = (int)n.GetInt("axis", 0);
            axis = axis < 0 ? axis + x.Dims.Count : axis;
        }
        else
        {
            value = ReshapeValue(x, [x.Size]);
            axis = 0;
        }

        var keep = Enumerable.Range(0, Math.Min(cond.Length, value.ShapeArray[axis])).Where(i => cond[i] != 0).ToArray();
        return Select(value, axis, keep);
    }

    private static OnnxValue Tile(OnnxValue x, long[] repeats)
    {
        var value = x;
        for (var axis = 0; axis < repeats.Length; axis++)
        {
            if (repeats[axis] == 1)
            {
                continue;
            }

            var d = value.ShapeArray[axis];
            value = Select(value, axis, [.. Enumerable.Range(0, (int)repeats[axis] * d).Select(i => i % d)]);
        }

        return value;
    }

    private static OnnxValue Pad(OnnxNode n, OnnxValue?[] a, long opset)
    {
        var mode = n.GetString("mode") ?? "constant";
        if (mode is not ("constant" or "edge" or "reflect" or "wrap"))
        {
            throw new NotSupportedException($"Pad: mode '{mode}' is not supported.");
        }

        var x = F(Arg(n, a, 0));
        var rank = x.Rank;
        long[] raw;
        float value;
        if (opset < 11)
        {
            raw = n.GetInts("pads") ?? n.GetInts("paddings") ?? [];
            value = n.GetFloat("value", 0f);
        }
        else
        {
            raw = I(Arg(n, a, 1));
            value = Opt(a, 2) is { } cv && cv.Size > 0 ? F(cv).ToArray()[0] : 0f;
        }

        var axes = Opt(a, 3) is { } av ? I(av).Select(v => (int)(v < 0 ? v + rank : v)).ToArray() : Enumerable.Range(0, rank).ToArray();
        var k = axes.Length;
        var pads = new int[2 * rank];
        for (var i = 0; i < k; i++)
        {
            pads[2 * axes[i]] = checked((int)raw[i]);
            pads[(2 * axes[i]) + 1] = checked((int)raw[i + k]);
        }

        if (mode == "constant")
        {
            return AsTypeOf(V(Ops.Pad(x, pads, value), Arg(n, a, 0).DataType), Arg(n, a, 0));
        }

        // edge / reflect / wrap: every output position reads an input index along each axis.
        var result = Arg(n, a, 0);
        for (var axis = 0; axis < rank; axis++)
        {
            var (before, after) = (pads[2 * axis], pads[(2 * axis) + 1]);
            if (before == 0 && after == 0)
            {
                continue;
            }

            var d = result.ShapeArray[axis];
            var indices = new int[d + before + after];
            for (var i = 0; i < indices.Length; i++)
            {
                var j = i - before;
                indices[i] = mode switch
                {
                    "edge" => Math.Clamp(j, 0, d - 1),
                    "wrap" => ((j % d) + d) % d,
                    _ => Reflect(j, d),
                };
            }

            result = Select(result, axis, indices);
        }

        return result;
    }

    private static int Reflect(int j, int d)
    {
        if (d == 1)
        {
            return 0;
        }

        var period = 2 * (d - 1);
        j = ((j % period) + period) % period;
        return j < d ? j : period - j;
    }

    private static OnnxValue Trilu(OnnxNode n, OnnxValue?[] a)
    {
        var x = Arg(n, a, 0);
        var k = Opt(a, 1) is { } kv ? I(kv)[0] : 0;
        var upper = n.GetInt("upper", 1) != 0;
        var dims = x.ShapeArray;
        var (rows, cols) = (dims[^2], dims[^1]);
        var mask = new long[x.Size];
        for (var i = 0; i < mask.Length; i++)
        {
            var (r, c) = ((i / cols) % rows, i % cols);
            mask[i] = (upper ? c - r >= k : c - r <= k) ? 1 : 0;
        }

        if (x.IsFloat)
        {
            var m = Tensor.FromArray([.. mask.Select(v => (float)v)], dims);
            return V(Ops.Where(m, x.Float!, Tensor.Scalar(0f)), x.DataType);
        }

        return OnnxValue.FromInts([.. x.Ints!.Select((v, i) => mask[i] != 0 ? v : 0)], dims, x.DataType);
    }
}
