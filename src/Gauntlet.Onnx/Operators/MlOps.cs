using Gauntlet.Tensors;
using static Gauntlet.Onnx.Operators.KernelHelpers;

namespace Gauntlet.Onnx.Operators;

/// <summary>
/// The <c>ai.onnx.ml</c> operators that scikit-learn pipelines export to: linear models, tree
/// ensembles, SVMs and the preprocessing around them. Registered under the qualified name
/// <c>ai.onnx.ml.OpType</c>. Linear models, Scaler, Normalizer, Imputer and ArrayFeatureExtractor
/// run through differentiable <see cref="Ops"/>; OneHotEncoder is a constant of its input (zero
/// gradient); tree ensembles and SVMs are computed directly and carry no gradient
/// (<see cref="NonDifferentiable"/>).
/// </summary>
internal static class MlOps
{
    /// <summary>The ML operator domain.</summary>
    public const string Domain = "ai.onnx.ml";

    /// <summary>ML operators whose outputs do not depend differentiably on their inputs.</summary>
    public static IReadOnlySet<string> NonDifferentiable { get; } = new HashSet<string>(StringComparer.Ordinal)
    {
        "TreeEnsembleClassifier", "TreeEnsembleRegressor", "SVMClassifier", "SVMRegressor", "LabelEncoder", "Binarizer",
    };

    /// <summary>Adds this family's operators to <paramref name="registry"/>.</summary>
    public static void Register(OnnxOperatorRegistry registry)
    {
        void Add(string op, OnnxKernel k) => registry.Add($"{Domain}.{op}", k);
        Add("LinearClassifier", (n, a, _) => LinearClassifier(n, Arg(n, a, 0)));
        Add("LinearRegressor", (n, a, _) => [LinearRegressor(n, Arg(n, a, 0))]);
        Add("TreeEnsembleClassifier", (n, a, _) => TreeClassifier(n, Arg(n, a, 0)));
        Add("TreeEnsembleRegressor", (n, a, _) => [TreeRegressor(n, Arg(n, a, 0))]);
        Add("SVMClassifier", (n, a, _) => SvmClassifier(n, Arg(n, a, 0)));
        Add("SVMRegressor", (n, a, _) => [SvmRegressor(n, Arg(n, a, 0))]);
        Add("Scaler", (n, a, _) => [Scaler(n, Arg(n, a, 0))]);
        Add("Normalizer", (n, a, _) => [Normalizer(n, Arg(n, a, 0))]);
        Add("OneHotEncoder", (n, a, _) => [OneHotEncoder(n, Arg(n, a, 0))]);
        Add("Imputer", (n, a, _) => [Imputer(n, Arg(n, a, 0))]);
        Add("ZipMap", (n, a, _) => [ZipMap(n, Arg(n, a, 0))]);
        Add("ArrayFeatureExtractor", (n, a, _) => [ArrayFeatureExtractor(Arg(n, a, 0), Arg(n, a, 1))]);
        Add("FeatureVectorizer", (n, a, _) => [FeatureVectorizer(n, a)]);
        Add("Binarizer", (n, a, _) => [Binarizer(n, Arg(n, a, 0))]);
        Add("LabelEncoder", (n, a, _) => [LabelEncoder(n, Arg(n, a, 0))]);
    }

    // ---- attributes -------------------------------------------------------------------------

    private static float[] Floats(OnnxNode n, string name)
    {
        if (n.Attributes.TryGetValue(name + "_as_tensor", out var t) && t.Tensor?.FloatData is { } data)
        {
            return data;
        }

        return n.Attributes.TryGetValue(name, out var a) ? [.. a.Floats] : [];
    }

    private static long[] Longs(OnnxNode n, string name) => n.GetInts(name) ?? [];

    private static string[] Strings(OnnxNode n, string name) => n.Attributes.TryGetValue(name, out var a) ? [.. a.Strings] : [];

    private static string PostTransform(OnnxNode n) => n.GetString("post_transform") ?? "NONE";

    /// <summary>The class labels: int64 labels, or the indices of string labels (strings are not values here).</summary>
    private static long[] ClassLabels(OnnxNode n)
    {
        var ints = Longs(n, "classlabels_ints");
        if (ints.Length == 0)
        {
            ints = Longs(n, "classlabels_int64s");
        }

        if (ints.Length > 0)
        {
            return ints;
        }

        var strings = Strings(n, "classlabels_strings");
        return [.. Enumerable.Range(0, strings.Length).Select(i => (long)i)];
    }

    /// <summary>The input as a float [N, F] tensor (a vector is one row).</summary>
    private static Tensor Rows(OnnxNode n, OnnxValue x)
    {
        var t = F(x);
        return t.Rank switch
        {
            1 => Ops.Reshape(t, 1, t.Dim(0)),
            2 => t,
            _ => Ops.Reshape(t, t.Dim(0), t.Size / Math.Max(1, t.Dim(0))),
        };
    }

    // ---- post transforms --------------------------------------------------------------------

