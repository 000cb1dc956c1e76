using Gauntlet.Tensors;
using static Gauntlet.Onnx.Operators.KernelHelpers;

namespace Gauntlet.Onnx.Operators;

/// <summary>Activations, including the Softmax family and Clip.</summary>
internal static class ActivationOps
{
    /// <summary>Adds this family's operators to <paramref name="registry"/>.</summary>
    public static void Register(OnnxOperatorRegistry registry)
    {
        registry.Add("Relu", (n, a, _) => [V(Ops.Relu(F(Arg(n, a, 0))))]);
        registry.Add("LeakyRelu", (n, a, _) => [V(Ops.LeakyRelu(F(Arg(n, a, 0)), n.GetFloat("alpha", 0.01f)))]);
        registry.Add("PRelu", (n, a, opset) => [V(PRelu(F(Arg(n, a, 0)), F(Arg(n, a, 1)), opset))]);
        registry.Add("Elu", (n, a, _) => [V(Elu(F(Arg(n, a, 0)), n.GetFloat("alpha", 1f)))]);
        registry.Add("Selu", (n, a, _) => [V(Ops.Multiply(Elu(F(Arg(n, a, 0)), n.GetFloat("alpha", 1.67326319217681884765625f)), n.GetFloat("gamma", 1.05070102214813232421875f)))]);
        registry.Add("Celu", (n, a, _) => [V(Celu(F(Arg(n, a, 0)), n.GetFloat("alpha", 1f)))]);
        registry.Add("Sigmoid", (n, a, _) => [V(Ops.Sigmoid(F(Arg(n, a, 0))))]);
        registry.Add("Tanh", (n, a, _) => [V(Ops.Tanh(F(Arg(n, a, 0))))]);
        registry.Add("Erf", (n, a, _) => [V(Ops.Erf(F(Arg(n, a, 0))))]);
        registry.Add("Gelu", (n, a, _) => [V(Ops.Gelu(F(Arg(n, a, 0)), n.GetString("approximate") == "tanh"))]);
        registry.Add("HardSigmoid", (n, a, _) => [V(Ops.HardSigmoid(F(Arg(n, a, 0)), n.GetFloat("alpha", 0.2f), n.GetFloat("beta", 0.5f)))]);
        registry.Add("HardSwish", (n, a, _) => [V(Ops.HardSwish(F(Arg(n, a, 0))))]);
        registry.Add("Softplus", (n, a, _) => [V(Softplus(F(Arg(n, a, 0))))]);
        registry.Add("Softsign", (n, a, _) => [V(Ops.Divide(F(Arg(n, a, 0)), Ops.Add(Ops.Abs(F(Arg(n, a, 0))), 1f)))]);
        registry.Add("ThresholdedRelu", (n, a, _) => [V(ThresholdedRelu(F(Arg(n, a, 0)), n.GetFloat("alpha", 1f)))]);
        // Shared by several operator types; the kernel reads node.OpType.
        OnnxKernel softmax = (n, a, opset) => [V(Softmax(n, F(Arg(n, a, 0)), opset))];
        registry.Add("Softmax", softmax);
        registry.Add("LogSoftmax", softmax);
        registry.Add("Hardmax", (n, a, opset) => [Hardmax(n, F(Arg(n, a, 0)), opset)]);
        registry.Add("Clip", (n, a, opset) => [Clip(n, a, opset)]);
    }

    private static Tensor Softmax(OnnxNode n, Tensor x, long opset)
    {
        var log = n.OpType == "LogSoftmax";
        if (opset >= 13)
        {
            var axis = (int)n.GetInt("axis", -1);
            return log ? Ops.LogSoftmax(x, axis) : Ops.Softmax(x, axis);
        }

        var ax = Shape.NormalizeAxis((int)n.GetInt("axis", 1), x.Rank, n.OpType);
        var dims = x.Shape.ToArray();
        var flat = Ops.Reshape(x, dims[..ax].Aggregate(1, (p, d) => p * d), dims[ax..].Aggregate(1, (p, d) => p * d));
        var y = log ? Ops.LogSoftmax(flat, 1) : Ops.Softmax(flat, 1);
        return Ops.Reshape(y, dims);
    }

