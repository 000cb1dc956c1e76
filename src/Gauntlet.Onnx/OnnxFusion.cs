namespace Gauntlet.Onnx;

/// <summary>
/// Runs of nodes <see cref="OnnxSession"/> evaluates as one fused operation. Today one pattern:
/// Conv → Relu → MaxPool with a 2×2 window and stride 2 (no padding, dilation or ceil mode, no
/// Indices output), consecutive in execution order, where the Conv and Relu outputs feed only the
/// next node and are not graph outputs. The fused operation
/// (<c>Ops.Conv2dReluMaxPool2x2</c>) gives the same values and gradients without storing the
/// convolution or ReLU outputs, and takes the engine's fastest convolution kernels.
/// </summary>
internal static class OnnxFusion
{
    /// <summary>
    /// For each position in <paramref name="order"/>, whether a fusable Conv → Relu → MaxPool run
    /// starts there.
    /// </summary>
    /// <param name="order">Nodes in execution order.</param>
    /// <param name="lastUse">For each value, the position of the last node that reads it (graph outputs: <see cref="int.MaxValue"/>).</param>
    public static bool[] ConvReluPoolStarts(IReadOnlyList<OnnxNode> order, IReadOnlyDictionary<string, int> lastUse)
    {
        var starts = new bool[order.Count];
        for (var i = 0; i + 2 < order.Count; i++)
        {
            OnnxNode conv = order[i], relu = order[i + 1], pool = order[i + 2];
            starts[i] = Is(conv, "Conv") && Is(relu, "Relu") && Is(pool, "MaxPool")
                && conv.Outputs.Count == 1 && relu.Inputs.Count == 1 && relu.Outputs.Count == 1 && pool.Inputs.Count == 1
                && FeedsOnly(conv.Outputs[0], relu, i + 1, lastUse) && FeedsOnly(relu.Outputs[0], pool, i + 2, lastUse)
                && pool.Outputs.Count >= 1 && pool.Outputs[0].Length > 0 && pool.Outputs.Skip(1).All(o => o.Length == 0)
                && IsPlainWindow2x2(pool);
        }

        return starts;
    }

    private static bool Is(OnnxNode n, string opType) => n.OpType == opType && (n.Domain.Length == 0 || n.Domain == "ai.onnx");

    private static bool FeedsOnly(string value, OnnxNode reader, int readerPosition, IReadOnlyDictionary<string, int> lastUse) =>
        value.Length > 0 && reader.Inputs[0] == value && lastUse.TryGetValue(value, out var last) && last == readerPosition;

    // kernel_shape [2, 2], strides [2, 2], no padding (explicit zeros, NOTSET or VALID), unit
    // dilation, floor mode.
    private static bool IsPlainWindow2x2(OnnxNode pool)
    {
        var autoPad = pool.GetString("auto_pad") ?? "NOTSET";
        return pool.GetInts("kernel_shape") is [2, 2]
            && pool.GetInts("strides") is [2, 2]
            && (pool.GetInts("pads") ?? []).All(p => p == 0)
            && autoPad is "NOTSET" or "" or "VALID"
            && (pool.GetInts("dilations") ?? []).All(d => d == 1)
            && pool.GetInt("ceil_mode", 0) == 0;
    }
}
