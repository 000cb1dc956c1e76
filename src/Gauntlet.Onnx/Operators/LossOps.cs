using Gauntlet.Tensors;
using static Gauntlet.Onnx.Operators.KernelHelpers;

namespace Gauntlet.Onnx.Operators;

/// <summary>Losses on class scores.</summary>
internal static class LossOps
{
    /// <summary>Adds this family's operators to <paramref name="registry"/>.</summary>
    public static void Register(OnnxOperatorRegistry registry)
    {
        registry.Add("NegativeLogLikelihoodLoss", (n, a, _) => [V(Nll(n, F(Arg(n, a, 0)), Arg(n, a, 1), Opt(a, 2)), Arg(n, a, 0).DataType)]);
        registry.Add("SoftmaxCrossEntropyLoss", (n, a, _) => SoftmaxCrossEntropy(n, a));
    }

    /// <summary>NegativeLogLikelihoodLoss on log-probabilities [N, C, d...] and targets [N, d...].</summary>
    private static Tensor Nll(OnnxNode n, Tensor logProb, OnnxValue targetValue, OnnxValue? weightValue)
    {
        var target = I(targetValue);
        var c = logProb.Dim(1);
        var ignore = n.Attributes.ContainsKey("ignore_index") ? n.GetInt("ignore_index", 0) : (long?)null;
        var weight = weightValue is null ? null : F(weightValue).ToArray();
        var safe = new long[target.Length];
        var w = new float[target.Length];
        for (var i = 0; i < target.Length; i++)
        {
            var ignored = ignore == target[i];
            if (!ignored && (target[i] < 0 || target[i] >= c))
            {
                throw new ArgumentException($"NegativeLogLikelihoodLoss: target {target[i]} is out of range for {c} classes.");
            }

            safe[i] = ignored ? 0 : target[i];
            w[i] = ignored ? 0f : weight is null ? 1f : weight[target[i]];
        }

        int[] tshape = [.. targetValue.Dims];
        int[] unsq = [tshape[0], 1, .. tshape[1..]];
        var picked = F(IndexingOps.GatherElements(new OnnxNode { OpType = "GatherElements", Attributes = new Dictionary<string, OnnxAttribute> { ["axis"] = new() { Name = "axis", Type = OnnxAttributeType.Int, Int = 1 } } }, OnnxValue.FromTensor(logProb), OnnxValue.FromInts(safe, unsq)));
        var weights = Tensor.FromArray(w, tshape);
        var loss = Ops.Multiply(Ops.Negate(Ops.Reshape(picked, tshape)), weights);
        return (n.GetString("reduction") ?? "mean") switch
        {
            "none" => loss,
            "sum" => Ops.Sum(loss),
            _ => Ops.Divide(Ops.Sum(loss), Tensor.Scalar(w.Sum())),
        };
    }

    private static OnnxValue?[] SoftmaxCrossEntropy(OnnxNode n, OnnxValue?[] a)
    {
        var scores = F(Arg(n, a, 0));
        var logProb = Ops.LogSoftmax(scores, 1);
        var loss = Nll(n, logProb, Arg(n, a, 1), Opt(a, 2));
        return [V(loss, Arg(n, a, 0).DataType), V(logProb, Arg(n, a, 0).DataType)];
    }
}
