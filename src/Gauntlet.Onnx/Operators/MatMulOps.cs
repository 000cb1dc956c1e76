using Gauntlet.Tensors;
using static Gauntlet.Onnx.Operators.KernelHelpers;

namespace Gauntlet.Onnx.Operators;

/// <summary>Matrix products: Gemm and batched MatMul.</summary>
internal static class MatMulOps
{
    /// <summary>Adds this family's operators to <paramref name="registry"/>.</summary>
    public static void Register(OnnxOperatorRegistry registry)
    {
        registry.Add("Gemm", (n, a, _) => [V(Gemm(n, a))]);
        registry.Add("MatMul", (n, a, _) => [V(Ops.MatMul(F(Arg(n, a, 0)), F(Arg(n, a, 1))))]);
    }

    private static Tensor Gemm(OnnxNode n, OnnxValue?[] a)
    {
        var x = F(Arg(n, a, 0));
        var w = F(Arg(n, a, 1));
        var c0 = Opt(a, 2) is { } cv0 ? F(cv0) : null;
        if (n.GetInt("transA", 0) == 0 && n.GetInt("transB", 0) != 0 && n.GetFloat("alpha", 1f) == 1f && n.GetFloat("beta", 1f) == 1f &&
            x.Rank == 2 && w.Rank == 2 && (c0 is null || (c0.Rank == 1 && c0.Size == w.Dim(0))))
        {
            // The Linear layout (weight [out, in], bias [out]): the same kernel as Gauntlet's Linear.
            return Ops.Linear(x, w, c0);
        }

        if (n.GetInt("transA", 0) != 0)
        {
            x = Ops.Transpose(x, 0, 1);
        }

        if (n.GetInt("transB", 0) != 0)
        {
            w = Ops.Transpose(w, 0, 1);
        }

        var alpha = n.GetFloat("alpha", 1f);
        var beta = n.GetFloat("beta", 1f);
        var y = Ops.MatMul(x, w);
        if (alpha != 1f)
        {
            y = Ops.Multiply(y, alpha);
        }

        if (Opt(a, 2) is { } c && beta != 0f)
        {
            var ct = F(c);
            y = Ops.Add(y, beta == 1f ? ct : Ops.Multiply(ct, beta));
        }

        return y;
    }
}
