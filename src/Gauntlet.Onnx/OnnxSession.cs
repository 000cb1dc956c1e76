using Gauntlet.Onnx.Operators;
using Gauntlet.Tensors;

namespace Gauntlet.Onnx;

/// <summary>
/// Evaluates an ONNX graph on Gauntlet tensors, node by node in topological order. Float
/// values go through differentiable <see cref="Ops"/>, so <c>Autodiff.Grad</c> of a loss on an
/// output with respect to an input tensor works; integer values (shapes, indices) are evaluated
/// on a non-differentiable side path. Intermediates are released after their last use.
/// </summary>
public sealed class OnnxSession
{
    private readonly OnnxModel _model;
    private readonly OnnxNode[] _order;
    private readonly Dictionary<string, OnnxValue> _constants = [];
    private readonly Dictionary<string, int> _lastUse = [];
    private readonly bool[] _convReluPool;

    /// <summary>Prepares a session: checks every op is supported and sorts the nodes.</summary>
    /// <param name="model">The loaded model.</param>
    /// <exception cref="NotSupportedException">The graph uses operators this executor lacks (all are listed).</exception>
    /// <exception cref="InvalidDataException">The graph is not a DAG or uses undefined values.</exception>
    public OnnxSession(OnnxModel model)
    {
        ArgumentNullException.ThrowIfNull(model);
        _model = model;
        Opset = model.DefaultOpset;
        var unsupported = UnsupportedOps(model);
        if (unsupported.Count > 0)
        {
            throw new NotSupportedException($"ONNX: unsupported operator(s) in '{model.Path ?? model.Graph.Name}': {string.Join(", ", unsupported)}.");
        }

        foreach (var (name, t) in model.Graph.Initializers)
        {
            if (t.IntData is not null || t.DataType is OnnxDataType.Float or OnnxDataType.Double)
            {
                _constants[name] = OnnxValue.FromOnnxTensor(t);
            }
        }

        var unusable = model.Graph.Initializers.Keys.Where(k => !_constants.ContainsKey(k)).ToHashSet(StringComparer.Ordinal);
        var usedUnusable = model.Graph.Nodes.SelectMany(n => n.Inputs).Where(unusable.Contains).Distinct(StringComparer.Ordinal).ToList();
        if (usedUnusable.Count > 0)
        {
            throw new NotSupportedException("ONNX: initializer(s) of unsupported element type: " +
                string.Join(", ", usedUnusable.Select(k => $"'{k}' ({model.Graph.Initializers[k].DataType})")) + ".");
        }

        _order = TopologicalOrder(model);
        for (var i = 0; i < _order.Length; i++)
        {
            foreach (var input in _order[i].Inputs)
            {
                if (input.Length > 0)
                {
                    _lastUse[input] = i;
                }
            }
        }

        foreach (var o in model.Graph.Outputs)
        {
            _lastUse[o.Name] = int.MaxValue;
        }

        _convReluPool = OnnxFusion.ConvReluPoolStarts(_order, _lastUse);
        PenultimateValue = _order.LastOrDefault(n =>
            n.OpType is "Gemm" or "MatMul" && (n.Domain.Length == 0 || n.Domain == "ai.onnx")
            && n.Inputs.Count > 0 && n.Inputs[0].Length > 0 && !_constants.ContainsKey(n.Inputs[0]))?.Inputs[0];
        ScoreOutput = PickScoreOutput(model);
    }

    /// <summary>
    /// The output <see cref="Forward"/> returns: the first output, unless the graph has several and
    /// the first is not float (a scikit-learn classifier's label output): then the probability
    /// output (a ZipMap's, which is the probability tensor here), else the first float output.
    /// </summary>
    public string ScoreOutput { get; }

    /// <summary>True when some node's output does not depend differentiably on its input (a tree ensemble, an SVM): input gradients through the graph are then zero or absent.</summary>
    public bool HasNonDifferentiableOps => _model.Graph.Nodes.Any(n => n.Domain == MlOps.Domain && MlOps.NonDifferentiable.Contains(n.OpType));

    /// <summary>
    /// True when <see cref="ScoreOutput"/> holds class probabilities: it comes (through ZipMap,
    /// Identity or Cast) from an ONNX-ML classifier whose scores are probabilities (post_transform
    /// SOFTMAX, LOGISTIC or SOFTMAX_ZERO, or a tree ensemble averaging positive leaf weights).
    /// </summary>
    public bool ScoresAreProbabilities
    {
        get
        {
            var producers = _model.Graph.Nodes.SelectMany(n => n.Outputs.Select((o, i) => (o, n, i))).Where(t => t.o.Length > 0)
                .GroupBy(t => t.o, StringComparer.Ordinal).ToDictionary(g => g.Key, g => (g.First().n, g.First().i), StringComparer.Ordinal);
            var name = ScoreOutput;
            for (var hops = 0; hops < 8 && producers.TryGetValue(name, out var p); hops++)
            {
                if (p.n.OpType is "ZipMap" or "Identity" or "Cast" && p.n.Inputs.Count > 0)
                {
                    name = p.n.Inputs[0];
                    continue;
                }

                if (p.n.Domain != MlOps.Domain || p.i != 1 || !p.n.OpType.EndsWith("Classifier", StringComparison.Ordinal))
                {
                    return false;
                }

                var post = p.n.GetString("post_transform") ?? "NONE";
                return post is "SOFTMAX" or "LOGISTIC" or "SOFTMAX_ZERO"
                    || (post == "NONE" && p.n.OpType == "TreeEnsembleClassifier" && (p.n.Attributes.TryGetValue("class_weights", out var w) ? w.Floats.All(v => v >= 0) : false));
            }

            return false;
        }
    }

