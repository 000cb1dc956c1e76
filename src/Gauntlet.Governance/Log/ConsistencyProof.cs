namespace Gauntlet.Governance.Log;

/// <summary>An RFC 9162 consistency proof: the tree of <see cref="SecondSize"/> leaves extends the tree of <see cref="FirstSize"/> leaves.</summary>
/// <param name="FirstSize">The older tree's size.</param>
/// <param name="SecondSize">The newer tree's size.</param>
/// <param name="FirstRoot">The older tree's root.</param>
/// <param name="SecondRoot">The newer tree's root.</param>
/// <param name="Proof">The proof's hashes.</param>
public sealed record ConsistencyProof(long FirstSize, long SecondSize, byte[] FirstRoot, byte[] SecondRoot, IReadOnlyList<byte[]> Proof)
{
    /// <summary>Checks the proof with <see cref="MerkleVerifier.VerifyConsistency"/>.</summary>
    public bool Verify() => MerkleVerifier.VerifyConsistency(FirstSize, SecondSize, FirstRoot, SecondRoot, Proof);

    /// <summary>The proof as the <c>log consistency --json</c> document: hex strings, snake_case keys.</summary>
    public Dictionary<string, object> ToJson() => new()
    {
        ["first_size"] = FirstSize,
        ["second_size"] = SecondSize,
        ["first_root"] = Convert.ToHexStringLower(FirstRoot),
        ["second_root"] = Convert.ToHexStringLower(SecondRoot),
        ["proof"] = Proof.Select(Convert.ToHexStringLower).ToArray(),
    };
}
