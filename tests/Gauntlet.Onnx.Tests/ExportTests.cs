using Gauntlet.Tensors;
using Gauntlet.Tensors.Nn;

namespace Gauntlet.Onnx.Tests;

public sealed class ExportTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("gauntlet-export-").FullName;

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    [Fact]
    public void Exported_cnn_reloads_with_identical_outputs_for_any_batch()
    {
        var rng = new Rng(3);
        var bn = new BatchNorm(6);
        var stats = new Rng(4);
        bn.RunningMean.CopyFrom(Tensor.RandN(stats, 6));
        bn.RunningVar.CopyFrom(Ops.Add(Ops.Abs(Tensor.RandN(stats, 6)), 0.5f));
        var model = new Sequential(
            new Tensors.Nn.Conv2d(1, 6, 3, rng, padding: 1),
            bn,
            new Relu(),
            new MaxPool2d(2),
            new Tensors.Nn.Conv2d(6, 4, 3, rng, stride: 2, padding: 1, bias: false),
            new LeakyRelu(0.1f),
            new AvgPool2d(2, ceilMode: true, countIncludePad: false),
            new Flatten(),
            new Dropout(0.5f, rng),
            new Linear(16, 10, rng),
            new Tanh(),
            new Linear(10, 3, rng),
            new LogSoftmax(-1));
        model.Eval();
        var path = Path.Combine(_dir, "cnn.onnx");
        OnnxExporter.Save(model, [1, 14, 14], path);
        var loaded = OnnxModel.Load(path);
        Assert.Empty(OnnxSession.UnsupportedOps(loaded));
        Assert.Equal("[batch, 1, 14, 14]", loaded.Graph.Inputs[0].ShapeText);
        var session = new OnnxSession(loaded);
        foreach (var batch in new[] { 1, 5 })
        {
            var x = Tensor.RandN(new Rng(batch), batch, 1, 14, 14);
            Assert.Equal(model.Forward(x).ToArray(), session.Forward(x).ToArray());
        }
    }

    [Fact]
    public void Exported_residual_network_reloads_with_identical_outputs()
    {
        var rng = new Rng(8);
        var model = new Sequential(
            new Tensors.Nn.Conv2d(1, 4, 3, rng, padding: 1),
            new Residual(new Sequential(new Tensors.Nn.Conv2d(4, 4, 3, rng, padding: 1), new BatchNorm(4), new Relu())),
            new Relu(),
            new GlobalAvgPool2d(),
            new Flatten(),
            new Linear(4, 3, rng));
        model.Eval();
        var path = Path.Combine(_dir, "res.onnx");
        OnnxExporter.Save(model, [1, 8, 8], path);
        var loaded = OnnxModel.Load(path);
        Assert.Contains(loaded.Graph.Nodes, n => n.OpType == "Add");
        var x = Tensor.RandN(new Rng(2), 3, 1, 8, 8);
        var expected = model.Forward(x).ToArray();
        var actual = new OnnxSession(loaded).Forward(x).ToArray();

        // GlobalAveragePool sums in a different order from GlobalAvgPool2d: equal to a few ulps, not bitwise.
        for (var i = 0; i < expected.Length; i++)
        {
            Assert.True(Math.Abs(expected[i] - actual[i]) <= 1e-6f * Math.Max(1f, Math.Abs(expected[i])), $"output {i}: {expected[i]} vs {actual[i]}");
        }
    }

    [Fact]
    public void Exported_mlp_with_layer_norm_and_gelu_round_trips()
    {
        var rng = new Rng(8);
        var model = new Sequential(new Flatten(), new Linear(12, 8, rng), new LayerNorm([8]), new Gelu(), new Sigmoid(), new Linear(8, 2, rng), new Softmax(1));
        model.Eval();
        var reloaded = OnnxModel.Parse(OnnxWriter.ToBytes(OnnxExporter.Export(model, [3, 4])));
        Assert.Equal(20, reloaded.DefaultOpset);
        var x = Tensor.RandN(new Rng(1), 4, 3, 4);
        Assert.Equal(model.Forward(x).ToArray(), new OnnxSession(reloaded).Forward(x).ToArray());
    }
}

public sealed class ClassifierTests
{
    [Fact]
    public void Onnx_classifier_is_a_module_with_input_gradients()
    {
        var classifier = new OnnxClassifier(TestModels.SmallCnn());
        Assert.Equal("[batch, 2, 4, 4]", classifier.Input.ShapeText);
        var x = Tensor.FromArray(TestModels.Random(5, 2 * 32), 2, 2, 4, 4).RequireGrad();
        var loss = Losses.CrossEntropy(Ops.Log(classifier.Forward(x)), [0, 2]);
        var g = Tensors.Autograd.Autodiff.Grad(loss, x);
        Assert.Equal(x.Shape, g.Shape);
        Assert.Contains(g.ToArray(), v => v != 0f);
    }
}
