namespace Gauntlet.Governance.Log;

/// <summary>An RFC 9162 inclusion proof: leaf <see cref="LeafIndex"/> with hash <see cref="LeafHash"/> is in the tree of <see cref="TreeSize"/> leaves whose root is <see cref="RootHash"/>.</summary>
/// <param name="TreeSize">The number of leaves of the tree the proof is for.</param>
/// <param name="LeafIndex">The leaf's zero-based index.</param>
/// <param name="LeafHash">SHA-256(0x00 || entry).</param>
/// <param name="RootHash">The tree's root.</param>
/// <param name="AuditPath">The sibling hashes from the leaf upwards.</param>
public sealed record InclusionProof(long TreeSize, long LeafIndex, byte[] LeafHash, byte[] RootHash, IReadOnlyList<byte[]> AuditPath)
{
    /// <summary>Checks the proof with <see cref="MerkleVerifier.VerifyInclusion"/>.</summary>
    public bool Verify() => MerkleVerifier.VerifyInclusion(LeafIndex, TreeSize, LeafHash, AuditPath, RootHash);

    /// <summary>The proof as the <c>log prove --json</c> document: hex strings, snake_case keys.</summary>
    public Dictionary<string, object> ToJson() => new()
    {
        ["tree_size"] = TreeSize,
        ["leaf_index"] = LeafIndex,
        ["leaf_hash"] = Convert.ToHexStringLower(LeafHash),
        ["root_hash"] = Convert.ToHexStringLower(RootHash),
        ["audit_path"] = AuditPath.Select(Convert.ToHexStringLower).ToArray(),
    };
}
