using Gauntlet.Tensors;

namespace Gauntlet.Onnx;

/// <summary>ONNX operator implementations on <see cref="OnnxValue"/>s.</summary>
internal static partial class OnnxOps
{
    public static readonly IReadOnlySet<string> Supported = new HashSet<string>(StringComparer.Ordinal)
    {
        "Gemm", "MatMul", "Add", "Sub", "Mul", "Div", "Pow", "Sqrt", "Exp", "Log", "Abs", "Neg", "Relu", "LeakyRelu",
        "Sigmoid", "Tanh", "Erf", "Gelu", "Softmax", "LogSoftmax", "HardSigmoid", "HardSwish", "Clip", "Conv",
        "ConvTranspose", "MaxPool", "AveragePool", "GlobalAveragePool", "BatchNormalization", "LayerNormalization",
        "Flatten", "Reshape", "Transpose", "Squeeze", "Unsqueeze", "Concat", "Slice", "Gather", "Shape", "Constant",
        "ConstantOfShape", "Identity", "Dropout", "Cast", "Where", "Equal", "Less", "Greater", "LessOrEqual",
        "GreaterOrEqual", "Not", "Expand", "ReduceMean", "ReduceSum", "ReduceMax", "ArgMax", "Pad", "Sign", "Min", "Max",
        "Range", "Sum", "Reciprocal", "Floor", "Ceil", "Round", "IsNaN", "IsInf", "Mod", "And", "Or", "Xor", "Size",
        "CastLike", "Split", "Tile", "Mean", "PRelu", "Elu", "Selu", "Celu", "Softplus", "Softsign", "ThresholdedRelu",
        "ArgMin", "ReduceMin", "ReduceL1", "ReduceL2", "ReduceSumSquare", "ReduceLogSum", "ReduceLogSumExp",
        "GlobalMaxPool", "InstanceNormalization", "Trilu", "GatherElements", "DepthToSpace", "SpaceToDepth", "Hardmax",
        "CumSum", "EyeLike", "OneHot", "Compress", "NegativeLogLikelihoodLoss", "SoftmaxCrossEntropyLoss",
        "Resize", "Upsample",
    };

    public static OnnxValue?[] Execute(OnnxNode n, OnnxValue?[] a, long opset)
    {
        return n.OpType switch
        {
            "Identity" => [Arg(n, a, 0)],
            "Dropout" => Dropout(n, a),
            "Add" or "Sub" or "Mul" or "Div" => [Arith(n, Arg(n, a, 0), Arg(n, a, 1))],
            "Sum" => [Variadic(n, a, (x, y) => Arith(n, x, y))],
            "Min" or "Max" => [Variadic(n, a, (x, y) => MinMax(n, x, y))],
            "Pow" => [PowValue(Arg(n, a, 0), Arg(n, a, 1))],
            "Sqrt" => [V(Ops.Sqrt(F(Arg(n, a, 0))))],
            "Exp" => [V(Ops.Exp(F(Arg(n, a, 0))))],
            "Log" => [V(Ops.Log(F(Arg(n, a, 0))))],
            "Abs" => [Unary(Arg(n, a, 0), Ops.Abs, Math.Abs)],
            "Neg" => [Unary(Arg(n, a, 0), Ops.Negate, v => -v)],
            "Sign" => [Unary(Arg(n, a, 0), Ops.Sign, v => Math.Sign(v))],
            "Relu" => [V(Ops.Relu(F(Arg(n, a, 0))))],
            "LeakyRelu" => [V(Ops.LeakyRelu(F(Arg(n, a, 0)), n.GetFloat("alpha", 0.01f)))],
            "Sigmoid" => [V(Ops.Sigmoid(F(Arg(n, a, 0))))],
            "Tanh" => [V(Ops.Tanh(F(Arg(n, a, 0))))],
            "Erf" => [V(Ops.Erf(F(Arg(n, a, 0))))],
            "Gelu" => [V(Ops.Gelu(F(Arg(n, a, 0)), n.GetString("approximate") == "tanh"))],
            "HardSigmoid" => [V(Ops.HardSigmoid(F(Arg(n, a, 0)), n.GetFloat("alpha", 0.2f), n.GetFloat("beta", 0.5f)))],
            "HardSwish" => [V(Ops.HardSwish(F(Arg(n, a, 0))))],
            "Softmax" or "LogSoftmax" => [V(Softmax(n, F(Arg(n, a, 0)), opset))],
            "Clip" => [Clip(n, a, opset)],
            "MatMul" => [V(Ops.MatMul(F(Arg(n, a, 0)), F(Arg(n, a, 1))))],
            "Gemm" => [V(Gemm(n, a))],
            "Conv" => [V(Conv(n, a))],
            "ConvTranspose" => [V(ConvTranspose(n, a))],
            "MaxPool" or "AveragePool" => [AsTypeOf(Pool(n, a)[0]!, Arg(n, a, 0))],
            "GlobalAveragePool" => [V(GlobalAveragePool(F(Arg(n, a, 0))))],
            "BatchNormalization" => [V(BatchNorm(n, a))],
            "LayerNormalization" => LayerNorm(n, a),
            "Flatten" => [Flatten(n, Arg(n, a, 0))],
            "Reshape" => [Reshape(n, a, opset)],
            "Transpose" => [Transpose(n, Arg(n, a, 0))],
            "Squeeze" => [Squeeze(n, a, opset)],
            "Unsqueeze" => [Unsqueeze(n, a, opset)],
            "Concat" => [Concat(n, a)],
            "Slice" => [Slice(n, a, opset)],
            "Gather" => [Gather(n, Arg(n, a, 0), Arg(n, a, 1))],
            "Shape" => [ShapeOp(n, Arg(n, a, 0))],
            "Constant" => [Constant(n)],
            "ConstantOfShape" => [ConstantOfShape(n, Arg(n, a, 0))],
            "Cast" => [Cast(n, Arg(n, a, 0))],
            "Where" => [Where(n, Arg(n, a, 0), Arg(n, a, 1), Arg(n, a, 2))],
            "Equal" or "Less" or "Greater" or "LessOrEqual" or "GreaterOrEqual" => [Compare(n, Arg(n, a, 0), Arg(n, a, 1))],
            "Not" => [OnnxValue.FromInts([.. I(Arg(n, a, 0)).Select(v => v == 0 ? 1L : 0L)], Arg(n, a, 0).ShapeArray, OnnxDataType.Bool)],
            "Expand" => [Expand(Arg(n, a, 0), I(Arg(n, a, 1)))],
            "ReduceMean" or "ReduceSum" or "ReduceMax" or "ReduceMin" or "ReduceL1" or "ReduceL2" or "ReduceSumSquare" or "ReduceLogSum" or "ReduceLogSumExp" => [Reduce(n, a, opset)],
            "ArgMax" => [ArgMax(n, F(Arg(n, a, 0)))],
            "Pad" => [Pad(n, a, opset)],
            "Range" => [Range(Arg(n, a, 0), Arg(n, a, 1), Arg(n, a, 2))],
            _ => ExecuteExtra(n, a, opset),
        };
    }

