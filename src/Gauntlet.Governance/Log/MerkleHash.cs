using System.Security.Cryptography;

namespace Gauntlet.Governance.Log;

/// <summary>
/// The hashing of RFC 6962 §2.1 / RFC 9162 §2.1.1 with SHA-256: domain-separated leaf and interior
/// node hashes, so that a leaf can never be passed off as a node (the second-preimage defence).
/// </summary>
public static class MerkleHash
{
    /// <summary>The size of every hash in bytes (SHA-256).</summary>
    public const int Size = 32;

    /// <summary>The root of the empty tree: <c>SHA-256()</c>, the hash of no bytes.</summary>
    public static byte[] EmptyRoot() => SHA256.HashData(ReadOnlySpan<byte>.Empty);

    /// <summary>The hash of a leaf: <c>SHA-256(0x00 || data)</c>.</summary>
    /// <param name="data">The entry's bytes.</param>
    public static byte[] Leaf(ReadOnlySpan<byte> data)
    {
        using var hash = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        hash.AppendData([0x00]);
        hash.AppendData(data);
        return hash.GetHashAndReset();
    }

    /// <summary>The hash of an interior node: <c>SHA-256(0x01 || left || right)</c>.</summary>
    /// <param name="left">The left child's hash.</param>
    /// <param name="right">The right child's hash.</param>
    public static byte[] Node(ReadOnlySpan<byte> left, ReadOnlySpan<byte> right)
    {
        Span<byte> buffer = stackalloc byte[1 + (2 * Size)];
        if (left.Length != Size || right.Length != Size)
        {
            // Node inputs of another length only arise from hand-made proofs; hash them as given.
            var joined = new byte[1 + left.Length + right.Length];
            joined[0] = 0x01;
            left.CopyTo(joined.AsSpan(1));
            right.CopyTo(joined.AsSpan(1 + left.Length));
            return SHA256.HashData(joined);
        }

        buffer[0] = 0x01;
        left.CopyTo(buffer[1..]);
        right.CopyTo(buffer[(1 + Size)..]);
        return SHA256.HashData(buffer);
    }

    /// <summary>The largest power of two strictly smaller than <paramref name="n"/> (n ≥ 2): RFC 6962's split point k.</summary>
    internal static long SplitPoint(long n) => 1L << (63 - System.Numerics.BitOperations.LeadingZeroCount((ulong)(n - 1)));
}
