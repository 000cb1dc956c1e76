using System.Buffers.Binary;
using Microsoft.Win32.SafeHandles;

namespace Gauntlet.Governance.Log;

/// <summary>
/// An append-only RFC 6962 Merkle log in a folder: entries, their leaf hashes and the hash of every
/// completed subtree, so that roots and proofs take O(log n) reads. One process at a time holds it
/// open (an flock'd lock file); opening repairs what a crash mid-append left behind.
/// </summary>
/// <remarks>
/// <para>Crash safety. An append writes the records to <c>entries.glog</c> and fsyncs it, then the
/// offset index and level files (derived data) and fsyncs them. A record is u32 length, bytes,
/// SHA-256 leaf hash, so a torn tail (a short record, or one whose hash does not match its bytes) is
/// recognised on open and cut off: the entries that were acknowledged (fsynced before
/// <see cref="Append(ReadOnlySpan{byte})"/> returned) are all there, and a half-written one is gone
/// whole. Caches shorter than the entries are recomputed, longer ones truncated.</para>
/// <para>Tampering is <see cref="LogVerifier"/>'s business: opening only repairs the tail.</para>
/// </remarks>
public sealed class MerkleLog : IDisposable, INodeSource
{
    /// <summary>The largest entry accepted, in bytes (16 MiB): a log holds events and digests, not artifacts.</summary>
    public const int MaxEntryBytes = 16 << 20;

    private readonly LogFiles _files;
    private readonly LogLock _lock;
    private readonly FileStream _entries;
    private readonly FileStream _offsets;
    private readonly List<FileStream> _levels = [];
    private readonly List<byte[]?> _frontier = [];
    private readonly MerkleProofs _proofs;

    private MerkleLog(LogFiles files, LogLock lockFile)
    {
        _files = files;
        _lock = lockFile;
        _entries = new FileStream(files.Entries, FileMode.OpenOrCreate, FileAccess.ReadWrite, FileShare.Read, 1 << 16);
        _offsets = new FileStream(files.Offsets, FileMode.OpenOrCreate, FileAccess.ReadWrite, FileShare.Read, 1 << 16);
        _proofs = new MerkleProofs(this);
    }

    /// <summary>The folder holding the log.</summary>
    public string Folder => _files.Folder;

    /// <summary>The number of entries (the tree size).</summary>
    public long Size { get; private set; }

    /// <summary>What <see cref="Open"/> repaired: bytes of a torn entry tail cut off (0 when the last append completed).</summary>
    public long RepairedTailBytes { get; private set; }

    /// <summary>
    /// Opens the log in <paramref name="folder"/> (created when absent), waiting up to
    /// <paramref name="lockTimeout"/> (default 30 s) for another writer, and repairs a torn tail.
    /// </summary>
    /// <exception cref="InvalidDataException">The folder holds something that is not a Gauntlet log.</exception>
    /// <exception cref="IOException">Another writer kept the lock for the whole wait.</exception>
    public static MerkleLog Open(string folder, TimeSpan? lockTimeout = null)
    {
        if (File.Exists(folder))
        {
            throw new InvalidDataException($"--log {folder}: is a file; a log is a folder");
        }

        Directory.CreateDirectory(folder);
        var files = new LogFiles(Path.GetFullPath(folder));
        var lockFile = LogLock.Acquire(files.Lock, lockTimeout ?? TimeSpan.FromSeconds(30));
        MerkleLog? log = null;
        try
        {
            log = new MerkleLog(files, lockFile);
            log.Recover();
            return log;
        }
        catch
        {
            if (log is not null)
            {
                log.Dispose();
            }
            else
            {
                lockFile.Dispose();
            }

            throw;
        }
    }

    /// <summary>The current root: MTH of all entries.</summary>
    public byte[] Root() => _proofs.Root(Size);