    // ---- helpers -------------------------------------------------------------------------

    private static OnnxValue Arg(OnnxNode n, OnnxValue?[] a, int i) =>
        i < a.Length && a[i] is not null ? a[i]! : throw new ArgumentException($"{n.OpType}: required input {i} is missing.");

    private static OnnxValue? Opt(OnnxValue?[] a, int i) => i < a.Length ? a[i] : null;

    private static OnnxValue V(Tensor t) => OnnxValue.FromTensor(t);

    private static OnnxValue V(Tensor t, OnnxDataType type) => OnnxValue.FromTensor(t, type);

    /// <summary>The value as a float tensor (integer values are converted, not differentiable).</summary>
    internal static Tensor F(OnnxValue v) => v.Float ?? Tensor.FromArray(v.Ints!.Select(x => (float)x).ToArray(), v.ShapeArray);

    /// <summary>The value as integers (float values are truncated).</summary>
    internal static long[] I(OnnxValue v) => v.Ints ?? v.Float!.ToArray().Select(x => (long)x).ToArray();

    private static int[] ToInts(long[] v) => v.Select(x => checked((int)x)).ToArray();

    private static OnnxValue Unary(OnnxValue x, Func<Tensor, Tensor> f, Func<long, long> g) =>
        x.IsFloat ? V(f(x.Float!), x.DataType) : OnnxValue.FromInts([.. x.Ints!.Select(g)], x.ShapeArray, x.DataType);

    private static OnnxValue Variadic(OnnxNode n, OnnxValue?[] a, Func<OnnxValue, OnnxValue, OnnxValue> f)
    {
        var acc = Arg(n, a, 0);
        for (var i = 1; i < a.Length; i++)
        {
            acc = f(acc, Arg(n, a, i));
        }

        return acc;
    }

    private static OnnxDataType FloatType(OnnxValue x, OnnxValue y) =>
        x.DataType == OnnxDataType.Double || y.DataType == OnnxDataType.Double ? OnnxDataType.Double : OnnxDataType.Float;

    private static OnnxValue Arith(OnnxNode n, OnnxValue x, OnnxValue y)
    {
        var op = n.OpType == "Sum" ? "Add" : n.OpType;
        if (x.IsFloat || y.IsFloat)
        {
            var (p, q) = (F(x), F(y));
            var t = op switch
            {
                "Add" => Ops.Add(p, q),
                "Sub" => Ops.Subtract(p, q),
                "Mul" => Ops.Multiply(p, q),
                _ => Ops.Divide(p, q),
            };
            return V(t, FloatType(x, y));
        }

        return IntBinary(x, y, x.DataType, op switch
        {
            "Add" => (p, q) => p + q,
            "Sub" => (p, q) => p - q,
            "Mul" => (p, q) => p * q,
            _ => (p, q) => q == 0 ? 0 : p / q,
        });
    }

    private static OnnxValue MinMax(OnnxNode n, OnnxValue x, OnnxValue y)
    {
        var max = n.OpType == "Max";
        if (x.IsFloat || y.IsFloat)
        {
            return V(max ? Ops.Maximum(F(x), F(y)) : Ops.Minimum(F(x), F(y)), FloatType(x, y));
        }

        return IntBinary(x, y, x.DataType, max ? Math.Max : Math.Min);
    }

    private static OnnxValue PowValue(OnnxValue x, OnnxValue y)
    {
        if (x.IsFloat)
        {
            return V(Pow(x.Float!, F(y)), x.DataType);
        }

        var e = y.IsFloat ? y.Float!.ToArray().Select(v => (double)v).ToArray() : y.Ints!.Select(v => (double)v).ToArray();
        var shape = BroadcastShape(x.ShapeArray, y.ShapeArray, "Pow");
        var (mx, my) = (BroadcastIndex(x.ShapeArray, shape), BroadcastIndex(y.ShapeArray, shape));
        var r = new long[mx.Length];
        for (var i = 0; i < r.Length; i++)
        {
            r[i] = Wrap((long)Math.Pow(x.Ints![mx[i]], e[my[i]]), x.DataType);
        }

        return OnnxValue.FromInts(r, shape, x.DataType);
    }

    /// <summary>Converts a float result back to the integer type of <paramref name="like"/> when that was integer.</summary>
    private static OnnxValue AsTypeOf(OnnxValue result, OnnxValue like) =>
        like.IsFloat || !result.IsFloat ? result : OnnxValue.FromInts(I(result), result.ShapeArray, like.DataType);

    private static Tensor Pow(Tensor x, Tensor y) =>
        y.Size == 1 && !y.RequiresGrad && y.Rank <= x.Rank ? Ops.Pow(x, y.ToArray()[0]) : Ops.Pow(x, y);

    private static int[] BroadcastShape(int[] a, int[] b, string op) => Shape.Broadcast(new Shape(a), new Shape(b), op).ToArray();

