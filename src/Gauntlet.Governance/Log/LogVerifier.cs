using System.Buffers.Binary;
using System.Security.Cryptography;

namespace Gauntlet.Governance.Log;

/// <summary>What <see cref="LogVerifier.Verify"/> found.</summary>
/// <param name="Entries">The number of whole, correctly hashed entries read.</param>
/// <param name="RootHash">The root recomputed from the entries.</param>
/// <param name="CheckpointsVerified">Checkpoints whose signature (when a key was given) and root held.</param>
/// <param name="SignaturesChecked">Whether a public key was given, so signatures were checked.</param>
/// <param name="Problems">Every failure, each naming its file and position; empty when the log verifies.</param>
public sealed record LogVerification(long Entries, byte[] RootHash, int CheckpointsVerified, bool SignaturesChecked, IReadOnlyList<string> Problems)
{
    /// <summary>Whether the log verified: no problems.</summary>
    public bool Ok => Problems.Count == 0;
}

/// <summary>
/// Checks a log folder from its bytes, trusting nothing derived: every record's leaf hash against
/// its bytes, the records end exactly at the end of the file, the offset index and every level
/// file against hashes recomputed from the records, and every checkpoint's signature (under the
/// public key) and root (against the root recomputed at its size). So a byte changed anywhere in
/// the log's files is reported. It reads the files only; it never repairs (that is
/// <see cref="MerkleLog.Open"/>'s, for a tail torn by a crash).
/// </summary>
public static class LogVerifier
{
    /// <summary>Verifies the log in <paramref name="folder"/>, checking signatures with <paramref name="publicKey"/> when given.</summary>
    /// <exception cref="DirectoryNotFoundException">There is no log folder there.</exception>
    public static LogVerification Verify(string folder, ECDsa? publicKey)
    {
        var files = new LogFiles(Path.GetFullPath(folder));
        if (!File.Exists(files.Entries))
        {
            throw new DirectoryNotFoundException($"--log {folder}: no log there (entries.glog is missing)");
        }

        var problems = new List<string>();
        var (leaves, offsets) = ReadEntries(files.Entries, problems);
        CheckOffsets(files.Offsets, offsets, problems);
        var levels = CheckLevels(files, leaves, problems);
        var proofs = new MerkleProofs(new MemoryNodes(levels));
        var root = proofs.Root(leaves.Count);
        var verified = CheckCheckpoints(files.Checkpoints, leaves.Count, proofs, publicKey, problems);
        return new LogVerification(leaves.Count, root, verified, publicKey is not null, problems);
    }

    private static (List<byte[]> Leaves, List<long> Offsets) ReadEntries(string path, List<string> problems)
    {
        var leaves = new List<byte[]>();
        var offsets = new List<long>();
        using var stream = new BufferedStream(new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.ReadWrite), 1 << 20);
        var length = stream.Length;
        Span<byte> header = stackalloc byte[8];
        if (stream.ReadAtLeast(header, 8, throwOnEndOfStream: false) < 8 || !header.SequenceEqual(LogFiles.Header))
        {
            problems.Add($"{path}: bad header (not a Gauntlet log, or its first bytes changed)");
            return (leaves, offsets);
        }

        long offset = 8;
        Span<byte> prefix = stackalloc byte[4];
        var hash = new byte[MerkleHash.Size];
        while (offset < length)
        {
            if (offset + 4 > length || stream.ReadAtLeast(prefix, 4, throwOnEndOfStream: false) < 4)
            {
                problems.Add($"{path}: {length - offset} stray bytes at offset {offset} (a torn append, or a changed length)");
                break;
            }

            long size = BinaryPrimitives.ReadUInt32LittleEndian(prefix);
            if (size > MerkleLog.MaxEntryBytes || offset + LogFiles.RecordSize(size) > length)
            {
                problems.Add($"{path}: the record at offset {offset} (entry {leaves.Count}) claims {size} bytes, past the end of the file (a torn append, or a changed length)");
                break;
            }

            var data = new byte[size];
            stream.ReadExactly(data);
            stream.ReadExactly(hash);
            var leaf = MerkleHash.Leaf(data);
            if (!leaf.AsSpan().SequenceEqual(hash))
            {
                problems.Add($"{path}: entry {leaves.Count} at offset {offset}: its bytes do not match its leaf hash");
            }

            leaves.Add(leaf);
            offsets.Add(offset);
            offset += LogFiles.RecordSize(size);
        }

