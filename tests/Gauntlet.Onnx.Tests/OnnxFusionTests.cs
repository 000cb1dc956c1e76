using Gauntlet.Tensors;
using Gauntlet.Tensors.Autograd;
using Gauntlet.Tensors.Nn;

namespace Gauntlet.Onnx.Tests;

public sealed class OnnxFusionTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("gauntlet-fusion-").FullName;

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    [Theory]
    [InlineData(3)]  // one sample per thread or fewer: im2col and the tracked epilogue
    [InlineData(70)] // a batch for the sample-block kernel
    public void ExportedCnn_RunsConvReluPoolFused_WithTheValuesAndGradientsOfTheLayers(int batch)
    {
        var rng = new Rng(21);
        var model = new Sequential(
            new Tensors.Nn.Conv2d(1, 8, 3, rng), new Relu(), new MaxPool2d(2),
            new Tensors.Nn.Conv2d(8, 16, 3, rng), new Relu(), new MaxPool2d(2),
            new Flatten(), new Linear(16 * 5 * 5, 4, rng));
        var path = Path.Combine(_dir, "cnn.onnx");
        OnnxExporter.Save(model, [1, 26, 26], path);
        var session = new OnnxSession(OnnxModel.Load(path));
        var order = session.Model.Graph.Nodes;
        Assert.Equal(2, OnnxFusion.ConvReluPoolStarts(order, LastUse(session.Model)).Count(s => s));

        var x = Tensor.RandN(new Rng(22), batch, 1, 26, 26);
        using (GradMode.NoGrad())
        {
            Assert.Equal(LayerByLayer(model, x).ToArray(), session.Forward(x).ToArray());
        }

        var xg = x.Detach().RequireGrad();
        var expected = Autodiff.Grad(Ops.Sum(LayerByLayer(model, xg)), xg).ToArray();
        var actual = Autodiff.Grad(Ops.Sum(session.Forward(xg)), xg).ToArray();
        var scale = expected.Max(MathF.Abs);
        for (var i = 0; i < expected.Length; i++)
        {
            Assert.True(MathF.Abs(expected[i] - actual[i]) <= 1e-5f * scale, $"gradient element {i}: {expected[i]} vs {actual[i]}");
        }
    }

    [Fact]
    public void OnlyPlainRunsWhoseIntermediatesFeedTheNextNodeAlone_AreFused()
    {
        OnnxNode Conv() => new() { OpType = "Conv", Inputs = ["x", "w"], Outputs = ["c"] };
        OnnxNode Relu() => new() { OpType = "Relu", Inputs = ["c"], Outputs = ["r"] };
        OnnxNode Pool(params OnnxAttribute[] extra) => new()
        {
            OpType = "MaxPool",
            Inputs = ["r"],
            Outputs = ["y"],
            Attributes = new[] { Ints("kernel_shape", 2, 2), Ints("strides", 2, 2) }.Concat(extra).ToDictionary(a => a.Name),
        };
        OnnxNode Pool3x3() => new()
        {
            OpType = "MaxPool",
            Inputs = ["r"],
            Outputs = ["y"],
            Attributes = new[] { Ints("kernel_shape", 3, 3), Ints("strides", 2, 2) }.ToDictionary(a => a.Name),
        };
        Dictionary<string, int> uses = new() { ["x"] = 0, ["w"] = 0, ["c"] = 1, ["r"] = 2, ["y"] = int.MaxValue };

        Assert.Equal([true, false, false], OnnxFusion.ConvReluPoolStarts([Conv(), Relu(), Pool()], uses));
        Assert.Equal([true, false, false], OnnxFusion.ConvReluPoolStarts([Conv(), Relu(), Pool(Ints("pads", 0, 0, 0, 0), Ints("dilations", 1, 1))], uses));
        Assert.False(OnnxFusion.ConvReluPoolStarts([Conv(), Relu(), Pool(Ints("pads", 1, 1, 1, 1))], uses)[0]);
        Assert.False(OnnxFusion.ConvReluPoolStarts([Conv(), Relu(), Pool(new OnnxAttribute { Name = "ceil_mode", Int = 1 })], uses)[0]);
        Assert.False(OnnxFusion.ConvReluPoolStarts([Conv(), Relu(), Pool(new OnnxAttribute { Name = "auto_pad", String = "SAME_UPPER" })], uses)[0]);
        Assert.False(OnnxFusion.ConvReluPoolStarts([Conv(), Relu(), Pool3x3()], uses)[0]);
        Assert.False(OnnxFusion.ConvReluPoolStarts([Conv(), Relu(), new OnnxNode { OpType = "MaxPool", Inputs = ["r"], Outputs = ["y", "indices"], Attributes = Pool().Attributes }], uses)[0]);

        // The ReLU output is also a graph output, or the convolution output has a second reader.
        Assert.False(OnnxFusion.ConvReluPoolStarts([Conv(), Relu(), Pool()], new Dictionary<string, int>(uses) { ["r"] = int.MaxValue })[0]);
        Assert.False(OnnxFusion.ConvReluPoolStarts([Conv(), Relu(), Pool(), new OnnxNode { OpType = "Add", Inputs = ["y", "c"], Outputs = ["z"] }], new Dictionary<string, int>(uses) { ["c"] = 3 })[0]);
    }

    private static OnnxAttribute Ints(string name, params long[] values) => new() { Name = name, Ints = values };

    private static Dictionary<string, int> LastUse(OnnxModel model)
    {
        var uses = new Dictionary<string, int>(StringComparer.Ordinal);
        var nodes = model.Graph.Nodes;
        for (var i = 0; i < nodes.Count; i++)
        {
            foreach (var input in nodes[i].Inputs)
            {
                uses[input] = i;
            }
        }

        foreach (var o in model.Graph.Outputs)
        {
            uses[o.Name] = int.MaxValue;
        }

        return uses;
    }

    private static Tensor LayerByLayer(Sequential model, Tensor x)
    {
        foreach (var layer in model.Layers)
        {
            x = layer.Forward(x);
        }

        return x;
    }
}