    /// <summary>Applies <c>post_transform</c> to scores [N, K] (differentiable).</summary>
    private static Tensor Transform(string post, Tensor scores, string op) => post switch
    {
        "NONE" => scores,
        "SOFTMAX" => Ops.Softmax(scores, 1),
        "LOGISTIC" => Ops.Sigmoid(scores),
        "SOFTMAX_ZERO" => SoftmaxZero(scores),
        "PROBIT" => Ops.Map(scores, v => (float)Probit(v)),
        _ => throw new NotSupportedException($"{op}: post_transform '{post}' is not supported."),
    };

    // Softmax where exact zeros stay zero (ONNX-ML SOFTMAX_ZERO).
    private static Tensor SoftmaxZero(Tensor s)
    {
        var data = s.ToArray();
        var (n, k) = (s.Dim(0), s.Dim(1));
        var r = new float[data.Length];
        for (var i = 0; i < n; i++)
        {
            var max = float.NegativeInfinity;
            for (var j = 0; j < k; j++)
            {
                max = Math.Max(max, data[(i * k) + j]);
            }

            double sum = 0;
            for (var j = 0; j < k; j++)
            {
                var v = data[(i * k) + j];
                sum += v == 0 ? 0 : Math.Exp(v - max);
            }

            for (var j = 0; j < k; j++)
            {
                var v = data[(i * k) + j];
                r[(i * k) + j] = v == 0 || sum == 0 ? 0 : (float)(Math.Exp(v - max) / sum);
            }
        }

        return Tensor.FromArray(r, n, k);
    }

    // The inverse of the standard normal CDF: √2·erfinv(2p − 1) (Giles' approximation for erfinv).
    private static double Probit(double p)
    {
        var x = (2 * p) - 1;
        var w = -Math.Log((1 - x) * (1 + x));
        double r;
        if (w < 5)
        {
            w -= 2.5;
            r = 2.81022636e-08;
            foreach (var c in new[] { 3.43273939e-07, -3.5233877e-06, -4.39150654e-06, 0.00021858087, -0.00125372503, -0.00417768164, 0.246640727, 1.50140941 })
            {
                r = c + (r * w);
            }
        }
        else
        {
            w = Math.Sqrt(w) - 3;
            r = -0.000200214257;
            foreach (var c in new[] { 0.000100950558, 0.00134934322, -0.00367342844, 0.00573950773, -0.0076224613, 0.00943887047, 1.00167406, 2.83297682 })
            {
                r = c + (r * w);
            }
        }

        return Math.Sqrt(2) * r * x;
    }

    /// <summary>
    /// One score column for a two-class model becomes two, as onnxruntime does: logistic gives
    /// [σ(−s), σ(s)]; otherwise [1 − s, s] when every weight is positive (probability-like leaves)
    /// and [−s, s] when not; probit gives [1 − Φ⁻¹(s), Φ⁻¹(s)].
    /// </summary>
    private static Tensor SecondClass(string post, Tensor s, bool positiveWeights, string op)
    {
        var n = s.Dim(0);
        return post switch
        {
            "LOGISTIC" => Ops.Concat([Ops.Sigmoid(Ops.Negate(s)), Ops.Sigmoid(s)], 1),
            "NONE" when positiveWeights => Ops.Concat([Ops.Add(Ops.Negate(s), 1f), s], 1),
            "NONE" => Ops.Concat([Ops.Negate(s), s], 1),
            "PROBIT" => SecondClass("NONE", Transform("PROBIT", s, op), true, op),
            "SOFTMAX" or "SOFTMAX_ZERO" => Transform(post, Ops.Concat([Ops.Negate(s), s], 1), op),
            _ => throw new NotSupportedException($"{op}: post_transform '{post}' is not supported."),
        } is var r && r.Dim(0) == n ? r : throw new InvalidOperationException($"{op}: bad score shape.");
    }

    /// <summary>Labels [N] from scores [N, K]: the label of the highest score (first on ties).</summary>
    private static OnnxValue Labels(Tensor scores, long[] classes)
    {
        var data = scores.ToArray();
        var (n, k) = (scores.Dim(0), scores.Dim(1));
        var labels = new long[n];
        for (var i = 0; i < n; i++)
        {
            var best = 0;
            for (var j = 1; j < k; j++)
            {
                if (data[(i * k) + j] > data[(i * k) + best])
                {
                    best = j;
                }
            }

            labels[i] = best < classes.Length ? classes[best] : best;
        }

        return OnnxValue.FromInts(labels, [n]);
    }

    // ---- linear models ----------------------------------------------------------------------

    private static Tensor LinearScores(OnnxNode n, Tensor x, int targets)
    {
        var coefficients = Floats(n, "coefficients");
        var features = x.Dim(1);
        if (targets == 0 || coefficients.Length != targets * features)
        {
            throw new ArgumentException($"{n.OpType}: {coefficients.Length} coefficients for {targets} target(s) and {features} feature(s); expected {targets * features}.");
        }

        var w = Ops.Transpose(Tensor.FromArray(coefficients, targets, features), 0, 1);
        var scores = Ops.MatMul(x, w);
        var intercepts = Floats(n, "intercepts");
        if (intercepts.Length > 0)
        {
            if (intercepts.Length != targets)
            {
                throw new ArgumentException($"{n.OpType}: {intercepts.Length} intercepts for {targets} target(s).");
            }

            scores = Ops.Add(scores, Tensor.FromArray(intercepts, 1, targets));
        }

        return scores;
    }