    private static string PickScoreOutput(OnnxModel model)
    {
        var outputs = model.Graph.Outputs;
        if (outputs.Count < 2 || outputs[0].ElementType is OnnxDataType.Float or OnnxDataType.Double)
        {
            return outputs.Count == 0 ? "" : outputs[0].Name;
        }

        var zipped = model.Graph.Nodes.Where(n => n.OpType == "ZipMap" && n.Domain == MlOps.Domain).SelectMany(n => n.Outputs).ToHashSet(StringComparer.Ordinal);
        return (outputs.FirstOrDefault(o => zipped.Contains(o.Name))
            ?? outputs.FirstOrDefault(o => o.ElementType is OnnxDataType.Float or OnnxDataType.Double)
            ?? outputs[0]).Name;
    }

    /// <summary>
    /// The value the graph's last dense layer (its last <c>Gemm</c> or <c>MatMul</c> in evaluation
    /// order whose first input is computed, not a weight) reads: a classifier's penultimate-layer
    /// activations. Null when the graph has no such node.
    /// </summary>
    public string? PenultimateValue { get; }

    /// <summary>The default-domain opset the graph is evaluated under.</summary>
    public long Opset { get; }

    /// <summary>The model.</summary>
    public OnnxModel Model => _model;

    /// <summary>Operator types this executor implements: default-domain names, and <c>ai.onnx.ml.</c>-qualified names for the ONNX-ML operators.</summary>
    public static IReadOnlySet<string> SupportedOps => OnnxOperatorTable.Supported;

    /// <summary>The distinct operators in <paramref name="model"/> that are not supported, sorted.</summary>
    /// <param name="model">The model.</param>
    /// <returns>Operator names (domain-qualified for non-default domains).</returns>
    public static IReadOnlyList<string> UnsupportedOps(OnnxModel model)
    {
        ArgumentNullException.ThrowIfNull(model);
        return [.. model.Graph.Nodes
            .Select(OnnxOperatorTable.Key)
            .Where(k => !OnnxOperatorTable.Supported.Contains(k))
            .Distinct(StringComparer.Ordinal)
            .Order(StringComparer.Ordinal)];
    }

    /// <summary>Runs the graph.</summary>
    /// <param name="inputs">Values for the runtime inputs, by name.</param>
    /// <returns>The graph outputs, by name.</returns>
    /// <exception cref="ArgumentException">An input is missing.</exception>
    /// <exception cref="NotSupportedException">A node uses an attribute value or type the executor lacks.</exception>
    public Dictionary<string, OnnxValue> Run(IReadOnlyDictionary<string, OnnxValue> inputs) => Run(inputs, null);

    /// <summary>
    /// Runs a single-input graph only as far as the node that produces <paramref name="value"/>
    /// (for example <see cref="PenultimateValue"/>) and returns that float value, differentiably.
    /// </summary>
    /// <param name="input">The input tensor.</param>
    /// <param name="value">The name of a value the graph computes.</param>
    /// <returns>The value.</returns>
    /// <exception cref="ArgumentException">No node produces <paramref name="value"/>, or it is not a float tensor.</exception>
    public Tensor ForwardTo(Tensor input, string value)
    {
        ArgumentNullException.ThrowIfNull(value);
        if (!_order.Any(n => n.Outputs.Contains(value)))
        {
            throw new ArgumentException($"ONNX: no node of '{_model.Path ?? _model.Graph.Name}' produces '{value}'.", nameof(value));
        }

        var first = _model.Graph.RuntimeInputs.FirstOrDefault()
            ?? throw new InvalidOperationException("ONNX: the graph has no runtime inputs.");
        var result = Run(new Dictionary<string, OnnxValue> { [first.Name] = OnnxValue.FromTensor(input) }, value);
        return result[value].Float ?? throw new ArgumentException($"ONNX: value '{value}' is not a float tensor.", nameof(value));
    }

