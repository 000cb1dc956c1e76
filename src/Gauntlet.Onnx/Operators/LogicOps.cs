using Gauntlet.Tensors;
using static Gauntlet.Onnx.Operators.KernelHelpers;

namespace Gauntlet.Onnx.Operators;

/// <summary>Comparisons, boolean logic, Where and the float predicates; results are bool and not differentiable (Where is, through its branches).</summary>
internal static class LogicOps
{
    /// <summary>Adds this family's operators to <paramref name="registry"/>.</summary>
    public static void Register(OnnxOperatorRegistry registry)
    {
        // Shared by several operator types; the kernel reads node.OpType.
        OnnxKernel compare = (n, a, _) => [Compare(n, Arg(n, a, 0), Arg(n, a, 1))];
        registry.Add("Equal", compare);
        registry.Add("Less", compare);
        registry.Add("Greater", compare);
        registry.Add("LessOrEqual", compare);
        registry.Add("GreaterOrEqual", compare);
        registry.Add("Not", (n, a, _) => [OnnxValue.FromInts([.. I(Arg(n, a, 0)).Select(v => v == 0 ? 1L : 0L)], Arg(n, a, 0).ShapeArray, OnnxDataType.Bool)]);
        registry.Add("And", (n, a, _) => [IntBinary(Arg(n, a, 0), Arg(n, a, 1), OnnxDataType.Bool, (p, q) => p != 0 && q != 0 ? 1 : 0)]);
        registry.Add("Or", (n, a, _) => [IntBinary(Arg(n, a, 0), Arg(n, a, 1), OnnxDataType.Bool, (p, q) => p != 0 || q != 0 ? 1 : 0)]);
        registry.Add("Xor", (n, a, _) => [IntBinary(Arg(n, a, 0), Arg(n, a, 1), OnnxDataType.Bool, (p, q) => (p != 0) ^ (q != 0) ? 1 : 0)]);
        registry.Add("Where", (n, a, _) => [Where(n, Arg(n, a, 0), Arg(n, a, 1), Arg(n, a, 2))]);
        registry.Add("IsNaN", (n, a, _) => [Predicate(Arg(n, a, 0), float.IsNaN)]);
        registry.Add("IsInf", (n, a, _) => [IsInf(n, Arg(n, a, 0))]);
    }

    private static OnnxValue Compare(OnnxNode n, OnnxValue x, OnnxValue y)
    {
        var op = n.OpType;
        if (x.IsFloat || y.IsFloat)
        {
            var (p, q) = (F(x).ToArray(), F(y).ToArray());
            var shape = BroadcastShape(x.ShapeArray, y.ShapeArray, op);
            var mx = BroadcastIndex(x.ShapeArray, shape);
            var my = BroadcastIndex(y.ShapeArray, shape);
            var r = new long[mx.Length];
            for (var i = 0; i < r.Length; i++)
            {
                var (u, v) = (p[mx[i]], q[my[i]]);
                r[i] = Cmp(op, u.CompareTo(v), u == v, float.IsNaN(u) || float.IsNaN(v)) ? 1 : 0;
            }

            return OnnxValue.FromInts(r, shape, OnnxDataType.Bool);
        }

        return IntBinary(x, y, OnnxDataType.Bool, (u, v) => Cmp(op, u.CompareTo(v), u == v, false) ? 1 : 0);
    }

    private static bool Cmp(string op, int c, bool eq, bool nan) => !nan && op switch
    {
        "Equal" => eq,
        "Less" => c < 0,
        "Greater" => c > 0,
        "LessOrEqual" => c <= 0,
        _ => c >= 0,
    };

    private static OnnxValue Where(OnnxNode n, OnnxValue c, OnnxValue x, OnnxValue y)
    {
        if (x.IsFloat || y.IsFloat)
        {
            return V(Ops.Where(F(c), F(x), F(y)), FloatType(x, y));
        }

        var shape = BroadcastShape(BroadcastShape(c.ShapeArray, x.ShapeArray, n.OpType), y.ShapeArray, n.OpType);
        var (mc, mx, my) = (BroadcastIndex(c.ShapeArray, shape), BroadcastIndex(x.ShapeArray, shape), BroadcastIndex(y.ShapeArray, shape));
        var (ci, xi, yi) = (I(c), I(x), I(y));
        var r = new long[mc.Length];
        for (var i = 0; i < r.Length; i++)
        {
            r[i] = ci[mc[i]] != 0 ? xi[mx[i]] : yi[my[i]];
        }

        return OnnxValue.FromInts(r, shape, x.DataType);
    }

    private static OnnxValue Predicate(OnnxValue x, Func<float, bool> p) =>
        OnnxValue.FromInts([.. F(x).ToArray().Select(v => p(v) ? 1L : 0L)], x.ShapeArray, OnnxDataType.Bool);

    private static OnnxValue IsInf(OnnxNode n, OnnxValue x)
    {
        var neg = n.GetInt("detect_negative", 1) != 0;
        var pos = n.GetInt("detect_positive", 1) != 0;
        return Predicate(x, v => (pos && float.IsPositiveInfinity(v)) || (neg && float.IsNegativeInfinity(v)));
    }
}
