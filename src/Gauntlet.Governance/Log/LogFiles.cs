namespace Gauntlet.Governance.Log;

/// <summary>
/// The files of a log folder. <c>entries.glog</c> is the log itself (the only file that is not
/// derived); the offset index and the level files are caches rebuilt from it after a crash, and
/// checkpoints are signed statements about it.
/// </summary>
internal sealed record LogFiles(string Folder)
{
    /// <summary>The 8-byte header of the entry file: magic and format version 1.</summary>
    public static ReadOnlySpan<byte> Header => "GLOG\u0001\0\0\0"u8;

    /// <summary>Length-prefixed records: u32 little-endian length, the entry's bytes, its 32-byte leaf hash.</summary>
    public string Entries => Path.Combine(Folder, "entries.glog");

    /// <summary>One u64 little-endian file offset per entry, so entry i is one seek away.</summary>
    public string Offsets => Path.Combine(Folder, "entries.offsets");

    /// <summary>The signed tree heads, one JSON object a line, oldest first.</summary>
    public string Checkpoints => Path.Combine(Folder, "checkpoints.jsonl");

    /// <summary>Held exclusively (flock) by the one process that may change the log.</summary>
    public string Lock => Path.Combine(Folder, ".lock");

    /// <summary>The hashes of complete subtrees at <paramref name="level"/>, 32 bytes each, left to right.</summary>
    public string Level(int level) => Path.Combine(Folder, $"level-{level:D2}.hash");

    /// <summary>The size in bytes of the record of an entry of <paramref name="length"/> bytes.</summary>
    public static long RecordSize(long length) => 4 + length + MerkleHash.Size;
}
