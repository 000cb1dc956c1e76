using System.Globalization;
using System.Text;

namespace Gauntlet.Core.IO;

/// <summary>
/// The one way Gauntlet opens a file it was given to read: data sets, labels, models, plans and
/// reports all come through here, so every reader refuses the same things the same way.
/// </summary>
/// <remarks>
/// <list type="bullet">
/// <item>Symbolic links are followed to their final target; the target is what is checked.</item>
/// <item>Only regular files are read. A folder is refused ("is a folder, not a file"); a FIFO, a
/// character or block device (<c>/dev/zero</c>, <c>/dev/null</c>) or a socket is refused before it
/// is opened, since opening a FIFO with no writer blocks forever and a device never ends. The kind
/// comes from <c>statx(2)</c> on Linux (<see cref="FileKinds"/>, shared with <see cref="AtomicFile"/>).</item>
/// <item>Every refusal is an <see cref="InvalidDataException"/> (what the readers already raise for
/// malformed content) whose one-line message starts with the path.</item>
/// <item>The size is checked against a <see cref="ByteLimit"/> before anything is read, and the
/// refusal names the limit and how to raise it (<see cref="InputLimits"/>).</item>
/// <item>The kind is checked just before the file is opened; a path swapped for a FIFO in between
/// is not caught (there is no portable non-blocking open in .NET).</item>
/// </list>
/// </remarks>
public static class InputFile
{
    /// <summary>Checks <paramref name="path"/> as <see cref="OpenRead"/> does, without opening it.</summary>
    /// <param name="path">The file.</param>
    /// <param name="what">What the file is for, e.g. <c>label file</c> or <c>ONNX model</c>; it appears in messages.</param>
    /// <param name="limit">The size cap; <see cref="InputLimits.InputBytes"/> when null.</param>
    /// <returns>The file's size in bytes.</returns>
    /// <exception cref="FileNotFoundException">Nothing exists at <paramref name="path"/> (or a link's target is missing).</exception>
    /// <exception cref="InvalidDataException">A folder, a non-regular file, or a file over the limit.</exception>
    public static long Check(string path, string what, ByteLimit? limit = null)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        var (kind, description) = FileKinds.Describe(Path.GetFullPath(path));
        switch (kind)
        {
            case FileKind.Missing:
                throw new FileNotFoundException($"{what} not found: {path}", path);
            case FileKind.Directory:
                throw new InvalidDataException($"{path}: is a folder, not a file (expected {what}).");
            case FileKind.Special:
                var type = description.Length == 0 ? "device" : description;
                throw new InvalidDataException($"{path}: is not a regular file ({type}); Gauntlet reads regular files only (expected {what}).");
        }

        var size = new FileInfo(path).Length;
        var cap = limit ?? InputLimits.InputBytes;
        if (size > cap.Bytes)
        {
            throw TooLarge(path, what, size.ToString("N0", CultureInfo.InvariantCulture) + " bytes", cap);
        }

