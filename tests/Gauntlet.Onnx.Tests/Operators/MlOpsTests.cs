using System.Globalization;
using Gauntlet.Onnx.Operators;
using Gauntlet.Tensors;
using Gauntlet.Tensors.Autograd;
using Gauntlet.TestSupport;

namespace Gauntlet.Onnx.Tests.Operators;

/// <summary>
/// The ONNX-ML operators: scikit-learn pipelines exported by tools/tabular/make_credit_models.py
/// (scaler + one-hot encoder + logistic regression, random forest, gradient boosting) give
/// scikit-learn's labels and probabilities on the whole test set, and single kernels match hand
/// computations.
/// </summary>
public sealed class MlOpsTests
{
    private static readonly string Folder = Path.Combine(RepoPaths.Root, "examples", "tabular");

    private static (Tensor X, int Rows) TestSet()
    {
        var lines = File.ReadAllLines(Path.Combine(Folder, "credit_test.csv")).Skip(1).Where(l => l.Length > 0).ToArray();
        var values = lines.SelectMany(l => l.Split(',')[..8].Select(v => float.Parse(v, CultureInfo.InvariantCulture))).ToArray();
        return (Tensor.FromArray(values, lines.Length, 8), lines.Length);
    }

    private static (float[] P1, long[] Labels) Reference(string model)
    {
        var rows = File.ReadAllLines(Path.Combine(Folder, "sklearn_probabilities.csv")).Skip(1)
            .Select(l => l.Split(',')).Where(f => f[0] == model).OrderBy(f => int.Parse(f[1], CultureInfo.InvariantCulture)).ToArray();
        return ([.. rows.Select(f => float.Parse(f[3], CultureInfo.InvariantCulture))], [.. rows.Select(f => long.Parse(f[4], CultureInfo.InvariantCulture))]);
    }

    [Theory]
    [InlineData("lr")]
    [InlineData("rf")]
    [InlineData("gb")]
    public void ScikitLearn_pipeline_gives_sklearns_labels_and_probabilities(string name)
    {
        var (x, rows) = TestSet();
        var (p1, labels) = Reference(name);
        Assert.Equal(200, rows);
        Assert.Equal(rows, p1.Length);

        var session = new OnnxSession(OnnxModel.Load(Path.Combine(Folder, $"credit_{name}.onnx")));
        var outputs = session.Run(new Dictionary<string, OnnxValue> { ["X"] = OnnxValue.FromTensor(x) });
        var probabilities = outputs["output_probability"].Float!;
        Assert.Equal([rows, 2], probabilities.Shape.ToArray());
        var p = probabilities.ToArray();
        var worst = 0.0;
        for (var i = 0; i < rows; i++)
        {
            worst = Math.Max(worst, Math.Abs(p[(2 * i) + 1] - p1[i]));
            Assert.Equal(1.0, p[2 * i] + p[(2 * i) + 1], 5);
        }

        Assert.True(worst <= 1e-5, $"{name}: largest probability difference {worst:G3} > 1e-5");
        Assert.Equal(labels, outputs["output_label"].Ints!);

        // The session's score output is the probability tensor, not the label.
        Assert.Equal("output_probability", session.ScoreOutput);
        Assert.True(session.ScoresAreProbabilities);
    }

