using Gauntlet.Tensors;
using Gauntlet.Tensors.Autograd;

namespace Gauntlet.Onnx.Tests;

/// <summary>Autodiff gradients through ONNX graphs agree with central finite differences.</summary>
public sealed class GradientTests
{
    public static TheoryData<string> BackendCases() => new()
    {
        "node/test_conv_with_strides_padding",
        "node/test_gemm_default_matrix_bias",
        "pytorch-converted/test_Conv2d",
        "pytorch-converted/test_BatchNorm2d_eval",
        "pytorch-converted/test_Linear",
        "pytorch-operator/test_operator_maxpool",
        "node/test_sce_mean",
        "node/test_layer_normalization_4d_axis1",
        "node/test_instancenorm_example",
        "node/test_convtranspose",
        "node/test_averagepool_2d_pads",
        "node/test_softmax_axis_1",
    };

    [Theory]
    [MemberData(nameof(BackendCases))]
    public void Backend_model_input_gradient_matches_finite_differences(string name)
    {
        var dir = Path.Combine(ConformanceTests.DataRoot, name);
        var model = OnnxModel.Load(Path.Combine(dir, "model.onnx"));
        var session = new OnnxSession(model);
        var runtime = model.Graph.RuntimeInputs.ToList();
        var set = Path.Combine(dir, "test_data_set_0");
        var inputs = new Dictionary<string, OnnxValue>();
        for (var i = 0; i < runtime.Count; i++)
        {
            inputs[runtime[i].Name] = OnnxValue.FromOnnxTensor(OnnxModel.LoadTensor(Path.Combine(set, $"input_{i}.pb")));
        }

        var xName = runtime[0].Name;
        Check(x =>
        {
            var feed = new Dictionary<string, OnnxValue>(inputs) { [xName] = OnnxValue.FromTensor(x) };
            return session.Run(feed)[model.Graph.Outputs[0].Name].Float!;
        }, inputs[xName].Float!);
    }

    [Fact]
    public void Small_cnn_with_shape_subgraph_gradient_matches_finite_differences()
    {
        var session = new OnnxSession(TestModels.SmallCnn());
        Check(session.Forward, Tensor.FromArray(TestModels.Random(11, 2 * 32), 2, 2, 4, 4));
    }

    [Fact]
    public void Opset_12_graph_with_attribute_forms_is_differentiable()
    {
        var model = TestModels.Model(
            [
                TestModels.Node("Unsqueeze", ["x"], ["u"], TestModels.Ints("axes", 0)),
                TestModels.Node("Clip", ["u"], ["c"], TestModels.Float("min", -0.5f), TestModels.Float("max", 0.5f)),
                TestModels.Node("Squeeze", ["c"], ["s"], TestModels.Ints("axes", 0)),
                TestModels.Node("ReduceMean", ["s"], ["m"], TestModels.Ints("axes", 1), TestModels.Int("keepdims", 1)),
                TestModels.Node("Sub", ["s", "m"], ["d"]),
                TestModels.Node("Tanh", ["d"], ["t"]),
                TestModels.Node("LogSoftmax", ["t"], ["y"]),
            ],
            [],
            [TestModels.Info("x", 3, 5)],
            [TestModels.Info("y", 3, 5)],
            opset: 12);
        var session = new OnnxSession(model);
        Check(session.Forward, Tensor.FromArray(TestModels.Random(12, 15).Select(v => v * 0.9f).ToArray(), 3, 5));
    }

    /// <summary>Compares ∂(Σ w·f(x))/∂x from one backward pass with central differences.</summary>
    private static void Check(Func<Tensor, Tensor> f, Tensor x0)
    {
        var x = x0.Clone().RequireGrad();
        var y = f(x);
        var w = Tensor.FromArray(TestModels.Random(77, y.Size), y.Shape);
        var loss = Ops.Sum(Ops.Multiply(y, w));
        var grad = Autodiff.Grad(loss, x).ToArray();
        var wd = w.ToArray();
        var maxGrad = grad.Max(Math.Abs);
        const float h = 1e-2f;
        var data = x0.ToArray();
        var probes = Enumerable.Range(0, data.Length).Where(i => i % Math.Max(1, data.Length / 40) == 0);
        foreach (var i in probes)
        {
            double L(float delta)
            {
                var copy = (float[])data.Clone();
                copy[i] += delta;
                using var _ = GradMode.NoGrad();
                var out_ = f(Tensor.FromArray(copy, x0.Shape)).ToArray();
                double s = 0;
                for (var k = 0; k < out_.Length; k++)
                {
                    s += (double)out_[k] * wd[k];
                }

                return s;
            }

            var numeric = (L(h) - L(-h)) / (2 * h);
            var tol = (0.02 * Math.Abs(numeric)) + (0.002 * maxGrad) + 1e-4;
            Assert.True(Math.Abs(numeric - grad[i]) <= tol, $"element {i}: autodiff {grad[i]}, finite difference {numeric}");
        }
    }
}