    private static OnnxValue?[] LinearClassifier(OnnxNode n, OnnxValue input)
    {
        var x = Rows(n, input);
        var classes = ClassLabels(n);
        var coefficients = Floats(n, "coefficients");
        var targets = x.Dim(1) == 0 ? 0 : coefficients.Length / x.Dim(1);
        var scores = LinearScores(n, x, targets);
        var post = PostTransform(n);
        scores = targets == 1 && classes.Length == 2 ? SecondClass(post, scores, false, n.OpType) : Transform(post, scores, n.OpType);
        return [Labels(scores, classes), V(scores)];
    }

    private static OnnxValue LinearRegressor(OnnxNode n, OnnxValue input)
    {
        var x = Rows(n, input);
        var targets = (int)n.GetInt("targets", 1);
        return V(Transform(PostTransform(n), LinearScores(n, x, targets), n.OpType));
    }

    // ---- preprocessing ----------------------------------------------------------------------

    private static OnnxValue Scaler(OnnxNode n, OnnxValue input)
    {
        var x = F(input);
        var features = x.Dim(x.Rank - 1);
        var offset = Floats(n, "offset");
        var scale = Floats(n, "scale");
        Tensor Param(float[] v, float fallback, string name)
        {
            if (v.Length == 0)
            {
                return Tensor.Scalar(fallback);
            }

            return v.Length == 1 ? Tensor.Scalar(v[0])
                : v.Length == features ? Tensor.FromArray(v, features)
                : throw new ArgumentException($"Scaler: {v.Length} {name} values for {features} features; expected 1 or {features}.");
        }

        return V(Ops.Multiply(Ops.Subtract(x, Param(offset, 0f, "offset")), Param(scale, 1f, "scale")));
    }

    private static OnnxValue Normalizer(OnnxNode n, OnnxValue input)
    {
        var x = Rows(n, input);
        var norm = n.GetString("norm") ?? "MAX";
        var denominator = norm switch
        {
            "MAX" => Ops.Max(x, 1, keepDims: true),
            "L1" => Ops.Sum(Ops.Abs(x), 1, keepDims: true),
            "L2" => Ops.Sqrt(Ops.Sum(Ops.Multiply(x, x), 1, keepDims: true)),
            _ => throw new NotSupportedException($"Normalizer: norm '{norm}' is not supported (expected MAX, L1 or L2)."),
        };

        // A zero row stays zero, as in scikit-learn, instead of becoming NaN.
        var data = denominator.ToArray();
        var safe = Tensor.FromArray([.. data.Select(d => d == 0 ? 1f : 0f)], denominator.Shape.ToArray());
        return V(Ops.Divide(x, Ops.Add(denominator, safe)));
    }

    private static OnnxValue OneHotEncoder(OnnxNode n, OnnxValue input)
    {
        var categories = Longs(n, "cats_int64s");
        if (categories.Length == 0)
        {
            throw new NotSupportedException(Strings(n, "cats_strings").Length > 0
                ? "OneHotEncoder: string categories are not supported (string tensors are not executed); encode categories as integers."
                : "OneHotEncoder: no categories (cats_int64s) given.");
        }

        var zeros = n.GetInt("zeros", 1) != 0;
        var index = new Dictionary<long, int>();
        for (var i = 0; i < categories.Length; i++)
        {
            index.TryAdd(categories[i], i);
        }

        var values = input.IsFloat ? input.Float!.ToArray().Select(v => (double)v).ToArray() : [.. input.Ints!.Select(v => (double)v)];
        var k = categories.Length;
        var result = new float[values.Length * k];
        for (var i = 0; i < values.Length; i++)
        {
            var v = values[i];
            if (v == Math.Floor(v) && !double.IsInfinity(v) && index.TryGetValue((long)v, out var c))
            {
                result[(i * k) + c] = 1f;
            }
            else if (!zeros)
            {
                throw new ArgumentException($"OneHotEncoder: value {v} at position {i} is not one of the {k} categories and zeros=0.");
            }
        }

        return V(Tensor.FromArray(result, [.. input.ShapeArray, k]));
    }