    [Fact]
    public void Linear_pipeline_has_input_gradients_and_trees_declare_none()
    {
        var lr = OnnxClassifier.Load(Path.Combine(Folder, "credit_lr.onnx"));
        Assert.True(lr.HasGradients);
        Assert.False(OnnxClassifier.Load(Path.Combine(Folder, "credit_rf.onnx")).HasGradients);
        Assert.False(OnnxClassifier.Load(Path.Combine(Folder, "credit_gb.onnx")).HasGradients);

        // d p1 / d debt_ratio against a central difference: the gradient flows through Scaler and LinearClassifier.
        var (all, _) = TestSet();
        var x0 = Ops.Slice(all, 0, 0, 1);
        var x = x0.Clone().RequireGrad();
        var p1 = Ops.Sum(Ops.Slice(lr.Forward(x), 1, 1, 2));
        var grad = Autodiff.Grad(p1, x).ToArray();
        float At(float delta)
        {
            using var _ = GradMode.NoGrad();
            var v = x0.ToArray();
            v[2] += delta;
            return lr.Forward(Tensor.FromArray(v, 1, 8)).ToArray()[1];
        }

        var numeric = (At(0.01f) - At(-0.01f)) / 0.02f;
        Assert.True(Math.Abs(grad[2]) > 1e-3, $"gradient {grad[2]}");
        Assert.Equal(numeric, grad[2], 0.02 * Math.Abs(numeric) + 1e-4);

        // One-hot columns are constants of the input: zero gradient.
        Assert.Equal(0f, grad[6]);
    }

    [Fact]
    public void Tabular_model_returns_log_probabilities_for_records_of_any_shape()
    {
        var model = new OnnxTabularModel(OnnxClassifier.Load(Path.Combine(Folder, "credit_rf.onnx")));
        var (x, rows) = TestSet();
        var logits = model.Forward(Ops.Reshape(x, rows, 1, 1, 8));
        var probabilities = Ops.Softmax(logits, 1).ToArray();
        var (p1, _) = Reference("rf");
        for (var i = 0; i < rows; i++)
        {
            Assert.Equal(p1[i], probabilities[(2 * i) + 1], 1e-5);
        }
    }

    private static OnnxNode Node(string op, params (string Name, object Value)[] attributes) => new()
    {
        OpType = op,
        Domain = "ai.onnx.ml",
        Inputs = ["x"],
        Outputs = ["y", "z"],
        Attributes = attributes.ToDictionary(a => a.Name, a => a.Value switch
        {
            long i => new OnnxAttribute { Name = a.Name, Type = OnnxAttributeType.Int, Int = i },
            float f => new OnnxAttribute { Name = a.Name, Type = OnnxAttributeType.Float, Float = f },
            string s => new OnnxAttribute { Name = a.Name, Type = OnnxAttributeType.String, String = s },
            long[] l => new OnnxAttribute { Name = a.Name, Type = OnnxAttributeType.Ints, Ints = l },
            float[] fs => new OnnxAttribute { Name = a.Name, Type = OnnxAttributeType.Floats, Floats = fs },
            string[] ss => new OnnxAttribute { Name = a.Name, Type = OnnxAttributeType.Strings, Strings = ss },
            _ => throw new ArgumentException(a.Name),
        }),
    };

    private static OnnxValue?[] Run(OnnxNode node, float[] x, params int[] shape) =>
        OnnxOperatorTable.Execute(node, [OnnxValue.FromTensor(Tensor.FromArray(x, shape))], 15);