        return size;
    }

    /// <summary>Opens <paramref name="path"/> for reading after the checks of <see cref="Check"/>.</summary>
    /// <param name="path">The file.</param>
    /// <param name="what">What the file is for; it appears in messages.</param>
    /// <param name="limit">The size cap; <see cref="InputLimits.InputBytes"/> when null.</param>
    /// <returns>A seekable stream; the caller disposes it. A file that grows after the check is read as it is: readers bound what they allocate by the sizes they declare.</returns>
    /// <exception cref="FileNotFoundException">Nothing exists at <paramref name="path"/>.</exception>
    /// <exception cref="InvalidDataException">A folder, a non-regular file, or a file over the limit.</exception>
    public static FileStream OpenRead(string path, string what, ByteLimit? limit = null)
    {
        Check(path, what, limit);
        return new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read, bufferSize: 1 << 16);
    }

    /// <summary>Reads the whole of <paramref name="path"/> after the checks of <see cref="Check"/>, never more than the limit even if the file grows meanwhile.</summary>
    /// <param name="path">The file.</param>
    /// <param name="what">What the file is for; it appears in messages.</param>
    /// <param name="limit">The size cap; <see cref="InputLimits.InputBytes"/> when null.</param>
    /// <exception cref="FileNotFoundException">Nothing exists at <paramref name="path"/>.</exception>
    /// <exception cref="InvalidDataException">A folder, a non-regular file, or a file over the limit.</exception>
    public static byte[] ReadAllBytes(string path, string what, ByteLimit? limit = null)
    {
        var cap = limit ?? InputLimits.InputBytes;
        var size = Check(path, what, cap);
        using var stream = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read, bufferSize: 1);
        if (size > Array.MaxLength)
        {
            throw TooLarge(path, what, size.ToString("N0", CultureInfo.InvariantCulture) + " bytes", new ByteLimit(Array.MaxLength, "read it in parts"));
        }

        // Sized by the check, then read to the end: a file that reports size 0 (/proc) or grows still stops at the cap.
        var buffer = new MemoryStream((int)size);
        var chunk = new byte[1 << 16];
        int n;
        while ((n = stream.Read(chunk)) > 0)
        {
            if (buffer.Length + n > cap.Bytes)
            {
                throw TooLarge(path, what, "more than " + cap.Bytes.ToString("N0", CultureInfo.InvariantCulture) + " bytes", cap);
            }

            buffer.Write(chunk, 0, n);
        }

        return buffer.Length == buffer.Capacity ? buffer.GetBuffer() : buffer.ToArray();
    }

    /// <summary>Reads <paramref name="path"/> as text (UTF-8 unless a byte-order mark says otherwise) after the checks of <see cref="Check"/>.</summary>
    /// <param name="path">The file.</param>
    /// <param name="what">What the file is for; it appears in messages.</param>
    /// <param name="limit">The size cap; <see cref="InputLimits.DocumentBytes"/> when null.</param>
    /// <exception cref="FileNotFoundException">Nothing exists at <paramref name="path"/>.</exception>
    /// <exception cref="InvalidDataException">A folder, a non-regular file, or a file over the limit.</exception>
    public static string ReadAllText(string path, string what, ByteLimit? limit = null)
    {
        var bytes = ReadAllBytes(path, what, limit ?? InputLimits.DocumentBytes);
        using var reader = new StreamReader(new MemoryStream(bytes), Encoding.UTF8, detectEncodingFromByteOrderMarks: true);
        return reader.ReadToEnd();
    }

    /// <summary>Opens <paramref name="path"/> as a text reader (UTF-8 unless a byte-order mark says otherwise) after the checks of <see cref="Check"/>; for line-by-line readers.</summary>
    /// <param name="path">The file.</param>
    /// <param name="what">What the file is for; it appears in messages.</param>
    /// <param name="limit">The size cap; <see cref="InputLimits.TableBytes"/> when null.</param>
    /// <exception cref="FileNotFoundException">Nothing exists at <paramref name="path"/>.</exception>
    /// <exception cref="InvalidDataException">A folder, a non-regular file, or a file over the limit.</exception>
    public static StreamReader OpenText(string path, string what, ByteLimit? limit = null) =>
        new(OpenRead(path, what, limit ?? InputLimits.TableBytes), Encoding.UTF8, detectEncodingFromByteOrderMarks: true);

    /// <summary>The refusal for an input over <paramref name="limit"/>; for readers that find a declared or decompressed size too large.</summary>
    /// <param name="path">The file (or <c>archive:member</c>).</param>
    /// <param name="what">What the file is for.</param>
    /// <param name="size">The size found, in words (e.g. <c>5,000 bytes</c>).</param>
    /// <param name="limit">The limit it exceeds.</param>
    public static InvalidDataException TooLarge(string path, string what, string size, ByteLimit limit) =>
        new($"{path}: {what} is {size}, over the {limit.Bytes.ToString("N0", CultureInfo.InvariantCulture)}-byte limit ({limit.HowToRaise}).");
}
