using Gauntlet.Tensors;
using static Gauntlet.Onnx.Operators.KernelHelpers;

namespace Gauntlet.Onnx.Operators;

/// <summary>Arithmetic and rounding: NumPy-broadcast binary operators, variadic Sum/Mean/Min/Max and unary math. Integer inputs are computed exactly on the non-differentiable side path.</summary>
internal static class ElementwiseOps
{
    /// <summary>Adds this family's operators to <paramref name="registry"/>.</summary>
    public static void Register(OnnxOperatorRegistry registry)
    {
        // Shared by several operator types; the kernel reads node.OpType.
        OnnxKernel arithmetic = (n, a, _) => [Arith(n, Arg(n, a, 0), Arg(n, a, 1))];
        registry.Add("Add", arithmetic);
        registry.Add("Sub", arithmetic);
        registry.Add("Mul", arithmetic);
        registry.Add("Div", arithmetic);
        registry.Add("Sum", (n, a, _) => [Variadic(n, a, (x, y) => Arith(n, x, y))]);
        registry.Add("Mean", (n, a, _) => [V(Ops.Multiply(F(Variadic(n, a, (x, y) => V(Ops.Add(F(x), F(y))))), 1f / a.Count(v => v is not null)), Arg(n, a, 0).DataType)]);
        OnnxKernel minMax = (n, a, _) => [Variadic(n, a, (x, y) => MinMax(n, x, y))];
        registry.Add("Min", minMax);
        registry.Add("Max", minMax);
        registry.Add("Pow", (n, a, _) => [PowValue(Arg(n, a, 0), Arg(n, a, 1))]);
        registry.Add("Sqrt", (n, a, _) => [V(Ops.Sqrt(F(Arg(n, a, 0))))]);
        registry.Add("Exp", (n, a, _) => [V(Ops.Exp(F(Arg(n, a, 0))))]);
        registry.Add("Log", (n, a, _) => [V(Ops.Log(F(Arg(n, a, 0))))]);
        registry.Add("Abs", (n, a, _) => [Unary(Arg(n, a, 0), Ops.Abs, Math.Abs)]);
        registry.Add("Neg", (n, a, _) => [Unary(Arg(n, a, 0), Ops.Negate, v => -v)]);
        registry.Add("Sign", (n, a, _) => [Unary(Arg(n, a, 0), Ops.Sign, v => Math.Sign(v))]);
        registry.Add("Reciprocal", (n, a, _) => [V(Ops.Divide(Tensor.Scalar(1f), F(Arg(n, a, 0))), Arg(n, a, 0).DataType)]);
        registry.Add("Floor", (n, a, _) => [V(Ops.Map(F(Arg(n, a, 0)), MathF.Floor), Arg(n, a, 0).DataType)]);
        registry.Add("Ceil", (n, a, _) => [V(Ops.Map(F(Arg(n, a, 0)), MathF.Ceiling), Arg(n, a, 0).DataType)]);
        registry.Add("Round", (n, a, _) => [V(Ops.Map(F(Arg(n, a, 0)), v => MathF.Round(v, MidpointRounding.ToEven)), Arg(n, a, 0).DataType)]);
        registry.Add("Mod", (n, a, _) => [Mod(n, Arg(n, a, 0), Arg(n, a, 1))]);
    }

    private static OnnxValue Arith(OnnxNode n, OnnxValue x, OnnxValue y)
    {
        var op = n.OpType == "Sum" ? "Add" : n.OpType;
        if (x.IsFloat || y.IsFloat)
        {
            var (p, q) = (F(x), F(y));
            var t = op switch
            {
                "Add" => Ops.Add(p, q),
                "Sub" => Ops.Subtract(p, q),
                "Mul" => Ops.Multiply(p, q),
                _ => Ops.Divide(p, q),
            };
            return V(t, FloatType(x, y));
        }

        return IntBinary(x, y, x.DataType, op switch
        {
            "Add" => (p, q) => p + q,
            "Sub" => (p, q) => p - q,
            "Mul" => (p, q) => p * q,
            _ => (p, q) => q == 0 ? 0 : p / q,
        });
    }

    private static OnnxValue MinMax(OnnxNode n, OnnxValue x, OnnxValue y)
    {
        var max = n.OpType == "Max";
        if (x.IsFloat || y.IsFloat)
        {
            return V(max ? Ops.Maximum(F(x), F(y)) : Ops.Minimum(F(x), F(y)), FloatType(x, y));
        }

        return IntBinary(x, y, x.DataType, max ? Math.Max : Math.Min);
    }

    private static OnnxValue PowValue(OnnxValue x, OnnxValue y)
    {
        if (x.IsFloat)
        {
            return V(Pow(x.Float!, F(y)), x.DataType);
        }

        var e = y.IsFloat ? y.Float!.ToArray().Select(v => (double)v).ToArray() : y.Ints!.Select(v => (double)v).ToArray();
        var shape = BroadcastShape(x.ShapeArray, y.ShapeArray, "Pow");
        var (mx, my) = (BroadcastIndex(x.ShapeArray, shape), BroadcastIndex(y.ShapeArray, shape));
        var r = new long[mx.Length];
        for (var i = 0; i < r.Length; i++)
        {
            r[i] = Wrap((long)Math.Pow(x.Ints![mx[i]], e[my[i]]), x.DataType);
        }

        return OnnxValue.FromInts(r, shape, x.DataType);
    }

    private static Tensor Pow(Tensor x, Tensor y) =>
        y.Size == 1 && !y.RequiresGrad && y.Rank <= x.Rank ? Ops.Pow(x, y.ToArray()[0]) : Ops.Pow(x, y);

    private static OnnxValue Mod(OnnxNode n, OnnxValue x, OnnxValue y)
    {
        var fmod = n.GetInt("fmod", 0) != 0;
        if (!x.IsFloat && !y.IsFloat)
        {
            return IntBinary(x, y, x.DataType, (p, q) =>
            {
                if (q == 0)
                {
                    return 0;
                }

                var r = p % q;
                return !fmod && r != 0 && ((r < 0) != (q < 0)) ? r + q : r;
            });
        }

        var (pa, qa) = (F(x).ToArray(), F(y).ToArray());
        var shape = BroadcastShape(x.ShapeArray, y.ShapeArray, "Mod");
        var (mx, my) = (BroadcastIndex(x.ShapeArray, shape), BroadcastIndex(y.ShapeArray, shape));
        var r = new float[mx.Length];
        for (var i = 0; i < r.Length; i++)
        {
            var (p, q) = (pa[mx[i]], qa[my[i]]);
            var m = p % q;
            r[i] = !fmod && m != 0 && ((m < 0) != (q < 0)) ? m + q : m;
        }

        return V(Tensor.FromArray(r, shape), FloatType(x, y));
    }
}
