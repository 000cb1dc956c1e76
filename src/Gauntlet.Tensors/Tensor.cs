using System.Globalization;
using System.Text;
using Gauntlet.Tensors.Autograd;

namespace Gauntlet.Tensors;

/// <summary>
/// A dense float32 tensor in contiguous row-major storage, optionally tracked by reverse-mode
/// autodiff. Operations live in <see cref="Ops"/>; the instance members here are conveniences
/// that forward to them.
/// </summary>
/// <remarks>
/// Storage is one <c>float[]</c> of exactly <see cref="Size"/> elements. <see cref="Reshape"/>
/// returns a view that shares it; every other operation allocates its result (from a buffer pool
/// inside a <see cref="TensorScope"/>, which releases it when the scope ends). Tensors are not
/// mutated by operations, so a value captured for a backward pass stays valid.
/// </remarks>
public sealed partial class Tensor
{
    private readonly float[] _data;
    private bool _requiresGrad;
    private bool _released;

    internal Tensor(float[] data, Shape shape)
    {
        if (data.Length != shape.Size)
        {
            throw new TensorShapeException("Tensor", $"storage of {data.Length} elements does not match shape {shape} ({shape.Size} elements).");
        }

        _data = data;
        Shape = shape;
        if (TensorScope.IsActive && data.Length > 0)
        {
            TensorScope.Track(this, data);
        }
    }

    /// <summary>Storage for a result of <paramref name="shape"/>: zeroed, pooled inside a <see cref="TensorScope"/>.</summary>
    internal static Tensor Alloc(Shape shape) => new(TensorScope.Rent(shape.Size, zero: true), shape);

    /// <summary>Like <see cref="Alloc"/> but with unspecified contents: the caller overwrites every element.</summary>
    internal static Tensor AllocUninit(Shape shape) => new(TensorScope.Rent(shape.Size, zero: false), shape);

    /// <summary>Zeroed storage for a result's elements (pooled inside a <see cref="TensorScope"/>).</summary>
    internal static float[] Buffer(int size) => TensorScope.Rent(size, zero: true);

    /// <summary>Storage with unspecified contents; the caller overwrites every element.</summary>
    internal static float[] BufferUninit(int size) => TensorScope.Rent(size, zero: false);

    /// <summary>True once the <see cref="TensorScope"/> that owned this tensor's storage has ended.</summary>
    public bool IsReleased => _released;

    internal void MarkReleased() => _released = true;

    /// <summary>The shape of the tensor.</summary>
    public Shape Shape { get; }

    /// <summary>The number of dimensions.</summary>
    public int Rank => Shape.Rank;

    /// <summary>The number of elements.</summary>
    public int Size => Data.Length;

    /// <summary>The storage, row-major. Shared with views created by <see cref="Reshape"/>.</summary>
    /// <exception cref="ObjectDisposedException">The <see cref="TensorScope"/> that owned the storage has ended.</exception>
    internal float[] Data
    {
        get
        {
            if (_released)
            {
                ThrowReleased();
            }

            return _data;
        }
    }

    /// <summary>The elements as a span over the storage (writes are visible to views).</summary>
    public Span<float> Span => Data;

    /// <summary>The elements as a read-only span.</summary>
    public ReadOnlySpan<float> ReadOnlySpan => Data;

    /// <summary>
    /// Whether gradients flow to this tensor. Settable on leaves (tensors not produced by a
    /// recorded operation); results of operations require a gradient when any input does.
    /// </summary>
    /// <exception cref="InvalidOperationException">Set on a tensor produced by a recorded operation.</exception>
    public bool RequiresGrad
    {
        get => _requiresGrad;
        set
        {
            if (Node is not null && !value)
            {
                throw new InvalidOperationException("RequiresGrad cannot be cleared on a tensor produced by a recorded operation; use Detach().");
            }

            _requiresGrad = value;
        }
    }

    /// <summary>The accumulated gradient after <see cref="Backward"/>, for leaves that require one.</summary>
    public Tensor? Grad { get; set; }

    /// <summary>True when this tensor was not produced by a recorded operation.</summary>
    public bool IsLeaf => Node is null;

