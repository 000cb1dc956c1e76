using System.IO.Compression;
using Gauntlet.Core.IO;

namespace Gauntlet.Data;

/// <summary>
/// A NumPy <c>.npz</c> archive: a zip of <c>.npy</c> members, stored or deflated (as written by
/// <c>np.savez</c> and <c>np.savez_compressed</c>). Members are read on demand; each member's
/// declared uncompressed size is checked against <see cref="MaxMemberBytes"/> and against what its
/// compressed size could inflate to (deflate tops out near 1032:1) before reading, and the
/// decompressed stream is cut off at that size too, so a zip bomb cannot exhaust memory. The
/// archive itself is opened through <see cref="InputFile"/> (a regular file within <see cref="InputLimits.InputBytes"/>).
/// </summary>
public sealed class NpzFile : IDisposable
{
    private readonly ZipArchive _zip;
    private readonly Dictionary<string, ZipArchiveEntry> _members;

    private NpzFile(ZipArchive zip, Dictionary<string, ZipArchiveEntry> members, string path, long maxMemberBytes)
    {
        _zip = zip;
        _members = members;
        Path = path;
        MaxMemberBytes = maxMemberBytes;
    }

    // Deflate cannot beat about 1032:1; the slack covers tiny members and stored entries.
    private const long MaxDeflateRatio = 1032;
    private const long DeflateSlack = 4096;

    /// <summary>The default cap on one member's uncompressed size: 2 GiB.</summary>
    public const long DefaultMaxMemberBytes = 2L << 30;

    /// <summary>The archive's path, used in errors.</summary>
    public string Path { get; }

    /// <summary>The cap on one member's uncompressed size, in bytes.</summary>
    public long MaxMemberBytes { get; }

    /// <summary>The array names (member names without the <c>.npy</c> extension), in archive order.</summary>
    public IReadOnlyList<string> Names => [.. _members.Keys];

    /// <summary>Opens an archive; dispose it when done.</summary>
    /// <exception cref="FileNotFoundException">The file does not exist.</exception>
    /// <exception cref="InvalidDataException">The path is a folder, not a regular file or too large, the file is not a readable zip archive, or a member name repeats; the message names the file.</exception>
    public static NpzFile Open(string path, long maxMemberBytes = DefaultMaxMemberBytes)
    {
        var file = InputFile.OpenRead(path, "NumPy archive");
        ZipArchive zip;
        try
        {
            zip = new ZipArchive(file, ZipArchiveMode.Read, leaveOpen: false);
        }
        catch (Exception ex) when (ex is InvalidDataException or IOException or ArgumentException or NotSupportedException)
        {
            file.Dispose();
            throw new InvalidDataException($"{path}: not a readable .npz (zip) archive: {ex.Message}", ex);
        }

        var members = new Dictionary<string, ZipArchiveEntry>(StringComparer.Ordinal);
        try
        {
            foreach (var entry in zip.Entries)
            {
                if (entry.FullName.EndsWith('/'))
                {
                    continue;
                }

                var name = entry.FullName.EndsWith(".npy", StringComparison.Ordinal) ? entry.FullName[..^4] : entry.FullName;
                if (!members.TryAdd(name, entry))
                {
                    throw new InvalidDataException($"{path}: member '{entry.FullName}' appears twice in the archive.");
                }
            }
        }
        catch (Exception ex) when (ex is IOException or ArgumentException && ex is not FileNotFoundException)
        {
            zip.Dispose();
            throw new InvalidDataException($"{path}: corrupt zip directory: {ex.Message}", ex);
        }
        catch (InvalidDataException)
        {
            zip.Dispose();
            throw;
        }

        return new NpzFile(zip, members, path, maxMemberBytes);
    }

    /// <summary>Reads one array by name (with or without <c>.npy</c>).</summary>
    /// <exception cref="KeyNotFoundException">No member has that name; the message lists the members.</exception>
    /// <exception cref="InvalidDataException">The member is larger than the cap, corrupt or not a supported <c>.npy</c> array.</exception>
    public NpyArray Read(string name)
    {
        var key = name.EndsWith(".npy", StringComparison.Ordinal) ? name[..^4] : name;
        if (!_members.TryGetValue(key, out var entry))
        {
            throw new KeyNotFoundException($"{Path}: no array named '{name}'; the archive holds: {string.Join(", ", _members.Keys)}.");
        }

        var label = $"{Path}:{entry.FullName}";
        if (entry.Length > MaxMemberBytes)
        {
            throw new InvalidDataException($"{label}: declared uncompressed size {entry.Length} bytes exceeds the {MaxMemberBytes}-byte limit (possible zip bomb).");
        }

        if (entry.Length > (entry.CompressedLength * MaxDeflateRatio) + DeflateSlack)
        {
            throw new InvalidDataException($"{label}: declared uncompressed size {entry.Length} bytes is more than its {entry.CompressedLength} compressed bytes can inflate to (possible zip bomb).");
        }

        try
        {
            using var raw = entry.Open();
            using var limited = new LimitedReadStream(raw, entry.Length, label);
            return NpyArray.Read(limited, label, requireEnd: true, entry.Length);
        }
        catch (InvalidDataException ex) when (!ex.Message.StartsWith(label, StringComparison.Ordinal))
        {
            throw new InvalidDataException($"{label}: corrupt compressed data ({ex.Message}).", ex);
        }
        catch (Exception ex) when (ex is IOException or NotSupportedException)
        {
            throw new InvalidDataException($"{label}: cannot read the member ({ex.Message}).", ex);
        }
    }

    /// <inheritdoc />
    public void Dispose() => _zip.Dispose();

    /// <summary>A read-only stream that refuses to deliver more than the declared number of bytes.</summary>
    private sealed class LimitedReadStream(Stream inner, long limit, string name) : Stream
    {
        private long _read;

        public override bool CanRead => true;

        public override bool CanSeek => false;

        public override bool CanWrite => false;

        public override long Length => throw new NotSupportedException();

        public override long Position { get => _read; set => throw new NotSupportedException(); }

        public override int Read(byte[] buffer, int offset, int count) => Read(buffer.AsSpan(offset, count));

        public override int Read(Span<byte> buffer)
        {
            if (buffer.IsEmpty)
            {
                return 0;
            }

            if (_read >= limit)
            {
                // Probe one byte: more data than declared means the header lied about the size.
                Span<byte> probe = stackalloc byte[1];
                if (inner.Read(probe) > 0)
                {
                    throw new InvalidDataException($"{name}: member decompresses to more than its declared {limit} bytes.");
                }

                return 0;
            }

            var n = inner.Read(buffer[..(int)Math.Min(buffer.Length, limit - _read)]);
            _read += n;
            return n;
        }

        public override void Flush()
        {
        }

        public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();

        public override void SetLength(long value) => throw new NotSupportedException();

        public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();
    }
}
