using Gauntlet.Tensors;
using static Gauntlet.Onnx.Operators.KernelHelpers;

namespace Gauntlet.Onnx.Operators;

/// <summary>Type conversion and pass-through operators (Identity, inference-mode Dropout).</summary>
internal static class TypeOps
{
    /// <summary>Adds this family's operators to <paramref name="registry"/>.</summary>
    public static void Register(OnnxOperatorRegistry registry)
    {
        registry.Add("Cast", (n, a, _) => [Cast(n, Arg(n, a, 0))]);
        registry.Add("CastLike", (n, a, _) => [CastTo(Arg(n, a, 0), Arg(n, a, 1).DataType)]);
        registry.Add("Identity", (n, a, _) => [Arg(n, a, 0)]);
        registry.Add("Dropout", (n, a, _) => Dropout(n, a));
    }

    private static OnnxValue Cast(OnnxNode n, OnnxValue x)
    {
        var to = (OnnxDataType)n.GetInt("to", 1);
        if (to is OnnxDataType.Float or OnnxDataType.Double)
        {
            return x.IsFloat ? V(x.Float!, to) : V(F(x), to);
        }

        if (to is OnnxDataType.String or OnnxDataType.Float16 or OnnxDataType.BFloat16 or OnnxDataType.Complex64 or OnnxDataType.Complex128 or OnnxDataType.Undefined
            || OnnxTensor.ElementSize(to) == 0)
        {
            throw new NotSupportedException($"Cast: target type {to} is not supported.");
        }

        long[] values;
        if (x.IsFloat)
        {
            var src = x.Float!.ToArray();
            values = new long[src.Length];
            for (var i = 0; i < src.Length; i++)
            {
                values[i] = to == OnnxDataType.Bool ? (src[i] != 0 ? 1 : 0) : (long)Math.Truncate(src[i]);
            }
        }
        else
        {
            values = [.. x.Ints!.Select(v => to == OnnxDataType.Bool ? (v != 0 ? 1L : 0L) : v)];
        }

        values = [.. values.Select(v => Wrap(v, to))];
        return OnnxValue.FromInts(values, x.ShapeArray, to);
    }

    private static OnnxValue CastTo(OnnxValue x, OnnxDataType to)
    {
        var node = new OnnxNode
        {
            OpType = "Cast",
            Attributes = new Dictionary<string, OnnxAttribute> { ["to"] = new() { Name = "to", Type = OnnxAttributeType.Int, Int = (long)to } },
        };
        return Cast(node, x);
    }

    private static OnnxValue?[] Dropout(OnnxNode n, OnnxValue?[] a)
    {
        var x = Arg(n, a, 0);
        if (Opt(a, 2) is { } training && I(training)[0] != 0)
        {
            throw new NotSupportedException("Dropout: training mode is not supported.");
        }

        var mask = n.Outputs.Count > 1 ? OnnxValue.FromInts(Enumerable.Repeat(1L, x.Size).ToArray(), x.ShapeArray, OnnxDataType.Bool) : null;
        return [x, mask];
    }
}