    /// <summary>Index into a row-major array of shape <paramref name="src"/> broadcast to <paramref name="dst"/>.</summary>
    private static int[] BroadcastIndex(int[] src, int[] dst)
    {
        var size = dst.Aggregate(1, (p, d) => p * d);
        var map = new int[size];
        var rank = dst.Length;
        var srcStrides = new int[rank];
        var stride = 1;
        for (var i = rank - 1; i >= 0; i--)
        {
            var si = i - (rank - src.Length);
            var d = si >= 0 ? src[si] : 1;
            srcStrides[i] = d == 1 ? 0 : stride;
            stride *= d;
        }

        var idx = new int[rank];
        for (var k = 0; k < size; k++)
        {
            var off = 0;
            for (var i = 0; i < rank; i++)
            {
                off += idx[i] * srcStrides[i];
            }

            map[k] = off;
            for (var i = rank - 1; i >= 0; i--)
            {
                if (++idx[i] < dst[i])
                {
                    break;
                }

                idx[i] = 0;
            }
        }

        return map;
    }

    private static OnnxValue IntBinary(OnnxValue x, OnnxValue y, OnnxDataType type, Func<long, long, long> f)
    {
        var (p, q) = (I(x), I(y));
        var shape = BroadcastShape(x.ShapeArray, y.ShapeArray, "ONNX");
        var mx = BroadcastIndex(x.ShapeArray, shape);
        var my = BroadcastIndex(y.ShapeArray, shape);
        var r = new long[mx.Length];
        for (var i = 0; i < r.Length; i++)
        {
            r[i] = f(p[mx[i]], q[my[i]]);
        }

        return OnnxValue.FromInts(r, shape, type);
    }

    private static OnnxValue Compare(OnnxNode n, OnnxValue x, OnnxValue y)
    {
        var op = n.OpType;
        if (x.IsFloat || y.IsFloat)
        {
            var (p, q) = (F(x).ToArray(), F(y).ToArray());
            var shape = BroadcastShape(x.ShapeArray, y.ShapeArray, op);
            var mx = BroadcastIndex(x.ShapeArray, shape);
            var my = BroadcastIndex(y.ShapeArray, shape);
            var r = new long[mx.Length];
            for (var i = 0; i < r.Length; i++)
            {
                var (u, v) = (p[mx[i]], q[my[i]]);
                r[i] = Cmp(op, u.CompareTo(v), u == v, float.IsNaN(u) || float.IsNaN(v)) ? 1 : 0;
            }

            return OnnxValue.FromInts(r, shape, OnnxDataType.Bool);
        }

        return IntBinary(x, y, OnnxDataType.Bool, (u, v) => Cmp(op, u.CompareTo(v), u == v, false) ? 1 : 0);
    }

    private static bool Cmp(string op, int c, bool eq, bool nan) => !nan && op switch
    {
        "Equal" => eq,
        "Less" => c < 0,
        "Greater" => c > 0,
        "LessOrEqual" => c <= 0,
        _ => c >= 0,
    };

    // ---- activations and normalization -------------------------------------------------------

    private static Tensor Softmax(OnnxNode n, Tensor x, long opset)
    {
        var log = n.OpType == "LogSoftmax";
        if (opset >= 13)
        {
            var axis = (int)n.GetInt("axis", -1);
            return log ? Ops.LogSoftmax(x, axis) : Ops.Softmax(x, axis);
        }

        var ax = Shape.NormalizeAxis((int)n.GetInt("axis", 1), x.Rank, n.OpType);
        var dims = x.Shape.ToArray();
        var flat = Ops.Reshape(x, dims[..ax].Aggregate(1, (p, d) => p * d), dims[ax..].Aggregate(1, (p, d) => p * d));
        var y = log ? Ops.LogSoftmax(flat, 1) : Ops.Softmax(flat, 1);
        return Ops.Reshape(y, dims);
    }

    private static OnnxValue Clip(OnnxNode n, OnnxValue?[] a, long opset)
    {
        var x = Arg(n, a, 0);
        if (!x.IsFloat)
        {
            var lo = Opt(a, 1) is { } l ? I(l)[0] : long.MinValue;
            var hi = Opt(a, 2) is { } h ? I(h)[0] : long.MaxValue;
            return OnnxValue.FromInts([.. x.Ints!.Select(v => Math.Min(Math.Max(v, lo), hi))], x.ShapeArray, x.DataType);
        }

        float min, max;
        if (opset < 11)
        {
            min = n.GetFloat("min", float.NegativeInfinity);
            max = n.GetFloat("max", float.PositiveInfinity);
        }
        else
        {
            min = Opt(a, 1) is { } l ? F(l).ToArray()[0] : float.NegativeInfinity;
            max = Opt(a, 2) is { } h ? F(h).ToArray()[0] : float.PositiveInfinity;
        }

        if (min > max)
        {
            // ONNX: every element becomes max when min > max.
            return V(Ops.Add(Ops.Multiply(x.Float!, 0f), max), x.DataType);
        }

        return V(Ops.Clamp(x.Float!, min, max), x.DataType);
    }

    private static Tensor BatchNorm(OnnxNode n, OnnxValue?[] a)
    {
        if (n.GetInt("training_mode", 0) != 0 || n.Outputs.Count(o => o.Length > 0) > 1)
        {
            throw new NotSupportedException("BatchNormalization: only inference mode (one output) is supported.");
        }

        var x = F(Arg(n, a, 0));
        return Ops.BatchNorm(x, F(Arg(n, a, 1)), F(Arg(n, a, 2)), F(Arg(n, a, 3)), F(Arg(n, a, 4)), training: false, eps: n.GetFloat("epsilon", 1e-5f));
    }

    private static OnnxValue?[] LayerNorm(OnnxNode n, OnnxValue?[] a)
    {
        var x = F(Arg(n, a, 0));
        var axis = Shape.NormalizeAxis((int)n.GetInt("axis", -1), x.Rank, "LayerNormalization");
        var block = x.Shape.ToArray()[axis..];
        var eps = n.GetFloat("epsilon", 1e-5f);
        var gamma = Ops.BroadcastTo(F(Arg(n, a, 1)), new Shape(block));
        var beta = Opt(a, 2) is { } b ? Ops.BroadcastTo(F(b), new Shape(block)) : null;
        var y = V(Ops.LayerNorm(x, x.Rank - axis, gamma, beta, eps));
        if (n.Outputs.Count(o => o.Length > 0) == 1)
        {
            return [y];
        }

        // Optional statistics outputs, reduced over the normalized axes with keepdims.
        var axes = Enumerable.Range(axis, x.Rank - axis).ToArray();
        var mean = Ops.Mean(x, axes, keepDims: true);
        var centered = Ops.Subtract(x, mean);
        var variance = Ops.Mean(Ops.Multiply(centered, centered), axes, keepDims: true);
        var invStd = Ops.Divide(Tensor.Scalar(1f), Ops.Sqrt(Ops.Add(variance, eps)));
        return [y, V(mean), V(invStd)];
    }