    private static OnnxValue Clip(OnnxNode n, OnnxValue?[] a, long opset)
    {
        var x = Arg(n, a, 0);
        if (!x.IsFloat)
        {
            var lo = Opt(a, 1) is { } l ? I(l)[0] : long.MinValue;
            var hi = Opt(a, 2) is { } h ? I(h)[0] : long.MaxValue;
            return OnnxValue.FromInts([.. x.Ints!.Select(v => Math.Min(Math.Max(v, lo), hi))], x.ShapeArray, x.DataType);
        }

        float min, max;
        if (opset < 11)
        {
            min = n.GetFloat("min", float.NegativeInfinity);
            max = n.GetFloat("max", float.PositiveInfinity);
        }
        else
        {
            min = Opt(a, 1) is { } l ? F(l).ToArray()[0] : float.NegativeInfinity;
            max = Opt(a, 2) is { } h ? F(h).ToArray()[0] : float.PositiveInfinity;
        }

        if (min > max)
        {
            // ONNX: every element becomes max when min > max.
            return V(Ops.Add(Ops.Multiply(x.Float!, 0f), max), x.DataType);
        }

        return V(Ops.Clamp(x.Float!, min, max), x.DataType);
    }

    private static OnnxValue Hardmax(OnnxNode n, Tensor x, long opset)
    {
        var dims = x.Shape.ToArray();
        Tensor view;
        int axis;
        if (opset < 13)
        {
            var ax = Shape.NormalizeAxis((int)n.GetInt("axis", 1), x.Rank, "Hardmax");
            view = Ops.Reshape(x, dims[..ax].Aggregate(1, (p, d) => p * d), dims[ax..].Aggregate(1, (p, d) => p * d));
            axis = 1;
        }
        else
        {
            view = x;
            axis = Shape.NormalizeAxis((int)n.GetInt("axis", -1), x.Rank, "Hardmax");
        }

        var vd = view.Shape.ToArray();
        var (outer, dim, inner) = (vd[..axis].Aggregate(1, (p, d) => p * d), vd[axis], vd[(axis + 1)..].Aggregate(1, (p, d) => p * d));
        var arg = Ops.ArgMax(view, axis);
        var r = new float[view.Size];
        for (var o = 0; o < outer; o++)
        {
            for (var i = 0; i < inner; i++)
            {
                r[(((o * dim) + arg[(o * inner) + i]) * inner) + i] = 1f;
            }
        }

        return V(Tensor.FromArray(r, dims));
    }

    private static Tensor PRelu(Tensor x, Tensor slope, long opset)
    {
        if (opset < 7 && slope.Rank == 1 && x.Rank >= 2 && slope.Size == x.Dim(1) && slope.Size != 1)
        {
            // Before opset 7 a per-channel slope broadcasts along axis 1.
            slope = Ops.Reshape(slope, [slope.Size, .. Enumerable.Repeat(1, x.Rank - 2)]);
        }

        var negative = Ops.Map(x, v => v < 0 ? 1f : 0f);
        return Ops.Where(negative, Ops.Multiply(x, slope), x);
    }

    private static Tensor Elu(Tensor x, float alpha)
    {
        var positive = Ops.Map(x, v => v > 0 ? 1f : 0f);
        var negativePart = Ops.Multiply(Ops.Add(Ops.Exp(Ops.Minimum(x, Tensor.Scalar(0f))), -1f), alpha);
        return Ops.Where(positive, x, negativePart);
    }

    private static Tensor Celu(Tensor x, float alpha) =>
        Ops.Add(Ops.Relu(x), Ops.Minimum(Tensor.Scalar(0f), Ops.Multiply(Ops.Add(Ops.Exp(Ops.Multiply(Ops.Minimum(x, Tensor.Scalar(0f)), 1f / alpha)), -1f), alpha)));

    private static Tensor Softplus(Tensor x) =>
        Ops.Add(Ops.Relu(x), Ops.Log(Ops.Add(Ops.Exp(Ops.Negate(Ops.Abs(x))), 1f)));

    private static Tensor ThresholdedRelu(Tensor x, float alpha) =>
        Ops.Multiply(x, Ops.Map(x, v => v > alpha ? 1f : 0f));
}