    [Fact]
    public void TreeEnsembleRegressor_follows_every_branch_mode_and_averages()
    {
        // Tree 0: x0 < 1 ? 10 : (x1 == 2 ? 20 : 30). Tree 1: x1 >= 5 ? 4 : (x0 > 3 ? 6 : (x0 != 7 ... leaf 8)).
        var node = Node(
            "TreeEnsembleRegressor",
            ("nodes_treeids", new long[] { 0, 0, 0, 0, 0, 1, 1, 1, 1, 1 }),
            ("nodes_nodeids", new long[] { 0, 1, 2, 3, 4, 0, 1, 2, 3, 4 }),
            ("nodes_featureids", new long[] { 0, 0, 1, 0, 0, 1, 0, 0, 0, 0 }),
            ("nodes_modes", new[] { "BRANCH_LT", "LEAF", "BRANCH_EQ", "LEAF", "LEAF", "BRANCH_GTE", "LEAF", "BRANCH_GT", "LEAF", "LEAF" }),
            ("nodes_values", new[] { 1f, 0, 2, 0, 0, 5, 0, 3, 0, 0 }),
            ("nodes_truenodeids", new long[] { 1, 0, 3, 0, 0, 1, 0, 3, 0, 0 }),
            ("nodes_falsenodeids", new long[] { 2, 0, 4, 0, 0, 2, 0, 4, 0, 0 }),
            ("target_treeids", new long[] { 0, 0, 0, 1, 1, 1 }),
            ("target_nodeids", new long[] { 1, 3, 4, 1, 3, 4 }),
            ("target_ids", new long[] { 0, 0, 0, 0, 0, 0 }),
            ("target_weights", new[] { 10f, 20, 30, 4, 6, 8 }),
            ("base_values", new[] { 0.5f }),
            ("aggregate_function", "AVERAGE"));
        var y = Run(node, [0, 9, 2, 2, 5, 1], 3, 2)[0]!.Float!.ToArray();

        // Row (0, 9): 10 and 4 → 7.5; row (2, 2): 20 and 8 → 14.5; row (5, 1): 30 and 6 → 18.5.
        Assert.Equal([7.5f, 14.5f, 18.5f], y);
    }

    [Fact]
    public void Binary_tree_classifier_with_one_score_column_gives_logistic_pairs()
    {
        var node = Node(
            "TreeEnsembleClassifier",
            ("nodes_treeids", new long[] { 0, 0, 0 }),
            ("nodes_nodeids", new long[] { 0, 1, 2 }),
            ("nodes_featureids", new long[] { 0, 0, 0 }),
            ("nodes_modes", new[] { "BRANCH_LEQ", "LEAF", "LEAF" }),
            ("nodes_values", new[] { 0.5f, 0, 0 }),
            ("nodes_truenodeids", new long[] { 1, 0, 0 }),
            ("nodes_falsenodeids", new long[] { 2, 0, 0 }),
            ("class_treeids", new long[] { 0, 0 }),
            ("class_nodeids", new long[] { 1, 2 }),
            ("class_ids", new long[] { 0, 0 }),
            ("class_weights", new[] { -1f, 2f }),
            ("classlabels_int64s", new long[] { 3, 7 }),
            ("base_values", new[] { 0.25f }),
            ("post_transform", "LOGISTIC"));
        var outs = Run(node, [0f, 1f], 2, 1);
        var z = outs[1]!.Float!.ToArray();
        double Sigmoid(double s) => 1 / (1 + Math.Exp(-s));
        Assert.Equal(Sigmoid(0.75), z[0], 6);
        Assert.Equal(Sigmoid(-0.75), z[1], 6);
        Assert.Equal(Sigmoid(2.25), z[3], 6);
        Assert.Equal([3L, 7L], outs[0]!.Ints!);
    }

    [Fact]
    public void SvmClassifier_rbf_binary_matches_the_kernel_sum()
    {
        // Two support vectors (one per class), gamma 0.5: d = c0·K(x, s0) + c1·K(x, s1) + rho.
        var node = Node(
            "SVMClassifier",
            ("kernel_type", "RBF"),
            ("kernel_params", new[] { 0.5f, 0, 3 }),
            ("support_vectors", new[] { 0f, 0, 2, 2 }),
            ("vectors_per_class", new long[] { 1, 1 }),
            ("coefficients", new[] { 1f, -1 }),
            ("rho", new[] { 0.1f }),
            ("classlabels_ints", new long[] { 0, 1 }));
        var outs = Run(node, [0.5f, 0, 2, 1.5f], 2, 2);
        double D(double a, double b) => Math.Exp(-0.5 * ((a * a) + (b * b))) - Math.Exp(-0.5 * (((a - 2) * (a - 2)) + ((b - 2) * (b - 2)))) + 0.1;
        var z = outs[1]!.Float!.ToArray();
        Assert.Equal(D(0.5, 0), z[0], 5);
        Assert.Equal(-D(0.5, 0), z[1], 5);
        Assert.Equal(D(2, 1.5), z[2], 5);
        Assert.Equal([0L, 1L], outs[0]!.Ints!);
    }

