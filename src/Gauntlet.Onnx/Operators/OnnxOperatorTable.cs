using System.Collections.Frozen;

namespace Gauntlet.Onnx.Operators;

/// <summary>
/// The executor's dispatch table: operator type (domain-qualified outside the default domain) → kernel. The table is the list
/// of supported operators (<see cref="OnnxSession.SupportedOps"/>); an operator is supported
/// exactly when one family registers it, so there is no second list to keep in sync.
/// </summary>
internal static class OnnxOperatorTable
{
    private static readonly FrozenDictionary<string, OnnxKernel> Kernels = Build();

    /// <summary>The operator types in the table.</summary>
    public static IReadOnlySet<string> Supported { get; } = Kernels.Keys.ToFrozenSet(StringComparer.Ordinal);

    /// <summary>Runs <paramref name="node"/> with its kernel.</summary>
    /// <exception cref="NotSupportedException">The operator is not in the table, or uses an attribute value or type its kernel lacks.</exception>
    public static OnnxValue?[] Execute(OnnxNode node, OnnxValue?[] inputs, long opset) =>
        Kernels.TryGetValue(Key(node), out var kernel)
            ? kernel(node, inputs, opset)
            : throw new NotSupportedException($"ONNX: operator {Key(node)} is not supported.");

    /// <summary>
    /// The table key of <paramref name="node"/>: its operator type in the default domain (""
    /// or "ai.onnx"), else the domain-qualified name, e.g. <c>ai.onnx.ml.TreeEnsembleClassifier</c>.
    /// </summary>
    public static string Key(OnnxNode node) =>
        node.Domain.Length == 0 || node.Domain == "ai.onnx" ? node.OpType : $"{node.Domain}.{node.OpType}";

    private static FrozenDictionary<string, OnnxKernel> Build()
    {
        var registry = new OnnxOperatorRegistry();
        ElementwiseOps.Register(registry);
        ActivationOps.Register(registry);
        MatMulOps.Register(registry);
        ConvPoolOps.Register(registry);
        ResizeOps.Register(registry);
        NormalizationOps.Register(registry);
        LossOps.Register(registry);
        ShapeOps.Register(registry);
        IndexingOps.Register(registry);
        GeneratorOps.Register(registry);
        ReductionOps.Register(registry);
        LogicOps.Register(registry);
        TypeOps.Register(registry);
        MlOps.Register(registry);
        return registry.Kernels.ToFrozenDictionary(StringComparer.Ordinal);
    }
}
