namespace Gauntlet.Governance.Log;

/// <summary>
/// Where proof generation reads the hashes of complete subtrees: the node at <c>level</c> and
/// <c>index</c> is the RFC 6962 hash of leaves <c>[index·2^level, (index+1)·2^level)</c>. A log that
/// keeps these (leaf hashes at level 0 and every completed parent above) answers any root or proof
/// with O(log n) reads and no rehashing of entries.
/// </summary>
public interface INodeSource
{
    /// <summary>The hash of the complete subtree at <paramref name="level"/>, <paramref name="index"/>.</summary>
    /// <param name="level">0 for leaves; a node at level L covers 2^L leaves.</param>
    /// <param name="index">The subtree's position among the subtrees of its level, from the left.</param>
    byte[] Node(int level, long index);
}
