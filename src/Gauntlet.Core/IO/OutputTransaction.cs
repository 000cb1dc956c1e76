using System.Runtime.InteropServices;

namespace Gauntlet.Core.IO;

/// <summary>
/// Writes a set of output files all or nothing: every file is first written into a hidden staging
/// folder beside its target (same file system, so the final rename is atomic), and only
/// <see cref="Commit"/> moves them into place. Any failure, while staging or while committing, removes
/// what this run created and leaves files from earlier runs as they were; no temporary file or
/// partial set is left behind.
/// </summary>
/// <remarks>
/// <list type="bullet">
/// <item>A target that is a symbolic link: its final target is replaced and the link stays a link.</item>
/// <item>A target that is a device or FIFO (<c>/dev/null</c>, a pipe): the content is staged in the
/// system's temporary folder and written through at commit, before any rename, so a device that
/// refuses data (<c>/dev/full</c>) stops the commit before anything else changes. Such writes cannot
/// be undone.</item>
/// <item>A target folder that does not exist (its parent must): the staging folder itself is renamed
/// into it at commit, so a failed run leaves no empty folder either.</item>
/// <item>A replaced file keeps its permission bits; until the commit succeeds the old file is kept
/// through a hard link (a copy where links are unsupported) and restored if a later rename fails.</item>
/// <item>Files a writer puts beside the staged path (a model's manifest) are committed with it.</item>
/// </list>
/// Dispose without <see cref="Commit"/> discards everything staged.
/// </remarks>
public sealed partial class OutputTransaction : IDisposable
{
    private readonly Dictionary<string, Staging> _folders = new(StringComparer.Ordinal);
    private readonly List<(string Target, string Staged, string Device)> _devices = [];
    private readonly HashSet<string> _staged = new(StringComparer.Ordinal);
    private string? _deviceStaging;
    private bool _done;

    /// <summary>Stages the bytes <paramref name="write"/> puts into the stream as the content of <paramref name="target"/>.</summary>
    /// <param name="target">The file to write at commit, as the user named it (used in messages).</param>
    /// <param name="write">Writes the content.</param>
    /// <exception cref="OutputWriteException">Staging failed (full disk, read-only folder); nothing is left of it.</exception>
    public void Write(string target, Action<Stream> write)
    {
        ArgumentNullException.ThrowIfNull(write);
        WriteWith(target, staged =>
        {
            using var stream = new FileStream(staged, FileMode.CreateNew, FileAccess.Write, FileShare.None, 1 << 16);
            write(stream);
        });
    }

    /// <summary>Stages <paramref name="text"/> (UTF-8, no byte-order mark) as the content of <paramref name="target"/>.</summary>
    /// <param name="target">The file to write at commit.</param>
    /// <param name="text">The content.</param>
    /// <exception cref="OutputWriteException">Staging failed.</exception>
    public void WriteAllText(string target, string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        Write(target, stream => stream.Write(System.Text.Encoding.UTF8.GetBytes(text)));
    }

    /// <summary>
    /// Stages <paramref name="target"/> through a writer that takes a path: <paramref name="writeTo"/>
    /// receives the staging path (same file name as the target) and may also write companion files
    /// beside it, which are committed into the target's folder too.
    /// </summary>
    /// <param name="target">The file to write at commit.</param>
    /// <param name="writeTo">Writes the file at the path it is given.</param>
    /// <exception cref="OutputWriteException">Staging failed.</exception>
    public void WriteWith(string target, Action<string> writeTo)
    {
        ArgumentException.ThrowIfNullOrEmpty(target);
        ArgumentNullException.ThrowIfNull(writeTo);
        ObjectDisposedException.ThrowIf(_done, this);
        try
        {
            writeTo(Stage(target));
        }
        catch (Exception ex) when (ex is UnauthorizedAccessException || (ex is IOException && ex is not OutputWriteException))
        {
            throw new OutputWriteException(target, OutputWriteException.ReasonOf(ex), ex);
        }
    }

    /// <summary>Moves every staged file into place, all or nothing.</summary>
    /// <returns>The targets written, full paths, in the order they were staged (companions after them).</returns>
    /// <exception cref="OutputWriteException">A device refused the data or a rename failed; every file is as it was before (device writes excepted).</exception>
    public IReadOnlyList<string> Commit()
    {
        ObjectDisposedException.ThrowIf(_done, this);
        var written = new List<string>();
        var undo = new Stack<Action>();
        try
        {
            foreach (var (target, staged, device) in _devices)
            {
                Guard(target, () =>
                {
                    using var source = File.OpenRead(staged);
                    using var sink = new FileStream(device, FileMode.Open, FileAccess.Write, FileShare.ReadWrite, 1);
                    source.CopyTo(sink);
                });
                written.Add(device);
            }

            foreach (var (folder, staging) in _folders)
            {
                if (staging.NewFolder)
                {
                    Guard(folder, () => Directory.Move(staging.Path, folder));
                    undo.Push(() => Directory.Delete(folder, recursive: true));
                    written.AddRange(Directory.GetFiles(folder).Order(StringComparer.Ordinal));
                    continue;
                }

                foreach (var staged in Directory.GetFiles(staging.Path).Where(f => !Path.GetFileName(f).StartsWith(BackupPrefix, StringComparison.Ordinal)).Order(StringComparer.Ordinal))
                {
                    var destination = Path.Combine(folder, Path.GetFileName(staged));
                    Guard(destination, () => Place(staged, destination, staging.Path, undo));
                    written.Add(destination);
                }
            }
        }
        catch
        {
            while (undo.Count > 0)
            {
                TryQuietly(undo.Pop());
            }

            Discard();
            throw;
        }

        Discard();
        return written;
    }