    /// <summary>The root of the first <paramref name="size"/> entries (the log as it was then).</summary>
    public byte[] RootAt(long size)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(size);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(size, Size);
        return _proofs.Root(size);
    }

    /// <summary>The inclusion proof of entry <paramref name="index"/> in the tree of <paramref name="size"/> entries (default: the whole log).</summary>
    public InclusionProof ProveInclusion(long index, long? size = null)
    {
        var treeSize = size ?? Size;
        if (treeSize > Size || treeSize < 1 || index < 0 || index >= treeSize)
        {
            throw new ArgumentOutOfRangeException(nameof(index), $"index {index} is not in a tree of {treeSize} entries (the log holds {Size})");
        }

        return new InclusionProof(treeSize, index, Node(0, index), _proofs.Root(treeSize), _proofs.InclusionPath(index, treeSize));
    }

    /// <summary>The consistency proof between the log at <paramref name="first"/> and at <paramref name="second"/> entries.</summary>
    public ConsistencyProof ProveConsistency(long first, long second)
    {
        if (first < 1 || first > second || second > Size)
        {
            throw new ArgumentOutOfRangeException(nameof(first), $"need 1 ≤ from ≤ to ≤ {Size} (the log's size); got from {first}, to {second}");
        }

        return new ConsistencyProof(first, second, _proofs.Root(first), _proofs.Root(second), _proofs.ConsistencyProof(first, second));
    }

    /// <summary>
    /// Signs the current head with <paramref name="key"/> and appends it to the log's checkpoints.
    /// </summary>
    /// <param name="key">The log's private key.</param>
    /// <param name="origin">The log's name in the statement (default: the folder's name).</param>
    /// <param name="now">The time to state (default: now).</param>
    public SignedTreeHead Checkpoint(System.Security.Cryptography.ECDsa key, string? origin = null, DateTimeOffset? now = null)
    {
        var head = SignedTreeHead.Sign(key, origin ?? Path.GetFileName(Folder), Size, Root(), now ?? DateTimeOffset.UtcNow);
        CheckpointFile.Append(_files.Checkpoints, head);
        return head;
    }

    /// <summary>The signed tree heads appended so far, oldest first.</summary>
    public IReadOnlyList<SignedTreeHead> Checkpoints() => CheckpointFile.ReadAll(_files.Checkpoints);

    /// <summary>The bytes of entry <paramref name="index"/>.</summary>
    public byte[] ReadEntry(long index)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(index);
        ArgumentOutOfRangeException.ThrowIfGreaterThanOrEqual(index, Size);
        var offset = ReadOffset(index);
        Span<byte> prefix = stackalloc byte[4];
        ReadExactly(_entries.SafeFileHandle, prefix, offset);
        var data = new byte[BinaryPrimitives.ReadUInt32LittleEndian(prefix)];
        ReadExactly(_entries.SafeFileHandle, data, offset + 4);
        return data;
    }

    /// <summary>Appends one entry and makes it durable (fsync) before returning.</summary>
    /// <returns>The entry's index.</returns>
    public long Append(ReadOnlySpan<byte> entry)
    {
        var index = Size;
        AppendMany([entry.ToArray()]);
        return index;
    }

    /// <summary>Appends entries and makes them durable with one fsync of each file: the batch form for bulk loads.</summary>
    /// <returns>The index of the first entry.</returns>
    /// <exception cref="ArgumentException">An entry is larger than <see cref="MaxEntryBytes"/>.</exception>
    public long AppendMany(IReadOnlyList<byte[]> entries)
    {
        foreach (var entry in entries)
        {
            if (entry.Length > MaxEntryBytes)
            {
                throw new ArgumentException($"a log entry is at most {MaxEntryBytes} bytes; got {entry.Length}", nameof(entries));
            }
        }

        var first = Size;
        var faultAfter = FaultInjection.CrashAfterBytes();
        var hashes = new byte[entries.Count][];
        var offsets = new long[entries.Count];
        _entries.Seek(0, SeekOrigin.End);
        Span<byte> prefix = stackalloc byte[4];
        for (var i = 0; i < entries.Count; i++)
        {
            offsets[i] = _entries.Position;
            hashes[i] = MerkleHash.Leaf(entries[i]);
            BinaryPrimitives.WriteUInt32LittleEndian(prefix, (uint)entries[i].Length);
            if (faultAfter is { } cut)
            {
                FaultInjection.WriteThenCrash(_entries, [.. prefix, .. entries[i], .. hashes[i]], cut);
            }

            _entries.Write(prefix);
            _entries.Write(entries[i]);
            _entries.Write(hashes[i]);
        }

        _entries.Flush(flushToDisk: true); // the entries are the log: durable before anything derived

        Span<byte> offset = stackalloc byte[8];
        _offsets.Seek(first * 8, SeekOrigin.Begin);
        for (var i = 0; i < entries.Count; i++)
        {
            BinaryPrimitives.WriteInt64LittleEndian(offset, offsets[i]);
            _offsets.Write(offset);
            AddLeafHash(hashes[i]);
        }

        FlushCaches();
        return first;
    }

    /// <inheritdoc />
    public byte[] Node(int level, long index)
    {
        if (level >= _levels.Count || index < 0 || index >= Size >> level)
        {
            throw new ArgumentOutOfRangeException(nameof(index), $"no complete subtree at level {level}, index {index} in a log of {Size}");
        }

        var hash = new byte[MerkleHash.Size];
        ReadExactly(_levels[level].SafeFileHandle, hash, index * MerkleHash.Size);
        return hash;
    }

    /// <inheritdoc />
    public void Dispose()
    {
        _entries.Dispose();
        _offsets.Dispose();
        foreach (var level in _levels)
        {
            level.Dispose();
        }

        _lock.Dispose();
    }

    private static void ReadExactly(SafeFileHandle handle, Span<byte> buffer, long offset)
    {
        var done = 0;
        while (done < buffer.Length)
        {
            var read = RandomAccess.Read(handle, buffer[done..], offset + done);
            if (read == 0)
            {
                throw new InvalidDataException($"the log ends at byte {offset + done} inside a record it indexes");
            }

            done += read;
        }
    }

    private long ReadOffset(long index)
    {
        Span<byte> buffer = stackalloc byte[8];
        ReadExactly(_offsets.SafeFileHandle, buffer, index * 8);
        return BinaryPrimitives.ReadInt64LittleEndian(buffer);
    }

    // Pushes a leaf hash into level 0 and every parent it completes (the right frontier holds the
    // pending left siblings, one per level whose count is odd).
    private void AddLeafHash(byte[] leaf)
    {
        var carry = leaf;
        var index = Size;
        var level = 0;
        while (true)
        {
            var file = LevelFile(level);
            if (file.Position != index * MerkleHash.Size)
            {
                file.Seek(index * MerkleHash.Size, SeekOrigin.Begin); // only after recovery: Seek flushes the buffer
            }

            file.Write(carry);
            if ((index & 1) == 0)
            {
                SetFrontier(level, carry);
                break;
            }

            carry = MerkleHash.Node(_frontier[level]!, carry);
            _frontier[level] = null;
            index >>= 1;
            level++;
        }

        Size++;
    }

    private void SetFrontier(int level, byte[] hash)
    {
        while (_frontier.Count <= level)
        {
            _frontier.Add(null);
        }

        _frontier[level] = hash;
    }

    private FileStream LevelFile(int level)
    {
        while (_levels.Count <= level)
        {
            _levels.Add(new FileStream(_files.Level(_levels.Count), FileMode.OpenOrCreate, FileAccess.ReadWrite, FileShare.Read, 1 << 14));
        }

        return _levels[level];
    }

    private void FlushCaches()
    {
        _offsets.Flush(flushToDisk: true);
        foreach (var level in _levels)
        {
            level.Flush(flushToDisk: true);
        }
    }

    // Finds the entries that are whole, cuts off a torn tail, and brings the caches to match.
    private void Recover()
    {
        if (_entries.Length == 0)
        {
            _entries.Write(LogFiles.Header);
            _entries.Flush(flushToDisk: true);
        }

        Span<byte> header = stackalloc byte[8];
        if (_entries.Length < 8 || RandomAccess.Read(_entries.SafeFileHandle, header, 0) < 8 || !header.SequenceEqual(LogFiles.Header))
        {
            throw new InvalidDataException($"{_files.Entries}: not a Gauntlet log (bad header)");
        }

        // Trust the offset index up to its last record that is whole and hashes right; scan on from there.
        var indexed = _offsets.Length / 8;
        long count = 0, end = 8;
        while (indexed > 0)
        {
            var offset = ReadOffset(indexed - 1);
            if (RecordAt(offset) is { } last)
            {
                count = indexed;
                end = offset + LogFiles.RecordSize(last.Length);
                break;
            }

            indexed--;
        }

        var added = new List<(long Offset, byte[] Hash)>();
        while (RecordAt(end) is { } record)
        {
            added.Add((end, record.Hash));
            end += LogFiles.RecordSize(record.Length);
        }

        if (end < _entries.Length)
        {
            RepairedTailBytes = _entries.Length - end;
            _entries.SetLength(end);
            _entries.Flush(flushToDisk: true);
        }

        _offsets.SetLength(count * 8);
        Span<byte> buffer = stackalloc byte[8];
        _offsets.Seek(0, SeekOrigin.End);
        foreach (var (offset, _) in added)
        {
            BinaryPrimitives.WriteInt64LittleEndian(buffer, offset);
            _offsets.Write(buffer);
        }

        RecoverLevels(count, added.Select(a => a.Hash).ToList());
        FlushCaches();
    }

    // Level files hold floor(n / 2^k) nodes; a crash leaves them short (rebuilt from the level
    // below) and a cut tail leaves them long (truncated). Level 0 is rebuilt from the records.
    private void RecoverLevels(long indexedCount, List<byte[]> newLeaves)
    {
        var total = indexedCount + newLeaves.Count;
        Size = total;
        for (var level = 0; File.Exists(_files.Level(level)) || (total >> level) > 0; level++)
        {
            var file = LevelFile(level);
            var want = total >> level;
            if (want == 0)
            {
                file.SetLength(0);
                continue;
            }

            var have = Math.Min(file.Length / MerkleHash.Size, want);
            file.SetLength(have * MerkleHash.Size);
            file.Seek(0, SeekOrigin.End);
            for (var i = have; i < want; i++)
            {
                file.Write(level == 0 ? LeafHashOf(i, indexedCount, newLeaves) : MerkleHash.Node(Node(level - 1, 2 * i), Node(level - 1, (2 * i) + 1)));
            }

            file.Flush();
        }

        for (var level = 0; (total >> level) > 0; level++)
        {
            if (((total >> level) & 1) == 1)
            {
                SetFrontier(level, Node(level, (total >> level) - 1));
            }
        }
    }

    private byte[] LeafHashOf(long index, long indexedCount, List<byte[]> newLeaves)
    {
        if (index >= indexedCount)
        {
            return newLeaves[(int)(index - indexedCount)];
        }

        var offset = ReadOffset(index);
        Span<byte> prefix = stackalloc byte[4];
        ReadExactly(_entries.SafeFileHandle, prefix, offset);
        var hash = new byte[MerkleHash.Size];
        ReadExactly(_entries.SafeFileHandle, hash, offset + 4 + BinaryPrimitives.ReadUInt32LittleEndian(prefix));
        return hash;
    }

    // The record at offset when it is whole and its hash matches its bytes; null for a torn or bad tail.
    private (long Length, byte[] Hash)? RecordAt(long offset)
    {
        var fileLength = _entries.Length;
        if (offset < 8 || offset + 4 > fileLength)
        {
            return null;
        }

        Span<byte> prefix = stackalloc byte[4];
        ReadExactly(_entries.SafeFileHandle, prefix, offset);
        long length = BinaryPrimitives.ReadUInt32LittleEndian(prefix);
        if (length > MaxEntryBytes || offset + LogFiles.RecordSize(length) > fileLength)
        {
            return null;
        }

        var data = new byte[length];
        var hash = new byte[MerkleHash.Size];
        ReadExactly(_entries.SafeFileHandle, data, offset + 4);
        ReadExactly(_entries.SafeFileHandle, hash, offset + 4 + length);
        return MerkleHash.Leaf(data).AsSpan().SequenceEqual(hash) ? (length, hash) : null;
    }
}