    private static OnnxValue Imputer(OnnxNode n, OnnxValue input)
    {
        var replaced = n.GetFloat("replaced_value_float", float.NaN);
        if (!input.IsFloat)
        {
            var with = Longs(n, "imputed_value_int64s");
            var target = n.GetInt("replaced_value_int64", 0);
            var features = input.ShapeArray[^1];
            var ints = (long[])input.Ints!.Clone();
            for (var i = 0; i < ints.Length; i++)
            {
                if (ints[i] == target)
                {
                    ints[i] = with.Length == 1 ? with[0] : with[i % features];
                }
            }

            return OnnxValue.FromInts(ints, input.ShapeArray, input.DataType);
        }

        var x = input.Float!;
        var imputed = Floats(n, "imputed_value_floats");
        var f = x.Dim(x.Rank - 1);
        if (imputed.Length != 1 && imputed.Length != f)
        {
            throw new ArgumentException($"Imputer: {imputed.Length} imputed values for {f} features; expected 1 or {f}.");
        }

        var data = x.ToArray();
        var mask = new float[data.Length];
        var fill = new float[data.Length];
        for (var i = 0; i < data.Length; i++)
        {
            var missing = float.IsNaN(replaced) ? float.IsNaN(data[i]) : data[i] == replaced;
            mask[i] = missing ? 1f : 0f;
            fill[i] = imputed.Length == 1 ? imputed[0] : imputed[i % f];
        }

        var shape = x.Shape.ToArray();

        // Where keeps the gradient of the kept entries; NaNs never reach arithmetic.
        return V(Ops.Where(Tensor.FromArray(mask, shape), Tensor.FromArray(fill, shape), x), input.DataType);
    }

    /// <summary>
    /// ZipMap turns the probability tensor into a sequence of label → probability maps. Sequences
    /// and maps are not runtime values here, so the output is the probability tensor itself (its
    /// columns in class-label order): what a classifier wrapper needs.
    /// </summary>
    private static OnnxValue ZipMap(OnnxNode n, OnnxValue input)
    {
        var x = F(input);
        if (x.Rank != 2)
        {
            throw new ArgumentException($"ZipMap: input has shape {x.Shape}; expected [N, K].");
        }

        var labels = Longs(n, "classlabels_int64s").Length + Strings(n, "classlabels_strings").Length;
        return labels != x.Dim(1)
            ? throw new ArgumentException($"ZipMap: {labels} class labels for {x.Dim(1)} columns.")
            : input;
    }

    private static OnnxValue ArrayFeatureExtractor(OnnxValue x, OnnxValue indicesValue)
    {
        var dims = x.ShapeArray;
        var last = dims[^1];
        var indices = I(indicesValue).Select(i => i < 0 ? i + last : i).ToArray();
        if (indices.Any(i => i < 0 || i >= last))
        {
            throw new ArgumentException($"ArrayFeatureExtractor: index out of range for {last} features.");
        }

        return Select(x, dims.Length - 1, ToInts(indices));
    }

    private static OnnxValue FeatureVectorizer(OnnxNode n, OnnxValue?[] a)
    {
        var parts = new List<Tensor>();
        for (var i = 0; i < a.Length; i++)
        {
            var t = Rows(n, Arg(n, a, i));
            parts.Add(t);
        }

        return V(parts.Count == 1 ? parts[0] : Ops.Concat([.. parts], 1));
    }

    private static OnnxValue Binarizer(OnnxNode n, OnnxValue input)
    {
        var threshold = n.GetFloat("threshold", 0f);
        var x = F(input);
        return V(Tensor.FromArray([.. x.ToArray().Select(v => v > threshold ? 1f : 0f)], x.Shape.ToArray()));
    }

    private static OnnxValue LabelEncoder(OnnxNode n, OnnxValue input)
    {
        var keysInt = Longs(n, "keys_int64s");
        var keysFloat = Floats(n, "keys_floats");
        var valuesInt = Longs(n, "values_int64s");
        var valuesFloat = Floats(n, "values_floats");
        if ((keysInt.Length == 0 && keysFloat.Length == 0) || (valuesInt.Length == 0 && valuesFloat.Length == 0))
        {
            throw new NotSupportedException("LabelEncoder: only int64 and float keys and values are supported (string tensors are not executed).");
        }

        var keys = keysInt.Length > 0 ? keysInt.Select(k => (double)k).ToArray() : keysFloat.Select(k => (double)k).ToArray();
        var count = valuesInt.Length > 0 ? valuesInt.Length : valuesFloat.Length;
        if (keys.Length != count)
        {
            throw new ArgumentException($"LabelEncoder: {keys.Length} keys but {count} values.");
        }

        var map = new Dictionary<double, int>();
        for (var i = 0; i < keys.Length; i++)
        {
            map.TryAdd(keys[i], i);
        }

        var x = input.IsFloat ? input.Float!.ToArray().Select(v => (double)v).ToArray() : input.Ints!.Select(v => (double)v).ToArray();
        if (valuesInt.Length > 0)
        {
            var fallback = n.GetInt("default_int64", -1);
            return OnnxValue.FromInts([.. x.Select(v => map.TryGetValue(v, out var i) ? valuesInt[i] : fallback)], input.ShapeArray);
        }

        var fallbackFloat = n.GetFloat("default_float", -0f);
        return V(Tensor.FromArray([.. x.Select(v => map.TryGetValue(v, out var i) ? valuesFloat[i] : fallbackFloat)], input.ShapeArray));
    }