    private static OnnxValue?[] Dropout(OnnxNode n, OnnxValue?[] a)
    {
        var x = Arg(n, a, 0);
        if (Opt(a, 2) is { } training && I(training)[0] != 0)
        {
            throw new NotSupportedException("Dropout: training mode is not supported.");
        }

        var mask = n.Outputs.Count > 1 ? OnnxValue.FromInts(Enumerable.Repeat(1L, x.Size).ToArray(), x.ShapeArray, OnnxDataType.Bool) : null;
        return [x, mask];
    }

    // ---- linear algebra, convolution, pooling ----------------------------------------------

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

    private static int[] Ints(OnnxNode n, string name, int count, int fallback)
    {
        var v = n.GetInts(name);
        return v is null || v.Length == 0 ? Enumerable.Repeat(fallback, count).ToArray() : ToInts(v);
    }

    /// <summary>Begin/end pads per spatial axis, resolving auto_pad.</summary>
    private static (int[] Begin, int[] End) ConvPads(OnnxNode n, int[] input, int[] kernel, int[] strides, int[] dilations)
    {
        var k = kernel.Length;
        var autoPad = n.GetString("auto_pad") ?? "NOTSET";
        var begin = new int[k];
        var end = new int[k];
        if (autoPad is "NOTSET" or "")
        {
            var pads = Ints(n, "pads", 2 * k, 0);
            for (var i = 0; i < k; i++)
            {
                (begin[i], end[i]) = (pads[i], pads[i + k]);
            }
        }
        else if (autoPad is "SAME_UPPER" or "SAME_LOWER")
        {
            for (var i = 0; i < k; i++)
            {
                var outSize = (input[i] + strides[i] - 1) / strides[i];
                var total = Math.Max(0, ((outSize - 1) * strides[i]) + ((kernel[i] - 1) * dilations[i]) + 1 - input[i]);
                var small = total / 2;
                (begin[i], end[i]) = autoPad == "SAME_UPPER" ? (small, total - small) : (total - small, small);
            }
        }
        else if (autoPad != "VALID")
        {
            throw new NotSupportedException($"{n.OpType}: auto_pad '{autoPad}' is not supported.");
        }

        return (begin, end);
    }

    /// <summary>Lifts a 1-D (rank 3) input to 2-D by inserting a height of 1.</summary>
    private static (Tensor X, bool Lifted) Lift(OnnxNode n, Tensor x)
    {
        if (x.Rank == 3)
        {
            return (Ops.Unsqueeze(x, 2), true);
        }

        if (x.Rank != 4)
        {
            throw new NotSupportedException($"{n.OpType}: only 1-D and 2-D spatial inputs are supported (got shape {x.Shape}).");
        }

        return (x, false);
    }

    private static int[] Lift(int[] v, int fill, bool lifted) => lifted ? [fill, .. v] : v;

    private static Tensor Conv(OnnxNode n, OnnxValue?[] a)
    {
        var (x, lifted) = Lift(n, F(Arg(n, a, 0)));
        var w = F(Arg(n, a, 1));
        if (lifted)
        {
            w = Ops.Unsqueeze(w, 2);
        }

        var b = Opt(a, 2) is { } bv ? F(bv) : null;
        var y = Ops.Conv2d(x, w, b, ConvGeometry(n, x, w, lifted));
        return lifted ? Ops.Squeeze(y, 2) : y;
    }

    /// <summary>
    /// A Conv node followed by Relu and a 2×2 stride-2 MaxPool (<see cref="OnnxFusion"/> checks the
    /// nodes) as one fused operation, with the same values and gradients; null when the input is
    /// not 2-D spatial, so the caller runs the three nodes one by one.
    /// </summary>
    internal static Tensor? ConvReluMaxPool(OnnxNode conv, OnnxValue?[] a)
    {
        var x = F(Arg(conv, a, 0));
        var w = F(Arg(conv, a, 1));
        if (x.Rank != 4 || w.Rank != 4)
        {
            return null;
        }

        var b = Opt(a, 2) is { } bv ? F(bv) : null;
        return Ops.Conv2dReluMaxPool2x2(x, w, b, ConvGeometry(conv, x, w, lifted: false));
    }

    private static Conv2dGeometry ConvGeometry(OnnxNode n, Tensor x, Tensor w, bool lifted)
    {
        var k = lifted ? 1 : 2;
        var kernel = w.Shape.ToArray()[2..];
        var strides = Lift(Ints(n, "strides", k, 1), 1, lifted);
        var dil = Lift(Ints(n, "dilations", k, 1), 1, lifted);
        var spatial = x.Shape.ToArray()[2..];
        var (pb, pe) = ConvPads(n, lifted ? spatial[1..] : spatial, lifted ? kernel[1..] : kernel, lifted ? strides[1..] : strides, lifted ? dil[1..] : dil);
        pb = Lift(pb, 0, lifted);
        pe = Lift(pe, 0, lifted);
        return new Conv2dGeometry(strides[0], strides[1], pb[0], pb[1], pe[0], pe[1], dil[0], dil[1], (int)n.GetInt("group", 1));
    }

