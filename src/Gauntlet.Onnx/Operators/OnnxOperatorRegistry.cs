namespace Gauntlet.Onnx.Operators;

/// <summary>Collects the operator families' entries while <see cref="OnnxOperatorTable"/> is built.</summary>
internal sealed class OnnxOperatorRegistry
{
    private readonly Dictionary<string, OnnxKernel> _kernels = new(StringComparer.Ordinal);

    /// <summary>The entries added so far.</summary>
    public IReadOnlyDictionary<string, OnnxKernel> Kernels => _kernels;

    /// <summary>Adds the kernel for <paramref name="opType"/>.</summary>
    /// <exception cref="InvalidOperationException">Two families claim the same operator.</exception>
    public void Add(string opType, OnnxKernel kernel)
    {
        // A second registration would silently replace the first depending on family order.
        if (!_kernels.TryAdd(opType, kernel))
        {
            throw new InvalidOperationException($"ONNX operator {opType} is registered twice.");
        }
    }
}