    // ---- tree ensembles ---------------------------------------------------------------------

    /// <summary>A decoded tree ensemble: flat node arrays, roots, and per-leaf (target, weight) lists.</summary>
    private sealed class Forest
    {
        public required int[] Feature { get; init; }

        public required double[] Threshold { get; init; }

        public required byte[] Mode { get; init; }

        public required int[] True { get; init; }

        public required int[] False { get; init; }

        public required bool[] MissingTrue { get; init; }

        public required int[] Roots { get; init; }

        public required List<(int Target, double Weight)>[] Leaves { get; init; }

        public bool PositiveWeights { get; init; }

        public int Features { get; init; }

        public int Leaf(float[] x, int offset, int node)
        {
            for (var steps = 0; Mode[node] != Leaf_; steps++)
            {
                if (steps > Mode.Length)
                {
                    throw new ArgumentException("tree ensemble: a tree has a cycle.");
                }

                var v = x[offset + Feature[node]];
                var t = Threshold[node];
                bool go;
                if (float.IsNaN(v))
                {
                    go = MissingTrue[node];
                }
                else
                {
                    go = Mode[node] switch
                    {
                        Leq => v <= t,
                        Lt => v < t,
                        Gte => v >= t,
                        Gt => v > t,
                        Eq => v == t,
                        _ => v != t,
                    };
                }

                node = go ? True[node] : False[node];
            }

            return node;
        }
    }

    private const byte Leaf_ = 0;
    private const byte Leq = 1;
    private const byte Lt = 2;
    private const byte Gte = 3;
    private const byte Gt = 4;
    private const byte Eq = 5;
    private const byte Neq = 6;

    private static byte ModeOf(string mode, string op) => mode switch
    {
        "LEAF" => Leaf_,
        "BRANCH_LEQ" => Leq,
        "BRANCH_LT" => Lt,
        "BRANCH_GTE" => Gte,
        "BRANCH_GT" => Gt,
        "BRANCH_EQ" => Eq,
        "BRANCH_NEQ" => Neq,
        _ => throw new NotSupportedException($"{op}: node mode '{mode}' is not supported."),
    };

    // Decoded ensembles per node: a model's node is decoded once, not on every query.
    private static readonly System.Runtime.CompilerServices.ConditionalWeakTable<OnnxNode, Forest> Forests = [];

    private static Forest ReadForest(OnnxNode n, string prefix, int features)
    {
        if (Forests.TryGetValue(n, out var cached) && cached.Features == features)
        {
            return cached;
        }

        var forest = DecodeForest(n, prefix, features);
        Forests.AddOrUpdate(n, forest);
        return forest;
    }

    private static Forest DecodeForest(OnnxNode n, string prefix, int features)
    {
        var op = n.OpType;
        var treeIds = Longs(n, "nodes_treeids");
        var nodeIds = Longs(n, "nodes_nodeids");
        var featureIds = Longs(n, "nodes_featureids");
        var modes = Strings(n, "nodes_modes");
        var values = Floats(n, "nodes_values");
        var trueIds = Longs(n, "nodes_truenodeids");
        var falseIds = Longs(n, "nodes_falsenodeids");
        var missing = Longs(n, "nodes_missing_value_tracks_true");
        var count = treeIds.Length;
        if (count == 0 || nodeIds.Length != count || featureIds.Length != count || modes.Length != count || trueIds.Length != count || falseIds.Length != count
            || (values.Length != count && values.Length != 0) || (missing.Length != count && missing.Length != 0))
        {
            throw new ArgumentException($"{op}: the nodes_* attributes are missing or differ in length.");
        }

        var position = new Dictionary<(long, long), int>(count);
        for (var i = 0; i < count; i++)
        {
            if (!position.TryAdd((treeIds[i], nodeIds[i]), i))
            {
                throw new ArgumentException($"{op}: node {nodeIds[i]} of tree {treeIds[i]} is defined twice.");
            }
        }

        var mode = new byte[count];
        var trueIdx = new int[count];
        var falseIdx = new int[count];
        var feature = new int[count];
        var isChild = new bool[count];
        for (var i = 0; i < count; i++)
        {
            mode[i] = ModeOf(modes[i], op);
            if (mode[i] == Leaf_)
            {
                continue;
            }

            feature[i] = checked((int)featureIds[i]);
            if (feature[i] < 0 || feature[i] >= features)
            {
                throw new ArgumentException($"{op}: node {nodeIds[i]} of tree {treeIds[i]} reads feature {featureIds[i]} of {features}.");
            }

            trueIdx[i] = position.TryGetValue((treeIds[i], trueIds[i]), out var t) ? t
                : throw new ArgumentException($"{op}: node {nodeIds[i]} of tree {treeIds[i]} points to missing node {trueIds[i]}.");
            falseIdx[i] = position.TryGetValue((treeIds[i], falseIds[i]), out var f) ? f
                : throw new ArgumentException($"{op}: node {nodeIds[i]} of tree {treeIds[i]} points to missing node {falseIds[i]}.");
            isChild[trueIdx[i]] = true;
            isChild[falseIdx[i]] = true;
        }

        var roots = new List<int>();
        var seenTrees = new HashSet<long>();
        for (var i = 0; i < count; i++)
        {
            if (!isChild[i] && seenTrees.Add(treeIds[i]))
            {
                roots.Add(i);
            }
        }

        var leaves = new List<(int, double)>[count];
        var leafTrees = Longs(n, prefix + "_treeids");
        var leafNodes = Longs(n, prefix + "_nodeids");
        var leafTargets = Longs(n, prefix + "_ids");
        var leafWeights = Floats(n, prefix + "_weights");
        if (leafNodes.Length != leafTrees.Length || leafTargets.Length != leafTrees.Length || leafWeights.Length != leafTrees.Length)
        {
            throw new ArgumentException($"{op}: the {prefix}_* attributes differ in length.");
        }

        // A two-class classifier whose weights all name one class id has one score column: fold them onto column 0.
        var singleColumn = prefix == "class" && ClassLabels(n).Length == 2 && leafTargets.Distinct().Count() == 1;
        for (var i = 0; i < leafTrees.Length; i++)
        {
            var at = position.TryGetValue((leafTrees[i], leafNodes[i]), out var p) ? p
                : throw new ArgumentException($"{op}: weight {i} names missing node {leafNodes[i]} of tree {leafTrees[i]}.");
            (leaves[at] ??= []).Add((singleColumn ? 0 : checked((int)leafTargets[i]), leafWeights[i]));
        }

        // Cycles are caught while walking (Forest.Leaf bounds the path by the node count).
        return new Forest
        {
            Feature = feature,
            Threshold = values.Length == 0 ? new double[count] : [.. values.Select(v => (double)v)],
            Mode = mode,
            True = trueIdx,
            False = falseIdx,
            MissingTrue = missing.Length == 0 ? new bool[count] : [.. missing.Select(m => m != 0)],
            Roots = [.. roots],
            Leaves = leaves,
            PositiveWeights = leafWeights.All(w => w >= 0),
            Features = features,
        };
    }

