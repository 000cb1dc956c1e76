namespace Gauntlet.Governance.Log;

/// <summary>
/// Roots, inclusion paths and consistency proofs of RFC 9162 §2.1 (MTH, PATH, PROOF/SUBPROOF),
/// computed from the stored hashes of complete subtrees (<see cref="INodeSource"/>).
/// </summary>
/// <remarks>
/// Every range the RFC's recursion visits starts at a multiple of its own split point, so a range
/// is either one stored complete subtree or splits into a stored left part and a smaller right part:
/// a root costs at most one read per level, and a proof O(log² n) reads in the worst case (in
/// practice a handful, since only the right edge is incomplete).
/// </remarks>
public sealed class MerkleProofs
{
    private readonly INodeSource _nodes;

    /// <summary>Creates the calculator over <paramref name="nodes"/>.</summary>
    public MerkleProofs(INodeSource nodes) => _nodes = nodes;

    /// <summary>MTH(D[0:size]): the root of the first <paramref name="size"/> leaves (the empty hash for 0).</summary>
    public byte[] Root(long size) => size == 0 ? MerkleHash.EmptyRoot() : Range(0, size);

    /// <summary>PATH(index, D[0:size]): the audit path proving leaf <paramref name="index"/> is in the tree of <paramref name="size"/> leaves.</summary>
    /// <exception cref="ArgumentOutOfRangeException">The index is not below the size.</exception>
    public IReadOnlyList<byte[]> InclusionPath(long index, long size)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(index);
        ArgumentOutOfRangeException.ThrowIfGreaterThanOrEqual(index, size);
        var path = new List<byte[]>();
        Path(index, 0, size, path);
        return path;
    }

    /// <summary>PROOF(first, D[0:second]): the consistency proof between the trees of <paramref name="first"/> and <paramref name="second"/> leaves.</summary>
    /// <exception cref="ArgumentOutOfRangeException">Not 0 &lt; first ≤ second (a proof from the empty tree proves nothing).</exception>
    public IReadOnlyList<byte[]> ConsistencyProof(long first, long second)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(first);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(first, second);
        var proof = new List<byte[]>();
        SubProof(first, 0, second, true, proof);
        return proof;
    }

    /// <summary>MTH of leaves <c>[start, start+size)</c>, size ≥ 1.</summary>
    private byte[] Range(long start, long size)
    {
        if ((size & (size - 1)) == 0 && start % size == 0)
        {
            return _nodes.Node(System.Numerics.BitOperations.Log2((ulong)size), start / size);
        }

        var k = MerkleHash.SplitPoint(size);
        return MerkleHash.Node(Range(start, k), Range(start + k, size - k));
    }

    // PATH(m, D[start:start+size]) appended innermost first, as RFC 9162 orders it.
    private void Path(long m, long start, long size, List<byte[]> path)
    {
        if (size <= 1)
        {
            return;
        }

        var k = MerkleHash.SplitPoint(size);
        if (m < k)
        {
            Path(m, start, k, path);
            path.Add(Range(start + k, size - k));
        }
        else
        {
            Path(m - k, start + k, size - k, path);
            path.Add(Range(start, k));
        }
    }

    // SUBPROOF(m, D[start:start+size], b).
    private void SubProof(long m, long start, long size, bool complete, List<byte[]> proof)
    {
        if (m == size)
        {
            if (!complete)
            {
                proof.Add(Range(start, size));
            }

            return;
        }

        var k = MerkleHash.SplitPoint(size);
        if (m <= k)
        {
            SubProof(m, start, k, complete, proof);
            proof.Add(Range(start + k, size - k));
        }
        else
        {
            SubProof(m - k, start + k, size - k, false, proof);
            proof.Add(Range(start, k));
        }
    }
}
