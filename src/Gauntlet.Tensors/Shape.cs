using System.Text;

namespace Gauntlet.Tensors;

/// <summary>
/// The dimensions of a tensor, outermost first (row-major). Immutable; two shapes are equal when
/// their dimensions are equal.
/// </summary>
public readonly struct Shape : IEquatable<Shape>
{
    private readonly int[]? _dims;

    /// <summary>Creates a shape from its dimensions; every dimension must be non-negative.</summary>
    /// <exception cref="ArgumentException">A dimension is negative.</exception>
    public Shape(params ReadOnlySpan<int> dims)
    {
        foreach (var d in dims)
        {
            if (d < 0)
            {
                throw new ArgumentException($"Shape {Format(dims)}: dimensions must be non-negative.", nameof(dims));
            }
        }

        _dims = dims.ToArray();
    }

    /// <summary>The number of dimensions (0 for a scalar).</summary>
    public int Rank => _dims?.Length ?? 0;

    /// <summary>The number of elements: the product of the dimensions (1 for a scalar).</summary>
    public int Size
    {
        get
        {
            long size = 1;
            foreach (var d in Dims)
            {
                size *= d;
            }

            return checked((int)size);
        }
    }

    /// <summary>The dimensions as a read-only span.</summary>
    public ReadOnlySpan<int> Dims => _dims is null ? ReadOnlySpan<int>.Empty : _dims;

    /// <summary>The dimension at <paramref name="axis"/>; negative axes count from the end.</summary>
    public int this[int axis] => Dims[NormalizeAxis(axis, Rank, "Shape")];

    /// <summary>The scalar shape (rank 0).</summary>
    public static Shape Scalar => new(ReadOnlySpan<int>.Empty);

    /// <summary>Row-major strides (in elements) for this shape.</summary>
    public int[] Strides()
    {
        var strides = new int[Rank];
        var s = 1;
        for (var i = Rank - 1; i >= 0; i--)
        {
            strides[i] = s;
            s *= Dims[i];
        }

        return strides;
    }

    /// <summary>A copy of the dimensions.</summary>
    public int[] ToArray() => Dims.ToArray();

    /// <summary>Product of the dimensions in [<paramref name="start"/>, <paramref name="end"/>).</summary>
    public int SizeOf(int start, int end)
    {
        var size = 1;
        for (var i = start; i < end; i++)
        {
            size *= Dims[i];
        }

        return size;
    }

    /// <summary>Maps a possibly negative axis into [0, rank), naming the operation on failure.</summary>
    /// <exception cref="ArgumentOutOfRangeException">The axis is outside [-rank, rank).</exception>
    public static int NormalizeAxis(int axis, int rank, string op)
    {
        var a = axis < 0 ? axis + rank : axis;
        if (a < 0 || a >= rank)
        {
            throw new ArgumentOutOfRangeException(nameof(axis), $"{op}: axis {axis} is out of range for a tensor of rank {rank} (expected {-rank}..{rank - 1}).");
        }

        return a;
    }

    /// <summary>
    /// The NumPy broadcast of two shapes: dimensions are aligned from the right and must be equal
    /// or one of them 1.
    /// </summary>
    /// <exception cref="TensorShapeException">The shapes cannot be broadcast together.</exception>
    public static Shape Broadcast(Shape a, Shape b, string op)
    {
        var rank = Math.Max(a.Rank, b.Rank);
        var dims = new int[rank];
        for (var i = 0; i < rank; i++)
        {
            var da = i < rank - a.Rank ? 1 : a.Dims[i - (rank - a.Rank)];
            var db = i < rank - b.Rank ? 1 : b.Dims[i - (rank - b.Rank)];
            if (da != db && da != 1 && db != 1)
            {
                throw new TensorShapeException(op, $"shapes {a} and {b} cannot be broadcast together (dimension {i}: {da} vs {db}); expected equal dimensions or 1.");
            }

            dims[i] = da == 1 ? db : da;
        }

        return new Shape(dims);
    }

    /// <inheritdoc />
    public bool Equals(Shape other) => Dims.SequenceEqual(other.Dims);

    /// <inheritdoc />
    public override bool Equals(object? obj) => obj is Shape s && Equals(s);

    /// <inheritdoc />
    public override int GetHashCode()
    {
        var hash = new HashCode();
        foreach (var d in Dims)
        {
            hash.Add(d);
        }

        return hash.ToHashCode();
    }

    /// <summary>Formats the shape as <c>[2, 3, 4]</c>.</summary>
    public override string ToString() => Format(Dims);

    /// <summary>Equality of shapes.</summary>
    public static bool operator ==(Shape left, Shape right) => left.Equals(right);

    /// <summary>Inequality of shapes.</summary>
    public static bool operator !=(Shape left, Shape right) => !left.Equals(right);

    /// <summary>Creates a shape from an array of dimensions.</summary>
    public static implicit operator Shape(int[] dims) => new(dims);

    internal static string Format(ReadOnlySpan<int> dims)
    {
        var sb = new StringBuilder("[");
        for (var i = 0; i < dims.Length; i++)
        {
            if (i > 0)
            {
                sb.Append(", ");
            }

            sb.Append(dims[i]);
        }

        return sb.Append(']').ToString();
    }
}