    /// <summary>Sums (or aggregates) every tree's leaf weights per target, in double precision.</summary>
    private static double[] Aggregate(Forest forest, float[] x, int rows, int features, int targets, string aggregate, string op)
    {
        var result = new double[rows * targets];
        var init = aggregate switch
        {
            "MIN" => double.PositiveInfinity,
            "MAX" => double.NegativeInfinity,
            "SUM" or "AVERAGE" => 0,
            _ => throw new NotSupportedException($"{op}: aggregate_function '{aggregate}' is not supported."),
        };
        var seen = new bool[targets];
        for (var r = 0; r < rows; r++)
        {
            Array.Fill(result, init, r * targets, targets);
            Array.Clear(seen);
            foreach (var root in forest.Roots)
            {
                var leaf = forest.Leaf(x, r * features, root);
                if (forest.Leaves[leaf] is not { } weights)
                {
                    continue;
                }

                foreach (var (target, weight) in weights)
                {
                    if (target < 0 || target >= targets)
                    {
                        throw new ArgumentException($"{op}: a leaf weight names target {target} of {targets}.");
                    }

                    ref var slot = ref result[(r * targets) + target];
                    seen[target] = true;
                    slot = aggregate switch
                    {
                        "MIN" => Math.Min(slot, weight),
                        "MAX" => Math.Max(slot, weight),
                        _ => slot + weight,
                    };
                }
            }

            for (var t = 0; t < targets; t++)
            {
                ref var slot = ref result[(r * targets) + t];
                if (!seen[t])
                {
                    slot = 0;
                }
                else if (aggregate == "AVERAGE")
                {
                    slot /= forest.Roots.Length;
                }
            }
        }

        return result;
    }

    private static (float[] X, int Rows, int Features) Matrix(OnnxNode n, OnnxValue input)
    {
        var x = Rows(n, input);
        return (x.ToArray(), x.Dim(0), x.Dim(1));
    }

    private static OnnxValue?[] TreeClassifier(OnnxNode n, OnnxValue input)
    {
        var (x, rows, features) = Matrix(n, input);
        var classes = ClassLabels(n);
        var forest = ReadForest(n, "class", features);
        var single = classes.Length == 2 && Longs(n, "class_ids").Distinct().Count() == 1;
        var targets = single ? 1 : classes.Length;

        var sums = Aggregate(forest, x, rows, features, targets, "SUM", n.OpType);
        AddBase(n, sums, rows, targets);
        var scores = Tensor.FromArray([.. sums.Select(v => (float)v)], rows, targets);
        var post = PostTransform(n);
        scores = single ? SecondClass(post, scores, forest.PositiveWeights, n.OpType) : Transform(post, scores, n.OpType);
        return [Labels(scores, classes), V(scores)];
    }