    /// <summary>The operation that produced this tensor, when recorded for autodiff.</summary>
    internal GradNode? Node { get; private set; }

    /// <summary>Name of the recording operation, or null for a leaf.</summary>
    public string? GradOp => Node?.Op;

    internal void AttachNode(GradNode node)
    {
        Node = node;
        _requiresGrad = true;
    }

    /// <summary>Dimension <paramref name="axis"/> of the shape; negative axes count from the end.</summary>
    public int Dim(int axis) => Shape[axis];

    /// <summary>The single value of a one-element tensor.</summary>
    /// <exception cref="InvalidOperationException">The tensor has more than one element.</exception>
    public float Item()
    {
        if (Size != 1)
        {
            throw new InvalidOperationException($"Item: tensor of shape {Shape} has {Size} elements; expected exactly 1.");
        }

        return Data[0];
    }

    /// <summary>The element at the given indices (one per dimension).</summary>
    [System.Runtime.CompilerServices.IndexerName("Element")]
    public float this[params int[] index]
    {
        get => Data[FlatIndex(index)];
        set => Data[FlatIndex(index)] = value;
    }

    private int FlatIndex(int[] index)
    {
        if (index.Length != Rank)
        {
            throw new ArgumentException($"Indexer: {index.Length} indices given for a tensor of rank {Rank} (shape {Shape}).", nameof(index));
        }

        var flat = 0;
        for (var i = 0; i < index.Length; i++)
        {
            var d = Shape.Dims[i];
            var k = index[i] < 0 ? index[i] + d : index[i];
            if (k < 0 || k >= d)
            {
                throw new ArgumentOutOfRangeException(nameof(index), $"Indexer: index {index[i]} out of range for dimension {i} of size {d} (shape {Shape}).");
            }

            flat = (flat * d) + k;
        }

        return flat;
    }

    /// <summary>A copy of the elements, row-major.</summary>
    public float[] ToArray() => (float[])Data.Clone();

    /// <summary>A tensor sharing this storage but not tracked by autodiff.</summary>
    public Tensor Detach() => new(Data, Shape);

    /// <summary>A deep copy, not tracked by autodiff.</summary>
    public Tensor Clone() => new((float[])Data.Clone(), Shape);

    /// <summary>Marks this leaf as requiring a gradient and returns it (fluent).</summary>
    public Tensor RequireGrad()
    {
        RequiresGrad = true;
        return this;
    }

    /// <summary>
    /// Runs reverse-mode autodiff from this tensor, accumulating into <see cref="Grad"/> of every
    /// leaf that requires a gradient.
    /// </summary>
    /// <param name="gradOutput">∂L/∂this, the vector of a vector-Jacobian product; defaults to 1 for a scalar.</param>
    public void Backward(Tensor? gradOutput = null) => Autodiff.Backward(this, gradOutput);

    /// <summary>Copies <paramref name="source"/>'s values into this tensor's storage (no autodiff).</summary>
    /// <exception cref="TensorShapeException">The element counts differ.</exception>
    public void CopyFrom(Tensor source)
    {
        if (source.Size != Size)
        {
            throw new TensorShapeException("CopyFrom", $"source of shape {source.Shape} does not fit destination of shape {Shape}.");
        }

        source.Data.CopyTo(Data, 0);
    }

    private void ThrowReleased() =>
        throw new ObjectDisposedException(nameof(Tensor), $"Tensor of shape {Shape} was produced inside a TensorScope that has ended; its storage went back to the pool. Copy it with Clone() or ToArray() before the scope ends.");

    /// <inheritdoc />
    public override string ToString()
    {
        if (_released)
        {
            return $"Tensor{Shape} (released)";
        }

        var sb = new StringBuilder();
        sb.Append("Tensor").Append(Shape.ToString()).Append(" [");
        var n = Math.Min(Size, 8);
        for (var i = 0; i < n; i++)
        {
            if (i > 0)
            {
                sb.Append(", ");
            }

            sb.Append(Data[i].ToString("G6", CultureInfo.InvariantCulture));
        }

        if (Size > n)
        {
            sb.Append(", ...");
        }

        return sb.Append(']').ToString();
    }
}
