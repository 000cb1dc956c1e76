using Gauntlet.Tensors;
using Gauntlet.Tensors.Nn;

namespace Gauntlet.Onnx;

/// <summary>
/// Exports a Gauntlet <see cref="Sequential"/> (inference semantics) to an ONNX model with a
/// dynamic batch dimension. Supported layers: Linear, Conv2d, MaxPool2d, AvgPool2d,
/// GlobalAvgPool2d, Flatten, BatchNorm, LayerNorm, Dropout (as Identity), Residual (as Add), Relu, LeakyRelu,
/// Sigmoid, Tanh, Gelu, Softmax, LogSoftmax and nested Sequentials.
/// </summary>
public static class OnnxExporter
{
    /// <summary>Builds the ONNX model for <paramref name="model"/>.</summary>
    /// <param name="model">The network.</param>
    /// <param name="inputShape">The input shape without the batch dimension, e.g. [1, 28, 28].</param>
    /// <param name="inputName">The graph input name.</param>
    /// <param name="outputName">The graph output name.</param>
    /// <returns>The ONNX model (default-domain opset 17, or 20 when Gelu is used).</returns>
    /// <exception cref="NotSupportedException">A layer has no ONNX mapping here.</exception>
    public static OnnxModel Export(Sequential model, int[] inputShape, string inputName = "input", string outputName = "output")
    {
        ArgumentNullException.ThrowIfNull(model);
        ArgumentNullException.ThrowIfNull(inputShape);
        var b = new Builder();
        var last = b.Emit(model, inputName);
        b.Nodes.Add(Node("Identity", [last], [outputName]));
        return new OnnxModel
        {
            IrVersion = 8,
            ProducerName = "gauntlet",
            ProducerVersion = typeof(OnnxExporter).Assembly.GetName().Version?.ToString() ?? "",
            Opsets = [new OnnxOpset("", b.UsesGelu ? 20 : 17)],
            Graph = new OnnxGraphProto
            {
                Name = "gauntlet",
                Nodes = b.Nodes,
                Initializers = b.Initializers,
                Inputs = [new OnnxValueInfo(inputName, OnnxDataType.Float, [new OnnxDim(null, "batch"), .. inputShape.Select(d => new OnnxDim(d, null))])],
                Outputs = [new OnnxValueInfo(outputName, OnnxDataType.Float, [new OnnxDim(null, "batch"), .. OutputSampleShape(model, inputShape).Select(d => new OnnxDim(d, null))])],
            },
        };
    }

    // onnx.checker requires graph outputs to carry a shape: one inference on zeros gives it.
    private static int[] OutputSampleShape(Sequential model, int[] inputShape)
    {
        var wasTraining = model.IsTraining;
        model.Eval();
        try
        {
            using var scope = Gauntlet.Tensors.Autograd.GradMode.NoGrad();
            return model.Forward(Tensor.Zeros([1, .. inputShape])).Shape.Dims[1..].ToArray();
        }
        finally
        {
            model.Train(wasTraining);
        }
    }

    /// <summary>Exports <paramref name="model"/> and writes it to <paramref name="path"/>.</summary>
    /// <param name="model">The network.</param>
    /// <param name="inputShape">The input shape without the batch dimension.</param>
    /// <param name="path">The destination .onnx file.</param>
    public static void Save(Sequential model, int[] inputShape, string path) => OnnxWriter.Save(Export(model, inputShape), path);

    private static OnnxNode Node(string op, string[] inputs, string[] outputs, params OnnxAttribute[] attrs) =>
        new() { OpType = op, Inputs = inputs, Outputs = outputs, Attributes = attrs.ToDictionary(a => a.Name) };

    private static OnnxAttribute Ints(string name, params long[] v) => new() { Name = name, Type = OnnxAttributeType.Ints, Ints = v };

    private static OnnxAttribute Int(string name, long v) => new() { Name = name, Type = OnnxAttributeType.Int, Int = v };

    private static OnnxAttribute Float(string name, float v) => new() { Name = name, Type = OnnxAttributeType.Float, Float = v };

    private static OnnxAttribute Str(string name, string v) => new() { Name = name, Type = OnnxAttributeType.String, String = v };

    private sealed class Builder
    {
        private int _next;

        public List<OnnxNode> Nodes { get; } = [];

        public Dictionary<string, OnnxTensor> Initializers { get; } = [];

        public bool UsesGelu { get; private set; }

        private string Fresh(string stem) => $"{stem}_{_next++}";