    private static Tensor ConvTranspose(OnnxNode n, OnnxValue?[] a)
    {
        var (x, lifted) = Lift(n, F(Arg(n, a, 0)));
        var w = F(Arg(n, a, 1));
        if (lifted)
        {
            w = Ops.Unsqueeze(w, 2);
        }

        var b = Opt(a, 2) is { } bv ? F(bv) : null;
        var k = lifted ? 1 : 2;
        var kernel = w.Shape.ToArray()[2..];
        var strides = Lift(Ints(n, "strides", k, 1), 1, lifted);
        var dil = Lift(Ints(n, "dilations", k, 1), 1, lifted);
        var outPad = Lift(Ints(n, "output_padding", k, 0), 0, lifted);
        var spatial = x.Shape.ToArray()[2..];
        var pb = new int[2];
        var pe = new int[2];
        var outputShape = n.GetInts("output_shape");
        var autoPad = n.GetString("auto_pad") ?? "NOTSET";
        if (outputShape is { Length: > 0 } || autoPad is "SAME_UPPER" or "SAME_LOWER")
        {
            var target = outputShape is { Length: > 0 }
                ? Lift(ToInts(outputShape[^k..]), 1, lifted)
                : [spatial[0] * strides[0], spatial[1] * strides[1]];
            for (var i = 0; i < 2; i++)
            {
                var full = (strides[i] * (spatial[i] - 1)) + outPad[i] + ((kernel[i] - 1) * dil[i]) + 1;
                var total = full - target[i];
                if (total < 0)
                {
                    // Extra output beyond the natural size goes to output padding.
                    outPad[i] -= total;
                    total = 0;
                }

                (pb[i], pe[i]) = autoPad == "SAME_UPPER" ? (total / 2, total - (total / 2)) : (total - (total / 2), total / 2);
            }
        }
        else if (autoPad is "NOTSET" or "" or "VALID")
        {
            var pads = autoPad == "VALID" ? new int[2 * k] : Ints(n, "pads", 2 * k, 0);
            for (var i = 0; i < k; i++)
            {
                (pb[i + 2 - k], pe[i + 2 - k]) = (pads[i], pads[i + k]);
            }
        }
        else
        {
            throw new NotSupportedException($"ConvTranspose: auto_pad '{autoPad}' is not supported.");
        }

        var geo = new ConvTranspose2dGeometry(strides[0], strides[1], pb[0], pb[1], pe[0], pe[1], dil[0], dil[1], outPad[0], outPad[1], (int)n.GetInt("group", 1));
        var y = Ops.ConvTranspose2d(x, w, b, geo);
        return lifted ? Ops.Squeeze(y, 2) : y;
    }

    private static OnnxValue?[] Pool(OnnxNode n, OnnxValue?[] a)
    {
        if (n.Outputs.Count(o => o.Length > 0) > 1)
        {
            throw new NotSupportedException("MaxPool: the Indices output is not supported.");
        }

        var (x, lifted) = Lift(n, F(Arg(n, a, 0)));
        var kernelAttr = n.GetInts("kernel_shape") ?? throw new ArgumentException($"{n.OpType}: kernel_shape is required.");
        var k = kernelAttr.Length;
        var kernel = Lift(ToInts(kernelAttr), 1, lifted);
        var strides = Lift(Ints(n, "strides", k, 1), 1, lifted);
        var dil = Lift(Ints(n, "dilations", k, 1), 1, lifted);
        var spatial = x.Shape.ToArray()[2..];
        var ceil = n.GetInt("ceil_mode", 0) != 0;
        var (pb, pe) = ConvPads(n, lifted ? spatial[1..] : spatial, lifted ? kernel[1..] : kernel, lifted ? strides[1..] : strides, lifted ? dil[1..] : dil);
        pb = Lift(pb, 0, lifted);
        pe = Lift(pe, 0, lifted);
        var geo = new Pool2dGeometry(kernel[0], kernel[1], strides[0], strides[1], pb[0], pb[1], pe[0], pe[1], dil[0], dil[1], ceil, n.GetInt("count_include_pad", 0) != 0);
        var y = n.OpType == "MaxPool" ? Ops.MaxPool2d(x, geo) : Ops.AvgPool2d(x, geo);
        return [V(lifted ? Ops.Squeeze(y, 2) : y)];
    }

    private static Tensor GlobalAveragePool(Tensor x)
    {
        var axes = Enumerable.Range(2, x.Rank - 2).ToArray();
        return Ops.Mean(x, axes, keepDims: true);
    }

    // ---- shape manipulation ----------------------------------------------------------------

    private static OnnxValue Flatten(OnnxNode n, OnnxValue x)
    {
        var dims = x.ShapeArray;
        var axis = (int)n.GetInt("axis", 1);
        if (axis < 0)
        {
            axis += dims.Length;
        }

        var outer = dims[..axis].Aggregate(1, (p, d) => p * d);
        var inner = dims[axis..].Aggregate(1, (p, d) => p * d);
        return ReshapeValue(x, [outer, inner]);
    }

    private static OnnxValue ReshapeValue(OnnxValue x, int[] shape) =>
        x.IsFloat ? V(Ops.Reshape(x.Float!, shape), x.DataType) : OnnxValue.FromInts(x.Ints!, shape, x.DataType);

    private static OnnxValue Reshape(OnnxNode n, OnnxValue?[] a, long opset)
    {
        var x = Arg(n, a, 0);
        var target = ToInts(opset < 5 ? n.GetInts("shape") ?? [] : I(Arg(n, a, 1)));
        var allowZero = n.GetInt("allowzero", 0) != 0;
        var dims = x.ShapeArray;
        for (var i = 0; i < target.Length; i++)
        {
            if (target[i] == 0 && !allowZero)
            {
                target[i] = dims[i];
            }
        }

        if (target.Contains(-1))
        {
            var known = target.Where(d => d != -1).Aggregate(1, (p, d) => p * d);
            target[Array.IndexOf(target, -1)] = known == 0 ? 0 : x.Size / known;
        }

        return ReshapeValue(x, target);
    }

    private static OnnxValue Transpose(OnnxNode n, OnnxValue x)
    {
        var rank = x.Dims.Count;
        var perm = n.GetInts("perm") is { Length: > 0 } p ? ToInts(p) : Enumerable.Range(0, rank).Reverse().ToArray();
        if (x.IsFloat)
        {
            return V(Ops.Permute(x.Float!, perm), x.DataType);
        }

        var y = Ops.Permute(F(x), perm);
        return OnnxValue.FromInts(I(OnnxValue.FromTensor(y)), y.Shape.ToArray(), x.DataType);
    }