        return (leaves, offsets);
    }

    private static void CheckOffsets(string path, List<long> offsets, List<string> problems)
    {
        var bytes = File.Exists(path) ? File.ReadAllBytes(path) : [];
        if (bytes.Length != offsets.Count * 8L)
        {
            problems.Add($"{path}: {bytes.Length} bytes; {offsets.Count} entries need {offsets.Count * 8L}");
        }

        for (var i = 0; i < Math.Min(offsets.Count, bytes.Length / 8); i++)
        {
            if (BinaryPrimitives.ReadInt64LittleEndian(bytes.AsSpan(i * 8)) != offsets[i])
            {
                problems.Add($"{path}: entry {i}'s offset is wrong");
                break;
            }
        }
    }

    private static List<byte[][]> CheckLevels(LogFiles files, List<byte[]> leaves, List<string> problems)
    {
        var levels = new List<byte[][]>();
        var current = leaves.ToArray();
        for (var level = 0; current.Length > 0 || File.Exists(files.Level(level)); level++)
        {
            var path = files.Level(level);
            var stored = File.Exists(path) ? File.ReadAllBytes(path) : [];
            if (stored.Length != current.Length * (long)MerkleHash.Size)
            {
                problems.Add($"{path}: {stored.Length} bytes; level {level} of {leaves.Count} entries needs {current.Length * (long)MerkleHash.Size}");
            }

            for (var i = 0; i < Math.Min(current.Length, stored.Length / MerkleHash.Size); i++)
            {
                if (!stored.AsSpan(i * MerkleHash.Size, MerkleHash.Size).SequenceEqual(current[i]))
                {
                    problems.Add($"{path}: node {i} does not match the hash recomputed from the entries");
                    break;
                }
            }

            levels.Add(current);
            var parents = new byte[current.Length / 2][];
            for (var i = 0; i < parents.Length; i++)
            {
                parents[i] = MerkleHash.Node(current[2 * i], current[(2 * i) + 1]);
            }

            current = parents;
        }

        return levels;
    }

    private static int CheckCheckpoints(string path, long size, MerkleProofs proofs, ECDsa? publicKey, List<string> problems)
    {
        List<SignedTreeHead> heads;
        try
        {
            heads = CheckpointFile.ReadAll(path);
        }
        catch (InvalidDataException ex)
        {
            problems.Add(ex.Message);
            return 0;
        }

        var verified = 0;
        long previous = 0;
        for (var i = 0; i < heads.Count; i++)
        {
            var head = heads[i];
            var before = problems.Count;
            if (publicKey is not null && !head.VerifySignature(publicKey))
            {
                problems.Add($"{path}: checkpoint {i + 1} (size {head.TreeSize}): the signature does not verify under this public key (key id {LogKeys.KeyId(publicKey)}, signed by {head.KeyId})");
            }

            if (head.TreeSize > size || head.TreeSize < previous)
            {
                problems.Add($"{path}: checkpoint {i + 1} states size {head.TreeSize}; the log holds {size} and the previous checkpoint {previous}");
            }
            else if (!proofs.Root(head.TreeSize).AsSpan().SequenceEqual(head.RootHash))
            {
                problems.Add($"{path}: checkpoint {i + 1} (size {head.TreeSize}): its root is not the root of the log's first {head.TreeSize} entries");
            }

            previous = Math.Max(previous, head.TreeSize);
            verified += problems.Count == before ? 1 : 0;
        }

        return verified;
    }

    private sealed class MemoryNodes(List<byte[][]> levels) : INodeSource
    {
        public byte[] Node(int level, long index) => levels[level][index];
    }
}
