using Gauntlet.Tensors;

namespace Gauntlet.Onnx;

/// <summary>
/// A runtime value: either a differentiable float <see cref="Tensor"/> (float and double
/// element types, computed in float32) or an integer/boolean tensor held as <c>long[]</c> on a
/// side path that is evaluated but never differentiated (shapes, indices, masks).
/// </summary>
public sealed class OnnxValue
{
    private OnnxValue(OnnxDataType type, Tensor? tensor, long[]? ints, int[] shape)
    {
        DataType = type;
        Float = tensor;
        Ints = ints;
        Dims = shape;
    }

    /// <summary>The ONNX element type this value represents.</summary>
    public OnnxDataType DataType { get; }

    /// <summary>The float tensor, or null for an integer value.</summary>
    public Tensor? Float { get; }

    /// <summary>The integer data, row-major, or null for a float value.</summary>
    public long[]? Ints { get; }

    /// <summary>The dimensions.</summary>
    public IReadOnlyList<int> Dims { get; }

    /// <summary>True when this is a float tensor.</summary>
    public bool IsFloat => Float is not null;

    /// <summary>Number of elements.</summary>
    public int Size => Float?.Size ?? Ints!.Length;

    internal int[] ShapeArray => (int[])Dims;

    /// <summary>Wraps a float tensor.</summary>
    /// <param name="tensor">The tensor.</param>
    /// <param name="type">The ONNX type it stands for (float or double).</param>
    /// <returns>The value.</returns>
    public static OnnxValue FromTensor(Tensor tensor, OnnxDataType type = OnnxDataType.Float) =>
        new(type, tensor, null, tensor.Shape.ToArray());

    /// <summary>Wraps integer data.</summary>
    /// <param name="data">Row-major values.</param>
    /// <param name="shape">The dimensions.</param>
    /// <param name="type">The integer or boolean ONNX type.</param>
    /// <returns>The value.</returns>
    public static OnnxValue FromInts(long[] data, int[] shape, OnnxDataType type = OnnxDataType.Int64) =>
        new(type, null, data, shape);

    /// <summary>Converts a decoded initializer or test tensor to a runtime value.</summary>
    /// <param name="t">The tensor.</param>
    /// <returns>The value.</returns>
    /// <exception cref="NotSupportedException">The element type is not supported (string, complex, float16).</exception>
    public static OnnxValue FromOnnxTensor(OnnxTensor t)
    {
        var dims = t.Dims.Select(d => checked((int)d)).ToArray();
        if (t.DataType is OnnxDataType.Float or OnnxDataType.Double)
        {
            return FromTensor(Tensor.FromArray(t.FloatData!, dims), t.DataType);
        }

        if (t.IntData is not null)
        {
            return FromInts(t.IntData, dims, t.DataType);
        }

        throw new NotSupportedException($"ONNX: tensor '{t.Name}' has element type {t.DataType}, which the executor does not support.");
    }

    /// <summary>The values converted to float (a copy for integer values).</summary>
    /// <returns>The float values.</returns>
    public float[] ToFloatArray() => Float?.ToArray() ?? Ints!.Select(v => (float)v).ToArray();

    /// <inheritdoc/>
    public override string ToString() => $"{DataType}[{string.Join(", ", Dims)}]";
}