    private static int[] AxesOf(OnnxNode n, OnnxValue?[] a, long opset, long inputFrom, int rank)
    {
        long[]? axes = opset >= inputFrom ? (Opt(a, 1) is { } v ? I(v) : null) : n.GetInts("axes");
        return axes is null ? [] : [.. axes.Select(ax => (int)(ax < 0 ? ax + rank : ax)).Order()];
    }

    private static OnnxValue Squeeze(OnnxNode n, OnnxValue?[] a, long opset)
    {
        var x = Arg(n, a, 0);
        var dims = x.ShapeArray;
        var axes = AxesOf(n, a, opset, 13, dims.Length);
        if (axes.Length == 0)
        {
            axes = [.. Enumerable.Range(0, dims.Length).Where(i => dims[i] == 1)];
        }

        foreach (var ax in axes)
        {
            if (dims[ax] != 1)
            {
                throw new ArgumentException($"Squeeze: axis {ax} of shape [{string.Join(", ", dims)}] is not 1.");
            }
        }

        return ReshapeValue(x, [.. dims.Where((_, i) => !axes.Contains(i))]);
    }

    private static OnnxValue Unsqueeze(OnnxNode n, OnnxValue?[] a, long opset)
    {
        var x = Arg(n, a, 0);
        var dims = x.ShapeArray;
        var raw = opset >= 13 ? I(Arg(n, a, 1)) : n.GetInts("axes") ?? [];
        var outRank = dims.Length + raw.Length;
        var axes = raw.Select(ax => (int)(ax < 0 ? ax + outRank : ax)).ToHashSet();
        var result = new int[outRank];
        var src = 0;
        for (var i = 0; i < outRank; i++)
        {
            result[i] = axes.Contains(i) ? 1 : dims[src++];
        }

        return ReshapeValue(x, result);
    }

    private static OnnxValue Concat(OnnxNode n, OnnxValue?[] a)
    {
        var items = a.Where(v => v is not null).Select(v => v!).ToArray();
        var rank = items[0].Dims.Count;
        var axis = (int)n.GetInt("axis", 0);
        axis = axis < 0 ? axis + rank : axis;
        if (items.Any(v => v.IsFloat))
        {
            var parts = items.Where(v => v.Size > 0 || items.Length == 1).Select(F).ToArray();
            return V(parts.Length == 0 ? F(items[0]) : Ops.Concat(parts, axis), items.First(v => v.IsFloat).DataType);
        }

        var outer = items[0].ShapeArray[..axis].Aggregate(1, (p, d) => p * d);
        var shape = (int[])items[0].ShapeArray.Clone();
        shape[axis] = items.Sum(v => v.ShapeArray[axis]);
        var result = new List<long>();
        for (var o = 0; o < outer; o++)
        {
            foreach (var v in items)
            {
                var block = v.ShapeArray[axis..].Aggregate(1, (p, d) => p * d);
                result.AddRange(v.Ints!.AsSpan(o * block, block).ToArray());
            }
        }

        return OnnxValue.FromInts([.. result], shape, items[0].DataType);
    }

    private static OnnxValue Slice(OnnxNode n, OnnxValue?[] a, long opset)
    {
        var x = Arg(n, a, 0);
        var dims = x.ShapeArray;
        long[] starts, ends, axes, steps;
        if (opset < 10)
        {
            starts = n.GetInts("starts")!;
            ends = n.GetInts("ends")!;
            axes = n.GetInts("axes") ?? [.. Enumerable.Range(0, starts.Length).Select(i => (long)i)];
            steps = [.. starts.Select(_ => 1L)];
        }
        else
        {
            starts = I(Arg(n, a, 1));
            ends = I(Arg(n, a, 2));
            axes = Opt(a, 3) is { } av ? I(av) : [.. Enumerable.Range(0, starts.Length).Select(i => (long)i)];
            steps = Opt(a, 4) is { } sv ? I(sv) : [.. starts.Select(_ => 1L)];
        }

        var value = x;
        for (var i = 0; i < starts.Length; i++)
        {
            var ax = (int)(axes[i] < 0 ? axes[i] + dims.Length : axes[i]);
            long dim = dims[ax];
            var step = steps[i];
            if (step == 0)
            {
                throw new ArgumentException("Slice: step 0 is invalid.");
            }

            long s = starts[i], e = ends[i];
            s = s < 0 ? s + dim : s;
            e = e < 0 ? e + dim : e;
            var indices = new List<int>();
            if (step > 0)
            {
                s = Math.Clamp(s, 0, dim);
                e = Math.Clamp(e, 0, dim);
                for (var k = s; k < e; k += step)
                {
                    indices.Add((int)k);
                }
            }
            else
            {
                s = Math.Clamp(s, 0, dim - 1);
                e = Math.Clamp(e, -1, dim - 1);
                for (var k = s; k > e; k += step)
                {
                    indices.Add((int)k);
                }
            }

            value = Select(value, ax, [.. indices]);
        }

        return value;
    }

    /// <summary>Selects <paramref name="indices"/> along <paramref name="axis"/> (float: differentiable).</summary>
    private static OnnxValue Select(OnnxValue x, int axis, int[] indices)
    {
        var dims = x.ShapeArray;
        if (x.IsFloat)
        {
            if (indices.Length == 0)
            {
                var shape = (int[])dims.Clone();
                shape[axis] = 0;
                return V(Tensor.Zeros(shape), x.DataType);
            }

            var contiguous = indices.Select((v, i) => v - i).Distinct().Count() == 1;
            if (contiguous && indices.Length == dims[axis])
            {
                return x;
            }

            var t = contiguous ? Ops.Slice(x.Float!, axis, indices[0], indices[0] + indices.Length) : Ops.IndexSelect(x.Float!, axis, indices);
            return V(t, x.DataType);
        }

        var outer = dims[..axis].Aggregate(1, (p, d) => p * d);
        var inner = dims[(axis + 1)..].Aggregate(1, (p, d) => p * d);
        var r = new long[outer * indices.Length * inner];
        var pos = 0;
        for (var o = 0; o < outer; o++)
        {
            foreach (var idx in indices)
            {
                Array.Copy(x.Ints!, ((o * dims[axis]) + idx) * inner, r, pos, inner);
                pos += inner;
            }
        }

        var outShape = (int[])dims.Clone();
        outShape[axis] = indices.Length;
        return OnnxValue.FromInts(r, outShape, x.DataType);
    }

