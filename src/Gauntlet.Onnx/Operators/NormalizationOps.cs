using Gauntlet.Tensors;
using static Gauntlet.Onnx.Operators.KernelHelpers;

namespace Gauntlet.Onnx.Operators;

/// <summary>Normalization layers (inference).</summary>
internal static class NormalizationOps
{
    /// <summary>Adds this family's operators to <paramref name="registry"/>.</summary>
    public static void Register(OnnxOperatorRegistry registry)
    {
        registry.Add("BatchNormalization", (n, a, _) => [V(BatchNorm(n, a))]);
        registry.Add("LayerNormalization", (n, a, _) => LayerNorm(n, a));
        registry.Add("InstanceNormalization", (n, a, _) => [V(InstanceNorm(F(Arg(n, a, 0)), F(Arg(n, a, 1)), F(Arg(n, a, 2)), n.GetFloat("epsilon", 1e-5f)))]);
    }

    private static Tensor BatchNorm(OnnxNode n, OnnxValue?[] a)
    {
        if (n.GetInt("training_mode", 0) != 0 || n.Outputs.Count(o => o.Length > 0) > 1)
        {
            throw new NotSupportedException("BatchNormalization: only inference mode (one output) is supported.");
        }

        var x = F(Arg(n, a, 0));
        return Ops.BatchNorm(x, F(Arg(n, a, 1)), F(Arg(n, a, 2)), F(Arg(n, a, 3)), F(Arg(n, a, 4)), training: false, eps: n.GetFloat("epsilon", 1e-5f));
    }

    private static OnnxValue?[] LayerNorm(OnnxNode n, OnnxValue?[] a)
    {
        var x = F(Arg(n, a, 0));
        var axis = Shape.NormalizeAxis((int)n.GetInt("axis", -1), x.Rank, "LayerNormalization");
        var block = x.Shape.ToArray()[axis..];
        var eps = n.GetFloat("epsilon", 1e-5f);
        var gamma = Ops.BroadcastTo(F(Arg(n, a, 1)), new Shape(block));
        var beta = Opt(a, 2) is { } b ? Ops.BroadcastTo(F(b), new Shape(block)) : null;
        var y = V(Ops.LayerNorm(x, x.Rank - axis, gamma, beta, eps));
        if (n.Outputs.Count(o => o.Length > 0) == 1)
        {
            return [y];
        }

        // Optional statistics outputs, reduced over the normalized axes with keepdims.
        var axes = Enumerable.Range(axis, x.Rank - axis).ToArray();
        var mean = Ops.Mean(x, axes, keepDims: true);
        var centered = Ops.Subtract(x, mean);
        var variance = Ops.Mean(Ops.Multiply(centered, centered), axes, keepDims: true);
        var invStd = Ops.Divide(Tensor.Scalar(1f), Ops.Sqrt(Ops.Add(variance, eps)));
        return [y, V(mean), V(invStd)];
    }

    private static Tensor InstanceNorm(Tensor x, Tensor scale, Tensor bias, float eps)
    {
        var axes = Enumerable.Range(2, x.Rank - 2).ToArray();
        var mean = Ops.Mean(x, axes, keepDims: true);
        var centered = Ops.Subtract(x, mean);
        var variance = Ops.Mean(Ops.Multiply(centered, centered), axes, keepDims: true);
        var normalized = Ops.Divide(centered, Ops.Sqrt(Ops.Add(variance, eps)));
        int[] channelShape = [x.Dim(1), .. Enumerable.Repeat(1, x.Rank - 2)];
        return Ops.Add(Ops.Multiply(normalized, Ops.Reshape(scale, channelShape)), Ops.Reshape(bias, channelShape));
    }
}
