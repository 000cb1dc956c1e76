namespace Gauntlet.Onnx.Tests;

/// <summary>Small helpers to build ONNX models in tests.</summary>
internal static class TestModels
{
    public static OnnxAttribute Int(string name, long v) => new() { Name = name, Type = OnnxAttributeType.Int, Int = v };

    public static OnnxAttribute Ints(string name, params long[] v) => new() { Name = name, Type = OnnxAttributeType.Ints, Ints = v };

    public static OnnxAttribute Float(string name, float v) => new() { Name = name, Type = OnnxAttributeType.Float, Float = v };

    public static OnnxNode Node(string op, string[] inputs, string[] outputs, params OnnxAttribute[] attrs) =>
        new() { OpType = op, Inputs = inputs, Outputs = outputs, Attributes = attrs.ToDictionary(a => a.Name) };

    public static OnnxTensor FloatTensor(string name, float[] data, params long[] dims) =>
        new(name, OnnxDataType.Float, dims, data, null);

    public static OnnxTensor LongTensor(string name, long[] data, params long[] dims) =>
        new(name, OnnxDataType.Int64, dims, null, data);

    public static OnnxValueInfo Info(string name, params object[] dims) =>
        new(name, OnnxDataType.Float, [.. dims.Select(d => d is string s ? new OnnxDim(null, s) : new OnnxDim(Convert.ToInt64(d, System.Globalization.CultureInfo.InvariantCulture), null))]);

    public static OnnxModel Model(OnnxNode[] nodes, OnnxTensor[] inits, OnnxValueInfo[] inputs, OnnxValueInfo[] outputs, long opset = 17) => new()
    {
        IrVersion = 8,
        ProducerName = "gauntlet-tests",
        Opsets = [new OnnxOpset("", opset)],
        Graph = new OnnxGraphProto
        {
            Name = "test",
            Nodes = nodes,
            Initializers = inits.ToDictionary(t => t.Name),
            Inputs = inputs,
            Outputs = outputs,
        },
    };

    public static float[] Random(int seed, int n)
    {
        var rng = new Random(seed);
        return [.. Enumerable.Range(0, n).Select(_ => (float)((rng.NextDouble() * 2) - 1))];
    }

    /// <summary>
    /// A small CNN with a dynamic batch: Conv → Relu → MaxPool → Shape/Gather/Concat/Reshape → Gemm → Softmax.
    /// </summary>
    public static OnnxModel SmallCnn(long opset = 17) => Model(
        [
            Node("Conv", ["x", "w1", "b1"], ["c"], Ints("pads", 1, 1, 1, 1), Ints("kernel_shape", 3, 3)),
            Node("Relu", ["c"], ["r"]),
            Node("MaxPool", ["r"], ["p"], Ints("kernel_shape", 2, 2), Ints("strides", 2, 2)),
            Node("Shape", ["p"], ["s"]),
            Node("Gather", ["s", "zero"], ["batch"], Int("axis", 0)),
            Node("Unsqueeze", ["batch", "axes0"], ["batch1"]),
            Node("Concat", ["batch1", "minus1"], ["newshape"], Int("axis", 0)),
            Node("Reshape", ["p", "newshape"], ["flat"]),
            Node("Gemm", ["flat", "w2", "b2"], ["logits"], Int("transB", 1)),
            Node("Softmax", ["logits"], ["y"], Int("axis", 1)),
        ],
        [
            FloatTensor("w1", Random(1, 4 * 2 * 3 * 3), 4, 2, 3, 3),
            FloatTensor("b1", Random(2, 4), 4),
            FloatTensor("w2", Random(3, 3 * 4 * 2 * 2), 3, 16),
            FloatTensor("b2", Random(4, 3), 3),
            LongTensor("zero", [0]),
            LongTensor("axes0", [0], 1),
            LongTensor("minus1", [-1], 1),
        ],
        [Info("x", "batch", 2, 4, 4)],
        [Info("y", "batch", 3)],
        opset);
}