    private static OnnxValue Gather(OnnxNode n, OnnxValue data, OnnxValue indices)
    {
        var dims = data.ShapeArray;
        var axis = (int)n.GetInt("axis", 0);
        axis = axis < 0 ? axis + dims.Length : axis;
        var idx = I(indices).Select(v => (int)(v < 0 ? v + dims[axis] : v)).ToArray();
        if (idx.Any(v => v < 0 || v >= dims[axis]))
        {
            throw new ArgumentException($"Gather: an index is out of range for axis {axis} of size {dims[axis]}.");
        }

        var selected = Select(data, axis, idx);
        if (selected == data && idx.Length == dims[axis])
        {
            selected = data;
        }

        int[] shape = [.. dims[..axis], .. indices.ShapeArray, .. dims[(axis + 1)..]];
        return ReshapeValue(selected, shape);
    }

    private static OnnxValue ShapeOp(OnnxNode n, OnnxValue x)
    {
        var dims = x.ShapeArray;
        var rank = dims.Length;
        var start = (int)n.GetInt("start", 0);
        var end = (int)n.GetInt("end", rank);
        start = Math.Clamp(start < 0 ? start + rank : start, 0, rank);
        end = Math.Clamp(end < 0 ? end + rank : end, 0, rank);
        var r = dims[start..Math.Max(start, end)].Select(d => (long)d).ToArray();
        return OnnxValue.FromInts(r, [r.Length]);
    }

    private static OnnxValue Constant(OnnxNode n)
    {
        if (n.Attributes.TryGetValue("value", out var t) && t.Tensor is not null)
        {
            return OnnxValue.FromOnnxTensor(t.Tensor);
        }

        if (n.Attributes.TryGetValue("value_float", out var f))
        {
            return V(Tensor.Scalar(f.Float));
        }

        if (n.Attributes.TryGetValue("value_floats", out var fs))
        {
            return V(Tensor.FromArray([.. fs.Floats], fs.Floats.Count));
        }

        if (n.Attributes.TryGetValue("value_int", out var i))
        {
            return OnnxValue.FromInts([i.Int], []);
        }

        if (n.Attributes.TryGetValue("value_ints", out var iv))
        {
            return OnnxValue.FromInts([.. iv.Ints], [iv.Ints.Count]);
        }

        throw new NotSupportedException("Constant: only tensor, float(s) and int(s) values are supported.");
    }

    private static OnnxValue ConstantOfShape(OnnxNode n, OnnxValue shapeValue)
    {
        var shape = ToInts(I(shapeValue));
        var size = shape.Aggregate(1, (p, d) => p * d);
        var proto = n.Attributes.TryGetValue("value", out var t) && t.Tensor is not null ? OnnxValue.FromOnnxTensor(t.Tensor) : null;
        if (proto is null || proto.IsFloat)
        {
            var fill = proto is null ? 0f : proto.Float!.ToArray()[0];
            return V(Tensor.FromArray(Enumerable.Repeat(fill, size).ToArray(), shape), proto?.DataType ?? OnnxDataType.Float);
        }

        return OnnxValue.FromInts(Enumerable.Repeat(proto.Ints![0], size).ToArray(), shape, proto.DataType);
    }

    private static OnnxValue Cast(OnnxNode n, OnnxValue x)
    {
        var to = (OnnxDataType)n.GetInt("to", 1);
        if (to is OnnxDataType.Float or OnnxDataType.Double)
        {
            return x.IsFloat ? V(x.Float!, to) : V(F(x), to);
        }

        if (to is OnnxDataType.String or OnnxDataType.Float16 or OnnxDataType.BFloat16 or OnnxDataType.Complex64 or OnnxDataType.Complex128 or OnnxDataType.Undefined
            || OnnxTensor.ElementSize(to) == 0)
        {
            throw new NotSupportedException($"Cast: target type {to} is not supported.");
        }

        long[] values;
        if (x.IsFloat)
        {
            var src = x.Float!.ToArray();
            values = new long[src.Length];
            for (var i = 0; i < src.Length; i++)
            {
                values[i] = to == OnnxDataType.Bool ? (src[i] != 0 ? 1 : 0) : (long)Math.Truncate(src[i]);
            }
        }
        else
        {
            values = [.. x.Ints!.Select(v => to == OnnxDataType.Bool ? (v != 0 ? 1L : 0L) : v)];
        }

        values = [.. values.Select(v => Wrap(v, to))];
        return OnnxValue.FromInts(values, x.ShapeArray, to);
    }

    private static long Wrap(long v, OnnxDataType to) => to switch
    {
        OnnxDataType.UInt8 => (byte)v,
        OnnxDataType.Int8 => (sbyte)v,
        OnnxDataType.UInt16 => (ushort)v,
        OnnxDataType.Int16 => (short)v,
        OnnxDataType.Int32 => (int)v,
        OnnxDataType.UInt32 => (uint)v,
        _ => v,
    };

    private static OnnxValue Where(OnnxNode n, OnnxValue c, OnnxValue x, OnnxValue y)
    {
        if (x.IsFloat || y.IsFloat)
        {
            return V(Ops.Where(F(c), F(x), F(y)), FloatType(x, y));
        }

        var shape = BroadcastShape(BroadcastShape(c.ShapeArray, x.ShapeArray, n.OpType), y.ShapeArray, n.OpType);
        var (mc, mx, my) = (BroadcastIndex(c.ShapeArray, shape), BroadcastIndex(x.ShapeArray, shape), BroadcastIndex(y.ShapeArray, shape));
        var (ci, xi, yi) = (I(c), I(x), I(y));
        var r = new long[mc.Length];
        for (var i = 0; i < r.Length; i++)
        {
            r[i] = ci[mc[i]] != 0 ? xi[mx[i]] : yi[my[i]];
        }

        return OnnxValue.FromInts(r, shape, x.DataType);
    }