    private static OnnxValue TreeRegressor(OnnxNode n, OnnxValue input)
    {
        var (x, rows, features) = Matrix(n, input);
        var targets = (int)n.GetInt("n_targets", 1);
        var forest = ReadForest(n, "target", features);
        var sums = Aggregate(forest, x, rows, features, targets, n.GetString("aggregate_function") ?? "SUM", n.OpType);
        AddBase(n, sums, rows, targets);
        return V(Transform(PostTransform(n), Tensor.FromArray([.. sums.Select(v => (float)v)], rows, targets), n.OpType));
    }

    private static void AddBase(OnnxNode n, double[] sums, int rows, int targets)
    {
        var bases = Floats(n, "base_values");
        if (bases.Length == 0)
        {
            return;
        }

        if (bases.Length != targets)
        {
            throw new ArgumentException($"{n.OpType}: {bases.Length} base values for {targets} score column(s).");
        }

        for (var r = 0; r < rows; r++)
        {
            for (var t = 0; t < targets; t++)
            {
                sums[(r * targets) + t] += bases[t];
            }
        }
    }

    // ---- support vector machines ------------------------------------------------------------

    private static Func<float[], int, float[], int, int, double> Kernel(OnnxNode n)
    {
        var kind = n.GetString("kernel_type") ?? "LINEAR";
        var p = Floats(n, "kernel_params");
        var gamma = p.Length > 0 ? p[0] : 0.0;
        var coef0 = p.Length > 1 ? p[1] : 0.0;
        var degree = p.Length > 2 ? p[2] : 0.0;
        static double Dot(float[] a, int ao, float[] b, int bo, int f)
        {
            double s = 0;
            for (var i = 0; i < f; i++)
            {
                s += (double)a[ao + i] * b[bo + i];
            }

            return s;
        }

        return kind switch
        {
            "LINEAR" => Dot,
            "POLY" => (a, ao, b, bo, f) => Math.Pow((gamma * Dot(a, ao, b, bo, f)) + coef0, degree),
            "SIGMOID" => (a, ao, b, bo, f) => Math.Tanh((gamma * Dot(a, ao, b, bo, f)) + coef0),
            "RBF" => (a, ao, b, bo, f) =>
            {
                double s = 0;
                for (var i = 0; i < f; i++)
                {
                    var d = (double)a[ao + i] - b[bo + i];
                    s += d * d;
                }

                return Math.Exp(-gamma * s);
            },
            _ => throw new NotSupportedException($"{n.OpType}: kernel_type '{kind}' is not supported."),
        };
    }

    private static OnnxValue?[] SvmClassifier(OnnxNode n, OnnxValue input)
    {
        var (x, rows, features) = Matrix(n, input);
        var classes = ClassLabels(n);
        var k = classes.Length;
        var coefficients = Floats(n, "coefficients");
        var rho = Floats(n, "rho");
        var perClass = Longs(n, "vectors_per_class");
        var post = PostTransform(n);
        if (perClass.Length == 0)
        {
            // Linear SVM: one weight row per score column.
            var columns = coefficients.Length / Math.Max(1, features);
            var w = Tensor.FromArray(coefficients, columns, features);
            var s = Ops.Add(Ops.MatMul(Tensor.FromArray(x, rows, features), Ops.Transpose(w, 0, 1)), Tensor.FromArray(rho.Length == columns ? rho : new float[columns], 1, columns));
            s = columns == 1 && k == 2 ? SecondClass(post, s, false, n.OpType) : Transform(post, s, n.OpType);
            return [Labels(s, classes), V(s)];
        }

        var vectors = Floats(n, "support_vectors");
        var svCount = (int)perClass.Sum();
        if (perClass.Length != k || vectors.Length != svCount * features || coefficients.Length != (k - 1) * svCount || rho.Length != k * (k - 1) / 2)
        {
            throw new ArgumentException($"{n.OpType}: support_vectors, vectors_per_class, coefficients and rho do not agree for {k} classes and {features} features.");
        }

        var kernel = Kernel(n);
        var starts = new int[k];
        for (var c = 1; c < k; c++)
        {
            starts[c] = starts[c - 1] + (int)perClass[c - 1];
        }

        var probA = Floats(n, "prob_a");
        var probB = Floats(n, "prob_b");
        var pairs = k * (k - 1) / 2;
        var withProbabilities = probA.Length == pairs && probB.Length == pairs;
        var columnsOut = k == 2 && !withProbabilities ? 1 : k;
        var scores = new float[rows * columnsOut];
        var labels = new long[rows];
        var kv = new double[svCount];
        for (var r = 0; r < rows; r++)
        {
            for (var s = 0; s < svCount; s++)
            {
                kv[s] = kernel(x, r * features, vectors, s * features, features);
            }

            var votes = new int[k];
            var decisions = new double[pairs];
            var pair = 0;
            for (var i = 0; i < k; i++)
            {
                for (var j = i + 1; j < k; j++, pair++)
                {
                    double sum = 0;
                    for (var s = 0; s < perClass[i]; s++)
                    {
                        sum += coefficients[((j - 1) * svCount) + starts[i] + s] * kv[starts[i] + s];
                    }

                    for (var s = 0; s < perClass[j]; s++)
                    {
                        sum += coefficients[(i * svCount) + starts[j] + s] * kv[starts[j] + s];
                    }

                    sum += rho[pair];
                    decisions[pair] = sum;
                    votes[sum > 0 ? i : j]++;
                }
            }

            if (withProbabilities)
            {
                var probabilities = PairwiseCoupling(decisions, probA, probB, k);
                var best = 0;
                for (var c = 0; c < k; c++)
                {
                    scores[(r * k) + c] = (float)probabilities[c];
                    best = probabilities[c] > probabilities[best] ? c : best;
                }

                labels[r] = classes[best];
            }
            else if (k == 2)
            {
                scores[r] = (float)decisions[0];
                labels[r] = classes[decisions[0] > 0 ? 0 : 1];
            }
            else
            {
                var best = 0;
                for (var c = 0; c < k; c++)
                {
                    scores[(r * k) + c] = votes[c];
                    best = votes[c] > votes[best] ? c : best;
                }

                labels[r] = classes[best];
            }
        }

        var output = Tensor.FromArray(scores, rows, columnsOut);
        if (columnsOut == 1)
        {
            // The first class wins a positive decision: its score column comes first.
            output = Ops.Concat([output, Ops.Negate(output)], 1);
        }

        return [OnnxValue.FromInts(labels, [rows]), V(output)];
    }

