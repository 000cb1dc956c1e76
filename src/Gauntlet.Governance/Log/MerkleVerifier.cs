namespace Gauntlet.Governance.Log;

/// <summary>
/// The proof checks of RFC 9162 §2.1.3.2 (inclusion) and §2.1.4.2 (consistency). They need nothing
/// but the proof and the roots, so a client that never saw the log can run them.
/// </summary>
/// <remarks>
/// Edge cases follow the RFC 6962 test vectors shipped with the tests: equal sizes need an empty
/// proof and equal roots; a proof from the empty tree (first size 0) is refused, because it proves
/// nothing (see docs/governance.md, "Test vectors").
/// </remarks>
public static class MerkleVerifier
{
    /// <summary>Whether <paramref name="path"/> proves that <paramref name="leafHash"/> is leaf <paramref name="index"/> of the tree of <paramref name="size"/> leaves with root <paramref name="root"/>.</summary>
    public static bool VerifyInclusion(long index, long size, ReadOnlySpan<byte> leafHash, IReadOnlyList<byte[]> path, ReadOnlySpan<byte> root) =>
        RootFromInclusion(index, size, leafHash, path) is { } computed && computed.AsSpan().SequenceEqual(root);

    /// <summary>The root that <paramref name="path"/> implies for the leaf, or null when the path is malformed for that index and size.</summary>
    public static byte[]? RootFromInclusion(long index, long size, ReadOnlySpan<byte> leafHash, IReadOnlyList<byte[]> path)
    {
        if (index < 0 || index >= size || leafHash.Length != MerkleHash.Size)
        {
            return null; // a leaf hash is a SHA-256 value; anything else cannot be one
        }

        ulong fn = (ulong)index, sn = (ulong)(size - 1);
        var r = leafHash.ToArray();
        foreach (var p in path)
        {
            if (sn == 0)
            {
                return null;
            }

            if ((fn & 1) == 1 || fn == sn)
            {
                r = MerkleHash.Node(p, r);
                while ((fn & 1) == 0 && fn != 0)
                {
                    fn >>= 1;
                    sn >>= 1;
                }
            }
            else
            {
                r = MerkleHash.Node(r, p);
            }

            fn >>= 1;
            sn >>= 1;
        }

        return sn == 0 ? r : null;
    }

    /// <summary>Whether <paramref name="proof"/> shows that the tree of <paramref name="second"/> leaves with root <paramref name="secondRoot"/> extends the tree of <paramref name="first"/> leaves with root <paramref name="firstRoot"/>.</summary>
    public static bool VerifyConsistency(long first, long second, ReadOnlySpan<byte> firstRoot, ReadOnlySpan<byte> secondRoot, IReadOnlyList<byte[]> proof)
    {
        if (first <= 0 || second < first)
        {
            return false; // from the empty tree a proof proves nothing; a tree cannot shrink
        }

        if (first == second)
        {
            return proof.Count == 0 && firstRoot.SequenceEqual(secondRoot);
        }

        if (proof.Count == 0)
        {
            return false;
        }

        var path = new List<byte[]>(proof.Count + 1);
        if ((first & (first - 1)) == 0)
        {
            path.Add(firstRoot.ToArray()); // the old tree is a complete subtree of the new one
        }

        path.AddRange(proof);
        ulong fn = (ulong)(first - 1), sn = (ulong)(second - 1);
        while ((fn & 1) == 1)
        {
            fn >>= 1;
            sn >>= 1;
        }

        var fr = path[0];
        var sr = path[0];
        foreach (var c in path.Skip(1))
        {
            if (sn == 0)
            {
                return false;
            }

            if ((fn & 1) == 1 || fn == sn)
            {
                fr = MerkleHash.Node(c, fr);
                sr = MerkleHash.Node(c, sr);
                while ((fn & 1) == 0 && fn != 0)
                {
                    fn >>= 1;
                    sn >>= 1;
                }
            }
            else
            {
                sr = MerkleHash.Node(sr, c);
            }

            fn >>= 1;
            sn >>= 1;
        }

        return sn == 0 && fr.AsSpan().SequenceEqual(firstRoot) && sr.AsSpan().SequenceEqual(secondRoot);
    }
}