    [Fact]
    public void Poly_and_linear_svm_kernels()
    {
        var poly = Node(
            "SVMClassifier",
            ("kernel_type", "POLY"),
            ("kernel_params", new[] { 1f, 1, 2 }),
            ("support_vectors", new[] { 1f, 0, 0, 1 }),
            ("vectors_per_class", new long[] { 1, 1 }),
            ("coefficients", new[] { 1f, -1 }),
            ("rho", new[] { 0f }),
            ("classlabels_ints", new long[] { 0, 1 }));
        var z = Run(poly, [2f, 1], 1, 2)[1]!.Float!.ToArray();
        Assert.Equal((3 * 3) - (2 * 2), z[0], 5);

        var linear = Node(
            "SVMClassifier",
            ("coefficients", new[] { 1f, 2, -1, 0 }),
            ("rho", new[] { 0.5f, 0 }),
            ("classlabels_ints", new long[] { 4, 5 }));
        var outs = Run(linear, [1f, 1], 1, 2);
        Assert.Equal([3.5f, -1f], outs[1]!.Float!.ToArray());
        Assert.Equal([4L], outs[0]!.Ints!);
    }

    [Fact]
    public void Preprocessing_kernels_match_hand_values()
    {
        var l2 = Run(Node("Normalizer", ("norm", "L2")), [3f, 4, 0, 0], 2, 2)[0]!.Float!.ToArray();
        Assert.Equal([0.6f, 0.8f, 0f, 0f], l2);
        var l1 = Run(Node("Normalizer", ("norm", "L1")), [1f, -3], 1, 2)[0]!.Float!.ToArray();
        Assert.Equal([0.25f, -0.75f], l1);

        var imputed = Run(Node("Imputer", ("imputed_value_floats", new[] { 7f, 8 }), ("replaced_value_float", float.NaN)), [float.NaN, 1, 2, float.NaN], 2, 2)[0]!.Float!.ToArray();
        Assert.Equal([7f, 1, 2, 8], imputed);

        var scaled = Run(Node("Scaler", ("offset", new[] { 1f, 2 }), ("scale", new[] { 2f, 0.5f })), [3f, 6], 1, 2)[0]!.Float!.ToArray();
        Assert.Equal([4f, 2f], scaled);

        var onehot = Run(Node("OneHotEncoder", ("cats_int64s", new long[] { 5, 7, 9 })), [7f, 4], 2, 1)[0]!.Float!;
        Assert.Equal([2, 1, 3], onehot.Shape.ToArray());
        Assert.Equal([0f, 1, 0, 0, 0, 0], onehot.ToArray());
        var strict = Node("OneHotEncoder", ("cats_int64s", new long[] { 5 }), ("zeros", 0L));
        Assert.Throws<ArgumentException>(() => Run(strict, [4f], 1, 1));

        var regression = Run(Node("LinearRegressor", ("coefficients", new[] { 1f, 2 }), ("intercepts", new[] { 0.5f })), [1f, 1, 2, 0], 2, 2)[0]!.Float!.ToArray();
        Assert.Equal([3.5f, 2.5f], regression);
    }

    [Fact]
    public void Ml_operators_are_registered_under_the_qualified_domain_name()
    {
        Assert.Contains("ai.onnx.ml.TreeEnsembleClassifier", OnnxSession.SupportedOps);
        Assert.DoesNotContain("TreeEnsembleClassifier", OnnxSession.SupportedOps);
        var node = new OnnxNode { OpType = "Scaler", Domain = "com.example", Inputs = ["x"], Outputs = ["y"] };
        var e = Assert.Throws<NotSupportedException>(() => OnnxOperatorTable.Execute(node, [], 15));
        Assert.Equal("ONNX: operator com.example.Scaler is not supported.", e.Message);
    }
}
