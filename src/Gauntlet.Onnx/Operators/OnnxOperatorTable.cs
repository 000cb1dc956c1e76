using System.Collections.Frozen;

namespace Gauntlet.Onnx.Operators;

/// <summary>
/// The executor's dispatch table: default-domain operator type → kernel. The table is the list
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
        Kernels.TryGetValue(node.OpType, out var kernel)
            ? kernel(node, inputs, opset)
            : throw new NotSupportedException($"ONNX: operator {node.OpType} is not supported.");

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
        return registry.Kernels.ToFrozenDictionary(StringComparer.Ordinal);
    }
}
