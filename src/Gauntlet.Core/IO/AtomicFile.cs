using System.Text;

namespace Gauntlet.Core.IO;

/// <summary>
/// Writes files so a reader never sees half of one: the content goes to a temporary file in the
/// target's folder, which is flushed to disk and then renamed over the target. Every Gauntlet
/// output (reports, models, images, JSON) is written through here.
/// </summary>
/// <remarks>
/// <list type="bullet">
/// <item>When writing fails (the callback throws, the disk is full), the temporary file is removed
/// and the old target is left untouched; the exception propagates.</item>
/// <item>When the target is a symbolic link, the link's final target is replaced and the link stays
/// a link (as a shell redirection would do).</item>
/// <item>When the target exists and is not a regular file — a character device such as
/// <c>/dev/null</c> or <c>/dev/full</c>, a FIFO, a socket — the content is written straight to it:
/// renaming over it would replace a device node with a regular file. Such writes are not atomic.</item>
/// <item>A replaced file keeps its permission bits.</item>
/// <item><c>-</c> is an ordinary file name here; callers that mean standard output handle it.</item>
/// <item>The target's folder must exist.</item>
/// </list>
/// </remarks>
public static class AtomicFile
{
    private static readonly UTF8Encoding Utf8NoBom = new(encoderShouldEmitUTF8Identifier: false);

    /// <summary>Writes the bytes <paramref name="write"/> puts into the stream to <paramref name="path"/>.</summary>
    /// <param name="path">The file to write.</param>
    /// <param name="write">Writes the content; the stream is disposed afterwards.</param>
    /// <exception cref="ArgumentException"><paramref name="path"/> is empty.</exception>
    /// <exception cref="ArgumentNullException">An argument is null.</exception>
    /// <exception cref="DirectoryNotFoundException">The target's folder does not exist.</exception>
    /// <exception cref="IOException">The target is a folder, or the file could not be written.</exception>
    public static void Write(string path, Action<Stream> write)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        ArgumentNullException.ThrowIfNull(write);
        var full = Path.GetFullPath(path);
        if (FileKinds.Of(full) == FileKind.Special)
        {
            // Opened as given: the kernel follows /dev/stdout -> /proc/self/fd/1 -> pipe:[…], which no
            // path-level link resolution can name.
            WriteThrough(full, write);
            return;
        }

        var target = FinalTarget(full);
        switch (FileKinds.Of(target))
        {
            case FileKind.Directory:
                throw new IOException($"cannot write {path}: it is a folder");
            case FileKind.Special:
                WriteThrough(target, write);
                break;
            case FileKind.Missing:
                Replace(target, write, existing: false);
                break;
            case FileKind.Regular:
                Replace(target, write, existing: true);
                break;
        }
    }

    /// <summary>Writes <paramref name="text"/> to <paramref name="path"/>, atomically as <see cref="Write"/> does.</summary>
    /// <param name="path">The file to write.</param>
    /// <param name="text">The content.</param>
    /// <param name="encoding">The encoding; UTF-8 without a byte-order mark when null.</param>
    /// <exception cref="ArgumentNullException">An argument other than <paramref name="encoding"/> is null.</exception>
    /// <exception cref="IOException">The file could not be written.</exception>
    public static void WriteAllText(string path, string text, Encoding? encoding = null)
    {
        ArgumentNullException.ThrowIfNull(text);
        var bytes = (encoding ?? Utf8NoBom).GetBytes(text);
        var preamble = (encoding ?? Utf8NoBom).GetPreamble();
        Write(path, stream =>
        {
            stream.Write(preamble);
            stream.Write(bytes);
        });
    }

    /// <summary>Writes <paramref name="bytes"/> to <paramref name="path"/>, atomically as <see cref="Write"/> does.</summary>
    /// <param name="path">The file to write.</param>
    /// <param name="bytes">The content.</param>
    /// <exception cref="ArgumentNullException"><paramref name="path"/> is null.</exception>
    /// <exception cref="IOException">The file could not be written.</exception>
    public static void WriteAllBytes(string path, ReadOnlyMemory<byte> bytes) => Write(path, stream => stream.Write(bytes.Span));

    /// <summary>The file a write to <paramref name="fullPath"/> lands in: the final target of a chain of symbolic links, else the path itself.</summary>
    private static string FinalTarget(string fullPath)
    {
        // LinkTarget is null for a missing path or a non-link; resolving throws IOException on a link loop.
        var file = new FileInfo(fullPath);
        if (file.LinkTarget is null)
        {
            return fullPath;
        }

        return Path.GetFullPath(file.ResolveLinkTarget(returnFinalTarget: true)!.FullName);
    }

    private static void WriteThrough(string target, Action<Stream> write)
    {
        // No flush to disk: fsync on a FIFO or a terminal fails, and there is no disk behind them.
        using var stream = new FileStream(target, FileMode.Open, FileAccess.Write, FileShare.ReadWrite);
        write(stream);
    }

    private static void Replace(string target, Action<Stream> write, bool existing)
    {
        var folder = Path.GetDirectoryName(target)!;
        var temp = Path.Combine(folder, "." + Path.GetFileName(target) + "." + Guid.NewGuid().ToString("N")[..12] + ".tmp");
        var options = new FileStreamOptions { Mode = FileMode.CreateNew, Access = FileAccess.Write, Share = FileShare.None, BufferSize = 1 << 16 };
        if (existing && !OperatingSystem.IsWindows())
        {
            options.UnixCreateMode = File.GetUnixFileMode(target);
        }

        try
        {
            using (var stream = new FileStream(temp, options))
            {
                write(stream);
                stream.Flush(flushToDisk: true);
            }

            File.Move(temp, target, overwrite: true);
        }
        catch
        {
            TryDelete(temp);
            throw;
        }
    }

    private static void TryDelete(string temp)
    {
        try
        {
            File.Delete(temp);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            // The write's own exception is the one worth reporting; a temp file that cannot be removed
            // either way is left for the user rather than hiding why the write failed.
        }
    }
}