    // Evaluates the graph; with stopAt, returns as soon as that value exists (fusion off, so it is
    // never an intermediate that a fused Conv → Relu → MaxPool skips).
    private Dictionary<string, OnnxValue> Run(IReadOnlyDictionary<string, OnnxValue> inputs, string? stopAt)
    {
        ArgumentNullException.ThrowIfNull(inputs);
        var env = new Dictionary<string, OnnxValue>(_constants, StringComparer.Ordinal);
        foreach (var info in _model.Graph.RuntimeInputs)
        {
            if (!inputs.TryGetValue(info.Name, out var v))
            {
                throw new ArgumentException($"ONNX: input '{info.Name}' {info.ShapeText} was not provided.", nameof(inputs));
            }

            env[info.Name] = v;
        }

        foreach (var (name, v) in inputs)
        {
            env[name] = v;
        }

        for (var i = 0; i < _order.Length; i++)
        {
            var node = _order[i];
            var args = new OnnxValue?[node.Inputs.Count];
            for (var j = 0; j < args.Length; j++)
            {
                var name = node.Inputs[j];
                if (name.Length == 0)
                {
                    continue;
                }

                if (!env.TryGetValue(name, out var v))
                {
                    throw new InvalidDataException($"ONNX: node {node} reads '{name}', which no node or input defines.");
                }

                args[j] = v;
            }

            OnnxValue?[] outs;
            var fused = false;
            try
            {
                // Conv → Relu → MaxPool 2×2 as one operation when OnnxFusion allows it (its outputs: the MaxPool's).
                if (stopAt is null && _convReluPool[i] && ConvPoolOps.ConvReluMaxPool(node, args) is { } pooled)
                {
                    outs = [OnnxValue.FromTensor(pooled)];
                    fused = true;
                }
                else
                {
                    outs = OnnxOperatorTable.Execute(node, args, Opset);
                }
            }
            catch (Exception e) when (e is TensorShapeException or ArgumentException or IndexOutOfRangeException or InvalidCastException or OverflowException)
            {
                throw new InvalidOperationException($"ONNX: node {node} failed: {e.Message}", e);
            }

            var producer = fused ? _order[i + 2] : node;
            for (var j = 0; j < producer.Outputs.Count && j < outs.Length; j++)
            {
                if (producer.Outputs[j].Length > 0 && outs[j] is not null)
                {
                    env[producer.Outputs[j]] = outs[j]!;
                }
            }

            if (stopAt is not null && env.TryGetValue(stopAt, out var reached))
            {
                return new Dictionary<string, OnnxValue>(StringComparer.Ordinal) { [stopAt] = reached };
            }

            // Release values whose last reader was this node (the fused Relu and MaxPool read only
            // the Conv and Relu outputs, which never existed).
            foreach (var name in node.Inputs)
            {
                if (name.Length > 0 && _lastUse.TryGetValue(name, out var last) && last == i && !_constants.ContainsKey(name))
                {
                    env.Remove(name);
                }
            }

            if (fused)
            {
                i += 2;
            }
        }

        var result = new Dictionary<string, OnnxValue>(StringComparer.Ordinal);
        foreach (var o in _model.Graph.Outputs)
        {
            if (!env.TryGetValue(o.Name, out var v))
            {
                throw new InvalidDataException($"ONNX: output '{o.Name}' is never produced.");
            }

            result[o.Name] = v;
        }

        return result;
    }

    /// <summary>
    /// Runs a single-input float graph (e.g. a classifier) differentiably.
    /// </summary>
    /// <param name="input">The input tensor (may require a gradient).</param>
    /// <returns>The <see cref="ScoreOutput"/> output.</returns>
    /// <exception cref="InvalidOperationException">The output is not a float tensor.</exception>
    public Tensor Forward(Tensor input)
    {
        var first = _model.Graph.RuntimeInputs.FirstOrDefault()
            ?? throw new InvalidOperationException("ONNX: the graph has no runtime inputs.");
        var outputs = Run(new Dictionary<string, OnnxValue> { [first.Name] = OnnxValue.FromTensor(input) });
        return outputs[ScoreOutput].Float
            ?? throw new InvalidOperationException($"ONNX: output '{ScoreOutput}' is not a float tensor.");
    }

    private static OnnxNode[] TopologicalOrder(OnnxModel model)
    {
        var g = model.Graph;
        var available = new HashSet<string>(g.Initializers.Keys, StringComparer.Ordinal);
        foreach (var i in g.Inputs)
        {
            available.Add(i.Name);
        }

        var pending = g.Nodes.ToList();
        var order = new List<OnnxNode>(pending.Count);
        while (pending.Count > 0)
        {
            var progressed = false;
            for (var k = 0; k < pending.Count; k++)
            {
                var n = pending[k];
                if (n.Inputs.All(x => x.Length == 0 || available.Contains(x)))
                {
                    order.Add(n);
                    foreach (var o in n.Outputs)
                    {
                        available.Add(o);
                    }

                    pending.RemoveAt(k);
                    k--;
                    progressed = true;
                }
            }

            if (!progressed)
            {
                var n = pending[0];
                var missing = n.Inputs.First(x => x.Length > 0 && !available.Contains(x));
                throw new InvalidDataException($"ONNX: graph of '{model.Path ?? g.Name}' has a cycle or an undefined value: node {n} reads '{missing}'.");
            }
        }

        return [.. order];
    }
}