    /// <summary>Discards whatever was staged and not committed.</summary>
    public void Dispose() => Discard();

    private const string BackupPrefix = ".gauntlet-backup-";

    private static void Guard(string target, Action action)
    {
        try
        {
            action();
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            throw new OutputWriteException(target, OutputWriteException.ReasonOf(ex), ex);
        }
    }

    // Renames a staged file over its destination (through a symlink to its final target), keeping
    // the old file under a hard link in the staging folder so a later failure can put it back.
    private static void Place(string staged, string destination, string stagingFolder, Stack<Action> undo)
    {
        var full = Path.GetFullPath(destination);
        switch (FileKinds.Of(full))
        {
            case FileKind.Directory:
                throw new IOException("it is a folder");
            case FileKind.Special:
                using (var source = File.OpenRead(staged))
                using (var sink = new FileStream(full, FileMode.Open, FileAccess.Write, FileShare.ReadWrite, 1))
                {
                    source.CopyTo(sink);
                }

                return;
            case FileKind.Regular:
                var final = RealPath.Of(full);
                var backup = Path.Combine(stagingFolder, BackupPrefix + Path.GetFileName(staged));
                KeepCopy(final, backup);
                if (!OperatingSystem.IsWindows())
                {
                    File.SetUnixFileMode(staged, File.GetUnixFileMode(final));
                }

                File.Move(staged, final, overwrite: true);
                undo.Push(() => File.Move(backup, final, overwrite: true));
                return;
            default:
                var created = RealPath.Of(full);
                File.Move(staged, created);
                undo.Push(() => File.Delete(created));
                return;
        }
    }

    private static void KeepCopy(string file, string backup)
    {
        if (OperatingSystem.IsWindows() || Link(file, backup) != 0)
        {
            File.Copy(file, backup, overwrite: true); // a file system without hard links
        }
    }

    private string Stage(string target)
    {
        var full = Path.GetFullPath(target);
        var kind = FileKinds.Of(full);
        if (kind == FileKind.Directory)
        {
            throw new IOException("it is a folder");
        }

        string staged;
        if (kind == FileKind.Special)
        {
            // Opening follows /dev/stdout -> /proc/self/fd/1 -> pipe:[…] in the kernel; the path is kept as given.
            _deviceStaging ??= Directory.CreateTempSubdirectory("gauntlet-out-").FullName;
            staged = Path.Combine(_deviceStaging, _devices.Count.ToString(System.Globalization.CultureInfo.InvariantCulture));
            _devices.Add((target, staged, full));
        }
        else
        {
            var final = RealPath.Of(full);
            var folder = Path.GetDirectoryName(final)!;
            staged = Path.Combine(StagingFor(folder), Path.GetFileName(final));
        }

        if (!_staged.Add(staged))
        {
            throw new InvalidOperationException($"{target} is staged twice in one transaction.");
        }

        return staged;
    }

    private string StagingFor(string folder)
    {
        if (_folders.TryGetValue(folder, out var staging))
        {
            return staging.Path;
        }

        var suffix = ".gauntlet-" + Guid.NewGuid().ToString("N")[..12] + ".tmp";
        if (Directory.Exists(folder))
        {
            staging = new Staging(Path.Combine(folder, suffix), NewFolder: false);
        }
        else
        {
            var parent = Path.GetDirectoryName(folder);
            if (parent is null || !Directory.Exists(parent))
            {
                throw new DirectoryNotFoundException($"the folder {parent ?? folder} does not exist");
            }

            staging = new Staging(Path.Combine(parent, "." + Path.GetFileName(folder) + suffix), NewFolder: true);
        }

        Directory.CreateDirectory(staging.Path);
        _folders[folder] = staging;
        return staging.Path;
    }

    private void Discard()
    {
        _done = true;
        foreach (var staging in _folders.Values)
        {
            TryQuietly(() =>
            {
                if (Directory.Exists(staging.Path))
                {
                    Directory.Delete(staging.Path, recursive: true);
                }
            });
        }

        if (_deviceStaging is { } temp)
        {
            TryQuietly(() => Directory.Delete(temp, recursive: true));
        }

        _folders.Clear();
        _devices.Clear();
    }

    private static void TryQuietly(Action action)
    {
        try
        {
            action();
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            // Cleaning up after a failure: the failure itself is what gets reported.
        }
    }

    private sealed record Staging(string Path, bool NewFolder);

    [LibraryImport("libc", EntryPoint = "link", StringMarshalling = StringMarshalling.Utf8, SetLastError = true)]
    private static partial int Link(string existing, string newPath);
}
