namespace Gauntlet.Scanner.Containers;

/// <summary>One entry of a zip central directory, with the data offset taken from its local header.</summary>
internal sealed record ZipEntryInfo(
    string Name,
    ushort Flags,
    ushort Method,
    uint Crc32,
    long CompressedSize,
    long UncompressedSize,
    long LocalHeaderOffset,
    long DataOffset)
{
    public bool IsDirectory => Name.EndsWith('/');

    /// <summary>General-purpose flag bit 0: the entry claims to be encrypted.</summary>
    public bool IsEncrypted => (Flags & 1) != 0;
}