        private string Weight(string stem, Tensor t)
        {
            var name = Fresh(stem);
            Initializers[name] = new OnnxTensor(name, OnnxDataType.Float, [.. t.Shape.ToArray().Select(d => (long)d)], t.ToArray(), null);
            return name;
        }

        private string Fill(string stem, float value, int count) => Weight(stem, Tensor.Full(value, count));

        private string Add(string op, string[] inputs, params OnnxAttribute[] attrs)
        {
            var output = Fresh(op.ToLowerInvariant());
            Nodes.Add(Node(op, inputs, [output], attrs));
            return output;
        }

        public string Emit(Module m, string x) => m switch
        {
            Sequential s => s.Layers.Aggregate(x, (v, layer) => Emit(layer, v)),
            Residual r => Add("Add", [x, Emit(r.Body, x)]),
            Linear l => Add("Gemm", l.Bias is null ? [x, Weight("weight", l.Weight)] : [x, Weight("weight", l.Weight), Weight("bias", l.Bias)], Int("transB", 1)),
            Tensors.Nn.Conv2d c => Conv(c, x),
            MaxPool2d p => Pool("MaxPool", p.Geometry, x),
            AvgPool2d p => Pool("AveragePool", p.Geometry, x),
            GlobalAvgPool2d => Add("GlobalAveragePool", [x]),
            Flatten => Add("Flatten", [x], Int("axis", 1)),
            BatchNorm bn => Add(
                "BatchNormalization",
                [x, bn.Gamma is null ? Fill("gamma", 1f, bn.Channels) : Weight("gamma", bn.Gamma), bn.Beta is null ? Fill("beta", 0f, bn.Channels) : Weight("beta", bn.Beta), Weight("mean", bn.RunningMean), Weight("var", bn.RunningVar)],
                Float("epsilon", bn.Epsilon)),
            LayerNorm ln => Add(
                "LayerNormalization",
                [x, ln.Gamma is null ? Weight("gamma", Tensor.Ones(ln.NormalizedShape)) : Weight("gamma", ln.Gamma), ln.Beta is null ? Weight("beta", Tensor.Zeros(ln.NormalizedShape)) : Weight("beta", ln.Beta)],
                Int("axis", -ln.NormalizedShape.Length),
                Float("epsilon", ln.Epsilon)),
            Dropout => Add("Identity", [x]),
            Relu => Add("Relu", [x]),
            LeakyRelu r => Add("LeakyRelu", [x], Float("alpha", r.Slope)),
            Sigmoid => Add("Sigmoid", [x]),
            Tanh => Add("Tanh", [x]),
            Gelu g => GeluNode(g, x),
            Softmax s => Add("Softmax", [x], Int("axis", s.Axis)),
            LogSoftmax s => Add("LogSoftmax", [x], Int("axis", s.Axis)),
            _ => throw new NotSupportedException($"ONNX export: layer {m.GetType().Name} has no ONNX mapping."),
        };

        private string GeluNode(Gelu g, string x)
        {
            UsesGelu = true;
            return Add("Gelu", [x], Str("approximate", g.TanhApproximation ? "tanh" : "none"));
        }

        private string Conv(Tensors.Nn.Conv2d c, string x)
        {
            var g = c.Geometry;
            var w = c.Weight.Shape;
            string[] inputs = c.Bias is null ? [x, Weight("weight", c.Weight)] : [x, Weight("weight", c.Weight), Weight("bias", c.Bias)];
            return Add(
                "Conv",
                inputs,
                Ints("kernel_shape", w[2], w[3]),
                Ints("strides", g.StrideH, g.StrideW),
                Ints("pads", g.PadTop, g.PadLeft, g.PadBottom, g.PadRight),
                Ints("dilations", g.DilationH, g.DilationW),
                Int("group", g.Groups));
        }

        private string Pool(string op, Pool2dGeometry g, string x)
        {
            var attrs = new List<OnnxAttribute>
            {
                Ints("kernel_shape", g.KernelH, g.KernelW),
                Ints("strides", g.StrideH, g.StrideW),
                Ints("pads", g.PadTop, g.PadLeft, g.PadBottom, g.PadRight),
                Int("ceil_mode", g.CeilMode ? 1 : 0),
            };
            if (op == "MaxPool")
            {
                attrs.Add(Ints("dilations", g.DilationH, g.DilationW));
            }
            else
            {
                attrs.Add(Int("count_include_pad", g.CountIncludePad ? 1 : 0));
            }

            return Add(op, [x], [.. attrs]);
        }
    }
}