    private static OnnxValue Expand(OnnxValue x, long[] shape)
    {
        var target = BroadcastShape(x.ShapeArray, ToInts(shape), "Expand");
        if (x.IsFloat)
        {
            return V(Ops.BroadcastTo(x.Float!, new Shape(target)), x.DataType);
        }

        var map = BroadcastIndex(x.ShapeArray, target);
        return OnnxValue.FromInts([.. map.Select(i => x.Ints![i])], target, x.DataType);
    }

    private static OnnxValue Reduce(OnnxNode n, OnnxValue?[] a, long opset)
    {
        var x = F(Arg(n, a, 0));
        var inputFrom = n.OpType == "ReduceSum" ? 13 : 18;
        if (!Arg(n, a, 0).IsFloat && n.OpType is not ("ReduceSum" or "ReduceMax" or "ReduceMin" or "ReduceMean"))
        {
            throw new NotSupportedException($"{n.OpType}: integer inputs are not supported.");
        }

        var axes = AxesOf(n, a, opset, inputFrom, x.Rank);
        var keep = n.GetInt("keepdims", 1) != 0;
        if (axes.Length == 0)
        {
            if (n.GetInt("noop_with_empty_axes", 0) != 0)
            {
                return Arg(n, a, 0);
            }

            axes = [.. Enumerable.Range(0, x.Rank)];
        }

        if (x.Size == 0)
        {
            throw new NotSupportedException($"{n.OpType}: empty inputs are not supported.");
        }

        var y = ReduceOver(n.OpType, x, axes, keep);
        var result = V(y, Arg(n, a, 0).DataType == OnnxDataType.Double ? OnnxDataType.Double : OnnxDataType.Float);
        return Arg(n, a, 0).IsFloat ? result : OnnxValue.FromInts(I(result), y.Shape.ToArray(), Arg(n, a, 0).DataType);
    }

    private static OnnxValue ArgMax(OnnxNode n, Tensor x)
    {
        var axis = Shape.NormalizeAxis((int)n.GetInt("axis", 0), x.Rank, "ArgMax");
        var keep = n.GetInt("keepdims", 1) != 0;
        int[] idx;
        if (n.GetInt("select_last_index", 0) != 0)
        {
            // Reverse along the axis, take the first maximum, map back.
            var dim = x.Dim(axis);
            var rev = Ops.IndexSelect(x, axis, [.. Enumerable.Range(0, dim).Reverse()]);
            idx = [.. Ops.ArgMax(rev, axis).Select(i => dim - 1 - i)];
        }
        else
        {
            idx = Ops.ArgMax(x, axis);
        }

        var dims = x.Shape.ToArray();
        int[] shape = keep ? [.. dims[..axis], 1, .. dims[(axis + 1)..]] : [.. dims[..axis], .. dims[(axis + 1)..]];
        return OnnxValue.FromInts([.. idx.Select(i => (long)i)], shape);
    }

    private static OnnxValue Pad(OnnxNode n, OnnxValue?[] a, long opset)
    {
        var mode = n.GetString("mode") ?? "constant";
        if (mode is not ("constant" or "edge" or "reflect" or "wrap"))
        {
            throw new NotSupportedException($"Pad: mode '{mode}' is not supported.");
        }

        var x = F(Arg(n, a, 0));
        var rank = x.Rank;
        long[] raw;
        float value;
        if (opset < 11)
        {
            raw = n.GetInts("pads") ?? n.GetInts("paddings") ?? [];
            value = n.GetFloat("value", 0f);
        }
        else
        {
            raw = I(Arg(n, a, 1));
            value = Opt(a, 2) is { } cv && cv.Size > 0 ? F(cv).ToArray()[0] : 0f;
        }

        var axes = Opt(a, 3) is { } av ? I(av).Select(v => (int)(v < 0 ? v + rank : v)).ToArray() : Enumerable.Range(0, rank).ToArray();
        var k = axes.Length;
        var pads = new int[2 * rank];
        for (var i = 0; i < k; i++)
        {
            pads[2 * axes[i]] = checked((int)raw[i]);
            pads[(2 * axes[i]) + 1] = checked((int)raw[i + k]);
        }

        if (mode == "constant")
        {
            return AsTypeOf(V(Ops.Pad(x, pads, value), Arg(n, a, 0).DataType), Arg(n, a, 0));
        }

        // edge / reflect / wrap: every output position reads an input index along each axis.
        var result = Arg(n, a, 0);
        for (var axis = 0; axis < rank; axis++)
        {
            var (before, after) = (pads[2 * axis], pads[(2 * axis) + 1]);
            if (before == 0 && after == 0)
            {
                continue;
            }

            var d = result.ShapeArray[axis];
            var indices = new int[d + before + after];
            for (var i = 0; i < indices.Length; i++)
            {
                var j = i - before;
                indices[i] = mode switch
                {
                    "edge" => Math.Clamp(j, 0, d - 1),
                    "wrap" => ((j % d) + d) % d,
                    _ => Reflect(j, d),
                };
            }

            result = Select(result, axis, indices);
        }

        return result;
    }

    private static int Reflect(int j, int d)
    {
        if (d == 1)
        {
            return 0;
        }

        var period = 2 * (d - 1);
        j = ((j % period) + period) % period;
        return j < d ? j : period - j;
    }

    private static OnnxValue Range(OnnxValue start, OnnxValue limit, OnnxValue delta)
    {
        if (start.IsFloat)
        {
            var (s, l, d) = (F(start).ToArray()[0], F(limit).ToArray()[0], F(delta).ToArray()[0]);
            var count = Math.Max(0, (int)Math.Ceiling((l - s) / d));
            var r = new float[count];
            for (var i = 0; i < count; i++)
            {
                r[i] = s + (i * d);
            }

            return V(Tensor.FromArray(r, count), start.DataType);
        }

        var (si, li, di) = (I(start)[0], I(limit)[0], I(delta)[0]);
        var c = (int)Math.Max(0, (long)Math.Ceiling((li - si) / (double)di));
        return OnnxValue.FromInts([.. Enumerable.Range(0, c).Select(i => si + (i * di))], [c], start.DataType);
    }
}