    // libsvm's multiclass_probability: Platt-scaled pairwise probabilities coupled into class probabilities.
    private static double[] PairwiseCoupling(double[] decisions, float[] probA, float[] probB, int k)
    {
        var r = new double[k, k];
        var pair = 0;
        for (var i = 0; i < k; i++)
        {
            for (var j = i + 1; j < k; j++, pair++)
            {
                var f = (decisions[pair] * probA[pair]) + probB[pair];
                var p = f >= 0 ? Math.Exp(-f) / (1 + Math.Exp(-f)) : 1 / (1 + Math.Exp(f));
                p = Math.Clamp(p, 1e-7, 1 - 1e-7);
                r[i, j] = p;
                r[j, i] = 1 - p;
            }
        }

        var q = new double[k, k];
        var prob = new double[k];
        for (var t = 0; t < k; t++)
        {
            prob[t] = 1.0 / k;
            q[t, t] = 0;
            for (var j = 0; j < t; j++)
            {
                q[t, t] += r[j, t] * r[j, t];
                q[t, j] = q[j, t];
            }

            for (var j = t + 1; j < k; j++)
            {
                q[t, t] += r[j, t] * r[j, t];
                q[t, j] = -r[j, t] * r[t, j];
            }
        }

        var qp = new double[k];
        var maxIter = Math.Max(100, k);
        for (var iter = 0; iter < maxIter; iter++)
        {
            double pqp = 0;
            for (var t = 0; t < k; t++)
            {
                qp[t] = 0;
                for (var j = 0; j < k; j++)
                {
                    qp[t] += q[t, j] * prob[j];
                }

                pqp += prob[t] * qp[t];
            }

            var maxError = 0.0;
            for (var t = 0; t < k; t++)
            {
                maxError = Math.Max(maxError, Math.Abs(qp[t] - pqp));
            }

            if (maxError < 0.005 / k)
            {
                break;
            }

            for (var t = 0; t < k; t++)
            {
                var diff = (-qp[t] + pqp) / q[t, t];
                prob[t] += diff;
                pqp = (pqp + (diff * ((diff * q[t, t]) + (2 * qp[t])))) / (1 + diff) / (1 + diff);
                for (var j = 0; j < k; j++)
                {
                    qp[j] = (qp[j] + (diff * q[t, j])) / (1 + diff);
                    prob[j] /= 1 + diff;
                }
            }
        }

        return prob;
    }

    private static OnnxValue SvmRegressor(OnnxNode n, OnnxValue input)
    {
        var (x, rows, features) = Matrix(n, input);
        var coefficients = Floats(n, "coefficients");
        var rho = Floats(n, "rho");
        var vectors = Floats(n, "support_vectors");
        var count = (int)n.GetInt("n_supports", 0);
        var kernel = Kernel(n);
        var result = new float[rows];
        for (var r = 0; r < rows; r++)
        {
            double sum = rho.Length > 0 ? rho[0] : 0;
            if (count == 0)
            {
                for (var f = 0; f < features; f++)
                {
                    sum += coefficients[f] * (double)x[(r * features) + f];
                }
            }
            else
            {
                if (vectors.Length != count * features || coefficients.Length != count)
                {
                    throw new ArgumentException($"{n.OpType}: {count} support vectors do not match the coefficients or the {features} features.");
                }

                for (var s = 0; s < count; s++)
                {
                    sum += coefficients[s] * kernel(x, r * features, vectors, s * features, features);
                }
            }

            result[r] = (float)sum;
        }

        return V(Transform(PostTransform(n), Tensor.FromArray(result, rows, 1), n.OpType));
    }
}
